"""The whole sealed journey through the pages: the public key on the challenge, each holder
takes their share once, the team submits with a passphrase and reopens with it, the
opening ceremony after the deadline, the opening record PDF."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bounty.models import BidOpening, BidStatus, KeyShare
from documents.models import Document
from tests.bounty.bids.helpers import complete_bid
from tests.bounty.helpers import force_deadline, published
from tests.documents.helpers import pdf_text
from tests.factories import bureau_officer

from .helpers import MARKER_TEXT, PASSPHRASE, supervisor

pytestmark = pytest.mark.django_db


def _take(client, user, challenge, share):
    client.force_login(user)
    page = reverse("bounty:challenge_sealing", args=[challenge.ocid])
    response = client.post(page, {"action": "take", "share": share.pk})
    assert response.status_code == 200
    text = re.search(r"JBS1-[A-Z2-7-]+", response.content.decode()).group(0)
    again = client.post(page, {"action": "take", "share": share.pk}, follow=True)
    assert text not in again.content.decode()
    assert "already taken" in again.content.decode()
    return text


def test_sealed_journey_through_the_pages(client, django_capture_on_commit_callbacks):
    officer = bureau_officer()
    challenge = published(officer=officer, take_shares_now=False)
    sup = supervisor()
    detail = client.get(challenge.get_absolute_url()).content.decode()
    assert challenge.sealing_key.fingerprint in detail
    shares = [
        _take(client, officer, challenge, KeyShare.objects.get(key__challenge=challenge, index=1)),
        _take(client, sup, challenge, KeyShare.objects.get(key__challenge=challenge, index=2)),
    ]

    bid = complete_bid(challenge)
    team = bid.created_by
    client.force_login(team)
    from bounty.bids import services as bid_services

    bid_services.bid_update(bid=bid, by=team, data={"technical_approach": MARKER_TEXT})
    submit = reverse("bounty:bid_submit", args=[bid.reference])
    response = client.post(submit, {"passphrase": PASSPHRASE, "confirm": "different pass"})
    assert response.status_code == 200
    bid.refresh_from_db()
    assert bid.status == BidStatus.DRAFT
    with django_capture_on_commit_callbacks(execute=True):
        client.post(submit, {"passphrase": PASSPHRASE, "confirm": PASSPHRASE})
    bid.refresh_from_db()
    assert bid.status == BidStatus.SUBMITTED
    assert bid.technical_approach == ""
    page = client.get(bid.get_absolute_url()).content.decode()
    assert "sealed" in page
    assert MARKER_TEXT not in page

    # Reopen: a wrong passphrase changes nothing; the right one brings the draft back.
    reopen = reverse("bounty:bid_reopen", args=[bid.reference])
    client.post(reopen, {"passphrase": "not the passphrase"})
    bid.refresh_from_db()
    assert bid.status == BidStatus.SUBMITTED
    client.post(reopen, {"passphrase": PASSPHRASE})
    bid.refresh_from_db()
    assert bid.status == BidStatus.DRAFT
    assert bid.technical_approach == MARKER_TEXT
    with django_capture_on_commit_callbacks(execute=True):
        client.post(submit, {"passphrase": PASSPHRASE, "confirm": PASSPHRASE})

    # The opening ceremony after the deadline.
    force_deadline(challenge, timezone.now() - timedelta(minutes=1), open_sealed=False)
    client.force_login(officer)
    sealing_page = reverse("bounty:challenge_sealing", args=[challenge.ocid])
    response = client.post(
        sealing_page,
        {"action": "open", "share_1": shares[0], "share_2": shares[1][:-2] + "ZZ"},
        follow=True,
    )
    assert "mistyped" in response.content.decode()
    assert not BidOpening.objects.exists()
    response = client.post(
        sealing_page, {"action": "open", "share_1": shares[0], "share_2": shares[1]}, follow=True
    )
    assert "match their receipts" in response.content.decode()
    opening = BidOpening.objects.get()
    bid.refresh_from_db()
    assert bid.technical_approach == MARKER_TEXT

    record = reverse("documents:of", args=["opening", opening.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.get(record)
    assert client.get(record)["Content-Type"] == "application/pdf"
    text = pdf_text(Document.objects.get(kind="opening").file.path)
    assert "开标解密记录" in text
    assert bid.reference in text, text
    # Nobody else reads the shares page or the record.
    client.force_login(team)
    assert client.get(sealing_page).status_code == 404
    assert client.get(record).status_code == 404
