"""The issuer's and the bureau's side through the API: drafts, submission, vetting, the
formal check and the award — the web's forms and services, the same refusals."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from accounts.models import Role
from audit.models import AuditEvent
from bounty.bids import services as bid_services
from bounty.calls import district as district_services
from bounty.challenges import services as challenge_services
from bounty.challenges.forms import ChallengeForm
from bounty.models import Bid, BidStatus, Challenge, ChallengeStatus, FormalCheck
from tests.api.conftest import error_of, token_client
from tests.bounty.bids.helpers import complete_bid, team
from tests.bounty.calls.district_helpers import district_bureau, district_world, submitted_need
from tests.bounty.calls.helpers import QUALIFICATION, make_call, need, refresh, to_vetting
from tests.bounty.helpers import draft, force_deadline, issuer_with_org, published
from tests.factories import bureau_officer, make_meeting, member_of
from tests.review.award.test_award import reviewed_challenge

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def client_for(user):
    type(user).objects.filter(pk=user.pk).update(language="en")
    client = token_client(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def actions(obj):
    return list(
        AuditEvent.objects.filter(object_id=str(obj.pk), action__startswith="challenge.")
        .order_by("seq")
        .values_list("action", flat=True)
    )


def _payload(**overrides):
    deadline = (timezone.now() + timedelta(days=45)).replace(microsecond=0)
    data = {
        "title": "高镍正极材料循环寿命提升",
        "industry": "new-materials",
        "problem": "现有高镍三元正极在 45℃ 下循环 1000 次后容量保持率不足 80%。",
        "deliverable": "工艺包与 10 kg 级样品",
        "bounty_total": "800.00",
        "enterprise_funds": "600.00",
        "government_funds": "200.00",
        "period_months": 24,
        "bid_deadline": deadline.isoformat(),
        "eligibility": "具有独立法人资格的高校、科研院所或企业",
        "consortium_allowed": True,
        "max_consortium_members": 4,
        "winners_allowed": 1,
        "ip_terms": "shared",
        "confidentiality": "public",
        "contact_name": "王工",
        "contact_phone": "0519-88888888",
        "contact_email": "wang@example.cn",
        "indicators": [
            {
                "name": "循环寿命容量保持率",
                "comparator": "gte",
                "target_value": "90",
                "unit": "%",
                "test_method": "45℃ 1C/1C 1000 次",
            }
        ],
    }
    data.update(overrides)
    return data


# --- Drafts ---------------------------------------------------------------------------------


def test_issuer_creates_edits_and_submits_a_draft_through_the_web_services():
    issuer, org = issuer_with_org()
    api = client_for(issuer)

    created = api.post("/api/v1/issuer/challenges/", _payload(), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "draft"
    assert body["issuer"]["id"] == org.pk
    assert body["industry"]["code"] == "new-materials"
    assert [i["name"] for i in body["indicators"]] == ["循环寿命容量保持率"]
    assert len(body["criteria"]) == 6  # the default rubric, as the web's empty editor
    assert body["completeness"] == {}
    challenge = Challenge.objects.get(ocid=body["ocid"])
    assert challenge.created_by == issuer
    assert actions(challenge) == ["challenge.create"]

    listed = api.get("/api/v1/issuer/challenges/")
    assert [row["ocid"] for row in listed.json()["results"]] == [challenge.ocid]

    # PATCH: only what is sent changes; the list replaces the indicators.
    edited = api.patch(
        f"/api/v1/issuer/challenges/{challenge.ocid}/",
        {"title": "高镍正极（修订）", "indicators": []},
        format="json",
    )
    assert edited.status_code == 200, edited.json()
    assert edited.json()["title"] == "高镍正极（修订）"
    assert edited.json()["bounty_total"] == "800.00"
    assert edited.json()["completeness"]  # no indicator: not complete
    incomplete = api.post(f"/api/v1/issuer/challenges/{challenge.ocid}/submit/")
    assert incomplete.status_code == 400
    assert error_of(incomplete)["code"] == "incomplete"
    assert "indicators" in error_of(incomplete)["fields"]

    api.patch(
        f"/api/v1/issuer/challenges/{challenge.ocid}/",
        {"indicators": _payload()["indicators"]},
        format="json",
    )
    submitted = api.post(f"/api/v1/issuer/challenges/{challenge.ocid}/submit/")
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["status"] == "submitted"
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.SUBMITTED
    assert challenge.title == "高镍正极（修订）"
    assert actions(challenge)[-1] == "challenge.submit"

    # With the bureau now: no more edits (409 with the web's message).
    late = api.patch(f"/api/v1/issuer/challenges/{challenge.ocid}/", {"title": "x"}, format="json")
    assert late.status_code == 409
    assert error_of(late)["message"] == (
        "This challenge is with the bureau and cannot be edited now."
    )


def test_the_editor_form_rules_apply_and_fields_are_named():
    issuer, _org = issuer_with_org()
    api = client_for(issuer)
    bad = api.post(
        "/api/v1/issuer/challenges/",
        _payload(
            government_funds="100.00",  # 600 + 100 ≠ 800
            industry="no-such-industry",
            indicators=[{"name": "比容量", "comparator": "range", "target_value": "5"}],
            unknown_field=1,
        ),
        format="json",
    )
    assert bad.status_code == 400
    assert set(error_of(bad)["fields"]) == {"unknown_field"}
    bad = api.post(
        "/api/v1/issuer/challenges/",
        _payload(
            government_funds="100.00",
            industry="no-such-industry",
            indicators=[{"name": "比容量", "comparator": "range", "target_value": "5"}],
        ),
        format="json",
    )
    fields = error_of(bad)["fields"]
    assert "industry" in fields
    assert "indicators.0.target_upper" in fields
    assert any(k in fields for k in ("bounty_total", "enterprise_funds", "government_funds"))
    assert not Challenge.objects.exists()


def test_who_may_draft_and_edit():
    issuer, org = issuer_with_org()
    mine = draft(issuer, org)
    bidder, _team_org = team()
    other_issuer, _other_org = issuer_with_org()
    officer = bureau_officer()

    refused = client_for(bidder).post("/api/v1/issuer/challenges/", _payload(), format="json")
    assert refused.status_code == 403
    assert error_of(refused)["code"] == "permission_denied"
    assert client_for(bidder).get("/api/v1/issuer/challenges/").status_code == 404
    for user in (bidder, other_issuer, officer):
        api = client_for(user)
        url = f"/api/v1/issuer/challenges/{mine.ocid}/"
        assert api.get(url).status_code == 404
        assert api.patch(url, {"title": "x"}, format="json").status_code == 404
        assert api.post(url + "submit/").status_code == 404
    read_only = token_client(issuer, scope="read")
    assert (
        read_only.patch(
            f"/api/v1/issuer/challenges/{mine.ocid}/", {"title": "x"}, format="json"
        ).status_code
        == 403
    )
    mine.refresh_from_db()
    assert mine.title != "x"
    assert mine.status == ChallengeStatus.DRAFT


# --- Vetting ----------------------------------------------------------------------------------


def test_bureau_vets_approves_with_lump_sum_and_publishes():
    issuer, org = issuer_with_org()
    challenge = draft(issuer, org)
    client_for(issuer).post(f"/api/v1/issuer/challenges/{challenge.ocid}/submit/")
    officer = bureau_officer()
    api = client_for(officer)
    url = f"/api/v1/bureau/challenges/{challenge.ocid}/decision/"

    # The issuer cannot decide: not a bureau resource for them.
    assert client_for(issuer).post(url, {"decision": "approve"}, format="json").status_code == 404

    early = api.post(url, {"decision": "publish"}, format="json")
    assert early.status_code == 409
    assert error_of(early)["code"] == "stale_state"

    assert api.post(url, {"decision": "start_vetting"}, format="json").json()["status"] == (
        "vetting"
    )
    approved = api.post(
        url, {"decision": "approve", "comment": "同意", "lump_sum_allowed": True}, format="json"
    )
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == "approved"
    assert approved.json()["lump_sum_allowed"] is True
    assert approved.json()["status_comment"] == "同意"
    published_now = api.post(url, {"decision": "publish"}, format="json")
    assert published_now.json()["status"] == "published"
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.PUBLISHED
    assert challenge.lump_sum_allowed is True
    assert actions(challenge)[-3:] == [
        "challenge.start_vetting",
        "challenge.approve",
        "challenge.publish",
    ]
    event = AuditEvent.objects.filter(action="challenge.approve", object_id=str(challenge.pk))
    assert event.get().payload == {"comment": "同意", "lump_sum_allowed": True}


def test_return_needs_a_comment_and_reject_ends_it():
    issuer, org = issuer_with_org()
    challenge = draft(issuer, org)
    client_for(issuer).post(f"/api/v1/issuer/challenges/{challenge.ocid}/submit/")
    api = client_for(bureau_officer())
    url = f"/api/v1/bureau/challenges/{challenge.ocid}/decision/"
    silent = api.post(url, {"decision": "return"}, format="json")
    assert silent.status_code == 409
    assert error_of(silent)["message"] == "Write a comment: the issuer needs to know why."
    returned = api.post(url, {"decision": "return", "comment": "补充指标"}, format="json")
    assert returned.json()["status"] == "returned"
    # Returned: the issuer edits again.
    issuer_api = client_for(issuer)
    assert (
        issuer_api.patch(
            f"/api/v1/issuer/challenges/{challenge.ocid}/", {"title": "修订"}, format="json"
        ).status_code
        == 200
    )
    issuer_api.post(f"/api/v1/issuer/challenges/{challenge.ocid}/submit/")
    api.post(url, {"decision": "start_vetting"}, format="json")
    rejected = api.post(url, {"decision": "reject", "comment": "不属支持范围"}, format="json")
    assert rejected.json()["status"] == "rejected"
    unknown = api.post(url, {"decision": "bless"}, format="json")
    assert unknown.status_code == 400
    assert "decision" in error_of(unknown)["fields"]


# --- The formal check -------------------------------------------------------------------------


def test_formal_check_start_and_record_as_the_web():
    officer = bureau_officer()
    challenge = published(officer=officer)
    bid = complete_bid(challenge)
    bid_services.bid_submit(bid=bid, by=bid.created_by)
    other = complete_bid(challenge)
    bid_services.bid_submit(bid=other, by=other.created_by)
    api = client_for(officer)
    issuer_api = client_for(challenge.created_by)
    check_url = f"/api/v1/bureau/bids/{bid.reference}/formal-check/"

    # Before the deadline the bids are sealed: nobody may check them.
    assert api.get(check_url).status_code == 404
    start = f"/api/v1/bureau/challenges/{challenge.ocid}/formal-check/"
    too_early = api.post(start)
    assert too_early.status_code == 409
    force_deadline(challenge, timezone.now() - timedelta(seconds=1))
    assert issuer_api.post(start).status_code == 404
    started = api.post(start)
    assert started.status_code == 200, started.json()
    assert started.json()["status"] == "formal_check"

    sheet = api.get(check_url)
    assert sheet.status_code == 200
    assert sheet.json()["open_to_check"] is True
    assert {i["key"]: i["auto"] for i in sheet.json()["items"]} == (
        bid_services.auto_checklist(bid)
    )
    assert issuer_api.get(check_url).status_code == 404  # the bureau's check

    no_reasons = api.post(
        other_url := f"/api/v1/bureau/bids/{other.reference}/formal-check/",
        {"eligible": False},
        format="json",
    )
    assert no_reasons.status_code == 400
    assert "reasons" in error_of(no_reasons)["fields"]

    done = api.post(check_url, {"eligible": True}, format="json")
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "eligible"
    assert done.json()["recorded"]["eligible"] is True
    recorded = FormalCheck.objects.get(bid=bid)
    assert recorded.checklist["documents"] == {"auto": True, "ok": True}
    assert AuditEvent.objects.filter(action="bid.formal_check", object_id=str(bid.pk)).exists()
    again = api.post(check_url, {"eligible": True}, format="json")
    assert again.status_code == 409
    assert error_of(again)["code"] == "stale_state"

    # Ineligible is an intended decision: a case, the bid stays submitted.
    intended = api.post(other_url, {"eligible": False, "reasons": "缺少承诺书"}, format="json")
    assert intended.status_code == 200, intended.json()
    assert intended.json()["status"] == "submitted"
    assert intended.json()["open_case"] is not None
    assert Bid.objects.get(pk=other.pk).status == BidStatus.SUBMITTED
    assert AuditEvent.objects.filter(action="bid.formal_check_intended").exists()


# --- The award --------------------------------------------------------------------------------


def test_issuer_proposes_bureau_returns_then_confirms_on_a_meeting():
    challenge, bids, officer, _criteria = reviewed_challenge([[80] * 5, [70] * 5], size=5)
    issuer_api, bureau_api = client_for(challenge.created_by), client_for(officer)
    propose = f"/api/v1/issuer/challenges/{challenge.ocid}/award/propose/"
    confirm = f"/api/v1/bureau/challenges/{challenge.ocid}/award/confirm/"
    body = {"bids": [bids[0].reference]}

    assert bureau_api.post(propose, body, format="json").status_code == 404
    unknown = issuer_api.post(propose, {"bids": ["B-none"]}, format="json")
    assert unknown.status_code == 400
    departs = issuer_api.post(propose, {"bids": [bids[1].reference]}, format="json")
    assert departs.status_code == 409
    assert "ranking" in error_of(departs)["message"]

    proposed = issuer_api.post(propose, body, format="json")
    assert proposed.status_code == 200, proposed.json()
    assert proposed.json()["status"] == "award_proposed"
    assert Bid.objects.get(pk=bids[0].pk).status == BidStatus.PROPOSED_WINNER

    returned = bureau_api.post(
        f"/api/v1/bureau/challenges/{challenge.ocid}/award/return/",
        {"comment": "请说明"},
        format="json",
    )
    assert returned.status_code == 200, returned.json()
    assert returned.json()["status"] == "under_review"
    assert Bid.objects.get(pk=bids[0].pk).status == BidStatus.IN_REVIEW
    issuer_api.post(propose, body, format="json")

    assert issuer_api.post(confirm, {"meeting": 1}, format="json").status_code == 404
    no_meeting = bureau_api.post(confirm, {"meeting": 987654}, format="json")
    assert no_meeting.status_code == 409
    assert "collective decision" in error_of(no_meeting)["message"]
    meeting = make_meeting(by=officer)
    confirmed = bureau_api.post(confirm, {"meeting": meeting.pk}, format="json")
    assert confirmed.status_code == 200, confirmed.json()
    assert confirmed.json()["status"] == "in_notice"
    assert confirmed.json()["notice_ends_at"]
    assert actions(challenge)[-2:] == ["challenge.propose_award", "challenge.open_notice"]


def test_bureau_proposes_only_after_the_issuers_deadline():
    from review.models import ScoreSheet

    challenge, bids, officer, _criteria = reviewed_challenge([[80] * 5], size=5)
    api = client_for(officer)
    url = f"/api/v1/bureau/challenges/{challenge.ocid}/award/propose/"
    body = {"bids": [bids[0].reference], "reason": "发榜方逾期未提出建议"}
    early = api.post(url, body, format="json")
    assert early.status_code == 409
    assert "not overdue" in error_of(early)["message"]
    assert client_for(challenge.created_by).post(url, body, format="json").status_code == 404
    ScoreSheet.objects.filter(bid__challenge=challenge).update(
        submitted_at=timezone.now() - timedelta(days=60)
    )
    done = api.post(url, body, format="json")
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "in_notice"
    event = AuditEvent.objects.filter(
        action="challenge.propose_award", object_id=str(challenge.pk)
    ).get()
    assert event.payload["by_bureau"] is True


# --- Needs in a call (批次) and the district's recommendation --------------------------------

QUALIFICATION_JSON = {k: str(v) for k, v in QUALIFICATION.items()}


def _web_form_errors(**data):
    """What the web's editor says about the same input."""
    base = {"title": "x", "max_consortium_members": 4, "winners_allowed": 1}
    form = ChallengeForm({**base, "confidentiality": "public", **data})
    assert not form.is_valid()
    return {k: [str(m) for m in v] for k, v in form.errors.items()}


