"""Rules of a bid: completeness, limits, sanctions, canonical content for the receipt."""

import json
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bounty.bids.budget import budget_error
from bounty.challenges.models import plain_decimal
from bounty.models import COMMITTED_BID_STATUSES, Bid, CreditSanction, TeamMember
from bounty.projects.models import ENDED_PROJECT_STATUSES


def rules():
    return settings.JIEBANG


def milestone_shares_error(shares):
    total = sum((Decimal(s) for s in shares), Decimal("0"))
    if shares and total != Decimal("100"):
        return _(
            "The milestones' funding shares add up to %(total)s%%; they must add up to 100%%."
        ) % {"total": total.normalize()}
    return None


def consortium_limit_error(challenge, count):
    if count and not challenge.consortium_allowed:
        return _("This challenge does not accept consortium bids.")
    if count > challenge.max_consortium_members:
        return _("At most %(n)d consortium members besides the lead unit.") % {
            "n": challenge.max_consortium_members
        }
    return None


def sanctioned(*, credit_codes=(), users=()):
    """Active credit sanctions on any of these organisations or people."""
    today = timezone.localdate()
    active = Q(starts_on__lte=today) & (Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    subject = Q(credit_code__in=[c for c in credit_codes if c]) | Q(
        user__in=[u for u in users if u is not None]
    )
    return CreditSanction.objects.filter(active & subject)


def indicator_shortfalls(bid):
    """(indicator, committed value) for every commitment below its published target."""
    indicators = {i.pk: i for i in bid.challenge.indicators.all()}
    found = [
        (indicators[r.indicator_id], r.committed_value)
        for r in bid.responses.all()
        if r.indicator_id in indicators and not indicators[r.indicator_id].admits(r.committed_value)
    ]
    return sorted(found, key=lambda pair: (pair[0].position, pair[0].pk))


def shortfall_text(indicator, value):
    return _("“%(name)s” commits %(value)s, the published target is %(target)s") % {
        "name": indicator.name,
        "value": f"{plain_decimal(value)} {indicator.unit}".strip(),
        "target": indicator.target_display,
    }


def bid_completeness_errors(bid) -> dict:
    """What is missing before the bid can be submitted (section → message)."""
    errors = {}
    if bid.pi_id is None:
        errors["pi"] = _("Name the principal investigator (an account on the platform).")
    if not bid.technical_approach.strip():
        errors["technical_approach"] = _("Describe the technical approach.")
    if not bid.risk_plan.strip():
        errors["risk_plan"] = _("Describe the risks and how they are handled.")
    if not bid.expected_results.strip():
        errors["expected_results"] = _("Describe the expected results and IP.")
    # .all() everywhere: the submit path prefetches these relations once (PREFETCH).
    indicator_ids = {i.pk for i in bid.challenge.indicators.all()}
    answered = {r.indicator_id for r in bid.responses.all()}
    if indicator_ids - answered:
        errors["responses"] = _(
            "Commit to a target for every published indicator (%(n)d missing)."
        ) % {"n": len(indicator_ids - answered)}
    elif shortfalls := indicator_shortfalls(bid):
        errors["responses"] = _(
            "A commitment may not be below the published indicator: %(list)s."
        ) % {"list": _("; ").join(shortfall_text(i, value) for i, value in shortfalls)}
    shares = [m.tranche_share for m in bid.milestones.all()]
    if not shares:
        errors["milestones"] = _("Add the milestones.")
    elif err := milestone_shares_error(shares):
        errors["milestones"] = err
    if err := budget_error(bid):
        errors["budget"] = err
    if err := consortium_limit_error(bid.challenge, len(bid.consortium.all())):
        errors["consortium"] = err
    if not any(a.kind == "plan" for a in bid.attachments.all()):
        errors["attachments"] = _("Attach the implementation plan.")
    return errors


def bid_limit_errors(bid) -> dict:
    """Limits across bids and sanctions, checked at submission (DOMAIN §3): code → message."""
    errors = {}
    committed = Bid.objects.filter(status__in=COMMITTED_BID_STATUSES).exclude(pk=bid.pk)
    # The per-call count takes every bid of the call; the PI and participation limits take
    # a won bid only while its project runs (an accepted, closed or terminated project —
    # diligent failure included — no longer counts).
    others = committed.exclude(project__status__in=ENDED_PROJECT_STATUSES)
    call = bid.challenge.call  # the call's quotas; without a call, the calendar year's
    if call is not None:
        led_here = Q(lead=bid.lead, challenge__call_id=call.pk)
        max_lead, max_pi = call.max_lead_bids, call.pi_max_lead
    else:
        year = (bid.challenge.published_at or timezone.now()).year
        led_here = Q(
            lead=bid.lead, challenge__published_at__year=year, challenge__call__isnull=True
        )
        max_lead, max_pi = rules()["MAX_LEAD_BIDS_PER_CALL"], rules()["PI_MAX_LEAD"]
    as_pi_here = (
        Q(pi_id=bid.pi_id) & ~Q(project__status__in=ENDED_PROJECT_STATUSES)
        if bid.pi_id
        else Q(pk__in=[])
    )
    counts = committed.filter(led_here | as_pi_here).aggregate(
        led=Count("pk", filter=led_here), as_pi=Count("pk", filter=as_pi_here)
    )
    led = counts["led"]
    if led >= max_lead and call is not None:
        errors["lead_per_call"] = _(
            "%(org)s already leads %(n)d bids in the call “%(call)s”; the limit is %(max)d."
        ) % {"org": bid.lead.name, "n": led, "call": call.name, "max": max_lead}
    elif led >= max_lead:
        errors["lead_per_call"] = _(
            "%(org)s already leads %(n)d bids in this call; the limit is %(max)d."
        ) % {"org": bid.lead.name, "n": led, "max": max_lead}
    if bid.pi_id:
        as_pi = counts["as_pi"]
        if as_pi >= max_pi and call is not None:
            errors["pi_lead"] = _(
                "The PI already leads %(n)d active bid(s) or project(s); the limit while "
                "bidding in the call “%(call)s” is %(max)d."
            ) % {"n": as_pi, "call": call.name, "max": max_pi}
        elif as_pi >= max_pi:
            errors["pi_lead"] = _(
                "The PI already leads %(n)d active bid(s) or project(s); the limit is %(max)d."
            ) % {"n": as_pi, "max": max_pi}
    people = {t.user_id for t in bid.team.all() if t.user_id}
    if bid.pi_id:
        people.add(bid.pi_id)
    if people:
        counts = {}
        for row in TeamMember.objects.filter(user_id__in=people, bid__in=others).values_list(
            "user_id", "bid_id"
        ):
            counts.setdefault(row[0], set()).add(row[1])
        for bid_ids in counts.values():
            if len(bid_ids) >= rules()["PERSON_MAX_PARTICIPATION"]:
                errors["participation"] = _(
                    "A team member already takes part in %(max)d active bids or projects."
                ) % {"max": rules()["PERSON_MAX_PARTICIPATION"]}
                break
    codes = [bid.lead.credit_code, *(m.credit_code for m in bid.consortium.all())]
    users = [bid.pi] if bid.pi_id else []
    if sanctioned(credit_codes=codes, users=users).exists():
        errors["sanction"] = _(
            "An organisation or the PI of this bid is under a credit sanction and cannot bid."
        )
    return errors


def _d(value):
    return None if value is None else format(value, "f")


def canonical_content(bid) -> dict:
    """Everything a bid says, in a stable order: what the receipt's hash covers."""
    # Responses answer the challenge's own indicators (prefetched with PREFETCH).
    indicators = {i.pk: i for i in bid.challenge.indicators.all()}
    return {
        "format": "jiebang-bid-v1",
        "challenge": bid.challenge.ocid,
        "reference": bid.reference,
        "lead": {"name": bid.lead.name, "credit_code": bid.lead.credit_code},
        "consortium": [
            {
                "name": m.name,
                "credit_code": m.credit_code,
                "work_share": _d(m.work_share),
                "responsibilities": m.responsibilities,
            }
            for m in bid.consortium.all()
        ],
        "pi": {"id": bid.pi_id, "name": str(bid.pi) if bid.pi_id else None, "title": bid.pi_title},
        "team": [
            {
                "name": t.name,
                "title": t.title,
                "employer": t.employer,
                "employer_code": t.employer_code,
                "role": t.role,
                "person": t.user_id,
            }
            for t in bid.team.all()
        ],
        "summary": bid.summary,
        "technical_approach": bid.technical_approach,
        "risk_plan": bid.risk_plan,
        "expected_results": bid.expected_results,
        "responses": [
            {
                "indicator": indicators[r.indicator_id].name,
                "committed": _d(r.committed_value),
                "note": r.note,
            }
            for r in sorted(
                bid.responses.all(),
                key=lambda r: (indicators[r.indicator_id].position, r.indicator_id),
            )
        ],
        "milestones": [
            {
                "title": m.title,
                "due_month": m.due_month,
                "deliverables": m.deliverables,
                "tranche_share": _d(m.tranche_share),
            }
            for m in bid.milestones.all()
        ],
        "budget": {
            "lump_sum": bid.lump_sum,
            "lump_sum_amount": _d(bid.lump_sum_amount),
            "pi_commitment": bid.pi_commitment,
            "lines": [
                {
                    "category": b.category,
                    "government": _d(b.government_amount),
                    "self_raised": _d(b.self_raised_amount),
                    "amount": _d(b.amount),
                    "note": b.note,
                }
                for b in bid.budget_lines.all()
            ],
        },
        "exclusions": [
            {"kind": e.kind, "name": e.name, "credit_code": e.credit_code, "reason": e.reason}
            for e in bid.exclusions.all()
        ],
    }


def canonical_bytes(content: dict) -> bytes:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


# Relations read by completeness, limits and the canonical content: prefetch them once.
PREFETCH = (
    "challenge__indicators",
    "responses",  # their indicators are the challenge's, prefetched above
    "milestones",
    "budget_lines",
    "consortium",
    "team",
    "attachments",
    "exclusions",
)
