"""Sealed bids (开标解密): the key made at publication, shares taken once by their holders,
each submission sealed (content and files), the team's own copy of the data key for
reopening, and the opening ceremony after the deadline.

The private key exists whole only in memory: at publication (split at once) and during
the opening (rebuilt from a quorum of shares, used, dropped)."""

import json
import os
import secrets

from django.conf import settings
from django.core import serializers
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.selectors import bureau_officers, supervisors
from audit.services import audit_record
from bounty.bids.rules import canonical_bytes
from bounty.exceptions import ActionRefused, StaleState
from bounty.models import (
    Attachment,
    Bid,
    BidStatus,
    BidVersion,
    BudgetLine,
    ConsortiumMember,
    ExclusionRequest,
    IndicatorResponse,
    Milestone,
    TeamMember,
)
from bounty.sealing import crypto
from bounty.sealing import permissions as perms
from bounty.sealing.models import (
    ChallengeKey,
    KeyShare,
    SealedFile,
    SealedSubmission,
    SealState,
    ShareRole,
)
from common.dbtime import db_now
from common.hashing import digest_hex
from notifications.services import notify

# The bid's own fields the envelope carries; the database keeps them blank while sealed.
BID_FIELDS = (
    "pi_title",
    "summary",
    "technical_approach",
    "risk_plan",
    "expected_results",
    "lump_sum_amount",
    "pi_commitment",
)
# Child rows the envelope carries; sealed, they are deleted (TeamMember keeps a skeleton:
# the person links, which the PI and participation limits of other bids count).
CHILDREN = (
    ("consortium", ConsortiumMember),
    ("team", TeamMember),
    ("responses", IndicatorResponse),
    ("milestones", Milestone),
    ("budget_lines", BudgetLine),
    ("exclusions", ExclusionRequest),
)
PASSPHRASE_MIN_LENGTH = 10


def sealing_settings() -> dict:
    shares = getattr(settings, "BID_SEALING_SHARES", None) or {}
    return {
        "enabled": getattr(settings, "BID_SEALING", True),
        "threshold": int(shares.get("threshold", 2)),
        "holders": int(shares.get("holders", 2)),
        "scrypt_n": int(getattr(settings, "BID_SEALING_SCRYPT_N", 2**15)),
    }


def _share_context(challenge, index) -> bytes:
    return f"pending share {challenge.ocid} {index}".encode()


def _server_secret() -> bytes:
    return settings.SECRET_KEY.encode()


def _role_of(index) -> str:
    """Share 1: the publishing officer; 2: a supervisor; then a second officer, a second
    supervisor, … (the spare shares of a k-of-n split)."""
    return ShareRole.BUREAU if index % 2 == 1 else ShareRole.SUPERVISOR


# --- Publication: the key and its shares --------------------------------------------------


def challenge_key_create(*, challenge, by):
    """Make the challenge's key pair at publication (inside the publishing transaction).

    The private key is split at once and dropped; share 1 goes to the publishing officer.
    Does nothing when sealing is off or the challenge already has a key."""
    config = sealing_settings()
    if not config["enabled"] or ChallengeKey.objects.filter(challenge=challenge).exists():
        return None
    threshold, holders = config["threshold"], config["holders"]
    if not 2 <= threshold <= holders:  # one share alone must never open the bids
        raise ValueError("BID_SEALING_SHARES needs 2 <= threshold <= holders")
    private, public = crypto.generate_key_pair()
    key = ChallengeKey.objects.create(
        challenge=challenge,
        suite=crypto.SUITE,
        public_key=public.hex(),
        fingerprint=crypto.fingerprint(public),
        threshold=threshold,
        holders=holders,
    )
    for index, share in crypto.split_secret(private, threshold, holders):
        text = crypto.share_encode(index, share, public)
        KeyShare.objects.create(
            key=key,
            index=index,
            role=_role_of(index),
            holder=by if index == 1 else None,
            pending=crypto.protect_pending(
                text, secret=_server_secret(), context=_share_context(challenge, index)
            ),
            digest=crypto.share_digest(share, public),
        )
    del private
    _notify_holders(challenge, key)
    audit_record(
        actor=by,
        action="sealing.key_create",
        obj=challenge,
        payload={"fingerprint": key.fingerprint, "threshold": threshold, "holders": holders},
    )
    return key


