import json

from django.db import connection, transaction
from django.utils import timezone

from common.hashing import hash_algorithm

from .chain import event_digest, payload_digest
from .models import GENESIS_HASH, AuditEvent

# Arbitrary constant identifying the audit chain's advisory lock on PostgreSQL.
_PG_LOCK_KEY = 7_242_001


def _label(obj) -> str:
    return str(obj)[:300] if obj is not None else ""


def audit_record(*, actor, action, obj=None, from_state="", to_state="", payload=None):
    """Append one event to the chain. Runs inside the caller's transaction.

    Appends are serialised (advisory lock on PostgreSQL, IMMEDIATE transactions
    on SQLite); the unique ``prev_hash`` makes a fork impossible even if not.
    """
    payload = payload or {}
    # No savepoint: an action whose audit event fails must not commit either (and two
    # round trips fewer for every audited action).
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
        last = AuditEvent.objects.order_by("-seq").only("seq", "hash").first()
        event = AuditEvent(
            seq=(last.seq + 1) if last else 1,
            created_at=timezone.now(),
            actor=actor if actor is not None and actor.is_authenticated else None,
            actor_label=_label(actor) if actor is not None and actor.is_authenticated else "system",
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            object_label=_label(obj),
            from_state=str(from_state or ""),
            to_state=str(to_state or ""),
            payload=payload,
            prev_hash=last.hash if last else GENESIS_HASH,
            hash_algorithm=hash_algorithm(),
        )
        # Hash what the database will give back: JSON round-trip normalises the payload.
        event.payload = _roundtrip(payload)
        event.payload_hash = payload_digest(event.payload, event.hash_algorithm)
        event.hash = event_digest(event)
        event.save(force_insert=True)
    return event


def _roundtrip(payload):
    return json.loads(json.dumps(payload, default=str))


def audit_events_for(obj):
    return AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).select_related("actor")
