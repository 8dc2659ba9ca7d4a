"""Open Contracting Data Standard 1.1 releases of the challenges (DOMAIN §9).

Each public challenge is one contracting process identified by its ``ocid``. Its releases
are built from the audit trail (``audit.AuditEvent``, in ``seq`` order) and the records it
points to: one release per public event, so a release never changes once published.

========================  =======================  ===========================================
audit event               release tag              what the release says
========================  =======================  ===========================================
challenge.publish         tender                   the call as published (before amendments);
                                                   after 流榜, relatedProcesses names the earlier
                                                   ocid (unsuccessfulProcess)
challenge.amend           tenderAmendment          the call after amendment n, every amendment
challenge.close           tenderUpdate             number of tenderers (bids at the deadline)
challenge.no_award        tenderUpdate             tender unsuccessful (流榜)
challenge.open_notice     award                    proposed winners, award ``pending``
objection.decide (upheld) awardUpdate              the pending awards ``cancelled``
challenge.award           award                    winners, award ``active``; tender complete
project.activate          contract                 contract signed by all three parties
project.change_decide     contractAmendment        an approved change (an extension moves the
  (approved)                                       contract's end date)
milestone.assess.bureau   implementationUpdate     milestone met / not met
milestone.rectify         implementationUpdate     milestone rescheduled (rectification)
tranche.disburse          implementationUpdate     a payment (transaction)
project.acceptance        implementationUpdate,    final acceptance result; contract closed
                          contractTermination
project.terminate         contractTermination      early termination and its outcome
========================  =======================  ===========================================

Release ids: ``<ocid>-tender-1`` for the publication, ``<ocid>-tenderAmendment-<n>`` for
amendment n (so an amendment can name the release it amends), ``<ocid>-<tag>-<seq>`` for the
others (``seq`` = the audit event's sequence number: unique and never reused).

Withheld (never read here): bids' content and the identities of bidders not awarded, expert
identities, scores and panel documents, askers of clarifications, objectors and objection
texts, payment references, free-text reasons of assessments and terminations. Every tender
section carries a document of type ``x_withheldInformation`` saying so (core schema only).

Amounts are stored in 万元 (10,000 CNY) and published in CNY. Organisations are identified
by their unified social credit code under the org-id.guide scheme ``CN-USCI``.
"""

from collections import defaultdict
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db.models import CharField, Count, Prefetch, Q
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from accounts.selectors import bureau_organization
from audit.models import AuditEvent
from bounty.models import (
    Bid,
    BidStatus,
    Challenge,
    ChangeRequest,
    Clarification,
    Comparator,
    Project,
    ProjectMilestone,
    ProjectStatus,
    TerminationOutcome,
    Tranche,
    plain_decimal,
)
from common.dates import add_months

OCDS_VERSION = "1.1"
ORG_SCHEME = "CN-USCI"  # org-id.guide: Unified Social Credit Identifier (统一社会信用代码)
CURRENCY = "CNY"
LANGUAGE = "zh"
WITHHELD_DOCUMENT_TYPE = "x_withheldInformation"
INDUSTRY_SCHEME = "x_jiebangIndustry"

CHALLENGE = "bounty.challenge"
PROJECT = "bounty.project"
MILESTONE = "bounty.projectmilestone"
TRANCHE = "bounty.tranche"

