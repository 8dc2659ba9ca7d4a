"""One error format for every API error:

    {"error": {"code": "...", "message": "...", "fields": {...}}}

``message`` is in the request's language; ``fields`` maps a field (or
``section.index.field``) to its messages and is ``{}`` when no field is at fault.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from accounts.exceptions import ActionRefused, StaleState
from bounty.exceptions import BidWindowClosed


class FieldErrors(exceptions.APIException):
    """400 with field messages from a Django form (``form.errors``) or a plain dict."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"

    def __init__(self, fields, message=None, code="invalid"):
        self.fields = fields
        self.code = code
        super().__init__(message or _("The request has invalid fields; see “fields”."))


def _text(value):
    return str(value)


def flatten(detail, prefix=""):
    """DRF's nested error detail → {"a.0.b": ["message", …]}."""
    out = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out.update(flatten(value, name))
    elif isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            out[prefix or "non_field_errors"] = [_text(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                if item:
                    out.update(flatten(item, f"{prefix}.{index}" if prefix else str(index)))
    else:
        out[prefix or "non_field_errors"] = [_text(detail)]
    return out


def form_errors(errors, prefix=""):
    """A Django form's or formset's errors → {"prefix.field": [messages]}."""
    out = {}
    for key, messages in errors.items():
        name = "non_field_errors" if key == "__all__" else key
        out[f"{prefix}.{name}" if prefix else name] = [str(m) for m in messages]
    return out


def body(code, message, fields=None):
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


def _refusal(exc):
    errors = getattr(exc, "errors", None)
    if errors:
        fields = {
            str(k): [str(v)] if not isinstance(v, list) else [str(x) for x in v]
            for k, v in errors.items()
        }
        return status.HTTP_400_BAD_REQUEST, body("incomplete", exc.message, fields)
    if isinstance(exc, StaleState):
        return status.HTTP_409_CONFLICT, body("stale_state", exc.message)
    if isinstance(exc, BidWindowClosed):
        return status.HTTP_409_CONFLICT, body("deadline_passed", exc.message)
    return status.HTTP_409_CONFLICT, body("refused", exc.message)


_CODES = {
    exceptions.ParseError: "parse_error",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
}


def exception_handler(exc, context):
    if isinstance(exc, ActionRefused):
        code, data = _refusal(exc)
        return Response(data, status=code)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=exc.messages)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: Django's 500 handling
    if isinstance(exc, FieldErrors):
        response.data = body(exc.code, exc.detail, exc.fields)
        return response
    if isinstance(exc, exceptions.ValidationError):
        fields = flatten(exc.detail)
        message = _("The request has invalid fields; see “fields”.")
        if list(fields) == ["non_field_errors"]:
            message = " ".join(fields.pop("non_field_errors"))
        response.data = body("invalid", message, fields)
        return response
    code = next(
        (name for cls, name in _CODES.items() if isinstance(exc, cls)),
        getattr(exc, "default_code", "error"),
    )
    detail = exc.detail
    if isinstance(exc, exceptions.Throttled):
        detail = _("Too many requests. Try again in %(n)d seconds.") % {"n": exc.wait or 1}
        response["Retry-After"] = str(max(1, int(exc.wait or 1)))
    elif isinstance(exc, exceptions.NotFound):
        detail = _("Not found.")
    response.data = body(code, detail)
    return response


def not_found(request, *args, **kwargs):
    """JSON 404 for any path under /api/v1/ that names no endpoint."""
    return JsonResponse(body("not_found", _("Not found.")), status=404)
