"""Sealed challenges for tests: publish with sealing on, take the shares, open."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone

from accounts.models import Role
from bounty.bids import services as bid_services
from bounty.models import KeyShare
from bounty.sealing.opening import opening_perform
from tests.bounty.bids.helpers import PDF, complete_bid
from tests.bounty.helpers import SHARES, force_deadline, published
from tests.factories import bureau_officer, member_of

MARKER_TEXT = "ZEBRA-MARKER-7f3a 蓝色斑马方案"
MARKER_FILE = b"QUAGGA-FILE-MARKER-91c2"
PASSPHRASE = "correct horse battery"


def supervisor():
    from accounts.models import Organization, OrganizationKind

    bureau_officer()  # makes sure the bureau exists
    org = Organization.objects.filter(kind=OrganizationKind.BUREAU).first()
    return member_of(org, Role.SUPERVISOR)


def sealed_challenge():
    """(challenge, officer who published, supervisor, [share texts]): the shares were taken
    by ``published`` (share 1 by the officer, the others by new holders)."""
    officer = bureau_officer()
    challenge = published(officer=officer)
    _officer, shares, _public = SHARES[challenge.pk]
    sup = KeyShare.objects.get(key__challenge=challenge, index=2).holder
    return challenge, officer, sup, shares


def sealed_bid(challenge, *, passphrase=PASSPHRASE):
    """A complete bid with the markers in its text and an attachment, submitted (sealed)."""
    bid = complete_bid(challenge)
    user = bid.created_by
    bid_services.bid_update(bid=bid, by=user, data={"technical_approach": MARKER_TEXT})
    bid_services.attachment_add(
        bid=bid,
        by=user,
        upload=SimpleUploadedFile("方案附件.pdf", PDF + MARKER_FILE + b"\n%%EOF\n"),
        kind="other",
    )
    version = submit(bid, passphrase=passphrase)
    bid.refresh_from_db()
    return bid, version


def submit(bid, *, passphrase=PASSPHRASE):
    """Submit and run the on-commit work (the plaintext files are deleted on commit)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return bid_services.bid_submit(bid=bid, by=bid.created_by, passphrase=passphrase)


def open_after_deadline(challenge, officer, shares):
    force_deadline(challenge, timezone.now() - timedelta(minutes=1), open_sealed=False)
    return opening_perform(challenge=challenge, by=officer, shares=shares)
