"""Creating and revoking personal API tokens (audited)."""

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.exceptions import ActionRefused, StaleState
from api.models import ApiToken, Scope
from audit.services import audit_record
from common.hashing import sha256_hex

KEY_PREFIX = "jb_"
MAX_ACTIVE_TOKENS = 20


def key_digest(key: str) -> str:
    return sha256_hex(key.encode())


def token_create(*, by, name, scope):
    """Create a token; return ``(token, key)``. The key exists only in this return value."""
    name = (name or "").strip()
    if not name:
        raise ActionRefused(_("Give the token a name."))
    if scope not in Scope.values:
        raise ActionRefused(_("Choose a scope: read or write."))
    if not by.is_authenticated or not by.is_active:
        raise ActionRefused
    with transaction.atomic():
        if ApiToken.objects.active().filter(user=by).count() >= MAX_ACTIVE_TOKENS:
            raise ActionRefused(
                _("You have %(n)d active tokens; revoke one first.") % {"n": MAX_ACTIVE_TOKENS}
            )
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken.objects.create(
            user=by,
            name=name[:100],
            prefix=key[:10],
            key_sha256=key_digest(key),
            scope=scope,
        )
        audit_record(
            actor=by,
            action="api_token.create",
            obj=token,
            payload={"name": token.name, "prefix": token.prefix, "scope": scope},
        )
    return token, key


def token_revoke(*, token, by):
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.user_id != by.pk:
            raise ActionRefused
        if token.revoked_at is not None:
            raise StaleState(_("This token was already revoked."))
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=by,
            action="api_token.revoke",
            obj=token,
            payload={"name": token.name, "prefix": token.prefix},
        )
    return token
