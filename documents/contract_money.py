"""The money and the place of a contract (DOMAIN §6, issue 16).

One amount governs: the awarded team's share of the bounty (``Challenge.team_share()``),
split into the enterprise's and the government's parts in the challenge's proportion
(``team_funding``, which lives in bounty so the bid's budget is checked against the same
split). The budget (its 2021 subjects with 财政 and 自筹 columns) and the tranches add up to it.

The contract's city and dispute body come from the bureau organisation ("常州市科学技术局" →
"常州市", "常州市仲裁委员会"); ``JIEBANG["CONTRACT_CITY"]`` / ``["DISPUTE_BODY"]`` override
them only when set."""

import re
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from accounts.selectors import bureau_organization
from bounty.challenges.funding import team_funding

Q4 = Decimal("0.0001")
# The administrative unit at the start of a bureau's name: "常州市科学技术局" → "常州市",
# "江苏省常州市科学技术局" → "常州市" (the province dropped), "苏州工业园区科技创新局" → none.
_CITY = re.compile(r"^(.+?(?:市|自治州|地区|盟))")


def _q(value) -> Decimal:
    return Decimal(value).quantize(Q4, rounding=ROUND_HALF_UP)


def _amount(value) -> str:
    return format(_q(value), "f")


__all__ = ["budget_snapshot", "city_of", "contract_city", "dispute_body", "team_funding"]


def budget_snapshot(bid, *, enterprise: Decimal, government: Decimal) -> dict:
    """The contract's budget: under 包干制 the one amount (the bid's lump sum); otherwise the
    lines in the 2021 subjects with their 财政 and 自筹 columns, and the columns' totals.
    ``reconciles`` says whether it matches the contract's funding: the lump sum or the total
    equals the team's share, and the 财政 column its government part and the 自筹 column its
    enterprise part (``team_funding``); contract preparation refuses otherwise."""
    funding_total = enterprise + government
    if bid.lump_sum:
        amount = bid.lump_sum_amount or Decimal(0)
        return {
            "lump_sum": True,
            "total": _amount(amount),
            "government": "",
            "self_raised": "",
            "lines": [],
            "reconciles": _q(amount) == _q(funding_total),
        }
    lines = list(bid.budget_lines.all())
    gov_column = sum((b.government_amount for b in lines), Decimal(0))
    self_raised = sum((b.self_raised_amount for b in lines), Decimal(0))
    total = gov_column + self_raised
    return {
        "lump_sum": False,
        "total": _amount(total),
        "government": _amount(gov_column),
        "self_raised": _amount(self_raised),
        "lines": [
            {
                "category": str(b.get_category_display()),
                "subject": b.category,
                "government": _amount(b.government_amount),
                "self_raised": _amount(b.self_raised_amount),
                "amount": _amount(b.amount),
                "note": b.note,
            }
            for b in lines
        ],
        "reconciles": _q(gov_column) == _q(government) and _q(self_raised) == _q(enterprise),
    }


def city_of(name: str) -> str:
    """The city at the start of an organisation's name ("" when there is none)."""
    match = _CITY.match((name or "").strip())
    if not match:
        return ""
    return re.sub(r"^.+?(?:省|自治区)", "", match.group(1)) or match.group(1)


def contract_city() -> str:
    """The setting when set, else the bureau organisation's city."""
    configured = settings.JIEBANG.get("CONTRACT_CITY") or ""
    if configured:
        return configured
    bureau = bureau_organization()
    return city_of(bureau.name) if bureau is not None else ""


def dispute_body() -> str:
    """The setting when set, else the arbitration commission of the contract city ("" when
    no city is known: the template then names the competent people's court)."""
    configured = settings.JIEBANG.get("DISPUTE_BODY") or ""
    if configured:
        return configured
    city = contract_city()
    return f"{city}仲裁委员会" if city else ""
