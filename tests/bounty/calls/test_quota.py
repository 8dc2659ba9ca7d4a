"""Bid quotas count per call (DOMAIN §3): the lead unit's bids and the PI's."""

import pytest

from accounts.exceptions import ActionRefused
from bounty.bids import services as bid_services
from bounty.models import Bid, BidVersion
from tests.bounty.bids.helpers import complete_bid, team
from tests.bounty.calls.helpers import published_call
from tests.factories import member_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_district_step(settings):
    settings.JIEBANG = {**settings.JIEBANG, "DISTRICT_RECOMMENDATION": False}


def _submit(bid):
    return bid_services.bid_submit(bid=Bid.objects.get(pk=bid.pk), by=bid.created_by)


def test_lead_unit_quota_counts_per_call(english):
    call, (first, second) = published_call(2, max_lead_bids=1)
    user, org = team()
    _submit(complete_bid(first, user, org))
    with pytest.raises(ActionRefused) as exc:
        _submit(complete_bid(second, user, org))
    assert call.name in str(exc.value.message)
    assert BidVersion.objects.filter(bid__lead=org).count() == 1


def test_a_call_may_allow_more_than_the_default(settings):
    settings.JIEBANG = {**settings.JIEBANG, "MAX_LEAD_BIDS_PER_CALL": 1}
    _call, (first, second) = published_call(2, max_lead_bids=2, pi_max_lead=2)
    user, org = team()
    _submit(complete_bid(first, user, org))
    _submit(complete_bid(second, user, org))
    assert BidVersion.objects.filter(bid__lead=org).count() == 2


def test_pi_limit_is_the_calls(english):
    call, (first, second) = published_call(2, pi_max_lead=1)
    pi, org_a = team()
    user_b, org_b = team()
    member_of(org_b, "bidder", user=pi)
    _submit(complete_bid(first, pi, org_a))
    bid = complete_bid(second, user_b, org_b)
    bid_services.bid_update(bid=bid, by=user_b, data={"pi": pi})
    with pytest.raises(ActionRefused) as exc:
        _submit(bid)
    assert call.name in str(exc.value.message)
