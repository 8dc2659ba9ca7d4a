"""The tender section (the call as published and after each amendment, its planning budget, the
withheld-information document) and the releases that carry it: ``tender``,
``tenderAmendment`` and the ``tenderUpdate`` of the deadline and of 流榜."""

from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from bounty.models import Challenge, Comparator, Confidentiality, plain_decimal

from .calls import call_label, call_rationale, call_related_process
from .parties import _base, _ref
from .values import INDUSTRY_SCHEME, LANGUAGE, _dt, value_cny

WITHHELD_DOCUMENT_TYPE = "x_withheldInformation"

# Fields of the challenge a tender release shows, and which amendments may have changed.
TENDER_FIELDS = (
    "title",
    "problem",
    "deliverable",
    "bounty_total",
    "enterprise_funds",
    "government_funds",
    "period_months",
    "bid_deadline",
    "eligibility",
    "public_summary",
)
_DECIMAL_FIELDS = ("bounty_total", "enterprise_funds", "government_funds")


def _parse_old(field, value):
    if value is None:
        return None
    if field in _DECIMAL_FIELDS:
        return Decimal(str(value))
    if field == "bid_deadline":
        return parse_datetime(value) if isinstance(value, str) else value
    if field == "period_months":
        return int(value)
    return value


def _tender_state(challenge, applied) -> dict:
    """The challenge's tender fields as they were with the amendments numbered in ``applied``
    (the records hold today's values; each amendment keeps the old ones)."""
    state = {f: getattr(challenge, f) for f in TENDER_FIELDS}
    state["indicators"] = [i.snapshot() for i in challenge.indicators.all()]
    for amendment in sorted(challenge.amendments.all(), key=lambda a: -a.number):
        if amendment.number in applied:
            continue
        for field, change in amendment.changes.items():
            if field == "indicators":
                state["indicators"] = change.get("old") or []
            elif field in state:
                state[field] = _parse_old(field, change.get("old"))
    return state


def _indicator_line(row) -> str:
    comparator = dict(Comparator.choices).get(row.get("comparator"), "")
    value = plain_decimal(Decimal(str(row["target_value"])))
    if row.get("comparator") == Comparator.RANGE and row.get("target_upper") is not None:
        target = f"{value}–{plain_decimal(Decimal(str(row['target_upper'])))}"
    else:
        target = f"{comparator} {value}"
    line = f"{row['name']} {target} {row.get('unit') or ''}".strip()
    if row.get("test_method"):
        line += f"（{row['test_method']}）"
    return line


def _tender_description(state) -> str:
    parts = [state["problem"] or ""]
    if state["indicators"]:
        lines = [f"{n}. {_indicator_line(row)}" for n, row in enumerate(state["indicators"], 1)]
        parts.append(_("Technical indicators (acceptance criteria):") + "\n" + "\n".join(lines))
    if state["period_months"]:
        parts.append(_("Implementation period: %(n)s months.") % {"n": state["period_months"]})
    return "\n\n".join(p for p in parts if p)


def _withheld_document() -> dict:
    return {
        "id": "withheld-information",
        "documentType": WITHHELD_DOCUMENT_TYPE,
        "title": _("Information withheld from this publication"),
        "description": _(
            "Not published: the content of the bids (technical approach, team, budget, "
            "attachments) and the names of bidders that were not awarded; the experts of the "
            "panel, their scores and comments; who asked the clarification questions; who "
            "filed objections and what they wrote; payment references and the free-text "
            "reasons of assessments and terminations. The number of bids is published once "
            "the deadline has passed and the winners once the public notice opens."
        ),
        "language": LANGUAGE,
    }


def _shown(field, value) -> str:
    if value is None:
        return "—"
    if field == "bid_deadline" and isinstance(value, str) and parse_datetime(value):
        return timezone.localtime(parse_datetime(value)).strftime("%Y-%m-%d %H:%M")
    return str(value)


