"""Session policy: idle and absolute time-outs, one active session per staff account
(the newer wins; the older is told why it ended), and ending a user's sessions.

Everything the policy needs lives in the session itself (read anyway by the auth
middleware): no query on an ordinary request, one session write a minute at most.
"""

import time
from importlib import import_module

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

LOGIN_AT = "_sec_login_at"
SEEN_AT = "_sec_seen_at"
STAFF = "_sec_staff"
NEEDS_OTP = "_sec_needs_otp"
REPLACED = "_sec_replaced"
# Set by the second step of the log-in (security.views), only there: the session data is
# the server's, so no request can set it. Read instead of django-otp's is_verified(),
# which looks the device up on every request; a reset of the device ends the sessions.
VERIFIED = "_sec_verified"
SEEN_GRANULARITY = 60  # seconds between two writes of the "last seen" time


def _store(session_key):
    engine = import_module(settings.SESSION_ENGINE)
    return engine.SessionStore(session_key)


def start(request, *, staff: bool, needs_otp: bool) -> None:
    now = time.time()
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now
    request.session[STAFF] = staff
    request.session[NEEDS_OTP] = needs_otp


def is_verified(request) -> bool:
    return bool(getattr(request, "session", {}).get(VERIFIED))


def mark_verified(request, device) -> None:
    from django_otp import login as otp_login

    otp_login(request, device)
    request.session[VERIFIED] = True


def replace_older_sessions(user, current_key) -> None:
    """A staff account has one active session: mark the others so their next request
    ends with an explanation (instead of a silent log-out)."""
    from .models import LoginRecord

    records = LoginRecord.objects.filter(user=user).exclude(session_key="")
    for key in records.exclude(session_key=current_key).values_list("session_key", flat=True):
        store = _store(key)
        if store.exists(key):
            store.load()
            store[REPLACED] = True
            store.save()
    records.exclude(session_key=current_key).update(session_key="")


def end_sessions(user) -> None:
    """Log the user out everywhere (deactivation, second-factor reset)."""
    from .models import LoginRecord

    records = LoginRecord.objects.filter(user=user).exclude(session_key="")
    for key in records.values_list("session_key", flat=True):
        _store(key).delete(key)
    records.update(session_key="")


def _limits(staff: bool) -> tuple[int, int]:
    policy = settings.SECURITY
    idle = policy["STAFF_IDLE_MINUTES"] if staff else policy["USER_IDLE_MINUTES"]
    return idle * 60, policy["ABSOLUTE_HOURS"] * 3600


class SessionPolicyMiddleware:
    """After AuthenticationMiddleware: ends sessions that sat idle, lived too long, or
    were replaced by a newer log-in of the same staff account."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            reason = self._ended(request.session)
            if reason:
                return self._end(request, reason)
        return self.get_response(request)

    def _ended(self, session):
        if session.get(REPLACED):
            return _(
                "You were signed out because your account signed in on another device or "
                "browser. Only one staff session may be open at a time."
            )
        now = time.time()
        login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
        if login_at is None or seen_at is None:  # a session from before this policy
            session[LOGIN_AT] = session[SEEN_AT] = now
            return None
        idle, absolute = _limits(bool(session.get(STAFF)))
        if now - seen_at > idle:
            return _("You were signed out after %(minutes)d minutes without activity.") % {
                "minutes": idle // 60
            }
        if now - login_at > absolute:
            return _("You were signed out: a session lasts at most %(hours)d hours.") % {
                "hours": absolute // 3600
            }
        if now - seen_at > SEEN_GRANULARITY:
            session[SEEN_AT] = now
        return None

    def _end(self, request, reason):
        logout(request)
        if request.path.startswith("/api/"):
            request.user = request.user  # anonymous now: the API answers 401/403 itself
            return self.get_response(request)
        messages.warning(request, reason)
        target = reverse("accounts:login")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)
