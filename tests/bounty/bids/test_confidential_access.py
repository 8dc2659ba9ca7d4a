"""A bid for a restricted or confidential challenge (review of issue 16, H2): acceptance of the
NDA is per person; each member of the team who reads, edits or submits the bid accepted the
current version for the lead unit (confidential: the lead is admitted). An NDA change closes
the bid until they accept again."""

import pytest
from django.urls import reverse

from bounty.bids import services as bid_services
from bounty.challenges import access_rules, access_services
from bounty.challenges import services as challenge_services
from bounty.exceptions import ActionRefused
from bounty.models import BidStatus
from tests.bounty.bids.helpers import complete_bid, team
from tests.bounty.challenges.confidential import HIDDEN_INDICATOR, admitted_team, restricted
from tests.factories import bureau_officer, member_of

pytestmark = pytest.mark.django_db


def bid_with_access(level="internal", officer=None):
    challenge = restricted(level, officer=officer or bureau_officer())
    user, org = team() if level == "internal" else admitted_team(challenge)
    access_services.nda_accept(challenge=challenge, by=user, organization=org)
    return challenge, user, org, complete_bid(challenge, user, org)


def new_nda(challenge, officer):
    challenge_services.challenge_amend(
        challenge=challenge, by=officer, reason="NDA 更新", data={"nda_text": "新的保密协议"}
    )
    challenge.refresh_from_db()


@pytest.mark.parametrize("level", ["internal", "secret"])
def test_a_colleague_without_the_nda_neither_reads_nor_edits_the_bid(client, level):
    challenge, _user, org, bid = bid_with_access(level)
    colleague = member_of(org, "bidder")
    assert not access_rules.sees_details(colleague, challenge)
    client.force_login(colleague)
    nda = reverse("bounty:challenge_nda", args=[challenge.ocid])
    for name in ("bid_edit", "bid_detail", "bid_submit"):
        response = client.get(reverse(f"bounty:{name}", args=[bid.reference]))
        assert response.status_code == 302, name
        assert response.url == nda
        assert HIDDEN_INDICATOR not in client.get(response.url).content.decode()
    with pytest.raises(ActionRefused) as refused:
        bid_services.bid_update(bid=bid, by=colleague, data={"summary": "改"})
    assert nda in str(refused.value.message)
    with pytest.raises(ActionRefused):
        bid_services.bid_submit(bid=bid, by=colleague)
    # Once the colleague accepts for the lead unit, the bid opens to them.
    access_services.nda_accept(challenge=challenge, by=colleague, organization=org)
    html = client.get(reverse("bounty:bid_edit", args=[bid.reference])).content.decode()
    assert HIDDEN_INDICATOR in html


def test_the_refusal_tells_the_colleague_to_accept_the_nda(client):
    challenge, _user, org, bid = bid_with_access()
    colleague = member_of(org, "bidder")
    client.force_login(colleague)
    response = client.get(reverse("bounty:bid_edit", args=[bid.reference]), follow=True)
    nda = reverse("bounty:challenge_nda", args=[challenge.ocid])
    messages = [str(m) for m in response.context["messages"]]
    assert any(nda in m and org.name in m for m in messages), messages


def test_after_an_nda_change_the_team_must_accept_again_before_submitting(client):
    officer = bureau_officer()
    challenge, user, org, bid = bid_with_access(officer=officer)
    new_nda(challenge, officer)
    assert not access_rules.sees_details(user, challenge)
    client.force_login(user)
    response = client.get(reverse("bounty:bid_edit", args=[bid.reference]))
    assert response.status_code == 302
    assert HIDDEN_INDICATOR not in response.content.decode()
    client.post(reverse("bounty:bid_submit", args=[bid.reference]))
    bid.refresh_from_db()
    assert bid.status == BidStatus.DRAFT
    with pytest.raises(ActionRefused):
        bid_services.bid_submit(bid=bid, by=user)
    access_services.nda_accept(challenge=challenge, by=user, organization=org)
    bid_services.bid_submit(bid=bid, by=user)
    bid.refresh_from_db()
    assert bid.status == BidStatus.SUBMITTED


def test_a_submitted_bid_closes_its_receipt_and_reopening_after_an_nda_change(client):
    officer = bureau_officer()
    challenge, user, _org, bid = bid_with_access(officer=officer)
    bid_services.bid_submit(bid=bid, by=user)
    new_nda(challenge, officer)  # not material: the bid stays submitted
    bid.refresh_from_db()
    assert bid.status == BidStatus.SUBMITTED
    with pytest.raises(ActionRefused):
        bid_services.bid_reopen(bid=bid, by=user)
    client.force_login(user)
    response = client.get(reverse("bounty:bid_receipt", args=[bid.reference, 1]))
    assert response.status_code == 302
    # Withdrawing reveals nothing: still allowed.
    bid_services.bid_withdraw(bid=bid, by=user)


def test_a_public_challenge_is_unaffected(client):
    user, org = team()
    from tests.bounty.helpers import published

    bid = complete_bid(published(), user, org)
    colleague = member_of(org, "bidder")
    client.force_login(colleague)
    assert client.get(reverse("bounty:bid_edit", args=[bid.reference])).status_code == 200
