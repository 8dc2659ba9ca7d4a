"""Log-in history and security alerts, fed by Django's auth signals."""

import hashlib

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone

from accounts import services as account_services
from notifications.services import notify
from ops.clientip import client_ip

from . import sessions
from .duties import has_duty
from .models import LoginOutcome, LoginRecord
from .twofactor import has_second_factor, requires_second_factor


def _device(request) -> tuple[str, str]:
    agent = (request.headers.get("User-Agent", "") if request is not None else "")[:300]
    return agent, hashlib.sha256(agent.encode()).hexdigest()


def record(user, outcome, request=None, session_key="") -> LoginRecord:
    agent, device_hash = _device(request)
    return LoginRecord.objects.create(
        user=user,
        outcome=outcome,
        ip_address=client_ip(request) if request is not None else None,
        user_agent=agent,
        device_hash=device_hash,
        session_key=session_key or "",
    )


@receiver(user_logged_in, dispatch_uid="security.logged_in")
def on_logged_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    staff = requires_second_factor(user)
    sessions.start(request, staff=staff, needs_otp=staff or has_second_factor(user))
    request.session.save()  # the key the record keeps must be the one the browser gets
    key = request.session.session_key or ""
    _agent, device_hash = _device(request)
    known = LoginRecord.objects.filter(user=user, outcome=LoginOutcome.SUCCESS)
    first_login = not known.exists()
    seen_device = known.filter(device_hash=device_hash).exists()
    entry = record(user, LoginOutcome.SUCCESS, request, session_key=key)
    if staff:
        sessions.replace_older_sessions(user, key)
    if not first_login and not seen_device:
        notify(
            recipients=[user],
            kind="security.new_device",
            params={
                "device": entry.user_agent or "?",
                "ip": entry.ip_address or "?",
                "time": timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M"),
            },
        )


@receiver(user_login_failed, dispatch_uid="security.login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username")
    if not username or getattr(request, "_security_code_failure", False):
        return  # a wrong second-factor code is recorded by its view
    user = get_user_model().objects.filter(username=username).first()
    if user is not None:
        record(user, LoginOutcome.FAILED_PASSWORD, request)


@receiver(user_logged_out, dispatch_uid="security.logged_out")
def on_logged_out(sender, request, user, **kwargs):
    if user is not None and user.is_authenticated:
        record(user, LoginOutcome.LOGOUT, request)
        key = getattr(getattr(request, "session", None), "session_key", None)
        if key:
            LoginRecord.objects.filter(user=user, session_key=key).update(session_key="")


@receiver(pre_save, sender=get_user_model(), dispatch_uid="security.password_changed")
def on_password_change(sender, instance, **kwargs):
    # set_password() leaves the raw password in _password until the save: an existing
    # account whose password is being changed (by the user, a reset link, a command).
    if instance.pk is not None and getattr(instance, "_password", None) is not None:
        notify(
            recipients=[instance],
            kind="security.password_changed",
            params={"time": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
        )


def _no_business_role_for_administrators(user):
    from django.utils.translation import gettext as _

    if user.is_staff and has_duty(user):
        return _(
            "This account is an administrator account (三员); it may hold no business role. "
            "Use a separate account."
        )
    return None


account_services.MEMBERSHIP_GUARDS.append(_no_business_role_for_administrators)