def _changes_text(challenge, changes) -> str:
    items = []
    for field, change in changes.items():
        if field == "indicators":
            new = "；".join(_indicator_line(row) for row in change.get("new") or [])
            items.append(_("Technical indicators") + f": {new}")
            continue
        try:
            label = str(Challenge._meta.get_field(field).verbose_name)
        except FieldDoesNotExist:  # a field renamed since the amendment: show its code
            label = field
        old, new = (_shown(field, change.get(k)) for k in ("old", "new"))
        items.append(f"{label}: {old} → {new}")
    return "；".join(items)


def _amendment(challenge, amendment) -> dict:
    before = (
        f"{challenge.ocid}-tender-1"
        if amendment.number == 1
        else f"{challenge.ocid}-tenderAmendment-{amendment.number - 1}"
    )
    return {
        "id": str(amendment.number),
        "date": _dt(amendment.created_at),
        "rationale": amendment.reason,
        "description": _changes_text(challenge, amendment.changes),
        "amendsReleaseID": before,
        "releaseID": f"{challenge.ocid}-tenderAmendment-{amendment.number}",
    }


# A restricted or confidential challenge publishes only its public part (DOMAIN §2, added):
# these amended fields may be shown; the others are named as withheld.
PUBLIC_PART_FIELDS = (
    "title",
    "public_summary",
    "bounty_total",
    "enterprise_funds",
    "government_funds",
    "period_months",
    "bid_deadline",
)


def _withheld_note(challenge) -> str:
    if challenge.confidentiality == Confidentiality.SECRET:
        return _(
            "Confidential challenge: only this public summary is published. The problem "
            "statement, deliverable, eligibility, IP terms in detail, contact person, technical "
            "indicators, scoring criteria, clarifications, amendment texts and attachments are "
            "open only to organisations the issuer admits, after they accept the challenge's "
            "NDA."
        )
    return _(
        "Restricted challenge: only this public summary is published. The problem statement, "
        "deliverable, eligibility, IP terms in detail, contact person, technical indicators, "
        "scoring criteria, clarifications, amendment texts and attachments are open only to "
        "members of verified organisations who accept the challenge's NDA."
    )


def _restrict(challenge, tender, state) -> dict:
    """Keep only the public part of a non-public challenge's tender, and say so."""
    note = _withheld_note(challenge)
    summary = (state["public_summary"] or "").strip()
    tender["description"] = "\n\n".join(p for p in (summary, note) if p)
    for key in ("eligibilityCriteria", "awardCriteriaDetails"):
        tender.pop(key, None)
    # The deliverable is a detail; the industry is public: one item carrying only it.
    classification = (tender.get("items") or [{}])[0].get("classification")
    if classification:
        tender["items"] = [{"id": "1", "classification": classification}]
    else:
        tender.pop("items", None)
    document = tender["documents"][0]
    document["description"] = f"{document['description']} {note}"
    changes_of = {str(a.number): a.changes for a in challenge.amendments.all()}
    for amendment in tender.get("amendments", []):
        amendment["rationale"] = note
        changes = changes_of[amendment["id"]]
        shown = {f: c for f, c in changes.items() if f in PUBLIC_PART_FIELDS}
        text = _changes_text(challenge, shown) if shown else ""
        if len(shown) < len(changes):
            text = "；".join(p for p in (text, _("withheld details were amended")) if p)
        if text:
            amendment["description"] = text
        else:
            amendment.pop("description", None)
    return tender