# The audit events that become releases (and nothing else: the feed selects on this).
RELEASE_EVENTS = (
    Q(
        object_type=CHALLENGE,
        action__in=[
            "challenge.publish",
            "challenge.amend",
            "challenge.close",
            "challenge.no_award",
            "challenge.open_notice",
            "challenge.award",
        ],
    )
    | Q(object_type=CHALLENGE, action="objection.decide", payload__upheld=True)
    | Q(
        object_type=PROJECT,
        action__in=["project.activate", "project.acceptance", "project.terminate"],
    )
    | Q(object_type=PROJECT, action="project.change_decide", payload__approved=True)
    | Q(object_type=MILESTONE, action__in=["milestone.assess.bureau", "milestone.rectify"])
    | Q(object_type=TRANCHE, action="tranche.disburse")
)

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
)
_DECIMAL_FIELDS = ("bounty_total", "enterprise_funds", "government_funds")
Q4 = Decimal("0.0001")
TEN_THOUSAND = Decimal(10000)
ACCEPTANCE_MILESTONE_STATUS = {
    ProjectStatus.PASSED: "met",
    ProjectStatus.CLOSED_WITHOUT_PASS: "partiallyMet",
    ProjectStatus.FAILED: "notMet",
}


# --- Small converters -------------------------------------------------------------------------


def _dt(value) -> str | None:
    """An aware datetime (or ISO string) → RFC 3339 in the site's time zone."""
    if value is None:
        return None
    if isinstance(value, str):
        value = parse_datetime(value)
    return timezone.localtime(value).isoformat()


def _day(value) -> str | None:
    """A date (or ISO date string) → the start of that day in the site's time zone."""
    if value is None:
        return None
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return datetime.combine(value, time.min, tzinfo=timezone.get_default_timezone()).isoformat()


def _number(value: Decimal):
    return int(value) if value == value.to_integral_value() else float(value)


def value_cny(wan) -> dict:
    """万元 (Decimal or string) → an OCDS Value in CNY, exact to the fen."""
    amount = (Decimal(str(wan)) * TEN_THOUSAND).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return {"amount": _number(amount), "currency": CURRENCY}


def _q(value) -> Decimal:
    return Decimal(value).quantize(Q4, rounding=ROUND_HALF_UP)


def party_id(org) -> str:
    return f"{ORG_SCHEME}-{org.credit_code}" if org.credit_code else f"jiebang-org-{org.pk}"


def _ref(org) -> dict:
    return {"id": party_id(org), "name": org.name}


def award_id(challenge, bid) -> str:
    return f"{challenge.ocid}-award-{bid.reference}"


# --- Loading what a batch of events needs, in a constant number of queries --------------------


