"""OpenAPI: the token authentication and the one error body, for drf-spectacular."""

from drf_spectacular import openapi as drf_openapi
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token (Account → API tokens).",
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.SessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "error": inline_serializer(
            name="ErrorDetail",
            fields={
                "code": serializers.CharField(),
                "message": serializers.CharField(),
                "fields": serializers.DictField(
                    child=serializers.ListField(child=serializers.CharField())
                ),
            },
        )
    },
)


def errors(*codes):
    """Responses for the given error status codes, all with the error body."""
    return {code: OpenApiResponse(ErrorSerializer) for code in codes}


# Every endpoint may answer these.
COMMON_ERRORS = (400, 401, 403, 404, 405, 406, 415, 429)


class AutoSchema(drf_openapi.AutoSchema):
    """Adds the error responses every endpoint can give, so clients (and schemathesis)
    know their body: 400/401/403/404/405/406/415/429 everywhere, 409 for writes."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = list(COMMON_ERRORS)
        if self.method not in ("GET", "HEAD", "OPTIONS"):
            codes.append(409)
        for code in codes:
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(
                    ErrorSerializer, str(code), direction=direction
                )
        return responses
