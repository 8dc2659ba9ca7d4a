"""三员分立: three separate administrator accounts, none holding two duties or a business
role, granted only by the security administrator, every grant audited."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.exceptions import ActionRefused
from accounts.services import membership_add
from audit.models import AuditEvent
from security.duties import duty_grant, duty_revoke
from security.models import StaffDuty
from tests.factories import OrganizationFactory, UserFactory, administrator, member_of
from tests.security.conftest import verified

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_second_duty_for_one_account():
    user = administrator("system")
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffDuty.objects.create(user=user, duty="audit")


def test_the_service_refuses_a_second_duty_with_a_message():
    user = administrator("system")
    with pytest.raises(ActionRefused, match=r"only one|只能"):
        duty_grant(user=user, duty="audit")


def test_an_administrator_holds_no_business_role_and_the_reverse():
    admin = administrator("audit")
    bureau = OrganizationFactory(kind="bureau", verified=True)
    with pytest.raises(ActionRefused):
        membership_add(organization=bureau, user=admin, role="bureau")
    officer = member_of(bureau, "bureau")
    with pytest.raises(ActionRefused):
        duty_grant(user=officer, duty="security")


def test_a_superuser_is_not_given_a_duty():
    with pytest.raises(ActionRefused):
        duty_grant(user=UserFactory(is_superuser=True, is_staff=True), duty="audit")


def test_only_the_security_administrator_grants_and_never_to_themselves():
    security = administrator("security")
    target = UserFactory()
    with pytest.raises(ActionRefused):
        duty_grant(user=target, duty="audit", by=administrator("system"))
    with pytest.raises(ActionRefused):
        duty_grant(user=UserFactory(), duty="audit", by=UserFactory(is_superuser=True))
    record = duty_grant(user=target, duty="audit", by=security)
    event = AuditEvent.objects.filter(action="security.duty_grant").latest("seq")
    assert event.actor == security
    assert event.payload["duty"] == "audit"
    target.refresh_from_db()
    assert target.is_staff
    with pytest.raises(ActionRefused):
        duty_revoke(record=StaffDuty.objects.get(user=security), by=security)
    duty_revoke(record=record, by=security)
    target.refresh_from_db()
    assert not target.is_staff
    assert AuditEvent.objects.filter(action="security.duty_revoke").exists()


def test_granting_in_the_admin_shows_the_refusal(client):
    security = administrator("security")
    verified(client, security)
    bureau = OrganizationFactory(kind="bureau", verified=True)
    officer = member_of(bureau, "bureau")
    response = client.post(
        reverse("admin:security_staffduty_add"), {"user": officer.pk, "duty": "audit"}
    )
    assert response.status_code == 200
    assert "business role" in response.content.decode() or "业务角色" in response.content.decode()
    assert not StaffDuty.objects.filter(user=officer).exists()
    newcomer = UserFactory()
    response = client.post(
        reverse("admin:security_staffduty_add"), {"user": newcomer.pk, "duty": "audit"}
    )
    assert response.status_code == 302
    assert StaffDuty.objects.get(user=newcomer).granted_by == security


def test_the_system_administrator_deactivates_an_account_audited(client):
    system = administrator("system")
    verified(client, system)
    user = UserFactory()
    response = client.post(reverse("admin:accounts_user_change", args=[user.pk]), {"_save": "1"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.is_active
    assert AuditEvent.objects.filter(
        action="security.account_deactivate", object_id=str(user.pk)
    ).exists()
    assert AuditEvent.objects.filter(action="admin.change", object_id=str(user.pk)).exists()


def test_the_system_administrator_sends_a_reset_link_and_sees_no_password(client):
    from django.core import mail

    system = administrator("system")
    verified(client, system)
    user = UserFactory(email="prof.li@example.cn")
    page = client.get(reverse("admin:accounts_user_change", args=[user.pk]))
    body = page.content.decode()
    assert "prof.li@example.cn" not in body  # masked
    assert "md5$" not in body
    assert "id_password" not in body
    mail.outbox.clear()
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "send_password_reset", "_selected_action": [user.pk]},
    )
    assert [m.to for m in mail.outbox] == [["prof.li@example.cn"]]
    assert AuditEvent.objects.filter(action="security.password_reset_sent").exists()


def test_the_security_administrator_releases_a_lock_out_audited(client):
    from axes.models import AccessAttempt
    from django.utils import timezone

    attempt = AccessAttempt.objects.create(
        username="locked",
        ip_address="10.0.0.1",
        failures_since_start=5,
        attempt_time=timezone.now(),
    )
    security = administrator("security")
    verified(client, security)
    client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "release", "_selected_action": [attempt.pk]},
    )
    assert not AccessAttempt.objects.exists()
    assert AuditEvent.objects.filter(action="security.lockout_release").exists()


def test_admin_edits_of_configuration_are_in_the_audit_trail(client):
    from bounty.models import Industry

    industry = Industry.objects.order_by("pk").first() or Industry.objects.create(
        code="T1", name_zh="测试", name_en="Test"
    )
    system = administrator("system")
    verified(client, system)
    response = client.post(
        reverse("admin:bounty_industry_change", args=[industry.pk]),
        {
            "code": industry.code,
            "name_zh": "改过的名字",
            "name_en": industry.name_en,
            "sort_order": industry.sort_order,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action="admin.change").latest("seq")
    assert event.actor == system
    assert "changed" in event.payload["change"]


def test_the_audit_administrator_exports_the_trail(client):
    auditor = administrator("audit")
    verified(client, auditor)
    ids = list(AuditEvent.objects.values_list("pk", flat=True))
    response = client.post(
        reverse("admin:audit_auditevent_changelist"),
        {"action": "export_xlsx", "_selected_action": ids},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
