from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from bounty.bids import services as bid_services
from bounty.challenges.funding import team_funding
from tests.factories import OrganizationFactory, UserFactory, member_of

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def team(kind="university", name=None):
    org = OrganizationFactory(kind=kind, verified=True, **({"name": name} if name else {}))
    user = member_of(org, "bidder", is_admin=True)
    return user, org


def share_budget(challenge):
    """Budget lines (2021 subjects) adding up to the team's share of the bounty, the 财政
    column to its government part and the 自筹 column to its enterprise part (the split the
    contract uses); about a tenth of each column is indirect costs."""
    if challenge.team_share() is None:
        enterprise, government = Decimal("0"), challenge.bounty_total
    else:
        enterprise, government = team_funding(challenge)
    gov_indirect = (government / 10).quantize(Decimal("0.01"))
    ent_indirect = (enterprise / 10).quantize(Decimal("0.01"))
    return [
        {
            "category": "equipment",
            "government_amount": government - gov_indirect,
            "self_raised_amount": enterprise - ent_indirect,
            "note": "",
        },
        {
            "category": "indirect",
            "government_amount": gov_indirect,
            "self_raised_amount": ent_indirect,
            "note": "",
        },
    ]


def complete_bid(challenge, user=None, org=None, *, consortium=(), attach=True):
    if user is None:
        user, org = team()
    bid = bid_services.bid_create(challenge=challenge, by=user, lead=org)
    indicators = list(challenge.indicators.all())
    bid_services.bid_update(
        bid=bid,
        by=user,
        data={
            "pi": user,
            "pi_title": "教授",
            "summary": "掺杂包覆协同",
            "technical_approach": "Al/Zr 共掺杂 + 单晶化 + 原子层沉积包覆。",
            "risk_plan": "中试放大风险：预留两轮工艺迭代。",
            "expected_results": "发明专利 3 项，工艺包 1 套。",
        },
        consortium=list(consortium),
        responses=[
            {"indicator_id": i.pk, "committed_value": i.target_value + 1, "note": "见方案"}
            for i in indicators
        ],
        milestones=[
            {
                "title": "小试",
                "due_month": 6,
                "deliverables": "小试样品",
                "tranche_share": Decimal("40"),
            },
            {
                "title": "中试",
                "due_month": 18,
                "deliverables": "中试样品与报告",
                "tranche_share": Decimal("60"),
            },
        ],
        budget=share_budget(challenge),
        exclusions=[],
    )
    if attach:
        bid_services.attachment_add(
            bid=bid, by=user, upload=SimpleUploadedFile("实施方案.pdf", PDF), kind="plan"
        )
    bid.refresh_from_db()
    return bid


__all__ = ["PDF", "UserFactory", "complete_bid", "share_budget", "team"]
