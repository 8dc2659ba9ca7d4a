"""The opening ceremony (开标解密): after the deadline, a quorum of share holders type their
shares, the challenge's private key is rebuilt in memory, every submitted bid is decrypted
into the database and media and re-hashed against its receipt, and the ceremony is recorded
(BidOpening, audit event, the opening record PDF built from ``opening_snapshot``)."""

import time

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.permissions import user_roles
from audit.services import audit_record
from bounty.exceptions import ActionRefused, StaleState
from bounty.models import BidStatus, BidVersion, Challenge
from bounty.sealing import crypto
from bounty.sealing import permissions as perms
from bounty.sealing.models import BidOpening, ChallengeKey, SealedSubmission, SealState
from bounty.sealing.services import _cleanup, _context, _open_payload, _restore_submission
from common.dbtime import db_now

# --- The opening ceremony (开标解密) --------------------------------------------------------


def opening_required(challenge) -> bool:
    """A sealed challenge whose submitted bids wait for the opening."""
    return (
        not BidOpening.objects.filter(challenge=challenge).exists()
        and SealedSubmission.objects.filter(
            bid__challenge=challenge, bid__status=BidStatus.SUBMITTED, state=SealState.SEALED
        ).exists()
    )


def _check_shares(key, texts):
    """The private key from the typed shares, or a clean refusal naming the wrong one."""
    public = key.public_bytes
    by_index = {s.index: s for s in key.shares.select_related("holder")}
    found = {}
    for number, text in enumerate(texts, start=1):
        try:
            index, kid, share = crypto.share_decode(text)
        except crypto.ShareFormatError as exc:
            raise ActionRefused(
                _(
                    "Share %(n)d is mistyped (its checksum does not match); check it and type "
                    "it again. Nothing was changed."
                )
                % {"n": number}
            ) from exc
        if kid != crypto.key_id(public):
            raise ActionRefused(
                _("Share %(n)d belongs to another challenge's key. Nothing was changed.")
                % {"n": number}
            )
        issued = by_index.get(index)
        if issued is None or crypto.share_digest(share, public) != issued.digest:
            raise ActionRefused(
                _("Share %(n)d is not the share issued for this key. Nothing was changed.")
                % {"n": number}
            )
        if index in found:
            raise ActionRefused(_("The same share was typed twice. Nothing was changed."))
        found[index] = (issued, share)
    if len(found) < key.threshold:
        raise ActionRefused(
            _("%(k)d different shares are needed to open the bids; %(n)d were given.")
            % {"k": key.threshold, "n": len(found)}
        )
    private = crypto.combine_shares([(i, s) for i, (_issued, s) in found.items()])
    if crypto.public_of(private) != public:  # cannot happen with checked shares; belt and braces
        raise ActionRefused(_("The shares do not rebuild this challenge's key."))
    return private, [issued for issued, _s in found.values()]


def opening_perform(*, challenge, by, shares):
    """Open every submitted bid of a sealed challenge after its deadline: rebuild the key
    from a quorum of shares in memory, decrypt each bid into the database and media,
    re-hash it against its receipt (a mismatch is recorded, never hidden), record the
    ceremony. A wrong share is refused before anything changes."""
    started = time.monotonic()
    challenge = Challenge.objects.get(pk=challenge.pk)
    key = ChallengeKey.objects.filter(challenge=challenge).first()
    if key is None:
        raise ActionRefused(_("This challenge's bids are not sealed."))
    if not perms.can_open_bids(by, challenge) or db_now() < challenge.bid_deadline:
        raise ActionRefused(_("The bids are opened by the bureau after the deadline."))
    texts = [t for t in shares if t and t.strip()]
    private, used = _check_shares(key, texts)
    written = []
    try:
        with transaction.atomic():
            challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
            if BidOpening.objects.filter(challenge=challenge).exists():
                raise StaleState(_("The bids of this challenge were opened a moment ago."))
            results = _open_all(challenge, private, written)
            opening = BidOpening.objects.create(
                challenge=challenge,
                opened_by=by,
                opened_at=db_now(),
                share_holders=[
                    {
                        "index": s.index,
                        "role": s.role,
                        "name": str(s.holder) if s.holder_id else "",
                    }
                    for s in sorted(used, key=lambda s: s.index)
                ],
                results=results,
                seconds=round(time.monotonic() - started, 3),
            )
            audit_record(
                actor=by,
                action="sealing.open",
                obj=challenge,
                payload={
                    "bids": len(results),
                    # Counts only: the challenge's history is read by its issuer too.
                    "problems": sum(1 for r in results if not r["ok"]),
                    "shares": [s.index for s in used],
                    "roles": sorted(user_roles(by)),
                },
            )
    except BaseException:
        _cleanup(written)
        raise
    finally:
        del private
    return opening


def _open_all(challenge, private, written) -> list:
    results = []
    submissions = (
        SealedSubmission.objects.filter(bid__challenge=challenge, bid__status=BidStatus.SUBMITTED)
        .select_related("bid__challenge", "bid__lead", "version")
        .order_by("bid__submitted_at", "bid_id", "version__number")
    )
    latest = {}
    for submission in submissions:
        latest[submission.bid_id] = submission
    for submission in submissions:
        bid, version = submission.bid, submission.version
        try:
            data_key = crypto.unwrap_with_private(
                private, submission.wrapped_key, context=_context(bid, version)
            )
        except crypto.SealError as exc:
            data_key, error = None, str(exc)
        if latest[bid.pk] is not submission:
            # An earlier version: give its content back to the version, nothing else.
            if data_key is not None:
                try:
                    payload, _ok = _open_payload(submission, data_key)
                except crypto.SealError:
                    continue
                BidVersion.objects.filter(pk=version.pk).update(content=payload["content"])
            continue
        if submission.state != SealState.SEALED:
            continue  # restored or discarded by the team: the draft was submitted again
        if data_key is None:
            check = {"ok": False, "content": False, "error": error, "files": []}
            submission.state, submission.outcome = SealState.FAILED, check
            submission.save(update_fields=["state", "outcome"])
        else:
            check = _restore_submission(submission, data_key, written, state=SealState.OPENED)
            if check["content"]:
                payload, _ok = _open_payload(submission, data_key)
                BidVersion.objects.filter(pk=version.pk).update(content=payload["content"])
        SealedSubmission.objects.filter(pk=submission.pk).update(opened_at=db_now())
        results.append(
            {
                "reference": bid.reference,
                "lead": bid.lead.name,
                "version": version.number,
                "submitted_at": version.submitted_at.isoformat(),
                "algorithm": version.hash_algorithm,
                "content_hash": version.content_sha256,
                **check,
            }
        )
    return results


def opening_snapshot(opening) -> dict:
    """What the opening record (DocumentKind.OPENING) prints: plain JSON."""
    challenge = opening.challenge
    return {
        "challenge": {"title": challenge.title, "ocid": challenge.ocid},
        "opening": {
            "opened_at": opening.opened_at.isoformat(),
            "deadline": challenge.bid_deadline.isoformat(),
            "opened_by": str(opening.opened_by),
            "fingerprint": challenge.sealing_key.fingerprint,
            "suite": challenge.sealing_key.suite,
            "threshold": challenge.sealing_key.threshold,
            "holders": challenge.sealing_key.holders,
            "share_holders": opening.share_holders,
            "bids": opening.results,
            "problems": len(opening.problems),
            "seconds": opening.seconds,
        },
    }
