"""Two-factor gate: a signed-in user who must (or chose to) use a second factor reaches
nothing but the second-factor pages, log-out and language until the session is verified."""

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import sessions
from .twofactor import has_second_factor, requires_second_factor

OPEN_PREFIXES = ("/static/", "/healthz", "/accounts/logout/", "/accounts/language/", "/i18n/")


class SecondFactorMiddleware:
    """After the session and authentication middleware; verification is a session flag
    (``sessions.VERIFIED``), so an ordinary request costs no query here."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.open_paths = None

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not sessions.is_verified(request)
            and (request.session.get(sessions.NEEDS_OTP) or requires_second_factor(user))
            and not self._is_open(request.path)
        ):
            return self._gate(request, user)
        return self.get_response(request)

    def _is_open(self, path):
        if self.open_paths is None:
            self.open_paths = (
                reverse("security:verify"),
                reverse("security:setup"),
                *OPEN_PREFIXES,
            )
        return path.startswith(self.open_paths)

    def _gate(self, request, user):
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "error": {
                        "code": "second_factor_required",
                        "message": _("Confirm your log-in with your authenticator first."),
                        "fields": {},
                    }
                },
                status=403,
            )
        page = "security:verify" if has_second_factor(user) else "security:setup"
        target = reverse(page)
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)
