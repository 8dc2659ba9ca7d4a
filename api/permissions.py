"""API-level checks. Who may see or do what with an object is decided by the apps'
own predicates (bounty/permissions.py, review/permissions.py, accounts/permissions.py)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from api.models import ApiToken


class TokenScope(permissions.BasePermission):
    """A read-scoped token may only read (GET, HEAD, OPTIONS)."""

    message = _("This API token is read-only; create a token with the write scope.")

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        token = request.auth
        return not isinstance(token, ApiToken) or token.can_write


class Authenticated(permissions.IsAuthenticated):
    message = _("Authentication required: send a personal API token or log in.")
