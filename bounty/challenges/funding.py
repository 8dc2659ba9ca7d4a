"""How one winning team's money splits between the enterprise and the government (DOMAIN §6,
issue 16). The bid's budget (its 财政 and 自筹 column totals), the contract and the horse
race's continuation tranches all use this one split, so they reconcile by construction."""

from decimal import ROUND_HALF_UP, Decimal

from bounty.projects.models import Project

CENT = Decimal("0.01")  # the precision of every amount entered (万元, i.e. 100 yuan)
Q4 = Decimal("0.0001")  # the precision of computed amounts (1 yuan)


def split_amount(challenge, amount, *, quantum=CENT) -> tuple[Decimal, Decimal]:
    """(enterprise, government) parts of ``amount`` in the challenge's proportion of
    enterprise to government funds: the government part rounded half up to ``quantum``,
    the enterprise part the rest, so they add up to ``amount`` exactly. Without any funds
    declared, it is all the enterprise's."""
    amount = Decimal(amount)
    enterprise = challenge.enterprise_funds or Decimal(0)
    government = challenge.government_funds or Decimal(0)
    if enterprise + government == 0:
        return amount, Decimal(0)
    gov = (amount * government / (enterprise + government)).quantize(
        quantum, rounding=ROUND_HALF_UP
    )
    return amount - gov, gov


def team_funding(challenge) -> tuple[Decimal, Decimal]:
    """(enterprise, government) parts of one winning team's share
    (``Challenge.team_share()``), the government part to the 0.01 万元 the budget columns
    hold; they add up to the share exactly. Without a declared share (a horse race created
    before the share was declared) the bounty is divided among the projects, as before."""
    share = challenge.team_share()
    if share is None:
        winners = max(Project.objects.filter(challenge=challenge).count(), 1)
        return (
            ((challenge.enterprise_funds or Decimal(0)) / winners).quantize(Q4, ROUND_HALF_UP),
            ((challenge.government_funds or Decimal(0)) / winners).quantize(Q4, ROUND_HALF_UP),
        )
    return split_amount(challenge, share)