class _Records:
    """Everything the releases of ``events`` read, loaded once per object type."""

    def __init__(self, events):
        ids = defaultdict(set)
        for event in events:
            ids[event.object_type].add(int(event.object_id))
        self.milestones = (
            {m.pk: m for m in ProjectMilestone.objects.filter(pk__in=ids[MILESTONE])}
            if ids[MILESTONE]
            else {}
        )
        self.tranches = (
            {t.pk: t for t in Tranche.objects.filter(pk__in=ids[TRANCHE])} if ids[TRANCHE] else {}
        )
        project_ids = (
            ids[PROJECT]
            | {m.project_id for m in self.milestones.values()}
            | {t.project_id for t in self.tranches.values()}
        )
        self.projects = (
            {
                p.pk: p
                for p in Project.objects.filter(pk__in=project_ids)
                .select_related("bid__lead", "contract")
                .prefetch_related("milestones", "tranches")
            }
            if project_ids
            else {}
        )
        challenge_ids = ids[CHALLENGE] | {p.challenge_id for p in self.projects.values()}
        self.challenges = {
            c.pk: c
            for c in Challenge.objects.filter(pk__in=challenge_ids)
            .select_related("issuer", "industry")
            .prefetch_related(
                "indicators",
                "criteria",
                "amendments",
                Prefetch(
                    "clarifications",
                    queryset=Clarification.objects.only("pk", "challenge_id", "asked_at"),
                ),
            )
        }
        actions = {e.action for e in events}
        self.tenderers = {}
        if actions & {"challenge.close", "challenge.no_award"}:
            self.tenderers = dict(
                Bid.objects.filter(challenge_id__in=challenge_ids, submitted_at__isnull=False)
                .exclude(status__in=[BidStatus.DRAFT, BidStatus.WITHDRAWN])
                .values("challenge_id")
                .annotate(n=Count("pk"))
                .values_list("challenge_id", "n")
            )
        # The proposals (bid references) behind a notice or a cancelled notice.
        self.proposals = defaultdict(list)
        if actions & {"challenge.open_notice", "objection.decide"}:
            for seq, object_id, payload in AuditEvent.objects.filter(
                object_type=CHALLENGE,
                action="challenge.propose_award",
                object_id__in=[str(pk) for pk in challenge_ids],
            ).values_list("seq", "object_id", "payload"):
                self.proposals[int(object_id)].append((seq, payload.get("bids", [])))
        references = {r for items in self.proposals.values() for _seq, refs in items for r in refs}
        for event in events:
            if event.action == "challenge.award":
                references.update(event.payload.get("winners", []))
        self.bids = (
            {
                b.reference: b
                for b in Bid.objects.filter(reference__in=references).select_related("lead")
            }
            if references
            else {}
        )
        change_ids = [
            e.payload.get("change") for e in events if e.action == "project.change_decide"
        ]
        self.changes = (
            {c.pk: c for c in ChangeRequest.objects.filter(pk__in=change_ids)} if change_ids else {}
        )
        # A challenge published again after 流榜 follows an unsuccessful process.
        self.republished_from = {}
        if "challenge.publish" in actions:
            self.republished_from = {
                int(object_id): payload.get("from")
                for object_id, payload in AuditEvent.objects.filter(
                    object_type=CHALLENGE,
                    action="challenge.republish",
                    object_id__in=[
                        str(e.object_id) for e in events if e.action == "challenge.publish"
                    ],
                ).values_list("object_id", "payload")
            }
        self.bureau = bureau_organization()

    def challenge_of(self, event):
        pk = int(event.object_id)
        if event.object_type == CHALLENGE:
            return self.challenges[pk]
        return self.challenges[self.project_of(event).challenge_id]

    def project_of(self, event):
        pk = int(event.object_id)
        if event.object_type == PROJECT:
            return self.projects[pk]
        if event.object_type == MILESTONE:
            return self.projects[self.milestones[pk].project_id]
        return self.projects[self.tranches[pk].project_id]

    def proposed_before(self, challenge, seq):
        """The bids of the last proposal made before the event ``seq``."""
        earlier = [refs for s, refs in sorted(self.proposals[challenge.pk]) if s < seq]
        refs = earlier[-1] if earlier else []
        return [self.bids[r] for r in refs if r in self.bids]


# --- Parts of a release ------------------------------------------------------------------------


def _party(org, roles, *, challenge=None) -> dict:
    party = {
        "id": party_id(org),
        "name": org.name,
        "roles": roles,
    }
    if org.credit_code:
        party["identifier"] = {"scheme": ORG_SCHEME, "id": org.credit_code, "legalName": org.name}
    if challenge is not None and (challenge.contact_name or challenge.contact_email):
        contact = {"name": challenge.contact_name or None}
        if challenge.contact_phone:
            contact["telephone"] = challenge.contact_phone
        if challenge.contact_email:
            contact["email"] = challenge.contact_email
        party["contactPoint"] = contact
    return party


def _base(challenge, event, records, *, tags, n, suppliers=(), payees=()) -> dict:
    parties = [_party(challenge.issuer, ["buyer"], challenge=challenge)]
    if records.bureau is not None:
        parties.append(_party(records.bureau, ["procuringEntity"]))
    seen = set()
    for org in [*suppliers, *payees]:
        if org.pk in seen:
            continue
        seen.add(org.pk)
        roles = ["supplier"] + (["payee"] if org in payees else [])
        parties.append(_party(org, roles))
    return {
        "ocid": challenge.ocid,
        "id": f"{challenge.ocid}-{tags[-1]}-{n}",
        "date": _dt(event.created_at),
        "tag": list(tags),
        "initiationType": "tender",
        "language": LANGUAGE,
        "parties": parties,
        "buyer": _ref(challenge.issuer),
    }


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
    return tender, state


