"""Sealed bids: nothing readable at rest before the opening, a clean refusal for a wrong
share, a quorum opens, tampering is found, the team's passphrase restores a reopened bid."""

import io
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from bounty.bids import services as bid_services
from bounty.exceptions import ActionRefused
from bounty.models import Attachment, Bid, BidStatus, BidVersion, KeyShare, SealedSubmission
from bounty.sealing import crypto
from bounty.sealing import services as sealing
from bounty.sealing.opening import opening_perform, opening_required
from common.hashing import sha256_hex
from tests.bounty.helpers import force_deadline, published
from tests.factories import bureau_officer

from .helpers import (
    MARKER_FILE,
    MARKER_TEXT,
    PASSPHRASE,
    open_after_deadline,
    sealed_bid,
    sealed_challenge,
    submit,
    supervisor,
)

pytestmark = pytest.mark.django_db


def _dump() -> str:
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    return out.getvalue()


def _media_contains(settings, needle: bytes) -> bool:
    for path in Path(settings.MEDIA_ROOT).rglob("*"):
        if path.is_file() and needle in path.read_bytes():
            return True
    return False


def test_publication_makes_a_key_whose_private_half_is_nowhere(settings):
    challenge, officer, sup, shares = sealed_challenge()
    key = challenge.sealing_key
    assert len(key.public_key) == 64
    assert key.fingerprint
    # Taken shares are erased; only digests stay.
    assert all(not s.pending for s in KeyShare.objects.filter(key=key))
    assert [s.holder for s in key.shares.all()] == [officer, sup]
    private = crypto.combine_shares([crypto.share_decode(t)[::2] for t in shares])
    assert crypto.public_of(private).hex() == key.public_key
    assert private.hex() not in _dump()


def test_a_share_is_shown_once_and_only_to_its_holder():
    challenge, _officer, sup, _shares = sealed_challenge()
    share = challenge.sealing_key.shares.get(index=2)
    with pytest.raises(ActionRefused, match="already taken"):
        sealing.share_take(share=share, by=sup)


def test_the_publisher_cannot_take_the_supervisors_share_too():
    officer = bureau_officer()
    challenge = published(officer=officer, take_shares_now=False)
    share = challenge.sealing_key.shares.get(index=2)
    with pytest.raises(ActionRefused, match="not yours"):
        sealing.share_take(share=share, by=officer)
    sealing.share_take(share=share, by=supervisor())


def test_sealing_off_keeps_todays_behaviour(settings):
    settings.BID_SEALING = False
    challenge = published()
    _bid, version = sealed_bid(challenge)
    assert not hasattr(challenge, "sealing_key") or not challenge.sealing_key
    assert version.content["technical_approach"] == MARKER_TEXT
    assert not SealedSubmission.objects.exists()


def test_no_plaintext_in_the_database_or_media_before_the_deadline(settings):
    challenge, _officer, _sup, _shares = sealed_challenge()
    bid, version = sealed_bid(challenge)
    assert MARKER_TEXT not in _dump()
    assert "ZEBRA" not in _dump()
    assert not _media_contains(settings, MARKER_FILE)
    assert not _media_contains(settings, b"ZEBRA")
    # The receipt still proves what was submitted.
    version.refresh_from_db()
    assert version.content["sealed"] is True
    assert len(version.content_sha256) == 64
    assert bid.technical_approach == ""
    assert not bid.milestones.exists()
    assert bid.status == BidStatus.SUBMITTED


