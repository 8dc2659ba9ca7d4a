"""Verification transitions as a table: state × action × role → allowed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts import services
from accounts.exceptions import ActionRefused
from accounts.models import Organization, OrganizationStatus
from audit.models import AuditEvent
from notifications.models import Notification
from tests.factories import OrganizationFactory, UserFactory, bureau_officer, member_of

PENDING, VERIFIED, REJECTED = (
    OrganizationStatus.PENDING,
    OrganizationStatus.VERIFIED,
    OrganizationStatus.REJECTED,
)


def make_actor(role, org):
    if role == "bureau":
        return bureau_officer()
    if role == "org_admin":
        return member_of(org, "issuer", is_admin=True)
    if role == "org_member":
        return member_of(org, "issuer")
    if role == "superuser":
        return UserFactory(is_superuser=True, is_staff=True)
    return UserFactory()


def run(action, org, actor):
    if action == "verify":
        return services.organization_verify(organization=org, by=actor, comment="ok")
    if action == "reject":
        return services.organization_reject(organization=org, by=actor, comment="执照模糊")
    return services.organization_resubmit(organization=org, by=actor)


ROLES = ["bureau", "org_admin", "org_member", "superuser", "stranger"]
TABLE = [
    # (state, action, role, expected target or None when refused)
    *[(PENDING, "verify", r, VERIFIED if r == "bureau" else None) for r in ROLES],
    *[(PENDING, "reject", r, REJECTED if r == "bureau" else None) for r in ROLES],
    *[(PENDING, "resubmit", r, None) for r in ROLES],
    *[(VERIFIED, a, r, None) for a in ("verify", "reject", "resubmit") for r in ROLES],
    *[(REJECTED, "verify", r, None) for r in ROLES],
    *[(REJECTED, "reject", r, None) for r in ROLES],
    *[(REJECTED, "resubmit", r, PENDING if r == "org_admin" else None) for r in ROLES],
]


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "action", "role", "target"), TABLE)
def test_verification_transition_table(state, action, role, target):
    org = OrganizationFactory(
        status=state, licence=SimpleUploadedFile("l.pdf", b"%PDF-1.4 licence")
    )
    actor = make_actor(role, org)
    events_before = AuditEvent.objects.count()
    if target is None:
        with pytest.raises(ActionRefused):
            run(action, org, actor)
        org.refresh_from_db()
        assert org.status == state
        assert AuditEvent.objects.count() == events_before
    else:
        run(action, org, actor)
        org.refresh_from_db()
        assert org.status == target
        event = AuditEvent.objects.order_by("-seq").first()
        assert (event.from_state, event.to_state) == (state, target)
        assert event.actor == actor


@pytest.mark.django_db
def test_reject_requires_a_reason():
    org = OrganizationFactory()
    with pytest.raises(ActionRefused):
        services.organization_reject(organization=org, by=bureau_officer(), comment="  ")
    org.refresh_from_db()
    assert org.status == PENDING


@pytest.mark.django_db
def test_bureau_officer_cannot_verify_own_pending_organisation():
    officer = bureau_officer()
    org = OrganizationFactory()
    member_of(org, "issuer", user=officer)
    with pytest.raises(ActionRefused):
        services.organization_verify(organization=org, by=officer)


@pytest.mark.django_db
def test_second_decision_on_same_organisation_is_told_it_is_stale():
    """Two officers decide at once: the one holding a stale copy is refused, nothing changes."""
    org = OrganizationFactory()
    first, second = bureau_officer(), bureau_officer()
    stale_copy = Organization.objects.get(pk=org.pk)
    services.organization_verify(organization=org, by=first)
    with pytest.raises(ActionRefused):
        services.organization_reject(organization=stale_copy, by=second, comment="no")
    org.refresh_from_db()
    assert org.status == VERIFIED
    assert org.decided_by == first


@pytest.mark.django_db
def test_decision_notifies_the_organisation_admins():
    org = OrganizationFactory()
    admin = member_of(org, "issuer", is_admin=True)
    plain = member_of(org, "issuer")
    services.organization_reject(organization=org, by=bureau_officer(), comment="执照模糊")
    assert Notification.objects.filter(recipient=admin, kind="organization.reject").exists()
    assert not Notification.objects.filter(recipient=plain).exists()


@pytest.mark.django_db
def test_status_cannot_be_assigned_directly():
    org = OrganizationFactory()
    with pytest.raises(AttributeError):
        org.status = VERIFIED


@pytest.mark.django_db
def test_register_makes_registrant_admin_and_notifies_bureau():
    officer = bureau_officer()
    user = UserFactory()
    org = services.organization_register(
        by=user,
        name="新单位",
        credit_code="91350100M000100Y43",
        kind="enterprise",
        role="issuer",
        licence=SimpleUploadedFile("licence.pdf", b"%PDF-1.7 ..."),
    )
    assert org.status == PENDING
    assert org.memberships.get(user=user).is_admin
    assert Notification.objects.filter(recipient=officer, kind="organization.pending").exists()


@pytest.mark.django_db
def test_duplicate_credit_code_is_refused_clearly():
    OrganizationFactory(credit_code="91350100M000100Y43")
    with pytest.raises(ActionRefused) as exc:
        services.organization_register(
            by=UserFactory(),
            name="x",
            credit_code="91350100m000100y43",
            kind="enterprise",
            role="issuer",
        )
    assert "已注册" in str(exc.value.message)


@pytest.mark.django_db
def test_only_bureau_can_register_a_bureau():
    with pytest.raises(ActionRefused):
        services.organization_register(
            by=UserFactory(),
            name="假科技局",
            credit_code="11350100M000100Y4" + "0",
            kind="bureau",
            role="bureau",
        )


@pytest.mark.django_db
def test_organization_staff_matches_role_in_that_organisation_only():
    from accounts.selectors import organization_staff

    org_a, org_b = (
        OrganizationFactory(verified=True),
        OrganizationFactory(kind="university", verified=True),
    )
    issuer_at_a = member_of(org_a, "issuer")
    member_of(org_b, "bidder", user=issuer_at_a)  # a bidder elsewhere
    bidder_at_a = member_of(org_a, "bidder")
    assert organization_staff(org_a, role="bidder") == [bidder_at_a]