def _planning(state) -> dict:
    ent, gov = state["enterprise_funds"], state["government_funds"]
    if state["bounty_total"] is None:
        return {}
    description = _(
        "Bounty %(total)s ×10k yuan: %(ent)s ×10k yuan from the issuing enterprise, "
        "%(gov)s ×10k yuan of government funds."
    ) % {
        "total": plain_decimal(state["bounty_total"]),
        "ent": plain_decimal(ent) or "0",
        "gov": plain_decimal(gov) or "0",
    }
    return {"budget": {"description": description, "amount": value_cny(state["bounty_total"])}}


def _applied_at(challenge, event) -> set:
    """Numbers of the amendments in force when ``event`` happened."""
    if event.action == "challenge.amend":
        number = event.payload.get("number")
        return {a.number for a in challenge.amendments.all() if a.number <= number}
    return {a.number for a in challenge.amendments.all() if a.created_at <= event.created_at}


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


def _contract_ref(project, records) -> dict:
    challenge = records.challenges[project.challenge_id]
    return {"id": project.contract.number, "awardID": award_id(challenge, project.bid)}


def _milestone_ref(milestone) -> dict:
    return {"id": f"M{milestone.number}", "title": milestone.title, "type": "delivery"}


# --- One release per event ---------------------------------------------------------------------


def _release_tender(event, challenge, records):
    applied = _applied_at(challenge, event)
    amend = event.action == "challenge.amend"
    tag = "tenderAmendment" if amend else "tender"
    n = event.payload.get("number") if amend else 1
    release = _base(challenge, event, records, tags=[tag], n=n)
    release["tender"], state = _tender(
        challenge, records, applied=applied, status="active", at=event.created_at
    )
    release["planning"] = _planning(state)
    if not release["planning"]:
        del release["planning"]
    earlier = records.republished_from.get(challenge.pk)
    if earlier and not amend:
        release["relatedProcesses"] = [
            {
                "id": "1",
                "relationship": ["unsuccessfulProcess"],
                "scheme": "ocid",
                "identifier": earlier,
            }
        ]
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


def _release_contract(event, challenge, records):
    project = records.projects[int(event.object_id)]
    lead = project.bid.lead
    release = _base(challenge, event, records, tags=["contract"], n=event.seq, suppliers=[lead])
    total = sum((t.amount for t in project.tranches.all()), Decimal(0))
    contract = _contract_ref(project, records) | {
        "title": challenge.title,
        "status": "active",
        "dateSigned": _dt(project.contract_signed_at),
        "implementation": {
            "milestones": [
                _milestone_ref(m) | {"dueDate": _day(m.original_due_on), "status": "scheduled"}
                for m in project.milestones.all()
            ]
        },
    }
    if total:
        contract["value"] = value_cny(total)
    if project.started_on:
        contract["period"] = {
            "startDate": _day(project.started_on),
            "endDate": _day(add_months(project.started_on, challenge.period_months or 0)),
        }
    release["contracts"] = [contract]
    return release


def _release_change(event, challenge, records):
    project = records.projects[int(event.object_id)]
    change = records.changes.get(event.payload.get("change"))
    release = _base(
        challenge,
        event,
        records,
        tags=["contractAmendment"],
        n=event.seq,
        suppliers=[project.bid.lead],
    )
    contract = _contract_ref(project, records)
    if change is not None and change.kind == ChangeRequest.Kind.EXTENSION and project.started_on:
        rationale = _("Extension of %(n)s months approved by the bureau.") % {"n": change.months}
        contract["period"] = {
            "startDate": _day(project.started_on),
            "endDate": _day(
                add_months(project.started_on, (challenge.period_months or 0) + change.months)
            ),
        }
    else:
        rationale = _("A change to the project was approved by the bureau.")
    contract["amendments"] = [
        {
            "id": f"change-{event.payload.get('change')}",
            "date": _dt(event.created_at),
            "rationale": rationale,
        }
    ]
    release["contracts"] = [contract]
    return release


