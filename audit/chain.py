"""Canonical hashing of audit events. Changing this breaks every stored chain: version it.

Each link names its digest algorithm (``AuditEvent.hash_algorithm``): SHA-256 links hash
exactly as ``audit-chain-v1`` always did; an SM3 link (``settings.HASH_ALGORITHM = "sm3"``)
hashes ``audit-chain-v2`` content, which also names the algorithm, so a chain may switch
from one to the other and still verify from its first event.
"""

import json

from common.hashing import HASH_ALGORITHMS, digest_hex

from .models import GENESIS_HASH

ALGORITHM_VERSION = "audit-chain-v1"
ALGORITHM_VERSION_NAMED = "audit-chain-v2"


def canonical_json(data) -> bytes:
    return json.dumps(
        data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    ).encode()


def payload_digest(payload, algorithm="sha256") -> str:
    return digest_hex(canonical_json(payload), algorithm)


def event_digest(event) -> str:
    algorithm = event.hash_algorithm or "sha256"
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
    if algorithm != "sha256":
        content["v"], content["alg"] = ALGORITHM_VERSION_NAMED, algorithm
    return digest_hex(event.prev_hash.encode() + canonical_json(content), algorithm)


def verify_chain(events):
    """Walk events in sequence order; return (count, first_broken_event, reason) or (count, None, "")."""
    expected_prev, expected_seq, count = GENESIS_HASH, 1, 0
    for event in events:
        count += 1
        if event.seq != expected_seq:
            return count, event, f"sequence gap: expected #{expected_seq}, found #{event.seq}"
        if event.prev_hash != expected_prev:
            return count, event, "previous-hash link does not match the event before it"
        if event.hash_algorithm not in HASH_ALGORITHMS:
            return count, event, f"unknown digest algorithm {event.hash_algorithm!r}"
        if payload_digest(event.payload, event.hash_algorithm) != event.payload_hash:
            return count, event, "payload does not match its hash"
        if event_digest(event) != event.hash:
            return count, event, "event content does not match its hash"
        expected_prev, expected_seq = event.hash, event.seq + 1
    return count, None, ""
