"""Two-factor log-in: required for officers and administrators, optional for others;
wrong or reused codes refused and counted toward the lock-out; recovery codes work
once; a lost phone is reset by the security administrator (audited)."""

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role
from audit.models import AuditEvent
from security import twofactor
from security.models import LoginRecord
from tests.factories import OrganizationFactory, UserFactory, administrator, member_of

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-1"  # UserFactory's


def officer():
    bureau = OrganizationFactory(kind="bureau", verified=True)
    return member_of(bureau, Role.BUREAU)


def code_for(device, offset=0):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def log_in(client, user):
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return response


STAFF_PAGES = [
    "bounty:vetting_queue",
    "accounts:bureau_queue",
    "review:pool",
    "documents:templates",
    "dashboard:bureau",
    "documents:contracts",
    "bounty:projects",
    "accounts:profile",
    "home",
]


def test_an_officer_without_a_second_factor_reaches_no_staff_page(client, two_factor_enforced):
    user = officer()
    log_in(client, user)
    for name in STAFF_PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("security:setup")), name
    assert client.get(reverse("admin:index")).status_code == 302
    api = client.get("/api/v1/bureau/challenges/")
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "second_factor_required"


def test_an_administrator_needs_it_too_and_the_admin_stays_closed(client, two_factor_enforced):
    user = administrator("audit")
    log_in(client, user)
    response = client.get(reverse("admin:audit_auditevent_changelist"))
    assert response.status_code == 302
    assert reverse("security:setup") in response["Location"]


def test_enrol_then_log_in_with_a_code(
    client, two_factor_enforced, django_capture_on_commit_callbacks
):
    user = officer()
    log_in(client, user)
    page = client.get(reverse("security:setup"))
    assert page.status_code == 200
    assert "<svg" in page.content.decode()  # the QR code is drawn here, no outside service
    assert reverse("dashboard:bureau") not in page.content.decode()  # no staff navigation yet
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    wrong = client.post(reverse("security:setup"), {"code": "000000"})
    assert wrong.status_code == 400
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse("security:setup"), {"code": code_for(device)})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10
    assert client.get(reverse("dashboard:bureau")).status_code == 200
    assert AuditEvent.objects.filter(action="security.second_factor_enable").exists()
    assert any("Two-factor" in m.subject or "双因素" in m.subject for m in mail.outbox)

    client.post(reverse("accounts:logout"))
    log_in(client, user)
    assert client.get(reverse("dashboard:bureau"))["Location"].startswith(
        reverse("security:verify")
    )
    device.refresh_from_db()
    # The code already used at enrolment is refused (a code works once).
    reused = client.post(reverse("security:verify"), {"code": code_for(device)})
    assert reused.status_code == 400
    assert "already used" in reused.content.decode() or "已用过" in reused.content.decode()
    device.last_t = -1
    device.throttling_failure_count = 0
    device.save()
    ok = client.post(
        reverse("security:verify"),
        {"code": code_for(device), "next": reverse("dashboard:bureau")},
    )
    assert ok.status_code == 302
    assert ok["Location"] == reverse("dashboard:bureau")
    assert client.get(reverse("dashboard:bureau")).status_code == 200


def test_a_recovery_code_works_once(client, two_factor_enforced):
    user = officer()
    TOTPDevice.objects.create(user=user, confirmed=True, name="authenticator")
    codes = twofactor.recovery_codes_regenerate(user=user)
    log_in(client, user)
    first = client.post(reverse("security:verify"), {"code": codes[0]})
    assert first.status_code == 302
    assert StaticToken.objects.filter(device__user=user).count() == 9
    client.post(reverse("accounts:logout"))
    log_in(client, user)
    again = client.post(reverse("security:verify"), {"code": codes[0]})
    assert again.status_code == 400


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_wrong_codes_count_toward_the_lock_out(client, two_factor_enforced):
    user = officer()
    TOTPDevice.objects.create(user=user, confirmed=True, name="authenticator")
    log_in(client, user)
    for _ in range(2):
        response = client.post(reverse("security:verify"), {"code": "123456"})
        assert response.status_code == 400
    locked = client.post(reverse("security:verify"), {"code": "654321"})
    assert locked.status_code == 429
    assert not client.session.get("_auth_user_id")  # signed out
    # And the password alone no longer opens the account.
    refused = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert refused.status_code == 429
    outcomes = set(LoginRecord.objects.filter(user=user).values_list("outcome", flat=True))
    assert {"failed_code", "locked_out"} <= outcomes


