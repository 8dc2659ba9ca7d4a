"""The API submits and reopens bids of a sealed challenge (issue 18): the team passphrase
travels with the submission and brings the sealed draft back; ``fresh`` starts anew."""

import pytest
from django.test import TestCase
from django.utils import translation

from bounty.models import Bid, BidStatus
from tests.api.conftest import error_of, token_client
from tests.bounty.bids.helpers import complete_bid
from tests.bounty.sealing.helpers import MARKER_TEXT, sealed_challenge

pytestmark = pytest.mark.django_db
PASSPHRASE = "violet lantern 42"


@pytest.fixture(autouse=True)
def _sealing_on(settings):
    settings.BID_SEALING = True
    settings.BID_SEALING_SHARES = {"threshold": 2, "holders": 2}
    with translation.override("en"):
        yield


def submitted():
    challenge, *_rest = sealed_challenge()
    bid = complete_bid(challenge)
    Bid.objects.filter(pk=bid.pk).update(technical_approach=MARKER_TEXT)
    client = token_client(bid.created_by)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    url = f"/api/v1/bids/{bid.reference}/"
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url + "submit/", {"passphrase": PASSPHRASE}, format="json")
    assert response.status_code == 201
    bid.refresh_from_db()
    assert bid.technical_approach == ""  # sealed: the plaintext is gone
    return bid, client, url


def test_a_short_passphrase_is_refused_and_nothing_is_submitted():
    challenge, *_rest = sealed_challenge()
    bid = complete_bid(challenge)
    client = token_client(bid.created_by)
    response = client.post(
        f"/api/v1/bids/{bid.reference}/submit/", {"passphrase": "short"}, format="json"
    )
    assert response.status_code == 400
    assert "passphrase" in error_of(response)["fields"]
    bid.refresh_from_db()
    assert bid.status == BidStatus.DRAFT


def test_reopen_with_the_passphrase_restores_the_draft():
    bid, client, url = submitted()
    wrong = client.post(url + "reopen/", {"passphrase": "not the passphrase"}, format="json")
    assert wrong.status_code == 409
    assert "passphrase does not open" in error_of(wrong)["message"]
    bid.refresh_from_db()
    assert bid.status == BidStatus.SUBMITTED
    right = client.post(url + "reopen/", {"passphrase": PASSPHRASE}, format="json")
    assert right.status_code == 200
    bid.refresh_from_db()
    assert (bid.status, bid.technical_approach) == (BidStatus.DRAFT, MARKER_TEXT)


def test_reopen_fresh_leaves_the_submission_sealed():
    bid, client, url = submitted()
    empty = client.post(url + "reopen/", {}, format="json")
    assert empty.status_code == 409
    assert error_of(empty)["code"] == "refused"
    response = client.post(url + "reopen/", {"fresh": True}, format="json")
    assert response.status_code == 200
    bid.refresh_from_db()
    assert (bid.status, bid.technical_approach) == (BidStatus.DRAFT, "")
