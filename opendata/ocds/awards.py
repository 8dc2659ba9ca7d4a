"""The awards section (one award per winner, its share of the bounty in CNY) and the releases
that carry it: the public notice (``pending``), the notice cancelled after an upheld objection
and the award (``active``)."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from .parties import _base, _ref
from .values import _dt, value_cny

Q4 = Decimal("0.0001")


def award_id(challenge, bid) -> str:
    return f"{challenge.ocid}-award-{bid.reference}"


def _q(value) -> Decimal:
    return Decimal(value).quantize(Q4, rounding=ROUND_HALF_UP)


def _share(challenge, n) -> Decimal:
    """What one of ``n`` winners gets (the contract's split: each fund divided equally)."""
    n = max(n, 1)
    return _q((challenge.enterprise_funds or 0) / n) + _q((challenge.government_funds or 0) / n)


def _award(challenge, bid, *, status, at, winners) -> dict:
    return {
        "id": award_id(challenge, bid),
        "title": challenge.title,
        "status": status,
        "date": _dt(at),
        "value": value_cny(_share(challenge, winners)),
        "suppliers": [_ref(bid.lead)],
    }


# --- Releases ----------------------------------------------------------------------------------


def _release_notice(event, challenge, records):
    bids = records.proposed_before(challenge, event.seq)
    release = _base(
        challenge, event, records, tags=["award"], n=event.seq, suppliers=[b.lead for b in bids]
    )
    release["tender"] = {
        "id": challenge.ocid,
        "status": "active",
        "awardPeriod": {
            "startDate": _dt(event.created_at),
            "endDate": _dt(event.payload.get("ends_at")),
        },
    }
    release["awards"] = [
        _award(challenge, b, status="pending", at=event.created_at, winners=len(bids)) for b in bids
    ]
    return release


def _release_objection_upheld(event, challenge, records):
    bids = records.proposed_before(challenge, event.seq)
    release = _base(
        challenge,
        event,
        records,
        tags=["awardUpdate"],
        n=event.seq,
        suppliers=[b.lead for b in bids],
    )
    release["awards"] = [
        _award(challenge, b, status="cancelled", at=event.created_at, winners=len(bids))
        | {"description": _("Proposal withdrawn after an objection was upheld; back to review.")}
        for b in bids
    ]
    return release


def _release_award(event, challenge, records):
    refs = event.payload.get("winners", [])
    bids = [records.bids[r] for r in refs if r in records.bids]
    release = _base(
        challenge, event, records, tags=["award"], n=event.seq, suppliers=[b.lead for b in bids]
    )
    release["tender"] = {"id": challenge.ocid, "status": "complete"}
    release["awards"] = [
        _award(challenge, b, status="active", at=event.created_at, winners=len(bids)) for b in bids
    ]
    return release
