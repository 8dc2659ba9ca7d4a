"""Granting and revoking the three administrator duties (三员分立), and what each may do.

- system administrator: configuration (the industry taxonomy, queue health) and
  accounts active/inactive; reads no business data.
- security administrator: the duties themselves, lock-outs, two-factor resets; acts on
  no business data.
- audit administrator: reads the audit trail and the log-in history, and exports them.

A duty is held alone: one per account (database: one-to-one), and never together with
a business role (here and in ``accounts.services.membership_add``). Every grant and
revocation is in the hash-chained audit trail.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from accounts.exceptions import ActionRefused
from accounts.models import Membership
from audit.services import audit_record

from .models import Duty, StaffDuty


def duty_of(user) -> str | None:
    """The user's duty (cached on the user object for the request), or None."""
    if user is None or not user.is_authenticated:
        return None
    if not hasattr(user, "_jiebang_duty"):
        user._jiebang_duty = (
            StaffDuty.objects.filter(user_id=user.pk).values_list("duty", flat=True).first()
        )
    return user._jiebang_duty


def has_duty(user, *duties) -> bool:
    duty = duty_of(user)
    return duty is not None and (not duties or duty in duties)


def can_grant_duties(user) -> bool:
    return has_duty(user, Duty.SECURITY)


def duty_refusal(*, user, duty, by=None):
    """Why ``by`` may not give ``user`` this duty (a message), or None."""
    if duty not in Duty.values:
        return _("Unknown administrator duty.")
    if by is not None and not can_grant_duties(by):
        return _("Only the security administrator grants administrator duties.")
    if by is not None and by.pk == user.pk:
        return _("Nobody may grant a duty to their own account.")
    if not user.is_active:
        return _("The account is inactive.")
    if user.is_superuser:
        return _("A superuser account is for installation only; create a separate account.")
    if StaffDuty.objects.filter(user=user).exists():
        return _("This account already holds an administrator duty; an account holds only one.")
    if Membership.objects.filter(user=user).exists():
        return _(
            "This account holds a business role (in an organisation); an administrator "
            "account may hold none. Use a separate account."
        )
    return None


def duty_grant(*, user, duty, by=None) -> StaffDuty:
    """Give ``user`` an administrator duty. ``by`` None: the installer's command line."""
    refusal = duty_refusal(user=user, duty=duty, by=by)
    if refusal:
        raise ActionRefused(refusal)
    try:
        with transaction.atomic():
            record = StaffDuty.objects.create(user=user, duty=duty, granted_by=by)
            if not user.is_staff:
                user.is_staff = True  # the admin site's door; its rooms follow the duty
                user.save(update_fields=["is_staff"])
            audit_record(
                actor=by,
                action="security.duty_grant",
                obj=user,
                payload={"duty": duty, "user": user.pk},
            )
    except IntegrityError as exc:
        raise ActionRefused(
            _("This account already holds an administrator duty; an account holds only one.")
        ) from exc
    user.__dict__.pop("_jiebang_duty", None)
    return record


def duty_revoke(*, record: StaffDuty, by=None) -> None:
    if by is not None and not can_grant_duties(by):
        raise ActionRefused(_("Only the security administrator revokes administrator duties."))
    if by is not None and by.pk == record.user_id:
        raise ActionRefused(_("Nobody may revoke their own duty."))
    with transaction.atomic():
        user = record.user
        duty = record.duty
        record.delete()
        user.is_staff = False
        user.save(update_fields=["is_staff"])
        audit_record(
            actor=by,
            action="security.duty_revoke",
            obj=user,
            payload={"duty": duty, "user": user.pk},
        )