def _notify_holders(challenge, key):
    """Tell who may take each share that it waits (the publisher's own is bound to them)."""
    from django.urls import reverse

    url = reverse("bounty:challenge_sealing", args=[challenge.ocid])
    for share in key.shares.all():
        if share.holder_id is not None:
            recipients = [share.holder]
        elif share.role == ShareRole.SUPERVISOR:
            recipients = supervisors()
        else:
            recipients = [u for u in bureau_officers() if u.pk != key.shares.first().holder_id]
        notify(
            recipients=recipients,
            kind="sealing.share_waiting",
            params={"title": challenge.title, "share": share.index, "role": share.role},
            url=url,
        )


def share_take(*, share, by) -> str:
    """Give a holder their share, once: the stored copy is erased in the same transaction."""
    with transaction.atomic():
        share = (
            KeyShare.objects.select_for_update().select_related("key__challenge").get(pk=share.pk)
        )
        if not share.pending:
            raise StaleState(_("This share was already taken; it is shown only once."))
        if not perms.can_take_share(by, share):
            raise ActionRefused(
                _(
                    "This share is not yours to take: each share goes to a different person "
                    "of its role."
                )
            )
        challenge = share.key.challenge
        try:
            text = crypto.reveal_pending(
                share.pending,
                secret=_server_secret(),
                context=_share_context(challenge, share.index),
            )
        except crypto.SealError as exc:
            raise ActionRefused(
                _(
                    "This share can no longer be read (the server's secret key changed since "
                    "publication). See the lost-share procedure in the operations guide."
                )
            ) from exc
        share.holder = by
        share.pending = ""
        share.delivered_at = db_now()
        share.save(update_fields=["holder", "pending", "delivered_at"])
        audit_record(
            actor=by,
            action="sealing.share_take",
            obj=challenge,
            payload={"share": share.index, "role": share.role},
        )
    return text


# --- Submission: seal -----------------------------------------------------------------------


def _context(bid, version) -> bytes:
    return f"{bid.challenge.ocid}|{bid.reference}|{version.number}".encode()


def _file_context(version, attachment) -> bytes:
    return f"{version.bid.reference}|{version.number}|file {attachment.pk}".encode()


