"""The procedure around calls and districts holds at its edges (review of issue 19): needs
left out of a published list, a resubmitted need, a district without officers, a district
change while a need is pending, standalone quotas, and a need that would leave its call."""

import pytest

from accounts.exceptions import ActionRefused
from accounts.models import Role
from accounts.services import organization_district_set
from bounty import permissions as perms
from bounty.bids import services as bid_services
from bounty.calls import district
from bounty.calls import services as call_services
from bounty.challenges import services
from bounty.models import Bid, BidVersion, ChallengeStatus
from notifications.models import Notification
from security.twofactor import requires_second_factor
from tests.bounty.bids.helpers import complete_bid, team
from tests.bounty.calls.district_helpers import district_bureau, district_world, submitted_need
from tests.bounty.calls.helpers import (
    approved_need,
    make_call,
    need,
    published_call,
    refresh,
    to_vetting,
)
from tests.bounty.helpers import published
from tests.factories import OrganizationFactory, bureau_officer, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def districts_on(settings):
    settings.JIEBANG = {**settings.JIEBANG, "DISTRICT_RECOMMENDATION": True}


@pytest.fixture
def districts_off(settings):
    settings.JIEBANG = {**settings.JIEBANG, "DISTRICT_RECOMMENDATION": False}


def test_a_need_left_out_of_the_list_is_told_and_can_no_longer_be_approved(districts_off, english):
    officer = bureau_officer()
    call = make_call(officer)
    listed = approved_need(call, officer)
    late = need(call)
    services.challenge_submit(challenge=late, by=late.created_by)
    services.challenge_decide(challenge=late, by=officer, decision="start_vetting")
    to_vetting(call, officer)
    call_services.publish_list(call=refresh(call), by=officer)
    assert refresh(listed).status == ChallengeStatus.PUBLISHED
    told = Notification.objects.filter(kind="call.need_not_listed")
    assert list(told.values_list("recipient", flat=True)) == [late.created_by.pk]
    with pytest.raises(ActionRefused, match="already published"):
        services.challenge_decide(challenge=refresh(late), by=officer, decision="approve")
    # It can still be returned to its issuer, for a later call.
    services.challenge_decide(
        challenge=refresh(late), by=officer, decision="return", comment="请参加下一批次。"
    )
    assert refresh(late).status == ChallengeStatus.RETURNED


def test_a_resubmitted_need_waits_for_a_new_recommendation(districts_on):
    city, officer, _district, issuer, org = district_world()
    challenge = submitted_need(issuer, org)
    district.need_recommend(challenge=challenge, by=officer, comment="同意推荐。")
    services.challenge_decide(
        challenge=refresh(challenge), by=city, decision="return", comment="请补充指标。"
    )
    challenge = services.challenge_submit(challenge=refresh(challenge), by=issuer)
    challenge = refresh(challenge)
    assert challenge.recommended_at is None
    assert challenge.recommendation == ""
    assert district.awaits_district(challenge)


def test_a_district_without_officers_does_not_hold_needs(districts_on):
    city = bureau_officer()
    empty = district_bureau(jurisdiction="新北区", region_code="320411")
    org = OrganizationFactory(kind="enterprise", verified=True, district=empty)
    issuer = member_of(org, Role.ISSUER, is_admin=True)
    challenge = submitted_need(issuer, org)
    assert not district.district_step_applies(challenge)
    services.challenge_decide(challenge=challenge, by=city, decision="start_vetting")
    assert refresh(challenge).status == ChallengeStatus.VETTING


def test_the_district_cannot_change_while_a_need_is_pending(districts_on, english):
    _city, _officer, _district, issuer, org = district_world()
    other = district_bureau(jurisdiction="新北区", region_code="320411")
    submitted_need(issuer, org)
    with pytest.raises(ActionRefused, match="being recommended or vetted"):
        organization_district_set(organization=org, district=other, by=issuer)
    assert refresh(org).district_id != other.pk


def test_district_officers_see_nothing_when_the_city_has_no_district_step(settings):
    settings.JIEBANG = {**settings.JIEBANG, "DISTRICT_RECOMMENDATION": True}
    _city, officer, _district, issuer, org = district_world()
    challenge = submitted_need(issuer, org)
    assert perms.can_view_challenge(officer, challenge)
    settings.JIEBANG = {**settings.JIEBANG, "DISTRICT_RECOMMENDATION": False}
    assert not perms.can_view_challenge(officer, challenge)


def test_district_officers_need_a_second_factor(settings):
    settings.SECURITY = {**settings.SECURITY, "TWO_FACTOR_ENFORCED": True}
    _city, officer, *_ = district_world()
    assert requires_second_factor(officer)


def test_standalone_quota_does_not_count_the_bids_of_a_call(settings, districts_off):
    settings.JIEBANG = {**settings.JIEBANG, "MAX_LEAD_BIDS_PER_CALL": 1, "PI_MAX_LEAD": 2}
    _call, (in_call,) = published_call(1, max_lead_bids=1, pi_max_lead=2)
    alone = published()
    user, org = team()
    for challenge in (in_call, alone):
        bid = complete_bid(challenge, user, org)
        bid_services.bid_submit(bid=Bid.objects.get(pk=bid.pk), by=user)
    assert BidVersion.objects.filter(bid__lead=org).count() == 2


def test_a_need_submitted_in_a_call_does_not_leave_calls(districts_off, english):
    officer = bureau_officer()
    call = make_call(officer)
    challenge = need(call)
    services.challenge_submit(challenge=challenge, by=challenge.created_by)
    services.challenge_decide(
        challenge=refresh(challenge), by=officer, decision="return", comment="请修改。"
    )
    with pytest.raises(ActionRefused, match="not leave calls"):
        services.challenge_update(
            challenge=refresh(challenge), by=challenge.created_by, data={"call": None}
        )
    assert refresh(challenge).call_id == call.pk