def _tender(challenge, records, *, applied, status, at, tenderers=None) -> dict:
    state = _tender_state(challenge, applied)
    tender = {
        "id": challenge.ocid,
        "title": state["title"],
        "description": _tender_description(state),
        "status": status,
        "items": [
            {
                "id": "1",
                "description": state["deliverable"] or state["title"],
                "quantity": 1,
            }
        ],
        "value": value_cny(state["bounty_total"]) if state["bounty_total"] is not None else None,
        "procurementMethod": "open",
        "procurementMethodDetails": _("Open call for solutions (揭榜挂帅)")
        + (
            " · " + _("horse race: up to %(n)s parallel winners") % {"n": challenge.winners_allowed}
            if challenge.is_horse_race
            else ""
        ),
        "mainProcurementCategory": "services",
        "awardCriteria": "ratedCriteria",
        "awardCriteriaDetails": "；".join(f"{c.name} {c.weight}" for c in challenge.criteria.all()),
        "submissionMethod": ["electronicSubmission"],
        "tenderPeriod": {
            "startDate": _dt(challenge.published_at),
            "endDate": _dt(state["bid_deadline"]),
        },
        "hasEnquiries": any(c.asked_at <= at for c in challenge.clarifications.all()),
        "eligibilityCriteria": state["eligibility"] or None,
        "documents": [_withheld_document()],
    }
    if records.bureau is not None:
        tender["procuringEntity"] = _ref(records.bureau)
    if challenge.industry_id:
        tender["items"][0]["classification"] = {
            "scheme": INDUSTRY_SCHEME,
            "id": challenge.industry.code,
            "description": challenge.industry.name_zh,
        }
    amendments = [
        _amendment(challenge, a)
        for a in sorted(challenge.amendments.all(), key=lambda a: a.number)
        if a.number in applied
    ]
    if amendments:
        tender["amendments"] = amendments
    if tenderers is not None:
        tender["numberOfTenderers"] = tenderers
    if tender["value"] is None:
        del tender["value"]
    if challenge.confidentiality != Confidentiality.PUBLIC:
        _restrict(challenge, tender, state)
    return tender, state


def _public_call(challenge):
    """The call the challenge was published in, once that call's list is public."""
    call = challenge.call if challenge.call_id else None
    return call if call is not None and call.is_public else None


def _planning(state, call=None) -> dict:
    ent, gov = state["enterprise_funds"], state["government_funds"]
    planning = {"rationale": call_rationale(call)} if call is not None else {}
    if state["bounty_total"] is None:
        return planning
    description = _(
        "Bounty %(total)s ×10k yuan: %(ent)s ×10k yuan from the issuing enterprise, "
        "%(gov)s ×10k yuan of government funds."
    ) % {
        "total": plain_decimal(state["bounty_total"]),
        "ent": plain_decimal(ent) or "0",
        "gov": plain_decimal(gov) or "0",
    }
    if call is not None:  # the budget line is the call's (批次)
        description = _("Call %(call)s.") % {"call": call_label(call)} + " " + description
    return planning | {
        "budget": {"description": description, "amount": value_cny(state["bounty_total"])}
    }


def _applied_at(challenge, event) -> set:
    """Numbers of the amendments in force when ``event`` happened."""
    if event.action == "challenge.amend":
        number = event.payload.get("number")
        return {a.number for a in challenge.amendments.all() if a.number <= number}
    return {a.number for a in challenge.amendments.all() if a.created_at <= event.created_at}


# --- Releases ----------------------------------------------------------------------------------


def _release_tender(event, challenge, records):
    applied = _applied_at(challenge, event)
    amend = event.action == "challenge.amend"
    tag = "tenderAmendment" if amend else "tender"
    n = event.payload.get("number") if amend else 1
    release = _base(challenge, event, records, tags=[tag], n=n)
    release["tender"], state = _tender(
        challenge, records, applied=applied, status="active", at=event.created_at
    )
    call = _public_call(challenge)
    release["planning"] = _planning(state, call)
    if not release["planning"]:
        del release["planning"]
    related = []
    earlier = records.republished_from.get(challenge.pk)
    if earlier and not amend:
        related.append(
            {
                "id": "1",
                "relationship": ["unsuccessfulProcess"],
                "scheme": "ocid",
                "identifier": earlier,
            }
        )
    if call is not None:  # the call's planning process (opendata/ocds/calls.py)
        related.append(call_related_process(call))
    if related:
        release["relatedProcesses"] = related
    return release


def _release_close(event, challenge, records):
    release = _base(challenge, event, records, tags=["tenderUpdate"], n=event.seq)
    release["tender"], _state = _tender(
        challenge,
        records,
        applied=_applied_at(challenge, event),
        status="active",
        at=event.created_at,
        tenderers=records.tenderers.get(challenge.pk, 0),
    )
    return release


def _release_no_award(event, challenge, records):
    release = _base(challenge, event, records, tags=["tenderUpdate"], n=event.seq)
    release["tender"] = {
        "id": challenge.ocid,
        "status": "unsuccessful",
        "numberOfTenderers": records.tenderers.get(challenge.pk, 0),
    }
    return release
