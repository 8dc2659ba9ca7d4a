"""The budget rules of a bid (DOMAIN §3, §6): one amount governs the contract.

The bid's budget adds up to the team's share of the bounty (``Challenge.team_share()``:
the whole bounty, or the declared parallel-phase share in a horse race); the lines follow
the 2021 subjects with 财政 and 自筹 columns; indirect costs stay within
``JIEBANG["INDIRECT_COST_CAP_PERCENT"]`` % of the direct costs; the 财政 column adds up to
the government part and the 自筹 column to the enterprise part of the share, split as the
contract splits it (``bounty.challenges.funding.team_funding``); 包干制 only where the bureau
allowed it at vetting, still stating the team share, with the PI's commitment."""

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from bounty.challenges.funding import team_funding
from bounty.challenges.models import plain_decimal
from bounty.models import BudgetLine


def indirect_cap_percent() -> Decimal:
    return Decimal(str(settings.JIEBANG["INDIRECT_COST_CAP_PERCENT"]))


def lump_sum_refusal(challenge):
    """The message refusing 包干制 on a challenge whose bureau did not allow it, else None."""
    if challenge.lump_sum_allowed:
        return None
    return _(
        "Lump-sum funding (包干制) is not allowed for this challenge: the bureau decides it "
        "at vetting. Give budget lines instead."
    )


def share_mismatch(total, share):
    """The message when a budget total differs from the team share, else None."""
    if share is None or Decimal(total) == Decimal(share):
        return None
    return _(
        "The budget adds up to %(total)s (10k yuan) but must equal the team's share of the "
        "bounty, %(share)s (10k yuan)."
    ) % {"total": plain_decimal(Decimal(total)), "share": plain_decimal(Decimal(share))}


def column_mismatch(challenge, lines):
    """The message when the 财政 / 自筹 column totals differ from the government and
    enterprise parts of the team share (the contract's split), else None. Checked once the
    total equals the share; without a declared share there is nothing to check."""
    if challenge.team_share() is None:
        return None
    enterprise, government = team_funding(challenge)
    totals = budget_totals(lines)
    if totals["government"] == government and totals["self_raised"] == enterprise:
        return None
    return _(
        "The government-funds (财政) column adds up to %(gov)s and the self-raised (自筹) "
        "column to %(self)s (10k yuan), but the team's share splits into %(gov_part)s "
        "government and %(ent_part)s enterprise funds, in the bounty's proportion."
    ) % {
        "gov": plain_decimal(totals["government"]),
        "self": plain_decimal(totals["self_raised"]),
        "gov_part": plain_decimal(government),
        "ent_part": plain_decimal(enterprise),
    }


def indirect_excess(lines):
    """The message when indirect costs exceed the cap on the direct costs, else None."""
    direct = sum(
        (line.amount for line in lines if line.category in BudgetLine.DIRECT), Decimal("0")
    )
    indirect = sum(
        (line.amount for line in lines if line.category == BudgetLine.Category.INDIRECT),
        Decimal("0"),
    )
    cap = indirect_cap_percent()
    if indirect * 100 <= direct * cap:
        return None
    return _(
        "Indirect costs of %(indirect)s (10k yuan) exceed %(cap)s%% of the direct costs "
        "(%(direct)s)."
    ) % {
        "indirect": plain_decimal(indirect),
        "cap": plain_decimal(cap),
        "direct": plain_decimal(direct),
    }


def budget_error(bid):
    """What is wrong with the bid's budget for submission (one message), or None."""
    share = bid.challenge.team_share()
    if bid.lump_sum:
        if refusal := lump_sum_refusal(bid.challenge):
            return refusal
        if not bid.lump_sum_amount:
            return _("Give the lump sum.")
        if not bid.pi_commitment:
            return _("The PI must commit to the lump-sum terms.")
        return share_mismatch(bid.lump_sum_amount, share)
    lines = list(bid.budget_lines.all())
    if not lines:
        if bid.challenge.lump_sum_allowed:
            return _("Add budget lines, or choose lump-sum funding.")
        return _("Add budget lines.")
    if any(line.amount <= 0 for line in lines):
        return _("Every budget line needs an amount.")
    total = sum((line.amount for line in lines), Decimal("0"))
    return (
        share_mismatch(total, share)
        or column_mismatch(bid.challenge, lines)
        or indirect_excess(lines)
    )


def budget_totals(lines) -> dict:
    """The column totals of budget lines (government, self-raised, total)."""
    government = sum((line.government_amount for line in lines), Decimal("0"))
    self_raised = sum((line.self_raised_amount for line in lines), Decimal("0"))
    return {"government": government, "self_raised": self_raised, "total": government + self_raised}