def test_issuer_puts_a_need_into_a_call_with_its_qualification_as_the_web_editor(settings):
    settings.JIEBANG = {**settings.JIEBANG, "DISTRICT_RECOMMENDATION": False}
    officer = bureau_officer()
    call = make_call(officer, year=2026, batch=1)
    preparing = make_call(officer, opened=False, year=2026, batch=2)
    issuer, _org = issuer_with_org()
    api = client_for(issuer)

    # Only a call collecting needs now: the web editor's own refusal, word for word.
    refused = api.post("/api/v1/issuer/challenges/", _payload(call=preparing.code), format="json")
    assert refused.status_code == 400
    assert error_of(refused)["fields"]["call"] == _web_form_errors(call=preparing.pk)["call"]
    for code in ("2099-9", "nonsense"):
        unknown = api.post("/api/v1/issuer/challenges/", _payload(call=code), format="json")
        assert set(error_of(unknown)["fields"]) == {"call"}
    bad = api.post(
        "/api/v1/issuer/challenges/",
        _payload(call=call.code, rd_ratio="101", chain_role="boss"),
        format="json",
    )
    assert set(error_of(bad)["fields"]) == {"rd_ratio", "chain_role"}
    assert error_of(bad)["fields"]["rd_ratio"] == (_web_form_errors(rd_ratio="101")["rd_ratio"])
    assert not Challenge.objects.exists()

    # In the call: the call's bid deadline; the qualification facts are needed on submit.
    created = api.post("/api/v1/issuer/challenges/", _payload(call=call.code), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    challenge = Challenge.objects.get(ocid=body["ocid"])
    assert body["call"] == "2026-1" == challenge.call.code
    assert challenge.bid_deadline == call.bids_close_at
    assert body["recommendation"] is None
    web = challenge_services.challenge_create(
        by=issuer, issuer=challenge.issuer, data={"title": "web", "call": call}
    )
    assert web.bid_deadline == challenge.bid_deadline  # as the web editor's service does
    url = f"/api/v1/issuer/challenges/{challenge.ocid}/"
    assert set(body["completeness"]) >= {"chain", "chain_role", "revenue", "rd_ratio"}
    incomplete = api.post(url + "submit/")
    assert incomplete.status_code == 400
    assert set(error_of(incomplete)["fields"]) == set(challenge.completeness_errors())
    assert api.get("/api/v1/issuer/challenges/").json()["results"][-1]["call"] == "2026-1"

    edited = api.patch(url, QUALIFICATION_JSON, format="json")
    assert edited.status_code == 200, edited.json()
    assert {k: edited.json()[k] for k in QUALIFICATION} == {
        "chain": "新能源汽车",
        "chain_role": "chain_leader",
        "revenue": "80000.00",
        "rd_ratio": "4.50",
        "rd_platform": "provincial",
        "rd_platform_name": "江苏省动力电池工程技术研究中心",
    }
    assert edited.json()["completeness"] == {}
    challenge = refresh(challenge)
    assert {k: getattr(challenge, k) for k in QUALIFICATION} == QUALIFICATION
    assert api.post(url + "submit/").json()["status"] == "submitted"

    # Returned after the collection closed: it may stay in its call (the web's rule too).
    to_vetting(call, officer)
    client_for(officer).post(
        f"/api/v1/bureau/challenges/{challenge.ocid}/decision/",
        {"decision": "return", "comment": "补充"},
        format="json",
    )
    kept = api.patch(url, {"call": call.code, "title": "修订"}, format="json")
    assert kept.status_code == 200, kept.json()
    assert kept.json()["call"] == "2026-1"
    moved = api.patch(url, {"call": preparing.code}, format="json")
    assert moved.status_code == 400
    assert refresh(challenge).call_id == call.pk
    # A draft never submitted may leave its call (then it is published on its own).
    left = api.patch(f"/api/v1/issuer/challenges/{web.ocid}/", {"call": None}, format="json")
    assert left.status_code == 200, left.json()
    assert left.json()["call"] is None
    assert refresh(web).call_id is None


def test_district_recommends_or_returns_its_needs_and_the_city_sees_it(settings):
    settings.JIEBANG = {**settings.JIEBANG, "DISTRICT_RECOMMENDATION": True}
    city, officer, _district, issuer, org = district_world()
    call = make_call(city)
    first = need(call, issuer, org)
    challenge_services.challenge_submit(challenge=first, by=issuer)
    second = submitted_need(issuer, org)
    stranger = member_of(
        district_bureau(jurisdiction="金坛区", region_code="320413"), Role.DISTRICT
    )
    api = client_for(officer)
    recommend = f"/api/v1/district/challenges/{first.ocid}/recommend/"

    # Outside the jurisdiction, the city, the issuer: 404, nothing changes.
    for user in (stranger, city, issuer):
        assert client_for(user).post(recommend, {"comment": "推荐"}, format="json").status_code == (
            404
        )
    unread = client_for(officer).post(
        f"/api/v1/district/challenges/{draft(issuer, org).ocid}/recommend/",
        {"comment": "推荐"},
        format="json",
    )
    assert unread.status_code == 404  # a draft is the enterprise's own
    # The city cannot vet it before the district has recommended it.
    city_api = client_for(city)
    decision = f"/api/v1/bureau/challenges/{first.ocid}/decision/"
    waiting = city_api.post(decision, {"decision": "start_vetting"}, format="json")
    assert waiting.status_code == 409
    assert error_of(waiting)["message"] == str(district_services.AWAITING_DISTRICT)

    silent = api.post(recommend, {"comment": ""}, format="json")
    assert silent.status_code == 400
    assert "comment" in error_of(silent)["fields"]
    done = api.post(recommend, {"comment": "符合本区产业方向，推荐"}, format="json")
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "recommended"
    first = refresh(first)
    assert first.recommended_by == officer
    assert (
        done.json()["recommendation"]["comment"] == first.recommendation == "符合本区产业方向，推荐"
    )
    assert actions(first)[-1] == "challenge.recommend"
    again = api.post(recommend, {"comment": "再推荐"}, format="json")
    assert again.status_code == 409
    assert error_of(again)["code"] == "stale_state"

    # The city sees the call, the facts and the recommendation in its decision's answer.
    vetting = city_api.post(decision, {"decision": "start_vetting"}, format="json")
    assert vetting.status_code == 200, vetting.json()
    seen = vetting.json()
    assert seen["status"] == "vetting"
    assert seen["call"] == call.code
    assert seen["revenue"] == "80000.00"
    assert seen["recommendation"]["comment"] == "符合本区产业方向，推荐"
    assert seen["recommendation"]["recommended_at"]

    returned = api.post(
        f"/api/v1/district/challenges/{second.ocid}/return/",
        {"comment": "请补充指标测试方法"},
        format="json",
    )
    assert returned.status_code == 200, returned.json()
    assert returned.json()["status"] == "returned"
    assert returned.json()["status_comment"] == refresh(second).status_comment
    assert actions(second)[-1] == "challenge.district_return"
    assert refresh(second).recommendation == ""
