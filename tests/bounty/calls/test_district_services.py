"""The district step in a need's path: routing, recommendation, return, the city's refusal."""

from decimal import Decimal

import pytest

from accounts.models import Role
from audit.models import AuditEvent
from bounty.calls import district as district_services
from bounty.challenges import services
from bounty.exceptions import ActionRefused, StaleState
from bounty.models import Challenge, ChallengeStatus
from notifications.models import Notification
from tests.bounty.calls.district_helpers import district_bureau, district_world, submitted_need
from tests.bounty.helpers import draft
from tests.factories import member_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_district_step(settings):
    """Overrides the calls' conftest: here the city recommends through its districts."""
    settings.JIEBANG = {**settings.JIEBANG, "DISTRICT_RECOMMENDATION": True}


@pytest.fixture
def world():
    return district_world()


def _kinds(user):
    return set(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def _setting(settings, **values):
    settings.JIEBANG = {**settings.JIEBANG, **values}


def test_submitted_need_goes_to_its_district_not_to_the_city(world):
    city, officer, _district, issuer, org = world
    submitted_need(issuer, org)
    assert "challenge.district_submitted" in _kinds(officer)
    assert not _kinds(city) & {"challenge.submitted", "challenge.district_submitted"}


def test_without_the_setting_the_city_gets_the_need_and_vets_it(world, settings):
    _setting(settings, DISTRICT_RECOMMENDATION=False)
    city, officer, _district, issuer, org = world
    need = submitted_need(issuer, org)
    assert "challenge.submitted" in _kinds(city)
    assert not _kinds(officer)
    services.challenge_decide(challenge=need, by=city, decision="start_vetting")
    assert Challenge.objects.get(pk=need.pk).status == ChallengeStatus.VETTING
    with pytest.raises(ActionRefused):  # the district has no say then
        district_services.need_recommend(challenge=need, by=officer, comment="推荐")


def test_issuer_without_district_skips_the_step(world):
    city, _officer, _district, _issuer, _org = world
    need = draft()  # its own enterprise, no district
    services.challenge_submit(challenge=need, by=need.created_by)
    assert "challenge.submitted" in _kinds(city)
    services.challenge_decide(challenge=need, by=city, decision="start_vetting")
    assert Challenge.objects.get(pk=need.pk).status == ChallengeStatus.VETTING


def test_city_cannot_start_vetting_before_the_district_recommends(world, english):
    city, _officer, _district, issuer, org = world
    need = submitted_need(issuer, org)
    with pytest.raises(ActionRefused, match="waiting for the district's recommendation"):
        services.challenge_decide(challenge=need, by=city, decision="start_vetting")
    assert Challenge.objects.get(pk=need.pk).status == ChallengeStatus.SUBMITTED


def test_recommendation_is_recorded_audited_and_announced(world):
    city, officer, district, issuer, org = world
    need = submitted_need(issuer, org)
    district_services.need_recommend(challenge=need, by=officer, comment="  产业链急需  ")
    need.refresh_from_db()
    assert need.status == ChallengeStatus.RECOMMENDED
    assert need.recommended_by == officer
    assert need.recommended_at is not None
    assert need.recommendation == "产业链急需"
    event = AuditEvent.objects.filter(action="challenge.recommend").get()
    assert event.payload == {"comment": "产业链急需", "district": district.pk}
    assert (event.from_state, event.to_state) == ("submitted", "recommended")
    assert "challenge.recommended" in _kinds(issuer)
    assert "challenge.recommended_to_city" in _kinds(city)
    services.challenge_decide(challenge=need, by=city, decision="start_vetting")
    assert Challenge.objects.get(pk=need.pk).status == ChallengeStatus.VETTING


def test_city_may_return_a_recommended_need(world):
    city, officer, _district, issuer, org = world
    need = submitted_need(issuer, org)
    district_services.need_recommend(challenge=need, by=officer, comment="推荐")
    services.challenge_decide(challenge=need, by=city, decision="return", comment="请补充指标")
    assert Challenge.objects.get(pk=need.pk).status == ChallengeStatus.RETURNED


def test_district_returns_a_need_with_its_reason(world):
    _city, officer, _district, issuer, org = world
    need = submitted_need(issuer, org)
    district_services.need_return(challenge=need, by=officer, comment="营收数据有误")
    need.refresh_from_db()
    assert need.status == ChallengeStatus.RETURNED
    assert need.status_comment == "营收数据有误"
    assert AuditEvent.objects.filter(action="challenge.district_return").count() == 1
    assert "challenge.district_returned" in _kinds(issuer)
    # Revised and submitted again: back to the district.
    services.challenge_submit(challenge=need, by=issuer)
    assert Challenge.objects.get(pk=need.pk).status == ChallengeStatus.SUBMITTED


@pytest.mark.parametrize("service", ["need_recommend", "need_return"])
def test_a_comment_is_required(world, service):
    _city, officer, _district, issuer, org = world
    need = submitted_need(issuer, org)
    with pytest.raises(ActionRefused):
        getattr(district_services, service)(challenge=need, by=officer, comment="  ")
    assert Challenge.objects.get(pk=need.pk).status == ChallengeStatus.SUBMITTED


@pytest.mark.parametrize("who", ["other_district", "city", "issuer"])
def test_only_the_issuers_district_decides(world, who):
    city, _officer, _district, issuer, org = world
    need = submitted_need(issuer, org)
    other = member_of(district_bureau(jurisdiction="金坛区", region_code="320413"), Role.DISTRICT)
    actor = {"other_district": other, "city": city, "issuer": issuer}[who]
    with pytest.raises(ActionRefused):
        district_services.need_recommend(challenge=need, by=actor, comment="推荐")
    assert Challenge.objects.get(pk=need.pk).status == ChallengeStatus.SUBMITTED


def test_second_decision_is_stale(world):
    _city, officer, _district, issuer, org = world
    need = submitted_need(issuer, org)
    district_services.need_recommend(challenge=need, by=officer, comment="推荐")
    with pytest.raises(StaleState):
        district_services.need_return(challenge=need, by=officer, comment="退回")


def test_qualification_checks_against_the_thresholds(world, settings):
    _setting(settings, NEED_MIN_REVENUE=5000, NEED_MIN_RD_RATIO=3, NEED_RD_PLATFORM_REQUIRED=True)
    _city, _officer, _district, issuer, org = world
    need = draft(
        issuer,
        org,
        chain="新能源汽车",
        chain_role="chain_leader",
        revenue=Decimal("8000"),
        rd_ratio=Decimal("2.5"),
        rd_platform="none",
    )
    rows = district_services.qualification_checks(need)
    assert [row["ok"] for row in rows] == [None, True, False, False]
    assert rows[1]["value"] == Decimal("8000")
    assert rows[1]["threshold"] == Decimal("5000")
    assert rows[2]["threshold"] == Decimal("3")
    assert "新能源汽车" in rows[0]["value"]


def test_qualification_without_facts_is_not_met_and_platform_optional(world, settings):
    _setting(settings, NEED_RD_PLATFORM_REQUIRED=False)
    _city, _officer, _district, issuer, org = world
    rows = district_services.qualification_checks(draft(issuer, org))
    assert [row["ok"] for row in rows] == [None, False, False, None]


def test_district_queue_holds_only_its_jurisdiction(world):
    _city, officer, _district, issuer, org = world
    mine = submitted_need(issuer, org, title="本区需求")
    elsewhere = draft(title="外区需求")
    services.challenge_submit(challenge=elsewhere, by=elsewhere.created_by)
    draft(issuer, org, title="本区草稿")
    assert list(district_services.district_needs(officer)) == [mine]
    assert list(district_services.district_needs(officer, status="all", q="草稿")) == []
