"""OCDS releases and packages: schema-valid in every state, built from the audit trail,
nothing private in them."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bounty.challenges import services as bounty_services
from bounty.models import Bid, Challenge, ProjectStatus
from bounty.projects import closing as project_closing
from bounty.projects import services as projects
from opendata.ocds.packages import release_package
from opendata.validation import package_errors, package_schema_ref, release_errors
from review.models import Expert
from tests.bounty.bids.helpers import team
from tests.bounty.helpers import published
from tests.bounty.projects.acceptance_helpers import close_notice, fill_dossier
from tests.bounty.projects.termination_helpers import misconduct_final
from tests.factories import bureau_officer, make_meeting
from tests.opendata.helpers import (
    ASSESSMENT_COMMENT,
    OBJECTION_TEXT,
    OBJECTOR_NAME,
    PAYMENT_REFERENCE,
    TERMINATION_REASON,
    amend,
    awarded,
    contracted,
    meet_milestone,
    pay_first_tranche,
)
from tests.review.draw.helpers import run_panel

pytestmark = pytest.mark.django_db

BID_TEXTS = ("掺杂包覆协同", "Al/Zr 共掺杂", "中试放大风险", "发明专利 3 项", "见方案")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def valid_package(challenge):
    data = release_package(challenge)
    assert package_errors(data) == []
    for release in data["releases"]:
        assert release_errors(release) == []
    return data


def tags(data):
    return [release["tag"] for release in data["releases"]]


def text(data):
    return json.dumps(data, ensure_ascii=False)


def assert_no_private(serialized, challenge):
    for secret in (*BID_TEXTS, OBJECTOR_NAME, OBJECTION_TEXT, PAYMENT_REFERENCE):
        assert secret not in serialized
    for expert in Expert.objects.select_related("user"):
        assert expert.name not in serialized
        assert expert.email not in serialized
        if expert.user_id:
            assert expert.user.full_name not in serialized
            assert expert.user.email not in serialized
    for bid in Bid.objects.filter(challenge=challenge).select_related("pi", "lead"):
        assert bid.pi.full_name not in serialized  # the PI is named in the bid and contract only
        assert bid.pi.email not in serialized
        if bid.status != "winner":
            assert bid.lead.name not in serialized
            assert bid.reference not in serialized
            assert bid.lead.credit_code not in serialized


def test_the_shipped_schemas_are_ocds_1_1_and_refer_to_each_other():
    assert package_schema_ref().endswith("/schema/1__1__5/release-schema.json")
    # A broken package is reported, not accepted (the validator really runs).
    assert package_errors({"version": "1.1"})
    bad_date = {"ocid": "x", "id": "x-1", "date": "yesterday", "tag": ["tender"]}
    assert any("date" in e for e in release_errors(bad_date | {"initiationType": "tender"}))


def test_published_challenge_is_one_tender_release():
    challenge = published()
    data = valid_package(challenge)
    (release,) = data["releases"]
    assert release["tag"] == ["tender"]
    assert release["id"] == f"{challenge.ocid}-tender-1"
    assert release["ocid"] == challenge.ocid
    tender = release["tender"]
    assert tender["status"] == "active"
    assert tender["value"] == {"amount": 8000000, "currency": "CNY"}  # 800 万元
    assert (
        tender["tenderPeriod"]["endDate"] == timezone.localtime(challenge.bid_deadline).isoformat()
    )
    assert "循环寿命容量保持率" in tender["description"]
    assert tender["documents"][0]["documentType"] == "x_withheldInformation"
    assert "numberOfTenderers" not in tender  # not before the deadline
    buyer = next(p for p in release["parties"] if p["roles"] == ["buyer"])
    assert buyer["identifier"] == {
        "scheme": "CN-USCI",
        "id": challenge.issuer.credit_code,
        "legalName": challenge.issuer.name,
    }
    assert release["buyer"]["id"] == f"CN-USCI-{challenge.issuer.credit_code}"
    assert any(p["roles"] == ["procuringEntity"] for p in release["parties"])
    assert data["publisher"]["name"] == "测试科技局"
    assert data["publishedDate"] == release["date"]


def test_amendments_are_releases_and_the_first_release_keeps_the_published_values():
    officer = bureau_officer()
    challenge = published(officer=officer)
    asker, _org = team()
    bounty_services.clarification_ask(challenge=challenge, by=asker, question="样品数量可否减少？")
    amend(
        challenge,
        officer,
        reason="企业追加资金",
        bounty_total=Decimal("1000.00"),
        enterprise_funds=Decimal("800.00"),
    )
    amend(challenge, officer, reason="放宽资格", eligibility="境内注册的法人单位")
    data = valid_package(challenge)
    assert tags(data) == [["tender"], ["tenderAmendment"], ["tenderAmendment"]]
    first, second, third = data["releases"]
    assert first["tender"]["value"]["amount"] == 8000000
    assert first["tender"]["hasEnquiries"] is False
    assert "amendments" not in first["tender"]
    assert second["id"] == f"{challenge.ocid}-tenderAmendment-1"
    assert second["tender"]["value"]["amount"] == 10000000
    assert second["tender"]["eligibilityCriteria"] == "具有独立法人资格的高校、科研院所或企业"
    assert second["tender"]["hasEnquiries"] is True
    (a1,) = second["tender"]["amendments"]
    assert a1["rationale"] == "企业追加资金"
    assert a1["amendsReleaseID"] == first["id"]
    assert a1["releaseID"] == second["id"]
    assert "1000" in a1["description"]
    assert third["tender"]["eligibilityCriteria"] == "境内注册的法人单位"
    assert [a["id"] for a in third["tender"]["amendments"]] == ["1", "2"]
    assert third["tender"]["amendments"][1]["amendsReleaseID"] == second["id"]
    # The material amendment moved the deadline; each release shows its own.
    assert first["tender"]["tenderPeriod"]["endDate"] <= second["tender"]["tenderPeriod"]["endDate"]
    serialized = text(data)
    assert asker.full_name not in serialized
    assert asker.email not in serialized
    assert "样品数量可否减少" not in serialized


def test_awarded_challenge_with_an_upheld_objection():
    challenge, bids, _officer = awarded(objection_upheld=True)
    data = valid_package(challenge)
    assert tags(data) == [
        ["tender"],
        ["tenderUpdate"],  # closed: number of tenderers
        ["award"],  # notice: pending
        ["awardUpdate"],  # objection upheld: cancelled
        ["award"],  # notice again
        ["award"],  # awarded: active
    ]
    releases = data["releases"]
    assert releases[1]["tender"]["numberOfTenderers"] == 2
    winner = bids[0]
    award_id = f"{challenge.ocid}-award-{winner.reference}"
    assert [a["status"] for a in releases[2]["awards"]] == ["pending"]
    assert releases[2]["awards"][0]["id"] == award_id
    assert releases[2]["tender"]["awardPeriod"]["endDate"]
    assert [a["status"] for a in releases[3]["awards"]] == ["cancelled"]
    final = releases[5]
    assert final["tender"]["status"] == "complete"
    (active,) = final["awards"]
    assert active["id"] == award_id
    assert active["status"] == "active"
    assert active["value"] == {"amount": 8000000, "currency": "CNY"}
    supplier = next(p for p in final["parties"] if "supplier" in p["roles"])
    assert supplier["id"] == f"CN-USCI-{winner.lead.credit_code}"
    assert active["suppliers"] == [{"id": supplier["id"], "name": winner.lead.name}]
    assert len({r["id"] for r in releases}) == len(releases)
    assert_no_private(text(data), challenge)


def test_contracted_project_with_milestone_met_payment_and_acceptance():
    challenge, _bids, officer, project = contracted()
    team_user, issuer = project.bid.created_by, challenge.created_by
    first, second = project.milestones.order_by("number")
    meet_milestone(first, team=team_user, issuer=issuer, officer=officer)
    pay_first_tranche(project, officer, amount=Decimal("60.5"))
    meet_milestone(second, team=team_user, issuer=issuer, officer=officer)
    fill_dossier(project, team_user, issuer)
    project_closing.acceptance_apply(project=project, by=team_user)
    project_closing.acceptance_start(project=project, by=officer)
    run_panel(project, officer, ["passed"] * 5)
    project_closing.acceptance_conclude(
        project=project,
        by=officer,
        result=ProjectStatus.PASSED,
        comment="专家组验收通过",
        meeting=make_meeting(by=officer),
    )
    close_notice(project)  # final once the public notice closed with no objection
    challenge.refresh_from_db()
    data = valid_package(challenge)
    assert tags(data)[-7:] == [
        ["award"],
        ["contract"],
        ["implementationUpdate"],
        ["implementationUpdate"],  # the enterprise's funds, confirmed by the team
        ["implementationUpdate"],  # the first payment (government), confirmed
        ["implementationUpdate"],
        ["implementationUpdate", "contractTermination"],
    ]
    contract_release, met, funds, payment, met2, accepted = data["releases"][-6:]
    (contract,) = contract_release["contracts"]
    assert contract["id"] == project.contract.number
    assert contract["awardID"] == data["releases"][-7]["awards"][0]["id"]
    assert contract["status"] == "active"
    assert contract["dateSigned"] == timezone.localtime(project.contract_signed_at).isoformat()
    assert contract["value"] == {"amount": 8000000, "currency": "CNY"}
    assert [m["status"] for m in contract["implementation"]["milestones"]] == [
        "scheduled",
        "scheduled",
    ]
    (m1,) = met["contracts"][0]["implementation"]["milestones"]
    assert m1["id"] == "M1"
    assert m1["status"] == "met"
    assert m1["dateMet"]
    (transaction,) = payment["contracts"][0]["implementation"]["transactions"]
    assert transaction["value"] == {"amount": 605000, "currency": "CNY"}  # 60.5 万元
    assert transaction["payee"]["id"] == f"CN-USCI-{project.bid.lead.credit_code}"
    # Each transaction names its payer: the bureau (财政), the issuer (its own funds).
    issuer_id = f"CN-USCI-{challenge.issuer.credit_code}"
    payer = next(p for p in payment["parties"] if p["id"] == transaction["payer"]["id"])
    assert payer["roles"] == ["procuringEntity", "payer"]  # the bureau
    (enterprise,) = funds["contracts"][0]["implementation"]["transactions"]
    assert enterprise["payer"]["id"] == issuer_id
    assert met2["contracts"][0]["implementation"]["milestones"][0]["id"] == "M2"
    final = accepted["contracts"][0]
    assert final["status"] == "terminated"
    assert final["implementation"]["milestones"][0]["status"] == "met"
    serialized = text(data)
    assert ASSESSMENT_COMMENT not in serialized
    assert "专家组验收通过" not in serialized
    assert_no_private(serialized, challenge)


def test_terminated_project_for_misconduct():
    challenge, _bids, officer, project = contracted()
    misconduct_final(project, officer, reasons=TERMINATION_REASON)  # through due process
    data = valid_package(challenge)
    last = data["releases"][-1]
    assert last["tag"] == ["contractTermination"]
    (contract,) = last["contracts"]
    assert contract["status"] == "terminated"
    assert contract["id"] == project.contract.number
    serialized = text(data)
    assert TERMINATION_REASON not in serialized
    assert_no_private(serialized, challenge)


def test_approved_extension_is_a_contract_amendment_moving_the_end():
    challenge, _bids, officer, project = contracted()
    change = projects.change_request(
        project=project,
        by=project.bid.created_by,
        kind="extension",
        months=6,
        description="设备延期到货（内部说明）",
    )
    projects.change_decide(change=change, by=officer, approve=True, comment="同意延期")
    project.refresh_from_db()
    data = valid_package(challenge)
    signed, amended = data["releases"][-2:]
    assert amended["tag"] == ["contractAmendment"]
    (contract,) = amended["contracts"]
    assert contract["id"] == signed["contracts"][0]["id"]
    before = signed["contracts"][0]["period"]["endDate"]
    assert contract["period"]["endDate"] > before
    assert contract["period"]["endDate"][:10] == project.ends_on.isoformat()  # 24 + 6 months
    assert contract["amendments"][0]["rationale"]
    assert "设备延期到货" not in text(data)


def test_horse_race_awards_split_the_bounty_between_the_winners():
    from review.award import services as award
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
    data = valid_package(challenge)
    final = data["releases"][-1]
    assert [a["status"] for a in final["awards"]] == ["active", "active"]
    assert [a["value"]["amount"] for a in final["awards"]] == [4000000, 4000000]
    assert {a["suppliers"][0]["name"] for a in final["awards"]} == {b.lead.name for b in bids}
    assert "horse race" in data["releases"][0]["tender"]["procurementMethodDetails"] or (
        "赛马制" in data["releases"][0]["tender"]["procurementMethodDetails"]
    )


def test_no_award_marks_the_tender_unsuccessful():
    from bounty.bids import services as bid_services
    from tests.bounty.helpers import force_deadline

    officer = bureau_officer()
    challenge = published(officer=officer)
    force_deadline(challenge, timezone.now() - timedelta(seconds=1))
    bid_services.formal_check_start(challenge=challenge, by=officer)  # no bid: 流榜
    data = valid_package(challenge)
    assert tags(data) == [["tender"], ["tenderUpdate"], ["tenderUpdate"]]
    assert data["releases"][1]["tender"]["numberOfTenderers"] == 0
    assert data["releases"][2]["tender"]["status"] == "unsuccessful"


def test_challenge_published_again_after_no_award_names_the_earlier_process():
    from bounty.bids import services as bid_services
    from tests.bounty.helpers import force_deadline

    officer = bureau_officer()
    challenge = published(officer=officer)
    force_deadline(challenge, timezone.now() - timedelta(seconds=1))
    bid_services.formal_check_start(challenge=challenge, by=officer)  # no bid: 流榜
    issuer = challenge.created_by
    challenge.refresh_from_db()
    copy = bounty_services.challenge_republish(challenge=challenge, by=issuer)
    bounty_services.challenge_update(
        challenge=copy, by=issuer, data={"bid_deadline": timezone.now() + timedelta(days=45)}
    )
    bounty_services.challenge_submit(challenge=copy, by=issuer)
    for decision in ("start_vetting", "approve", "publish"):
        bounty_services.challenge_decide(challenge=copy, by=officer, decision=decision)
    copy.refresh_from_db()
    (release,) = valid_package(copy)["releases"]
    assert release["relatedProcesses"] == [
        {
            "id": "1",
            "relationship": ["unsuccessfulProcess"],
            "scheme": "ocid",
            "identifier": challenge.ocid,
        }
    ]
    assert "relatedProcesses" not in valid_package(challenge)["releases"][0]


def test_release_ids_and_dates_do_not_change_when_built_again():
    challenge = published()
    amend(
        challenge,
        bureau_officer(),
        reason="延期",
        bid_deadline=challenge.bid_deadline + timedelta(days=3),
    )
    first = release_package(challenge)["releases"]
    again = release_package(challenge)["releases"]
    assert first == again
