"""The API carries only the public part of a restricted or confidential challenge to a caller
without access, and says so (issue 16, point 4)."""

import json

import pytest

from bounty.bids import services as bid_services
from bounty.challenges import access_services
from bounty.challenges import services as challenge_services
from tests.api.conftest import token_client
from tests.bounty.bids.helpers import team
from tests.bounty.challenges.confidential import (
    SUMMARY,
    admitted_team,
    hidden_words,
    restricted,
    unverified_member,
)
from tests.bounty.helpers import published
from tests.factories import bureau_officer

pytestmark = pytest.mark.django_db


def detail(challenge, user):
    response = token_client(user).get(f"/api/v1/challenges/{challenge.ocid}/")
    assert response.status_code == 200
    return response.json()


def assert_public_part_only(body):
    assert body["details_withheld"] is True
    assert body["public_summary"] == SUMMARY
    assert body["problem"] == body["deliverable"] == body["eligibility"] == ""
    assert body["indicators"] == body["criteria"] == []
    assert body["clarifications"] == body["amendments"] == []
    text = json.dumps(body, ensure_ascii=False)
    for word in hidden_words():
        assert word not in text, word


def assert_everything(body):
    assert body["details_withheld"] is False
    text = json.dumps(body, ensure_ascii=False)
    for word in hidden_words():
        assert word in text, word
    assert body["criteria"]


@pytest.mark.parametrize("level", ["internal", "secret"])
def test_the_api_withholds_the_details_without_access(level):
    officer = bureau_officer()
    challenge = restricted(level, officer=officer)
    asker, org = team()
    if level == "internal":
        access_services.nda_accept(challenge=challenge, by=asker, organization=org)
    else:
        asker, org = admitted_team(challenge)
        access_services.nda_accept(challenge=challenge, by=asker, organization=org)
    item = challenge_services.clarification_ask(challenge=challenge, by=asker, question="样品？")
    challenge_services.clarification_answer(
        clarification=item, by=challenge.created_by, answer="三件。"
    )
    challenge_services.challenge_amend(
        challenge=challenge, by=officer, reason="补充", data={"deliverable": "保密样机图纸二版"}
    )
    member, _org = team()
    for user in (None, unverified_member(), member):
        body = detail(challenge, user)
        assert body["confidentiality"] == level
        assert_public_part_only(body)
    for user in (asker, challenge.created_by, officer):
        assert_everything(detail(challenge, user))


def test_a_public_challenge_is_unchanged():
    body = detail(published(), None)
    assert body["confidentiality"] == "public"
    assert body["details_withheld"] is False
    assert body["indicators"]


def test_a_bid_through_the_api_needs_access():
    challenge = restricted()
    user, org = team()
    client = token_client(user)
    response = client.post(
        f"/api/v1/challenges/{challenge.ocid}/bids/", {"lead": org.pk}, format="json"
    )
    assert response.status_code in (400, 403, 409)
    assert not challenge.bids.exists()
    access_services.nda_accept(challenge=challenge, by=user, organization=org)
    assert bid_services.bid_create(challenge=challenge, by=user, lead=org).pk


# --- Review of issue 16 (M5, H2) ------------------------------------------------------------


def test_the_api_withholds_the_ip_terms_detail_and_the_contact():
    from tests.bounty.challenges.confidential import PRIVATE_FACTS, private_fact_words

    challenge = restricted(**PRIVATE_FACTS)
    body = detail(challenge, team()[0])
    assert body["details_withheld"] is True
    for field in ("ip_terms_detail", "contact_name", "contact_phone", "contact_email"):
        assert body[field] == "", field
    assert body["bounty_total"]
    assert body["enterprise_funds"]
    assert body["bid_deadline"]
    reader, org = team()
    access_services.nda_accept(challenge=challenge, by=reader, organization=org)
    text = json.dumps(detail(challenge, reader), ensure_ascii=False)
    for word in private_fact_words():
        assert word in text, word


def test_bid_writes_through_the_api_need_the_current_nda():
    from django.urls import reverse

    from tests.api.conftest import error_of
    from tests.bounty.bids.helpers import complete_bid
    from tests.factories import member_of

    officer = bureau_officer()
    challenge = restricted(officer=officer)
    user, org = team()
    access_services.nda_accept(challenge=challenge, by=user, organization=org)
    bid = complete_bid(challenge, user, org)
    nda = reverse("bounty:challenge_nda", args=[challenge.ocid])
    colleague = member_of(org, "bidder")
    client = token_client(colleague)
    response = client.patch(f"/api/v1/bids/{bid.reference}/", {"summary": "改"}, format="json")
    assert response.status_code == 409
    assert nda in error_of(response)["message"]
    assert client.post(f"/api/v1/bids/{bid.reference}/submit/").status_code == 409
    # The team itself, after an NDA change, neither submits nor reads its receipt.
    bid_services.bid_submit(bid=bid, by=user)
    challenge_services.challenge_amend(
        challenge=challenge, by=officer, reason="NDA 更新", data={"nda_text": "新的保密协议"}
    )
    client = token_client(user)
    assert client.post(f"/api/v1/bids/{bid.reference}/reopen/").status_code == 409
    response = client.get(f"/api/v1/bids/{bid.reference}/receipts/1/")
    assert response.status_code == 409
    assert nda in error_of(response)["message"]
