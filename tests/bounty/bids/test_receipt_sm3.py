"""Receipts by SM3 when ``HASH_ALGORITHM = "sm3"`` (issue 18, hash-algorithm agility)."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bounty.bids import services as bid_services
from bounty.bids.rules import canonical_bytes
from tests.bounty.bids.helpers import PDF, complete_bid
from tests.bounty.helpers import published

pytestmark = pytest.mark.django_db


def sm3(data):
    return hashlib.new("sm3", data).hexdigest()


def test_a_receipt_made_under_sm3_names_it_and_verifies_files_by_it(client, settings):
    settings.HASH_ALGORITHM = "sm3"
    bid = complete_bid(published())
    bid_services.bid_submit(bid=bid, by=bid.created_by)
    version = bid.versions.get()
    assert version.hash_algorithm == "sm3"
    assert version.content_sha256 == sm3(canonical_bytes(version.content))
    assert [a["sha256"] for a in version.attachments] == [sm3(PDF)]
    client.force_login(bid.created_by)
    url = reverse("bounty:bid_receipt", args=[bid.reference, 1])
    page = client.get(url)
    assert "SM3" in page.content.decode()
    match = client.post(url, {"file": SimpleUploadedFile("x.pdf", PDF)}).context["match"]
    assert match["attachments"] == ["实施方案.pdf"]


def test_files_hashed_before_a_switch_are_hashed_again_at_submission(settings):
    bid = complete_bid(published())  # attachments hashed by SHA-256
    assert bid.attachments.get().hash_algorithm == "sha256"
    settings.HASH_ALGORITHM = "sm3"
    bid_services.bid_submit(bid=bid, by=bid.created_by)
    version = bid.versions.get()
    assert (version.hash_algorithm, version.attachments[0]["sha256"]) == ("sm3", sm3(PDF))


def test_receipts_made_before_a_switch_keep_their_algorithm(client, settings):
    bid = complete_bid(published())
    bid_services.bid_submit(bid=bid, by=bid.created_by)
    settings.HASH_ALGORITHM = "sm3"
    version = bid.versions.get()
    assert version.hash_algorithm == "sha256"
    assert version.attachments[0]["sha256"] == hashlib.sha256(PDF).hexdigest()
    client.force_login(bid.created_by)
    url = reverse("bounty:bid_receipt", args=[bid.reference, 1])
    match = client.post(url, {"file": SimpleUploadedFile("x.pdf", PDF)}).context["match"]
    assert match["attachments"] == ["实施方案.pdf"]


def test_a_sealed_bid_with_an_sm3_receipt_opens_and_checks_by_sm3(settings):
    from tests.bounty.sealing.helpers import (
        MARKER_TEXT,
        open_after_deadline,
        sealed_bid,
        sealed_challenge,
    )

    settings.BID_SEALING = True
    settings.BID_SEALING_SHARES = {"threshold": 2, "holders": 2}
    settings.HASH_ALGORITHM = "sm3"
    challenge, officer, _supervisor, shares = sealed_challenge()
    bid, version = sealed_bid(challenge)
    assert version.hash_algorithm == "sm3"
    opening = open_after_deadline(challenge, officer, shares)
    assert opening.results
    assert not opening.problems
    bid.refresh_from_db()
    assert bid.technical_approach == MARKER_TEXT
    version.refresh_from_db()
    assert version.content_sha256 == sm3(canonical_bytes(version.content))
