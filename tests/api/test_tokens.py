"""Personal API tokens: created on a web page, key shown once, stored hashed, scoped,
revocable; every change audited."""

import hashlib
import re

import pytest
from django.urls import reverse

from api.models import ApiToken
from audit.models import AuditEvent
from tests.api.conftest import error_of, token_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_key_shown_once_and_stored_only_as_its_hash(client):
    user = UserFactory()
    client.force_login(user)
    page = client.post(reverse("api_tokens:list"), {"name": "省项目系统", "scope": "write"})
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    key = re.search(r'id="token-key">([^<]+)<', page.content.decode()).group(1)
    token = ApiToken.objects.get(user=user)
    assert token.key_sha256 == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:10]
    assert key not in str(
        list(ApiToken.objects.values_list("name", "prefix", "key_sha256", "scope"))
    )
    # Listed afterwards by name and prefix, never the key again.
    listing = client.get(reverse("api_tokens:list")).content.decode()
    assert "省项目系统" in listing
    assert token.prefix in listing
    assert key not in listing
    # The key works.
    response = token_client(None)
    response.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    me = response.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["token_scope"] == "write"
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert AuditEvent.objects.filter(action="api_token.create", actor=user).exists()


def test_revoked_token_is_401_and_revoking_is_audited(client):
    user = UserFactory()
    api = token_client(user)
    assert api.get("/api/v1/me/").status_code == 200
    token = ApiToken.objects.get(user=user)
    client.force_login(user)
    assert client.post(reverse("api_tokens:revoke", args=[token.pk])).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert error_of(response)["code"] == "authentication_failed"
    # Even on public endpoints: a bad token is an error, not silently anonymous.
    assert api.get("/api/v1/challenges/").status_code == 401
    assert AuditEvent.objects.filter(action="api_token.revoke", actor=user).exists()


def test_someone_elses_token_cannot_be_revoked(client):
    owner, other = UserFactory(), UserFactory()
    token_client(owner)
    token = ApiToken.objects.get(user=owner)
    client.force_login(other)
    assert client.post(reverse("api_tokens:revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_read_scope_cannot_write():
    from tests.bounty.bids.helpers import team
    from tests.bounty.helpers import published

    challenge = published()
    user, _org = team()
    reader = token_client(user, scope="read")
    response = reader.post(f"/api/v1/challenges/{challenge.ocid}/bids/", {}, format="json")
    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"
    writer = token_client(user, scope="write")
    assert (
        writer.post(f"/api/v1/challenges/{challenge.ocid}/bids/", {}, format="json").status_code
        == 201
    )


def test_token_page_needs_login_and_a_name(client):
    assert client.get(reverse("api_tokens:list")).status_code == 302
    client.force_login(UserFactory())
    page = client.post(reverse("api_tokens:list"), {"name": "", "scope": "read"})
    assert page.status_code == 400
    assert not ApiToken.objects.exists()


def test_malformed_authorization_headers_are_401_not_500(api):
    anonymous = api(None)
    for header in ("Bearer", "Bearer a b", "Bearer \u00e9t\u00e9", "Bearer nope"):
        anonymous.credentials(HTTP_AUTHORIZATION=header)
        response = anonymous.get("/api/v1/me/")
        assert response.status_code == 401, header
        error_of(response)


def test_api_token_command_prints_a_working_key(capsys):
    from django.core.management import call_command

    user = UserFactory(username="cli-user")
    call_command("api_token", "create", "--user", "cli-user", "--scope", "read")
    key = capsys.readouterr().out.strip()
    client = token_client(None)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/api/v1/me/").json()["username"] == user.username
