"""The money and the place of a contract (DOMAIN §6, issue 16).

One amount governs: the awarded team's share of the bounty (``Challenge.team_share()``),
split into the enterprise's and the government's parts in the challenge's proportion. The
budget (its 2021 subjects with 财政 and 自筹 columns) and the tranches add up to it.

The contract's city and dispute body come from the bureau organisation ("常州市科学技术局" →
"常州市", "常州市仲裁委员会"); ``JIEBANG["CONTRACT_CITY"]`` / ``["DISPUTE_BODY"]`` override
them only when set."""

import re
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from accounts.selectors import bureau_organization
from bounty.models import Project

Q4 = Decimal("0.0001")
# The administrative unit at the start of a bureau's name: "常州市科学技术局" → "常州市",
# "江苏省常州市科学技术局" → "常州市" (the province dropped), "苏州工业园区科技创新局" → none.
_CITY = re.compile(r"^(.+?(?:市|自治州|地区|盟))")


def _q(value) -> Decimal:
    return Decimal(value).quantize(Q4, rounding=ROUND_HALF_UP)


def _amount(value) -> str:
    return format(_q(value), "f")


def team_funding(challenge) -> tuple[Decimal, Decimal]:
    """(enterprise, government) parts of one winning team's share, rounded to 1 yuan; they
    add up to the share exactly. Without a declared share (a horse race created before the
    share was declared) the bounty is divided among the projects, as before."""
    share = challenge.team_share()
    total = challenge.bounty_total or Decimal(0)
    if share is None:
        winners = max(Project.objects.filter(challenge=challenge).count(), 1)
        return _q(challenge.enterprise_funds / winners), _q(challenge.government_funds / winners)
    if not total:
        return _q(share), Decimal(0)
    government = _q(share * challenge.government_funds / total)
    return _q(share) - government, government


def budget_snapshot(bid, *, funding_total: Decimal) -> dict:
    """The contract's budget: under 包干制 the one amount; otherwise the lines in the 2021
    subjects with their 财政 and 自筹 columns, and the columns' totals."""
    if bid.lump_sum:
        return {
            "lump_sum": True,
            "total": _amount(funding_total),
            "government": "",
            "self_raised": "",
            "lines": [],
            "reconciles": True,
        }
    lines = list(bid.budget_lines.all())
    government = sum((b.government_amount for b in lines), Decimal(0))
    self_raised = sum((b.self_raised_amount for b in lines), Decimal(0))
    total = government + self_raised
    return {
        "lump_sum": False,
        "total": _amount(total),
        "government": _amount(government),
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
        "reconciles": _q(total) == _q(funding_total),
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