def _write_file(storage, stem, writer):
    """Write a new stored file through ``writer(fileobj)`` (temp file + rename): (its name,
    what the writer returned)."""
    name = storage.get_available_name(f"{stem}/{secrets.token_hex(16)}")
    path = storage.path(name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    partial = f"{path}.part"
    try:
        with open(partial, "wb") as out:
            result = writer(out)
        os.replace(partial, path)
    except BaseException:
        if os.path.exists(partial):
            os.remove(partial)
        raise
    return name, result


def _delete_on_commit(storage, name):
    transaction.on_commit(lambda: storage.delete(name))


def _rows(bid) -> dict:
    return {
        name: serializers.serialize("json", model.objects.filter(bid=bid))
        for name, model in CHILDREN
    }


def bid_is_sealed(bid) -> bool:
    """The bid's content is in an envelope, not in the database."""
    return SealedSubmission.objects.filter(bid=bid, state=SealState.SEALED).exists()


def _pending_submission(bid):
    return (
        SealedSubmission.objects.filter(bid=bid, state=SealState.SEALED)
        .select_related("version")
        .order_by("-pk")
        .first()
    )


def seal_submission(*, bid, version, passphrase=""):
    """Seal what was just submitted (caller holds the bid's row lock, inside bid_submit).

    Nothing happens for a challenge without a key (published before sealing, or sealing off).
    """
    key = ChallengeKey.objects.filter(challenge_id=bid.challenge_id).first()
    if key is None:
        return None
    config = sealing_settings()
    data_key = os.urandom(32)
    context = _context(bid, version)
    attachments = list(Attachment.objects.filter(bid=bid))
    payload = {
        "format": "jiebang-sealed-v1",
        "content": version.content,
        "bid": {f: getattr(bid, f) for f in BID_FIELDS},
        "rows": _rows(bid),
        "files": {str(a.pk): a.original_name for a in attachments},
    }
    payload["bid"]["lump_sum_amount"] = (
        None if bid.lump_sum_amount is None else str(bid.lump_sum_amount)
    )
    submission = SealedSubmission.objects.create(
        version=version,
        bid=bid,
        wrapped_key=crypto.wrap_for_public(key.public_bytes, data_key, context=context),
        team_key=(
            crypto.wrap_for_passphrase(passphrase, data_key, context=context, n=config["scrypt_n"])
            if passphrase
            else None
        ),
        payload=crypto.encrypt_bytes(data_key, json.dumps(payload).encode(), context=context),
    )
    stem = f"bids/{bid.challenge_id}/{bid.pk}"
    for attachment in attachments:
        storage = attachment.file.storage
        old = attachment.file.name
        with attachment.file.open("rb") as src:
            name, _none = _write_file(
                storage,
                stem,
                lambda out, src=src, a=attachment: crypto.encrypt_stream(
                    data_key, src, out, context=_file_context(version, a)
                ),
            )
        attachment.file.name = name
        attachment.original_name = f"sealed-{attachment.pk}"
        attachment.save(update_fields=["file", "original_name"])
        SealedFile.objects.create(attachment=attachment, submission=submission)
        _delete_on_commit(storage, old)
    # Blank the plaintext: the bid's texts, its child rows, the version's content.
    for field in BID_FIELDS:
        setattr(bid, field, Bid._meta.get_field(field).get_default())
    bid.lump_sum_amount = None
    bid.save(update_fields=[*BID_FIELDS, "updated_at"])
    skeleton = [
        TeamMember(bid=bid, position=t.position, name="", employer="", role=t.role, user=t.user)
        for t in TeamMember.objects.filter(bid=bid)
    ]
    for _name, model in CHILDREN:
        model.objects.filter(bid=bid).delete()
    TeamMember.objects.bulk_create(skeleton)
    BidVersion.objects.filter(pk=version.pk).update(
        content={
            "format": "jiebang-sealed-v1",
            "sealed": True,
            "envelope": submission.pk,
            "key_fingerprint": key.fingerprint,
        }
    )
    version.content = BidVersion.objects.get(pk=version.pk).content
    return submission


# --- Restoring (team with passphrase, or the opening) ----------------------------------------


def _restore_rows(bid, payload):
    for field, value in payload["bid"].items():
        setattr(bid, field, Bid._meta.get_field(field).to_python(value))
    bid.save(update_fields=[*BID_FIELDS, "updated_at"])
    for name, model in CHILDREN:
        model.objects.filter(bid=bid).delete()
        for item in serializers.deserialize("json", payload["rows"][name]):
            item.object.pk = None
            item.object.bid_id = bid.pk
            item.object.save()


def _restore_files(submission, payload, data_key, written) -> list:
    """Decrypt every sealed file of ``submission`` next to its ciphertext; the checks."""
    checks = []
    version = submission.version
    for sealed in submission.files.select_related("attachment"):
        attachment = sealed.attachment
        storage = attachment.file.storage
        name = payload["files"].get(str(attachment.pk), attachment.original_name)
        try:
            with attachment.file.open("rb") as src:
                new, digest = _write_file(
                    storage,
                    os.path.dirname(attachment.file.name),
                    lambda out, src=src, a=attachment: crypto.decrypt_stream(
                        data_key,
                        src,
                        out,
                        context=_file_context(version, a),
                        algorithm=a.hash_algorithm,
                    ),
                )
        except (crypto.SealError, OSError) as exc:
            checks.append({"name": name, "ok": False, "error": str(exc)})
            continue
        written.append((storage, new))
        ok = digest == attachment.sha256
        checks.append({"name": name, "ok": ok, **({} if ok else {"found": digest})})
        old = attachment.file.name
        attachment.file.name = new
        attachment.original_name = name
        attachment.save(update_fields=["file", "original_name"])
        sealed.delete()
        _delete_on_commit(storage, old)
    return checks


def _open_payload(submission, data_key):
    version = submission.version
    raw = crypto.decrypt_bytes(
        data_key, submission.payload, context=_context(submission.bid, version)
    )
    payload = json.loads(raw)
    digest = digest_hex(canonical_bytes(payload["content"]), version.hash_algorithm)
    return payload, digest == version.content_sha256


def _restore_submission(submission, data_key, written, *, state):
    """Decrypt one envelope into the database and media; the check of it (never raises
    for altered data: the check says what failed)."""
    try:
        payload, content_ok = _open_payload(submission, data_key)
    except crypto.SealError as exc:
        check = {"ok": False, "content": False, "error": str(exc), "files": []}
        submission.state, submission.outcome = SealState.FAILED, check
        submission.save(update_fields=["state", "outcome"])
        return check
    _restore_rows(submission.bid, payload)
    files = _restore_files(submission, payload, data_key, written)
    check = {
        "ok": content_ok and all(f["ok"] for f in files),
        "content": content_ok,
        "files": files,
    }
    submission.state, submission.outcome = (
        (state, check) if check["ok"] or state != SealState.OPENED else (SealState.FAILED, check)
    )
    submission.save(update_fields=["state", "outcome"])
    return check


def _cleanup(written):
    for storage, name in written:
        storage.delete(name)


def team_restore(*, bid, by, passphrase):
    """Put the team's sealed draft back into the database (caller holds the bid lock)."""
    submission = _pending_submission(bid)
    if submission is None:
        return None
    if not passphrase:
        require_unsealed(bid)
    if not submission.team_key:
        raise ActionRefused(
            _(
                "This submission was sealed without a team passphrase: it cannot be restored "
                "before the opening. Start a fresh draft instead."
            )
        )
    context = _context(bid, submission.version)
    try:
        data_key = crypto.unwrap_with_passphrase(passphrase, submission.team_key, context=context)
    except crypto.SealError as exc:
        raise ActionRefused(
            _("The passphrase does not open this bid; nothing was changed. Try again.")
        ) from exc
    written = []
    try:
        check = _restore_submission(submission, data_key, written, state=SealState.RESTORED)
        if not check["ok"]:  # nothing half-restored: the transaction rolls back
            raise ActionRefused(
                _("The sealed copy of this bid is damaged: %(error)s")
                % {
                    "error": check.get("error")
                    or ", ".join(f["name"] for f in check["files"] if not f["ok"])
                    or "content"
                }
            )
    except BaseException:
        _cleanup(written)
        raise
    audit_record(actor=by, action="sealing.team_restore", obj=bid, payload={"ok": check["ok"]})
    return check


def team_discard(*, bid, by):
    """Start a fresh draft (caller holds the bid lock): the sealed copy stays sealed and is
    never restored; its attachments leave the draft (their ciphertext stays on disk)."""
    submission = _pending_submission(bid)
    if submission is None:
        return None
    Attachment.objects.filter(sealed__submission__bid=bid).delete()  # ciphertext stays on disk
    TeamMember.objects.filter(bid=bid).delete()
    if bid.pi_id:
        TeamMember.objects.create(
            bid=bid,
            name=str(bid.pi),
            employer=bid.lead.name,
            employer_code=bid.lead.credit_code,
            role=TeamMember.Role.PI,
            user=bid.pi,
        )
    SealedSubmission.objects.filter(bid=bid, state=SealState.SEALED).update(
        state=SealState.DISCARDED
    )
    audit_record(actor=by, action="sealing.team_discard", obj=bid)
    return submission


def sealed_draft_resolve(*, bid, by, passphrase="", fresh=False):
    """A draft whose content is still sealed (reopened, or sent back by a material
    amendment): restore it with the passphrase, or, asked explicitly, start afresh."""
    from bounty import permissions as bounty_perms

    with transaction.atomic():
        bid = (
            Bid.objects.select_for_update(of=("self",))
            .select_related("challenge", "lead", "pi")
            .get(pk=bid.pk)
        )
        if not bounty_perms.can_edit_bid(by, bid, allow_submitted=True):
            raise ActionRefused(_("This bid cannot be edited now."))
        if bid.status != BidStatus.DRAFT or not bid_is_sealed(bid):
            raise StaleState(_("This draft is not sealed."))
        if fresh:
            team_discard(bid=bid, by=by)
        else:
            team_restore(bid=bid, by=by, passphrase=passphrase)
    return bid


def require_unsealed(bid):
    """Refuse editing or submitting a draft whose content is still sealed."""
    if bid_is_sealed(bid):
        raise ActionRefused(
            _(
                "This draft is still sealed: type the team passphrase to restore it, or start "
                "a fresh draft."
            )
        )
