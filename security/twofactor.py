"""Two-factor log-in (TOTP, django-otp) with recovery codes.

Required for bureau officers, supervisors, the three administrators and anyone with
admin access (``requires_second_factor``); optional for everybody else. A wrong or
reused code counts toward the same log-in lock-out as a wrong password (django-axes).
"""

import re
import secrets

import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.exceptions import ActionRefused
from accounts.models import Role
from accounts.permissions import user_roles
from audit.services import audit_record
from notifications.services import notify

from .duties import duty_of

RECOVERY_DEVICE = "recovery"
TOTP_DEVICE = "authenticator"


def requires_second_factor(user) -> bool:
    """Officers, supervisors, administrators and admin-site users must use a second factor."""
    if not settings.SECURITY["TWO_FACTOR_ENFORCED"] or not user.is_authenticated:
        return False
    # A duty holder is always staff (duty_grant sets the flag): no query for the duty here.
    if user.is_staff or user.is_superuser:
        return True
    return bool(user_roles(user) & {Role.BUREAU, Role.SUPERVISOR, Role.DISTRICT})


def totp_device(user, *, confirmed=True):
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk").first()


def has_second_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=RECOVERY_DEVICE).count()


def totp_start(user) -> TOTPDevice:
    """The unconfirmed authenticator being set up (a fresh secret each new enrolment)."""
    device = totp_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE, confirmed=False)
    return device


def provisioning_qr_svg(device) -> str:
    """The otpauth:// QR code as inline SVG, made here (no outside service)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#111", light="#fff")


def secret_text(device) -> str:
    """The base32 secret in groups of four, for typing it in by hand."""
    from base64 import b32encode

    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def normalize_code(code: str) -> str:
    # Full-width digits typed on a Chinese keyboard, spaces and dashes are forgiven.
    code = (code or "").translate({0xFF10 + i: ord("0") + i for i in range(10)})
    return re.sub(r"[\s\-]", "", code).lower()


def _new_recovery_codes(user) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE)
    device.token_set.all().delete()
    codes = [secrets.token_hex(5) for _ in range(settings.SECURITY["RECOVERY_CODES"])]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def totp_confirm(*, user, device, code) -> tuple[list[str], TOTPDevice]:
    """Confirm the authenticator with its first code; returns fresh recovery codes and
    the confirmed device."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        if device.confirmed:
            raise ActionRefused(_("This authenticator is already set up."))
        if not device.verify_token(normalize_code(code)):
            raise ActionRefused(
                _(
                    "The code is not right. Check that the phone's clock is correct and type "
                    "the 6 digits shown now."
                )
            )
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
        audit_record(actor=user, action="security.second_factor_enable", obj=user)
        notify(
            recipients=[user],
            kind="security.second_factor_enabled",
            params={"time": _now_text()},
        )
    return codes, device


def verify_code(user, code):
    """The device that accepts ``code`` (authenticator first, then a recovery code), or
    None. A used code is spent: TOTP remembers the last time step, recovery codes are
    deleted."""
    code = normalize_code(code)
    if not code:
        return None
    with transaction.atomic():
        candidates = [
            *TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True),
            *StaticDevice.objects.select_for_update().filter(user=user, confirmed=True),
        ]
        for device in candidates:
            allowed, _info = device.verify_is_allowed()
            if allowed and device.verify_token(code):
                return device
    return None


def recovery_codes_regenerate(*, user) -> list[str]:
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        audit_record(actor=user, action="security.recovery_codes_regenerate", obj=user)
    return codes


def second_factor_disable(*, user) -> None:
    if requires_second_factor(user):
        raise ActionRefused(_("Your role requires two-factor log-in; it cannot be turned off."))
    with transaction.atomic():
        _delete_devices(user)
        audit_record(actor=user, action="security.second_factor_disable", obj=user)
        notify(
            recipients=[user], kind="security.second_factor_disabled", params={"time": _now_text()}
        )


def second_factor_reset(*, user, by) -> None:
    """Lost device: the security administrator removes the user's authenticator and
    recovery codes and ends their sessions; they enrol again at the next log-in."""
    from .duties import Duty
    from .sessions import end_sessions

    if duty_of(by) != Duty.SECURITY:
        raise ActionRefused(_("Only the security administrator resets two-factor log-in."))
    if by.pk == user.pk:
        raise ActionRefused(_("Nobody may reset their own second factor."))
    with transaction.atomic():
        _delete_devices(user)
        end_sessions(user)
        audit_record(actor=by, action="security.second_factor_reset", obj=user)
        notify(recipients=[user], kind="security.second_factor_reset", params={"time": _now_text()})


def _delete_devices(user):
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def _now_text():
    return timezone.localtime().strftime("%Y-%m-%d %H:%M")
