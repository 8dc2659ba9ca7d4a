"""Request ids with one log line per request, and the security headers."""

import logging
import re
import time
import uuid
from functools import wraps

from django.conf import settings
from django.utils.functional import empty

from .context import request_context

logger = logging.getLogger("ops.request")

REQUEST_ID_HEADER = "X-Request-ID"
# What we accept from a proxy: letters, digits and - _ . : (a UUID, a trace id …).
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]+$")


def clean_request_id(value):
    """The incoming id when it is safe to log and echo, else None."""
    if not value:
        return None
    value = value.strip()
    if not value or len(value) > settings.OPS_REQUEST_ID_MAX_LENGTH:
        return None
    return value if _VALID_ID.match(value) else None


def _user_id(request):
    """The signed-in user's id, without a database query when nothing read the user."""
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    try:
        return user.pk if user.is_authenticated else None
    except Exception:
        return None


class RequestIdMiddleware:
    """First in the chain: takes a valid ``X-Request-ID`` from the proxy or makes one,
    puts it on ``request.request_id``, on every log record of the request and on the
    response; logs one line per request (status, duration, user)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER)
        request_id = clean_request_id(incoming) or uuid.uuid4().hex
        request.request_id = request_id
        context = {"request_id": request_id, "method": request.method, "path": request.path}
        # Not reset on the way out: Django logs 4xx/5xx ("Not Found: …") after the middleware
        # chain, and those lines belong to this request too. ``request_finished`` clears it.
        request_context.set(context)
        started = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response[REQUEST_ID_HEADER] = request_id
            return response
        finally:
            duration = round((time.perf_counter() - started) * 1000, 1)
            context["user_id"] = _user_id(request)
            if status >= 500:
                level = logging.ERROR
            elif status < 400 and request.path in settings.OPS_QUIET_PATHS:
                level = logging.DEBUG
            else:
                level = logging.INFO
            logger.log(
                level,
                "%s %s %s %.1fms",
                request.method,
                request.path,
                status,
                duration,
                extra={"status": status, "duration_ms": duration, "user_id": context["user_id"]},
            )


def clear_request_context(**kwargs):
    """``request_finished`` receiver: later log lines of this thread belong to no request."""
    request_context.set(None)


def content_security_policy():
    return "; ".join(f"{k} {v}" for k, v in settings.CSP_DIRECTIVES.items())


class SecurityHeadersMiddleware:
    """Content-Security-Policy (``CSP_DIRECTIVES``: only 'self', no inline script or style,
    no framing), Referrer-Policy, X-Content-Type-Options and X-Frame-Options on every
    response that passes through Django (static files served by WhiteNoise earlier in the
    chain get only what SecurityMiddleware adds). Paths under ``CSP_EXEMPT_PREFIXES`` get ``CSP_EXEMPT_DIRECTIVES`` instead
    (e.g. API docs pages whose bundled UI needs inline scripts); a view can also set its
    own header, which is then left alone. With DEBUG on, error responses get no policy
    (Django's debug pages need inline code)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = content_security_policy()
        self.exempt_policy = "; ".join(
            f"{k} {v}" for k, v in settings.CSP_EXEMPT_DIRECTIVES.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", settings.SECURE_REFERRER_POLICY)
        response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        if settings.DEBUG and response.status_code >= 400:
            # Django's technical 404/500 pages (DEBUG only) are built with inline script and
            # style; a developer should see them whole.
            return response
        if "Content-Security-Policy" not in response.headers:
            exempt = any(request.path.startswith(p) for p in settings.CSP_EXEMPT_PREFIXES)
            policy = self.exempt_policy if exempt else self.policy
            if policy:
                response.headers["Content-Security-Policy"] = policy
        return response


def csp_override(policy):
    """View decorator: send this Content-Security-Policy instead of the site's (for a page
    that cannot live without inline code; prefer ``CSP_EXEMPT_PREFIXES`` for whole paths)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response.headers["Content-Security-Policy"] = policy
            return response

        return wrapped

    return decorator
