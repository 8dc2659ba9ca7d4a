import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed
from guardian.shortcuts import assign_perm, remove_perm

from audit.services import audit_record
from notifications.services import notify

from . import permissions as perms
from .exceptions import ActionRefused, StaleState
from .models import (
    ROLES_BY_KIND,
    Invitation,
    Membership,
    Organization,
    OrganizationKind,
    OrganizationStatus,
    Role,
    hash_token,
)
from .selectors import bureau_officers, organization_staff

INVITATION_DAYS = 14

# Callables (user) → refusal message or None, consulted before any business role is
# given. Apps above accounts add theirs in AppConfig.ready (security: an administrator
# account holds no business role).
MEMBERSHIP_GUARDS: list = []
# Checks before an enterprise changes its district: ``guard(organization) -> message | None``
# (bounty refuses while a need of the enterprise is with its district or being vetted).
DISTRICT_CHANGE_GUARDS: list = []


def _grant_membership_perms(membership: Membership) -> None:
    assign_perm("accounts.view_organization", membership.user, membership.organization)
    if membership.is_admin:
        assign_perm("accounts.manage_organization", membership.user, membership.organization)


def membership_add(*, organization, user, role, is_admin=False, by=None) -> Membership:
    if role not in ROLES_BY_KIND[organization.kind]:
        raise ActionRefused(
            _("An organisation of this kind cannot give the role “%(role)s”.")
            % {"role": Role(role).label}
        )
    for guard in MEMBERSHIP_GUARDS:
        refusal = guard(user)
        if refusal:
            raise ActionRefused(refusal)
    membership, created = Membership.objects.get_or_create(
        user=user, organization=organization, role=role, defaults={"is_admin": is_admin}
    )
    if not created and is_admin and not membership.is_admin:
        membership.is_admin = True
        membership.save(update_fields=["is_admin"])
    _grant_membership_perms(membership)
    user.__dict__.pop("_jiebang_roles", None)
    if created:
        audit_record(
            actor=by or user,
            action="membership.add",
            obj=organization,
            payload={"user": user.pk, "role": role, "admin": is_admin},
        )
    return membership


def membership_remove(*, membership: Membership, by) -> None:
    if not perms.can_manage_organization(by, membership.organization):
        raise ActionRefused
    with transaction.atomic():
        org, user = membership.organization, membership.user
        membership.delete()
        if not Membership.objects.filter(user=user, organization=org).exists():
            remove_perm("accounts.view_organization", user, org)
        if not Membership.objects.filter(user=user, organization=org, is_admin=True).exists():
            remove_perm("accounts.manage_organization", user, org)
        audit_record(actor=by, action="membership.remove", obj=org, payload={"user": user.pk})


def organization_register(*, by, name, credit_code, kind, role, licence=None, **fields):
    """Register an organisation (pending verification); the registrant becomes its admin."""
    if not perms.can_register_organization_kind(by, kind):
        raise ActionRefused(_("Only a bureau officer can register a bureau."))
    try:
        with transaction.atomic():
            org = Organization(
                name=name, credit_code=credit_code, kind=kind, created_by=by, **fields
            )
            if licence is not None:
                org.licence_name = licence.name[:255]
                org.licence = licence
            org.full_clean(exclude=["status"])
            org.save()
            membership_add(organization=org, user=by, role=role, is_admin=True, by=by)
            audit_record(actor=by, action="organization.register", obj=org, to_state=org.status)
            bureau = bureau_officers()
            notify(
                recipients=bureau,
                kind="organization.pending",
                params={"name": org.name, "code": org.credit_code},
                url=org.get_absolute_url(),
            )
    except IntegrityError as exc:
        raise ActionRefused(
            _("An organisation with this credit code is already registered.")
        ) from exc
    return org


def _decide(*, organization, by, action, comment, expected_status):
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization.pk)
        if org.status != expected_status:
            raise StaleState
        if not perms.can_decide_organization(by, org):
            raise ActionRefused(_("You may not decide on this organisation."))
        transition = getattr(org, action)
        if not can_proceed(transition):
            raise ActionRefused
        before = org.status
        transition(by=by, comment=comment)
        org.save()
        audit_record(
            actor=by,
            action=f"organization.{action}",
            obj=org,
            from_state=before,
            to_state=org.status,
            payload={"comment": comment},
        )
        notify(
            recipients=organization_staff(org, admins_only=True),
            kind=f"organization.{action}",
            params={"name": org.name, "comment": comment},
            url=org.get_absolute_url(),
        )
    return org


def organization_verify(*, organization, by, comment=""):
    return _decide(
        organization=organization,
        by=by,
        action="verify",
        comment=comment,
        expected_status=OrganizationStatus.PENDING,
    )


