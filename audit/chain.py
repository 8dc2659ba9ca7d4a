"""Canonical hashing of audit events. Changing this breaks every stored chain: version it."""

import hashlib
import json

from .models import GENESIS_HASH

ALGORITHM_VERSION = "audit-chain-v1"


def canonical_json(data) -> bytes:
    return json.dumps(
        data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    ).encode()


def payload_digest(payload) -> str:
    return hashlib.sha256(canonical_json(payload)).hexdigest()


def event_digest(event) -> str:
    content = {
        "v": ALGORITHM_VERSION,
        "seq": event.seq,
        "at": event.created_at.isoformat(timespec="microseconds"),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object": [event.object_type, event.object_id, event.object_label],
        "from": event.from_state,
        "to": event.to_state,
        "payload_hash": event.payload_hash,
    }
    return hashlib.sha256(event.prev_hash.encode() + canonical_json(content)).hexdigest()


def verify_chain(events):
    """Walk events in sequence order; return (count, first_broken_event, reason) or (count, None, "")."""
    expected_prev, expected_seq, count = GENESIS_HASH, 1, 0
    for event in events:
        count += 1
        if event.seq != expected_seq:
            return count, event, f"sequence gap: expected #{expected_seq}, found #{event.seq}"
        if event.prev_hash != expected_prev:
            return count, event, "previous-hash link does not match the event before it"
        if payload_digest(event.payload) != event.payload_hash:
            return count, event, "payload does not match its hash"
        if event_digest(event) != event.hash:
            return count, event, "event content does not match its hash"
        expected_prev, expected_seq = event.hash, event.seq + 1
    return count, None, ""
