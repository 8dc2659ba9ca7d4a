"""Issue 16 in a real browser (zh-Hans): a restricted challenge whose details open only after
the NDA, and a 递补 when the winner lets the signing deadline pass.

As in test_journey_zh.py, the database is used only to create the starting state
(``# SETUP:``) and to let time pass (``# TIME:``); every decision is clicked.
"""

import re

import pytest
from playwright.sync_api import expect

from bounty.models import Bid, BidStatus, Project
from tests.bounty.bids.helpers import team
from tests.bounty.challenges.confidential import HIDDEN, SUMMARY, restricted
from tests.e2e.browser import click

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_restricted_challenge_opens_after_the_nda(journey):
    j = journey("restricted-nda-zh")
    # SETUP: a published restricted challenge and two verified teams.
    challenge = restricted("internal")
    issuer = challenge.created_by
    team_a, org_a = team(name="江南理工大学")
    team_b, _org_b = team(name="常州先进材料研究院")
    url = f"/challenges/{challenge.ocid}/"

    # 1. Anyone sees the public part only.
    anonymous = j.actor()
    anonymous.goto(url)
    expect(anonymous.locator("main")).to_contain_text(SUMMARY)
    expect(anonymous.locator("main")).not_to_contain_text(HIDDEN)
    j.shot(anonymous, "restricted-public-part")

    # 2. Team A reads and accepts the NDA; the details and the bid button open.
    as_a = j.actor(team_a)
    as_a.goto(url)
    expect(as_a.locator("main")).to_contain_text("本榜单详情不公开")
    expect(as_a.get_by_role("link", name="揭榜申报", exact=True)).to_have_count(0)
    click(as_a, "阅读并接受保密协议")
    expect(as_a.locator("h1")).to_contain_text("保密协议")
    j.shot(as_a, "nda-text")
    click(as_a, "我接受保密协议")
    expect(as_a.locator(".messages")).to_contain_text("已接受保密协议")
    expect(as_a.locator("main")).to_contain_text(HIDDEN)
    j.shot(as_a, "details-open-after-nda")
    click(as_a, "揭榜申报")
    expect(as_a.locator("h1 .status")).to_have_text("草稿")

    # 3. Team B, verified but without the NDA, still sees no details and cannot bid.
    as_b = j.actor(team_b)
    as_b.goto(url)
    expect(as_b.locator("main")).to_contain_text("本榜单详情不公开")
    expect(as_b.locator("main")).not_to_contain_text(HIDDEN)
    expect(as_b.get_by_role("link", name="揭榜申报", exact=True)).to_have_count(0)
    expect(as_b.get_by_role("button", name="揭榜申报", exact=True)).to_have_count(0)
    j.shot(as_b, "details-refused-without-nda")

    # 4. The issuer sees who accepted the NDA.
    as_issuer = j.actor(issuer)
    as_issuer.goto(url)
    expect(as_issuer.locator("main")).to_contain_text("保密协议签署记录")
    expect(as_issuer.locator("main")).to_contain_text(org_a.name)
    j.shot(as_issuer, "issuer-sees-nda-acceptances")
    assert Bid.objects.filter(challenge=challenge, lead=org_a).count() == 1


def test_substitute_after_the_winner_lets_the_signing_deadline_pass(journey):
    from tests.review.award.test_signing import _expire, awarded

    j = journey("substitute-zh")
    # SETUP: an awarded challenge (scored by a full panel: 90, 40 and 80 points), whose
    # winner has a contract to sign.
    challenge, bids, officer = awarded([[90] * 5, [40] * 5, [80] * 5])
    winner, substitute = bids[0], bids[2]
    project = Project.objects.get(bid=winner)
    # TIME: the signing deadline passes without the team signing.
    _expire(project)

    # 1. The bureau opens the ranking, then the signing deadlines: the winner is overdue.
    as_bureau = j.actor(officer)
    as_bureau.goto(f"/challenges/{challenge.ocid}/")
    click(as_bureau, "评审专家组排名")
    click(as_bureau, "合同签约期限")
    expect(as_bureau.locator("main")).to_contain_text("已逾期")
    expect(as_bureau.locator("main")).to_contain_text(f"{winner.reference} 未按期签约")
    expect(as_bureau.locator("main")).to_contain_text(substitute.reference)
    j.shot(as_bureau, "signing-deadline-passed")

    # 2. The bureau substitutes the next passing bid (递补): a short public notice opens.
    as_bureau.get_by_label("理由（记入该揭榜单位的记录）").fill("中榜单位逾期未签订合同")
    as_bureau.select_option("[name=meeting]", index=1)  # the meeting record made in SETUP
    click(as_bureau, "递补下一申报")
    expect(as_bureau).to_have_url(re.compile(rf"/review/notices/{challenge.ocid}/$"))
    expect(as_bureau.locator(".messages")).to_contain_text("公示已开始")
    expect(as_bureau.locator("h1 .status")).to_have_text("公示中")
    expect(as_bureau.locator("main")).to_contain_text(substitute.lead.name)
    j.shot(as_bureau, "substitute-in-notice")

    # 3. The public sees the substitute in the notice, not the defaulting team.
    anonymous = j.actor()
    anonymous.goto(f"/review/notices/{challenge.ocid}/")
    expect(anonymous.locator(".facts")).to_contain_text(substitute.lead.name)
    expect(anonymous.locator(".facts")).not_to_contain_text(winner.lead.name)
    j.shot(anonymous, "public-notice-of-substitute")
    assert Bid.objects.get(pk=winner.pk).status == BidStatus.DEFAULTED