def test_the_security_administrator_resets_a_lost_phone(
    client, two_factor_enforced, django_capture_on_commit_callbacks
):
    from tests.security.conftest import verified

    user = officer()
    TOTPDevice.objects.create(user=user, confirmed=True, name="authenticator")
    twofactor.recovery_codes_regenerate(user=user)
    security = administrator("security")
    verified(client, security)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "reset_second_factor", "_selected_action": [user.pk]},
        )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticToken.objects.filter(device__user=user).exists()
    event = AuditEvent.objects.get(action="security.second_factor_reset")
    assert event.actor == security
    assert event.object_id == str(user.pk)
    assert [m.to for m in mail.outbox] == [[user.email]]


def test_the_system_administrator_cannot_reset_a_second_factor(client, two_factor_enforced):
    from tests.security.conftest import verified

    user = officer()
    TOTPDevice.objects.create(user=user, confirmed=True, name="authenticator")
    verified(client, administrator("system"))
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [user.pk]},
    )
    assert TOTPDevice.objects.filter(user=user).exists()


def test_optional_for_a_team_member_and_then_asked_at_log_in(client):
    user = UserFactory()
    log_in(client, user)
    assert client.get(reverse("accounts:profile")).status_code == 200  # not required
    client.get(reverse("security:setup"))
    device = TOTPDevice.objects.get(user=user)
    client.post(reverse("security:setup"), {"code": code_for(device)})
    client.post(reverse("accounts:logout"))
    log_in(client, user)
    assert client.get(reverse("accounts:profile"))["Location"].startswith(
        reverse("security:verify")
    )


def test_full_width_digits_and_spaces_are_forgiven():
    assert twofactor.normalize_code("１２３ ４５６") == "123456"
    assert twofactor.normalize_code(" 12-34 ") == "1234"


def test_a_required_role_cannot_turn_it_off(client, two_factor_enforced):
    from tests.security.conftest import verified

    user = officer()
    verified(client, user)
    client.post(reverse("security:disable"))
    assert TOTPDevice.objects.filter(user=user).exists()


def test_every_page_waits_for_the_second_factor(client, two_factor_enforced):
    """Every URL pattern of the site, walked by an officer who gave only the password:
    the answer is the set-up page (or the API's 403), never the page itself."""
    from django.urls import URLPattern, URLResolver, get_resolver

    from security.middleware import OPEN_PREFIXES

    def walk(resolver, prefix=""):
        for item in resolver.url_patterns:
            route = prefix + str(item.pattern)
            if isinstance(item, URLResolver):
                yield from walk(item, route)
            elif isinstance(item, URLPattern):
                yield route

    user = officer()
    log_in(client, user)
    open_paths = (reverse("security:verify"), reverse("security:setup"), *OPEN_PREFIXES)
    checked = 0
    for route in walk(get_resolver()):
        path = "/" + route.replace("^", "").replace("$", "")
        for converter in ("<int:", "<str:", "<slug:", "<path:", "<uuid:", "(?P<"):
            while converter in path:
                start = path.index(converter)
                path = path[:start] + "1" + path[path.index(">", start) + 1 :]
        path = path.replace(".*", "x")
        if path.startswith(open_paths):
            continue
        response = client.get(path)
        checked += 1
        if path.startswith("/api/"):
            assert response.status_code in (401, 403), path
        else:
            assert response.status_code == 302, path
            assert response["Location"].startswith(reverse("security:setup")), path
    assert checked > 100