def test_a_quorum_opens_and_every_bid_matches_its_receipt(settings):
    challenge, officer, _sup, shares = sealed_challenge()
    bid, version = sealed_bid(challenge)
    receipt_hash = version.content_sha256
    assert opening_required(challenge)
    opening = open_after_deadline(challenge, officer, shares)
    assert [r["ok"] for r in opening.results] == [True]
    assert opening.results[0]["content_hash"] == receipt_hash
    bid.refresh_from_db()
    assert bid.technical_approach == MARKER_TEXT
    assert bid.milestones.count() == 2
    assert bid.budget_lines.exists()
    version.refresh_from_db()
    assert version.content["technical_approach"] == MARKER_TEXT
    assert sha256_hex(bid_services.canonical_bytes(version.content)) == receipt_hash
    marked = bid.attachments.get(kind="other")
    assert marked.original_name == "方案附件.pdf"
    with marked.file.open("rb") as fh:
        assert MARKER_FILE in fh.read()
    assert _media_contains(settings, MARKER_FILE)
    assert not opening_required(challenge)
    assert {h["index"] for h in opening.share_holders} == {1, 2}


def test_a_wrong_share_fails_cleanly_and_loses_nothing():
    challenge, officer, _sup, shares = sealed_challenge()
    bid, _version = sealed_bid(challenge)
    force_deadline(challenge, timezone.now() - timedelta(minutes=1), open_sealed=False)
    typo = shares[1][:-3] + ("AAA" if not shares[1].endswith("AAA") else "BBB")
    with pytest.raises(ActionRefused, match="mistyped"):
        opening_perform(challenge=challenge, by=officer, shares=[shares[0], typo])
    _other_challenge, _o, _s, other_shares = sealed_challenge()
    with pytest.raises(ActionRefused, match="another challenge"):
        opening_perform(challenge=challenge, by=officer, shares=[shares[0], other_shares[1]])
    with pytest.raises(ActionRefused, match="needed"):
        opening_perform(challenge=challenge, by=officer, shares=[shares[0]])
    with pytest.raises(ActionRefused, match="twice"):
        opening_perform(challenge=challenge, by=officer, shares=[shares[0], shares[0]])
    assert opening_required(challenge)
    assert SealedSubmission.objects.get(bid=bid).state == "sealed"
    # The right shares still open it afterwards.
    opening = opening_perform(challenge=challenge, by=officer, shares=shares)
    assert opening.results[0]["ok"]


def test_opening_before_the_deadline_is_refused():
    challenge, officer, _sup, shares = sealed_challenge()
    sealed_bid(challenge)
    with pytest.raises(ActionRefused, match="after the deadline"):
        opening_perform(challenge=challenge, by=officer, shares=shares)


