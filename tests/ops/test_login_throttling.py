"""django-axes: locked out by username + IP after AXES_FAILURE_LIMIT failures, shown on the
log-in page with a translated message; a successful log-in resets the count."""

import pytest
from django.test import override_settings

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PASSWORD = "pw-for-tests-1"


@pytest.fixture(autouse=True)
def _axes_on():
    with override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3, AXES_COOLOFF_TIME=0.5):
        yield


def _login(client, username, password, ip="10.0.0.1"):
    return client.post(
        LOGIN,
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_locked_out_after_the_limit_even_with_the_right_password(client):
    user = UserFactory()
    assert _login(client, user.username, "wrong").status_code == 200
    assert _login(client, user.username, "wrong").status_code == 200
    locked = _login(client, user.username, "wrong")
    assert locked.status_code == 429
    right = _login(client, user.username, PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    page = right.content.decode()
    assert "Too many failed log-in attempts" in page
    assert "30 minutes" in page
    assert 'name="password"' in page  # the log-in page itself, not a bare error page
    assert 'value="' + user.username + '"' in page


def test_lock_is_per_username_and_address(client):
    user, other = UserFactory(), UserFactory()
    for _ in range(3):
        _login(client, user.username, "wrong")
    # same address, another account: not locked
    response = _login(client, other.username, PASSWORD)
    assert response.status_code == 302
    client.logout()
    # same account, another address: not locked
    response = _login(client, user.username, PASSWORD, ip="10.0.0.2")
    assert response.status_code == 302


def test_success_resets_the_count(client):
    user = UserFactory()
    _login(client, user.username, "wrong")
    _login(client, user.username, "wrong")
    assert _login(client, user.username, PASSWORD).status_code == 302
    client.logout()
    _login(client, user.username, "wrong")
    _login(client, user.username, "wrong")
    assert _login(client, user.username, PASSWORD).status_code == 302


def test_limit_and_cooloff_come_from_settings(client):
    user = UserFactory()
    with override_settings(AXES_FAILURE_LIMIT=5, AXES_COOLOFF_TIME=2):
        for _ in range(4):
            assert _login(client, user.username, "wrong").status_code == 200
        response = _login(client, user.username, "wrong")
    assert response.status_code == 429
    assert "120 minutes" in response.content.decode()


def test_lockout_page_in_the_default_language(client):
    """zh-Hans by default: the page is the Chinese log-in page with the alert (its text
    comes from ops-zh.json once merged into locale/)."""
    user = UserFactory()
    for _ in range(3):
        response = client.post(LOGIN, {"username": user.username, "password": "wrong"})
    assert response.status_code == 429
    page = response.content.decode()
    assert '<html lang="zh-CN">' in page
    assert '<div class="errorbox" role="alert">' in page


def test_client_ip_behind_proxies(settings, rf):
    from ops.clientip import client_ip

    request = rf.get("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="6.6.6.6, 1.2.3.4")
    settings.OPS_TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.9.9.9"
    settings.OPS_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "1.2.3.4"  # the forged left entry is ignored
    settings.OPS_TRUSTED_PROXY_COUNT = 3
    assert client_ip(request) == "10.9.9.9"
