"""Session policy, log-in history, alerts, password policy, the deploy check."""

import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from security import sessions
from security.checks import superuser_recent_login
from security.models import LoginRecord
from tests.factories import OrganizationFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-1"


def officer():
    return member_of(OrganizationFactory(kind="bureau", verified=True), Role.BUREAU)


def log_in(client, user, agent="Browser A"):
    return client.post(
        reverse("accounts:login"),
        {"username": user.username, "password": PASSWORD},
        HTTP_USER_AGENT=agent,
    )


def age_session(client, **seconds):
    session = client.session
    for key, ago in seconds.items():
        session[key] = time.time() - ago
    session.save()


def test_idle_staff_session_ends_after_30_minutes(client, two_factor_enforced):
    from tests.security.conftest import verified

    verified(client, officer())
    client.get(reverse("home"))
    age_session(client, _sec_seen_at=31 * 60)
    session = client.session
    session[sessions.STAFF] = True
    session.save()
    response = client.get(reverse("dashboard:bureau"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session


def test_a_team_member_is_not_timed_out_after_30_minutes_but_after_the_absolute_limit(client):
    client.force_login(UserFactory())
    age_session(client, _sec_seen_at=31 * 60)
    assert client.get(reverse("accounts:profile")).status_code == 200
    age_session(client, _sec_login_at=13 * 3600)
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_one_staff_session_the_newer_wins_and_the_older_is_told(two_factor_enforced):
    user = officer()
    first, second = Client(), Client()
    log_in(first, user, "Browser A")
    log_in(second, user, "Browser B")
    response = first.get(reverse("accounts:profile"), follow=True)
    assert "another device" in response.content.decode() or "另一" in response.content.decode()
    assert "_auth_user_id" not in first.session
    assert "_auth_user_id" in second.session


def test_a_team_member_may_keep_two_sessions():
    user = UserFactory()
    first, second = Client(), Client()
    log_in(first, user, "A")
    log_in(second, user, "B")
    assert first.get(reverse("accounts:profile")).status_code == 200


def test_log_in_history_lists_only_my_own(client):
    me, other = UserFactory(), UserFactory()
    log_in(Client(), other, "Other browser")
    log_in(client, me, "My browser")
    page = client.get(reverse("security:login_history"))
    body = page.content.decode()
    assert "My browser" in body
    assert "Other browser" not in body
    assert LoginRecord.objects.filter(user=me, outcome="success").count() == 1


def test_a_new_device_and_a_password_change_are_emailed(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    log_in(Client(), user, "Old phone")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        log_in(Client(), user, "Old phone")
    assert mail.outbox == []  # a known device
    with django_capture_on_commit_callbacks(execute=True):
        log_in(client, user, "Strange browser")
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert "Strange browser" in mail.outbox[0].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:password_change"),
            {
                "old_password": PASSWORD,
                "new_password1": "Brand-new-pass-1",
                "new_password2": "Brand-new-pass-1",
            },
        )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]


def test_security_alerts_cannot_be_muted():
    from notifications.registry import is_mandatory, kinds

    assert is_mandatory("security.password_changed")
    assert "security.password_changed" not in dict(kinds())


def test_the_password_policy():
    user = UserFactory(username="zhangsan", full_name="张三")
    for weak in ("short1A", "password123", "12345678901", "alllowercaseletters", "zhangsan2026"):
        with pytest.raises(ValidationError):
            validate_password(weak, user)
    validate_password("Kiwi-orbit-2026", user)


def test_the_deploy_check_warns_about_a_recent_superuser_log_in(client):
    assert superuser_recent_login() == []
    root = UserFactory(is_superuser=True, is_staff=True)
    log_in(client, root)
    warnings = superuser_recent_login()
    assert [w.id for w in warnings] == ["security.W001"]
    assert root.username in warnings[0].msg


def test_staff_duty_command_installs_the_administrators(capsys):
    user = UserFactory()
    call_command("staff_duty", "grant", user.username, "security")
    call_command("staff_duty", "list")
    assert f"{user.username}\tsecurity" in capsys.readouterr().out