def organization_reject(*, organization, by, comment):
    if not (comment or "").strip():
        raise ActionRefused(_("Give the reason for rejecting, so the organisation can fix it."))
    return _decide(
        organization=organization,
        by=by,
        action="reject",
        comment=comment,
        expected_status=OrganizationStatus.PENDING,
    )


def organization_resubmit(*, organization, by, licence=None):
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization.pk)
        if not perms.can_resubmit_organization(by, org):
            raise ActionRefused
        if licence is not None:
            org.licence_name = licence.name[:255]
            org.licence = licence
        if not can_proceed(org.resubmit):
            raise ActionRefused(_("Upload the business licence before resubmitting."))
        before = org.status
        org.resubmit()
        org.save()
        audit_record(
            actor=by,
            action="organization.resubmit",
            obj=org,
            from_state=before,
            to_state=org.status,
        )
        notify(
            recipients=bureau_officers(),
            kind="organization.pending",
            params={"name": org.name, "code": org.credit_code},
            url=org.get_absolute_url(),
        )
    return org


def organization_district_set(*, organization, district, by):
    """An enterprise names the verified district bureau it belongs to (or none)."""
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization.pk)
        if not perms.can_set_organization_district(by, org):
            raise ActionRefused
        if district is not None and not (
            district.kind == OrganizationKind.DISTRICT_BUREAU and district.is_verified
        ):
            raise ActionRefused(_("Choose a verified district science and technology bureau."))
        if district != org.district:
            for guard in DISTRICT_CHANGE_GUARDS:
                if refusal := guard(org):
                    raise ActionRefused(refusal)
        before = org.district_id
        org.district = district
        org.save(update_fields=["district"])
        audit_record(
            actor=by,
            action="organization.district",
            obj=org,
            payload={"from": before, "to": district.pk if district else None},
        )
    return org


def invitation_create(*, organization, by, email, role, is_admin=False):
    """Invite a colleague by email. Returns (invitation, raw token); only the hash is stored."""
    if not perms.can_invite_to_organization(by, organization):
        raise ActionRefused
    if role not in ROLES_BY_KIND[organization.kind]:
        raise ActionRefused(
            _("An organisation of this kind cannot give the role “%(role)s”.")
            % {"role": Role(role).label}
        )
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            organization=organization,
            email=email.strip().lower(),
            role=role,
            is_admin=is_admin,
            token_hash=hash_token(token),
            invited_by=by,
            expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
        )
        audit_record(
            actor=by,
            action="invitation.create",
            obj=organization,
            payload={"email": invitation.email, "role": role, "admin": is_admin},
        )
        url = reverse("accounts:invitation_accept", args=[token])
        transaction.on_commit(lambda: _send_invitation_email(invitation.pk, url))
    return invitation, token


def _send_invitation_email(invitation_id, url):
    from django_q.tasks import async_task

    async_task("accounts.tasks.send_invitation_email", invitation_id, url)


def invitation_accept(*, token, user) -> Membership:
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("organization")
            .filter(token_hash=hash_token(token))
            .first()
        )
        if invitation is None or not invitation.is_open:
            raise ActionRefused(_("This invitation is no longer valid. Ask for a new one."))
        if user.email.strip().lower() != invitation.email:
            # A forwarded or leaked link is useless to anybody else.
            raise ActionRefused(
                _("This invitation was sent to another email address. Log in with that account.")
            )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        membership = membership_add(
            organization=invitation.organization,
            user=user,
            role=invitation.role,
            is_admin=invitation.is_admin,
            by=user,
        )
        notify(
            recipients=[invitation.invited_by],
            kind="invitation.accepted",
            params={"user": str(user), "organization": invitation.organization.name},
            url=invitation.organization.get_absolute_url(),
        )
    return membership


def bureau_bootstrap(*, name, credit_code, officer, name_en=""):
    """Create the first bureau, verified, with ``officer`` as its administrator.

    The only path that creates an organisation already verified: somebody has to
    be the first verifier. Idempotent on the credit code.
    """
    with transaction.atomic():
        org = Organization.objects.filter(credit_code=credit_code).first()
        if org is None:
            org = Organization(
                name=name,
                name_en=name_en,
                credit_code=credit_code,
                kind=OrganizationKind.BUREAU,
                status=OrganizationStatus.VERIFIED,
                created_by=officer,
                # The first bureau bootstrapped is the city's own (bureau_organization).
                is_city_bureau=not Organization.objects.filter(is_city_bureau=True).exists(),
            )
            org.full_clean(exclude=["status"])
            org.save()
            audit_record(
                actor=officer, action="organization.bootstrap", obj=org, to_state=org.status
            )
        membership_add(organization=org, user=officer, role=Role.BUREAU, is_admin=True, by=officer)
    return org