def test_tampered_ciphertext_is_found_and_shown_at_opening(settings):
    challenge, officer, _sup, shares = sealed_challenge()
    bid, _version = sealed_bid(challenge)
    good, _v = sealed_bid(challenge)
    marked = Attachment.objects.get(bid=bid, kind="other")
    path = marked.file.path
    raw = bytearray(Path(path).read_bytes())
    raw[len(raw) // 2] ^= 0x01
    Path(path).write_bytes(bytes(raw))
    opening = open_after_deadline(challenge, officer, shares)
    by_ref = {r["reference"]: r for r in opening.results}
    assert by_ref[good.reference]["ok"]
    bad = by_ref[bid.reference]
    assert not bad["ok"]
    assert bad["content"]
    assert [f["ok"] for f in bad["files"] if f["name"] == "方案附件.pdf"] == [False]
    assert SealedSubmission.objects.get(bid=bid).state == "failed"
    assert opening.problems == [bad]


def test_tampered_content_envelope_is_found():
    challenge, officer, _sup, shares = sealed_challenge()
    bid, _version = sealed_bid(challenge)
    submission = SealedSubmission.objects.get(bid=bid)
    raw = bytearray(crypto._unb64(submission.payload))
    raw[20] ^= 0x01
    SealedSubmission.objects.filter(pk=submission.pk).update(payload=crypto._b64(bytes(raw)))
    opening = open_after_deadline(challenge, officer, shares)
    assert opening.results[0]["ok"] is False
    assert opening.results[0]["error"]


def test_reopen_with_the_passphrase_restores_the_draft(settings):
    challenge, *_rest = sealed_challenge()
    bid, _version = sealed_bid(challenge)
    with pytest.raises(ActionRefused, match="passphrase does not open"):
        bid_services.bid_reopen(bid=bid, by=bid.created_by, passphrase="wrong passphrase!")
    assert Bid.objects.get(pk=bid.pk).status == BidStatus.SUBMITTED
    bid_services.bid_reopen(bid=bid, by=bid.created_by, passphrase=PASSPHRASE)
    bid.refresh_from_db()
    assert bid.status == BidStatus.DRAFT
    assert bid.technical_approach == MARKER_TEXT
    assert bid.milestones.count() == 2
    assert bid.team.get().name  # the full row, not the skeleton
    with bid.attachments.get(kind="other").file.open("rb") as fh:
        assert MARKER_FILE in fh.read()
    # Submitted again: sealed again, with the old version kept sealed too.
    submit(bid)
    assert MARKER_TEXT not in _dump()
    assert not _media_contains(settings, MARKER_FILE)


def test_reopen_without_passphrase_is_refused_and_fresh_draft_is_explicit():
    challenge, *_rest = sealed_challenge()
    bid, _version = sealed_bid(challenge)
    with pytest.raises(ActionRefused, match="passphrase"):
        bid_services.bid_reopen(bid=bid, by=bid.created_by)
    bid_services.bid_reopen(bid=bid, by=bid.created_by, fresh=True)
    bid.refresh_from_db()
    assert bid.status == BidStatus.DRAFT
    assert bid.technical_approach == ""
    assert not sealing.bid_is_sealed(bid)
    assert list(bid.team.values_list("role", flat=True)) == ["pi"]
    assert not bid.attachments.exists()
    # The fresh draft can be edited.
    bid_services.bid_update(bid=bid, by=bid.created_by, data={"summary": "新的方案"})


def test_a_sealed_draft_cannot_be_edited_or_submitted_until_restored():
    from bounty.challenges.services import challenge_amend  # noqa: F401  (material path)

    challenge, *_rest = sealed_challenge()
    bid, _version = sealed_bid(challenge)
    # A material amendment sends the bid back to draft; its content stays sealed.
    Bid.objects.filter(pk=bid.pk).update(status=BidStatus.DRAFT)
    bid.refresh_from_db()
    with pytest.raises(ActionRefused, match="still sealed"):
        bid_services.bid_update(bid=bid, by=bid.created_by, data={"summary": "x"})
    with pytest.raises(ActionRefused, match="still sealed"):
        bid_services.bid_submit(bid=bid, by=bid.created_by)
    sealing.sealed_draft_resolve(bid=bid, by=bid.created_by, passphrase=PASSPHRASE)
    bid.refresh_from_db()
    assert bid.technical_approach == MARKER_TEXT


def test_formal_check_is_refused_until_the_opening():
    challenge, officer, _sup, shares = sealed_challenge()
    sealed_bid(challenge)
    force_deadline(challenge, timezone.now() - timedelta(minutes=1), open_sealed=False)
    with pytest.raises(ActionRefused, match="opened"):
        bid_services.formal_check_start(challenge=challenge, by=officer)
    opening_perform(challenge=challenge, by=officer, shares=shares)
    challenge = bid_services.formal_check_start(challenge=challenge, by=officer)
    assert challenge.status == "formal_check"


def test_withdrawn_bids_stay_sealed_at_the_opening(settings):
    challenge, officer, _sup, shares = sealed_challenge()
    bid, _version = sealed_bid(challenge)
    bid_services.bid_withdraw(bid=bid, by=bid.created_by)
    kept, _v = sealed_bid(challenge)
    opening = open_after_deadline(challenge, officer, shares)
    assert [r["reference"] for r in opening.results] == [kept.reference]
    assert SealedSubmission.objects.get(bid=bid).state == "sealed"


def test_the_opening_is_audited_and_recorded():
    from audit.models import AuditEvent

    challenge, officer, _sup, shares = sealed_challenge()
    sealed_bid(challenge)
    opening = open_after_deadline(challenge, officer, shares)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"sealing.key_create", "sealing.share_take", "sealing.open"} <= actions
    assert opening.opened_by == officer
    snapshot = sealing_snapshot = __import__(
        "bounty.sealing.opening", fromlist=["opening_snapshot"]
    ).opening_snapshot(opening)
    assert snapshot["opening"]["bids"][0]["ok"]
    assert sealing_snapshot["challenge"]["ocid"] == challenge.ocid