def _release_milestone(event, challenge, records):
    milestone = records.milestones[int(event.object_id)]
    project = records.projects[milestone.project_id]
    release = _base(
        challenge,
        event,
        records,
        tags=["implementationUpdate"],
        n=event.seq,
        suppliers=[project.bid.lead],
    )
    item = _milestone_ref(milestone) | {"dateModified": _dt(event.created_at)}
    if event.action == "milestone.rectify":
        item |= {"status": "scheduled", "dueDate": _day(event.payload.get("due_on"))}
        item["description"] = _("Not met; rescheduled for rectification.")
    elif event.payload.get("met"):
        item |= {"status": "met", "dateMet": _dt(event.created_at)}
    else:
        item["status"] = "notMet"
    release["contracts"] = [
        _contract_ref(project, records) | {"implementation": {"milestones": [item]}}
    ]
    return release


def _release_disbursement(event, challenge, records):
    tranche = records.tranches[int(event.object_id)]
    project = records.projects[tranche.project_id]
    lead = project.bid.lead
    release = _base(
        challenge,
        event,
        records,
        tags=["implementationUpdate"],
        n=event.seq,
        suppliers=[lead],
        payees=[lead],
    )
    transaction = {
        "id": f"{project.contract.number}-{tranche.number}-{event.seq}",
        "date": _day(event.payload.get("paid_on")),
        "value": value_cny(event.payload.get("amount", "0")),
        "payee": _ref(lead),
    }
    release["contracts"] = [
        _contract_ref(project, records) | {"implementation": {"transactions": [transaction]}}
    ]
    return release


def _release_acceptance(event, challenge, records):
    project = records.projects[int(event.object_id)]
    release = _base(
        challenge,
        event,
        records,
        tags=["implementationUpdate", "contractTermination"],
        n=event.seq,
        suppliers=[project.bid.lead],
    )
    result = event.to_state
    item = {
        "id": "acceptance",
        "title": _("Final acceptance (验收)"),
        "type": "assessment",
        "status": ACCEPTANCE_MILESTONE_STATUS.get(result, "notMet"),
        "description": str(ProjectStatus(result).label) if result in ProjectStatus.values else None,
        "dateModified": _dt(event.created_at),
    }
    if item["status"] == "met":
        item["dateMet"] = _dt(event.created_at)
    release["contracts"] = [
        _contract_ref(project, records)
        | {"status": "terminated", "implementation": {"milestones": [item]}}
    ]
    return release


def _release_termination(event, challenge, records):
    project = records.projects[int(event.object_id)]
    release = _base(
        challenge,
        event,
        records,
        tags=["contractTermination"],
        n=event.seq,
        suppliers=[project.bid.lead],
    )
    outcome = event.payload.get("outcome", "")
    label = TerminationOutcome(outcome).label if outcome in TerminationOutcome.values else outcome
    release["contracts"] = [
        _contract_ref(project, records)
        | {
            "status": "terminated",
            "description": _("Terminated early. Outcome: %(outcome)s.") % {"outcome": label},
        }
    ]
    return release


BUILDERS = {
    "challenge.publish": _release_tender,
    "challenge.amend": _release_tender,
    "challenge.close": _release_close,
    "challenge.no_award": _release_no_award,
    "challenge.open_notice": _release_notice,
    "objection.decide": _release_objection_upheld,
    "challenge.award": _release_award,
    "project.activate": _release_contract,
    "project.change_decide": _release_change,
    "milestone.assess.bureau": _release_milestone,
    "milestone.rectify": _release_milestone,
    "tranche.disburse": _release_disbursement,
    "project.acceptance": _release_acceptance,
    "project.terminate": _release_termination,
}


