"""The awards section (one award per winner, its share of the bounty in CNY) and the releases
that carry it: the public notice (``pending``), the notice cancelled after an upheld objection
and the award (``active``); a winner that did not sign its contract has its award cancelled
by the 递补 notice of the next passing bid or by the 流榜 that follows it."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from .parties import _base, _party, _ref, party_id
from .tender import _release_no_award as _tender_no_award
from .values import _dt, value_cny

Q4 = Decimal("0.0001")


def award_id(challenge, bid) -> str:
    return f"{challenge.ocid}-award-{bid.reference}"


def _q(value) -> Decimal:
    return Decimal(value).quantize(Q4, rounding=ROUND_HALF_UP)


def _share(challenge, n) -> Decimal:
    """What one winning team's contract states (``Challenge.team_share()``: the bounty for a
    single winner, the declared parallel share in a horse race — as the contract, see
    ``bounty.challenges.funding.team_funding``); a horse race without a declared share: each
    fund divided equally among the ``n`` winners."""
    share = challenge.team_share()
    if share is not None:
        return _q(share)
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


def _cancelled_defaulted(challenge, bid, *, at, winners) -> dict:
    """The award of a winner that did not sign its contract in time, cancelled."""
    return _award(challenge, bid, status="cancelled", at=at, winners=winners) | {
        "description": _(
            "The winner did not sign the contract within the deadline: the award is cancelled."
        )
    }


def _release_notice(event, challenge, records):
    substitute = event.payload.get("substitute")
    if substitute:
        # 递补: the next passing bid in its short notice; the defaulted winner's award ends.
        bids = [records.bids[substitute]] if substitute in records.bids else []
        replaced = records.bids.get(event.payload.get("replaces"))
        winners = challenge.winners_allowed
    else:
        bids, replaced = records.proposed_before(challenge, event.seq), None
        winners = len(bids)
    release = _base(
        challenge,
        event,
        records,
        tags=["awardUpdate", "award"] if replaced else ["award"],
        n=event.seq,
        suppliers=[b.lead for b in bids] + ([replaced.lead] if replaced else []),
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
        _award(challenge, b, status="pending", at=event.created_at, winners=winners) for b in bids
    ]
    if replaced:
        release["awards"].append(
            _cancelled_defaulted(challenge, replaced, at=event.created_at, winners=winners)
        )
    return release


def _release_no_award(event, challenge, records):
    """流榜 (``tender._release_no_award``); after a winner did not sign (re-publication),
    also the cancellation of its award."""
    release = _tender_no_award(event, challenge, records)
    defaulted = records.bids.get(event.payload.get("defaulted"))
    if defaulted is not None:
        release["tag"] = [*release["tag"], "awardUpdate"]
        if all(p["id"] != party_id(defaulted.lead) for p in release["parties"]):
            release["parties"].append(_party(defaulted.lead, ["supplier"]))
        release["awards"] = [
            _cancelled_defaulted(
                challenge, defaulted, at=event.created_at, winners=challenge.winners_allowed
            )
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