@pytest.mark.parametrize("lost", [1, 2, 3])
def test_any_quorum_of_a_two_of_three_split_opens(settings, lost):
    settings.BID_SEALING_SHARES = {"threshold": 2, "holders": 3}
    challenge, officer, _sup, shares = sealed_challenge()
    assert [s.role for s in challenge.sealing_key.shares.all()] == [
        "bureau",
        "supervisor",
        "bureau",
    ]
    _bid, _version = sealed_bid(challenge)
    kept = [s for n, s in enumerate(shares, start=1) if n != lost]
    opening = open_after_deadline(challenge, officer, kept)
    assert opening.results[0]["ok"]
    assert {h["index"] for h in opening.share_holders} == {1, 2, 3} - {lost}


def test_the_versions_content_is_back_for_every_version_after_opening():
    challenge, officer, _sup, shares = sealed_challenge()
    bid, first = sealed_bid(challenge)
    bid_services.bid_reopen(bid=bid, by=bid.created_by, passphrase=PASSPHRASE)
    second = bid_services.bid_submit(bid=bid, by=bid.created_by, passphrase=PASSPHRASE)
    open_after_deadline(challenge, officer, shares)
    for version in BidVersion.objects.filter(bid=bid):
        assert version.content["technical_approach"] == MARKER_TEXT
    assert first.number == 1
    assert second.number == 2
    assert os.path.exists(bid.attachments.get(kind="other").file.path)


def test_the_test_helpers_open_a_sealed_challenge_when_the_deadline_is_forced():
    challenge, _officer, _sup, _shares = sealed_challenge()
    bid, _version = sealed_bid(challenge)
    force_deadline(challenge, timezone.now() - timedelta(minutes=1))
    assert not opening_required(challenge)
    bid.refresh_from_db()
    assert bid.technical_approach == MARKER_TEXT


def test_a_pending_share_under_a_changed_secret_key_is_a_clean_refusal(settings):
    officer = bureau_officer()
    challenge = published(officer=officer, take_shares_now=False)
    settings.SECRET_KEY = "another-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
    share = challenge.sealing_key.shares.get(index=1)
    with pytest.raises(ActionRefused, match="can no longer be read"):
        sealing.share_take(share=share, by=officer)
    share.refresh_from_db()
    assert share.pending


def test_a_damaged_sealed_file_refuses_the_teams_restore_and_changes_nothing():
    challenge, *_rest = sealed_challenge()
    bid, _version = sealed_bid(challenge)
    path = Attachment.objects.get(bid=bid, kind="other").file.path
    raw = bytearray(Path(path).read_bytes())
    raw[-5] ^= 0x01
    Path(path).write_bytes(bytes(raw))
    with pytest.raises(ActionRefused, match=r"damaged: 方案附件\.pdf"):
        bid_services.bid_reopen(bid=bid, by=bid.created_by, passphrase=PASSPHRASE)
    bid.refresh_from_db()
    assert bid.status == BidStatus.SUBMITTED
    assert bid.technical_approach == ""
    assert sealing.bid_is_sealed(bid)


def test_the_holders_are_told_a_share_waits_for_them():
    from notifications.models import Notification

    officer = bureau_officer()
    sup = supervisor()
    challenge = published(officer=officer, take_shares_now=False)
    waiting = Notification.objects.filter(kind="sealing.share_waiting")
    assert set(waiting.values_list("recipient", flat=True)) >= {officer.pk, sup.pk}
    assert all(n.params["title"] == challenge.title for n in waiting)
