"""Validation rules of a challenge, shared by forms, the submit guard and services."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _


def rules():
    return settings.JIEBANG


def funding_errors(total, enterprise, government) -> dict:
    errors = {}
    if total is None or enterprise is None or government is None:
        return errors
    if enterprise + government != total:
        errors["government_funds"] = _(
            "Enterprise funds (%(e)s) plus government funds (%(g)s) must equal the bounty (%(t)s)."
        ) % {"e": enterprise, "g": government, "t": total}
    minimum = Decimal(str(rules()["MIN_ENTERPRISE_SHARE"]))
    if total and enterprise < (total * minimum).quantize(Decimal("0.01")):
        errors["enterprise_funds"] = _(
            "The enterprise must fund at least %(pct)s%% of the bounty (%(min)s)."
        ) % {"pct": (minimum * 100).normalize(), "min": (total * minimum).quantize(Decimal("0.01"))}
    return errors


def horse_race_errors(winners, total, parallel_share, continuation) -> dict:
    """赛马制 (winners > 1): the share per parallel team and the continuation amount are
    declared, and parallel_share × winners + continuation = the bounty (field → message)."""
    errors = {}
    if not winners or winners <= 1:
        return errors
    if parallel_share is None:
        errors["parallel_share"] = _("A horse race declares the share of each parallel team.")
    if continuation is None:
        errors["continuation_amount"] = _(
            "A horse race declares the continuation amount for the surviving team(s) (0 if none)."
        )
    if errors or total is None:
        return errors
    if parallel_share * winners + continuation != total:
        errors["continuation_amount"] = _(
            "%(n)d parallel shares of %(share)s plus the continuation amount %(cont)s must "
            "equal the bounty (%(total)s)."
        ) % {"n": winners, "share": parallel_share, "cont": continuation, "total": total}
    return errors


def deadline_error(deadline, *, from_time=None):
    """The deadline must leave the minimum bidding window from publication (or now)."""
    if deadline is None:
        return None
    start = from_time or timezone.now()
    days = rules()["MIN_BID_WINDOW_DAYS"]
    if deadline <= timezone.now():
        return _("The bid deadline is in the past.")
    if deadline < start + timedelta(days=days):
        return _("The bid deadline must be at least %(days)d days after publication.") % {
            "days": days
        }
    return None


def weights_error(weights):
    total = sum(w for w in weights if w)
    if total != 100:
        return _(
            "The weights of the scoring criteria add up to %(total)d; they must add up to 100."
        ) % {"total": total}
    return None


def consortium_error(allowed, members):
    limit = rules()["MAX_CONSORTIUM_MEMBERS"]
    if allowed and members and members > limit:
        return _("A consortium has at most %(n)d members besides the lead unit.") % {"n": limit}
    return None


def challenge_completeness_errors(challenge) -> dict:
    """Everything a bidder needs must be there before the challenge leaves the issuer."""
    from bounty.calls.rules import qualification_errors

    errors = {}
    required = {
        "title": _("Give the challenge a title."),
        "industry": _("Choose the industry."),
        "problem": _("Describe the problem."),
        "deliverable": _("Say what the team must deliver."),
        "bounty_total": _("Give the bounty amount."),
        "enterprise_funds": _("Give the enterprise's share."),
        "government_funds": _("Give the government's share (0 if none)."),
        "period_months": _("Give the implementation period."),
        "bid_deadline": _("Set the bid deadline."),
        "eligibility": _("State the eligibility requirements."),
        "ip_terms": _("State who owns the intellectual property."),
        "contact_name": _("Name a contact person."),
    }
    for field, message in required.items():
        value = getattr(challenge, f"{field}_id" if field == "industry" else field)
        if value in (None, ""):
            errors[field] = message
    if challenge.ip_terms == "agreed" and not challenge.ip_terms_detail.strip():
        errors["ip_terms_detail"] = _("Detail the IP terms.")
    if challenge.confidentiality != "public" and not (challenge.public_summary or "").strip():
        errors["public_summary"] = _(
            "Write the public summary: it is all the public sees of a restricted or "
            "confidential challenge."
        )
    errors.update(
        funding_errors(
            challenge.bounty_total, challenge.enterprise_funds, challenge.government_funds
        )
    )
    errors.update(
        horse_race_errors(
            challenge.winners_allowed,
            challenge.bounty_total,
            challenge.parallel_share,
            challenge.continuation_amount,
        )
    )
    # A need in a call takes the call's deadline, checked when the call's list is published.
    if (
        challenge.status in ("draft", "returned")
        and not challenge.call_id
        and (err := deadline_error(challenge.bid_deadline))
    ):
        errors["bid_deadline"] = err
    errors.update(qualification_errors(challenge))  # a need in a call: 需求征集表
    if err := consortium_error(challenge.consortium_allowed, challenge.max_consortium_members):
        errors["max_consortium_members"] = err
    if challenge.pk:
        if not challenge.indicators.exists():
            errors["indicators"] = _("Add at least one measurable indicator.")
        criteria = list(challenge.criteria.values_list("weight", flat=True))
        if not criteria:
            errors["criteria"] = _("Add the scoring criteria.")
        elif err := weights_error(criteria):
            errors["criteria"] = err
    return errors
