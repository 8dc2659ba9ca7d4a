"""OCDS releases of the award's exits (issue 16 review, H3 and M2): the 递补 notice names the
substitute as the pending award and cancels the award of the winner that did not sign; the
re-publication (流榜 after a default) cancels it too; an upheld objection against a 递补
notice cancels the substitute's; an award is worth what the team's contract states."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bounty.models import Challenge, Project
from opendata.ocds.awards import award_id
from opendata.ocds.packages import release_package
from opendata.validation import package_errors, release_errors
from review.award import services as award
from review.award import signing
from tests.factories import UserFactory, make_meeting
from tests.review.award.test_signing import _expire, awarded

pytestmark = pytest.mark.django_db


def valid_package(challenge):
    data = release_package(challenge)
    assert package_errors(data) == []
    for release in data["releases"]:
        assert release_errors(release) == []
    return data


def _awards(release):
    return {a["id"]: (a["status"], a["suppliers"][0]["name"]) for a in release["awards"]}


def test_the_substitute_notice_names_the_substitute_and_cancels_the_defaulted_award():
    challenge, bids, officer = awarded([[90] * 5, [85] * 5, [80] * 5])
    project = Project.objects.get(bid=bids[0])
    _expire(project)
    substitute = signing.signing_default_substitute(
        project=project, by=officer, reason="逾期未签", meeting=make_meeting(by=officer)
    )
    assert substitute.pk == bids[1].pk
    last = valid_package(challenge)["releases"][-1]
    assert "award" in last["tag"]
    assert _awards(last) == {
        award_id(challenge, bids[1]): ("pending", bids[1].lead.name),
        award_id(challenge, bids[0]): ("cancelled", bids[0].lead.name),
    }
    assert {bids[0].lead.name, bids[1].lead.name} <= {p["name"] for p in last["parties"]}


def test_an_objection_upheld_on_the_substitute_notice_cancels_the_substitute_award():
    from django.core.files.uploadedfile import SimpleUploadedFile

    challenge, bids, officer = awarded([[90] * 5, [85] * 5, [80] * 5])
    project = Project.objects.get(bid=bids[0])
    _expire(project)
    sub = signing.signing_default_substitute(
        project=project, by=officer, reason="逾期未签", meeting=make_meeting(by=officer)
    )
    pdf = SimpleUploadedFile("e.pdf", b"%PDF-1.7\n%%EOF\n", content_type="application/pdf")
    objection = award.objection_file(
        challenge=challenge, by=UserFactory(full_name="张三"), text="异议", evidence=pdf, bid=sub
    )
    award.objection_decide(objection=objection, by=officer, upheld=True, reason="成立")
    last = valid_package(challenge)["releases"][-1]
    assert _awards(last) == {award_id(challenge, sub): ("cancelled", sub.lead.name)}


def test_republication_after_a_default_cancels_the_defaulted_award():
    challenge, bids, officer = awarded([[90] * 5, [40] * 5])
    project = Project.objects.get(bid=bids[0])
    _expire(project)
    signing.signing_default_republish(project=project, by=officer, reason="逾期未签，重新发榜")
    last = valid_package(challenge)["releases"][-1]
    assert last["tender"]["status"] == "unsuccessful"
    assert _awards(last) == {award_id(challenge, bids[0]): ("cancelled", bids[0].lead.name)}


def test_a_horse_race_award_is_worth_the_declared_parallel_share():
    from decimal import Decimal

    from tests.review.award.test_award import reviewed_challenge

    challenge, bids, officer, _criteria = reviewed_challenge([[85] * 5, [75] * 5], size=5)
    Challenge.objects.filter(pk=challenge.pk).update(winners_allowed=2)  # 赛马制
    challenge.refresh_from_db()
    award.award_propose(challenge=challenge, by=challenge.created_by, bids=bids)
    award.award_confirm(challenge=challenge, by=officer, meeting=make_meeting(by=officer))
    Challenge.objects.filter(pk=challenge.pk).update(
        notice_ends_at=timezone.now() - timedelta(seconds=1)
    )
    assert award.awards_due() == 1
    # Each team's contract states the declared parallel share (500 万元), not bounty / 2
    # (set after the award here: the bids' budgets were written for the even split).
    Challenge.objects.filter(pk=challenge.pk).update(parallel_share=Decimal("500"))
    final = valid_package(challenge)["releases"][-1]
    assert [a["value"]["amount"] for a in final["awards"]] == [5000000, 5000000]