def build_releases(events) -> list[dict]:
    """The releases of ``events`` (audit events matching ``RELEASE_EVENTS``), in order.
    Texts are in the site's language (Chinese) whatever the request's language."""
    events = list(events)
    if not events:
        return []
    records = _Records(events)
    with translation.override(settings.LANGUAGE_CODE):
        return [
            BUILDERS[e.action](e, records.challenge_of(e), records)
            for e in events
            if e.action in BUILDERS
        ]


# --- Which events: one challenge, or every public challenge ------------------------------------


def _as_text_ids(queryset):
    return queryset.annotate(text_id=Cast("pk", CharField())).values("text_id")


def _scope(challenges) -> Q:
    """Events of the given challenges (a queryset) and of their projects, milestones and
    tranches."""
    projects = Project.objects.filter(challenge__in=challenges)
    return (
        Q(object_type=CHALLENGE, object_id__in=_as_text_ids(challenges))
        | Q(object_type=PROJECT, object_id__in=_as_text_ids(projects))
        | Q(
            object_type=MILESTONE,
            object_id__in=_as_text_ids(ProjectMilestone.objects.filter(project__in=projects)),
        )
        | Q(
            object_type=TRANCHE,
            object_id__in=_as_text_ids(Tranche.objects.filter(project__in=projects)),
        )
    )


def release_events(challenges=None):
    """Audit events that are releases, of public challenges only (or of ``challenges``,
    a queryset, intersected with the public ones), oldest first."""
    public = Challenge.objects.public()
    if challenges is not None:
        public = public.filter(pk__in=challenges.values("pk"))
    return AuditEvent.objects.filter(RELEASE_EVENTS).filter(_scope(public)).order_by("seq")


def challenge_releases(challenge) -> list[dict]:
    events = list(release_events(Challenge.objects.filter(pk=challenge.pk)))
    return build_releases(events)


def releases_changed_since(since=None, *, limit=100, cursor=None):
    """One page of the feed: releases of public challenges whose event happened at or after
    ``since`` and after the event ``cursor`` (a sequence number), oldest first. Returns
    ``(releases, next_cursor)``; ``next_cursor`` is None on the last page. Releases never
    change once published, so paging with the cursor is complete and without duplicates."""
    events = release_events()
    if since is not None:
        events = events.filter(created_at__gte=since)
    if cursor is not None:
        events = events.filter(seq__gt=cursor)
    page = list(events[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    return build_releases(page), (page[-1].seq if more else None)


# --- Packages ----------------------------------------------------------------------------------


def publisher() -> dict:
    """The city's bureau publishes (JIEBANG["OCDS_PUBLISHER"] overrides its name)."""
    bureau = bureau_organization()
    name = settings.JIEBANG.get("OCDS_PUBLISHER") or (bureau.name if bureau else "")
    if not name:
        with translation.override(settings.LANGUAGE_CODE):
            name = settings.JIEBANG.get("SITE_NAME") or str(_("Challenge & Bid Platform"))
    data = {"name": name}
    if bureau is not None and bureau.credit_code:
        data |= {"scheme": ORG_SCHEME, "uid": bureau.credit_code}
    return data


def absolute(path, request=None) -> str:
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.SITE_URL.rstrip("/") + path


def package(releases, *, uri) -> dict:
    """A release package around ``releases`` (publishedDate = the newest release's date:
    the package is generated on demand)."""
    dates = [parse_datetime(r["date"]) for r in releases]
    data = {
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": _dt(max(dates)) if dates else _dt(timezone.now()),
        "publisher": publisher(),
        "releases": releases,
    }
    if settings.JIEBANG.get("OCDS_LICENSE"):
        data["license"] = settings.JIEBANG["OCDS_LICENSE"]
    return data


def release_package(challenge, *, request=None) -> dict:
    """Every release of one public challenge (the caller checks that it is public)."""
    uri = absolute(reverse("opendata:package", args=[challenge.ocid]), request)
    return package(challenge_releases(challenge), uri=uri)
