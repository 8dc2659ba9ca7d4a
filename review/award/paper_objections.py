"""Objections received on paper or by e-mail (DOMAIN §5 "added"): the bureau enters them on
behalf of the real-name objector, with the scanned letter. From then on they are handled
like any objection (``award.services.objection_decide``; an open one freezes the award)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.exceptions import ActionRefused
from audit.models import AuditEvent
from audit.services import audit_record
from bounty.models import Challenge, ChallengeStatus
from common.uploads import store_upload, validate_document_upload
from review import permissions as perms
from review.models import Objection

# A scanned letter, or the e-mail printed to PDF.
LETTER_KINDS = ("pdf", "png", "jpeg")


def _clean(value, limit):
    return (value or "").strip()[:limit]


def notice_opened_on(challenge):
    """The local date the running public notice opened (its last ``challenge.open_notice``
    event: a 递补 notice opens after the first one), or None if none was recorded."""
    opened = (
        AuditEvent.objects.filter(
            object_type="bounty.challenge",
            object_id=str(challenge.pk),
            action="challenge.open_notice",
        )
        .order_by("-seq")
        .values_list("created_at", flat=True)
        .first()
    )
    return timezone.localdate(opened) if opened is not None else None


def objection_enter(
    *,
    challenge,
    by,
    channel,
    objector_name,
    objector_identity,
    objector_contact,
    received_on,
    text,
    letter,
    bid=None,
):
    """The bureau enters an objection received outside the platform during the notice.
    Real-name: the objector's name, ID number or organisation and contact are required.
    ``received_on`` (a date) must fall within the notice period (from the day it opened to
    its last day) and not in the future."""
    name, identity, contact = (
        _clean(objector_name, 100),
        _clean(objector_identity, 200),
        _clean(objector_contact, 200),
    )
    text = (text or "").strip()
    if channel not in Objection.ENTERED_CHANNELS:
        raise ActionRefused(_("Say how the objection was received: on paper or by e-mail."))
    if not (name and identity and contact):
        raise ActionRefused(
            _(
                "Objections are real-name: enter the objector's name, ID number or "
                "organisation, and contact."
            )
        )
    if not text:
        raise ActionRefused(_("Summarise the objection."))
    if received_on is None:
        raise ActionRefused(_("Enter the date the objection was received."))
    if letter is None:
        raise ActionRefused(_("Attach the scanned letter (or the e-mail as PDF)."))
    validate_document_upload(letter, allowed=LETTER_KINDS)
    with transaction.atomic():
        challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
        if not perms.can_run_draw(by, challenge):
            raise ActionRefused(_("The bureau enters objections received on paper or by e-mail."))
        if challenge.status != ChallengeStatus.IN_NOTICE:
            raise ActionRefused(_("The public notice is not running: objections are closed."))
        # The notice ends at midnight: its last day is the day before ``notice_ends_at``.
        last_day = timezone.localtime(challenge.notice_ends_at - timedelta(microseconds=1)).date()
        opened = notice_opened_on(challenge)
        if received_on > min(last_day, timezone.localdate()) or (
            opened is not None and received_on < opened
        ):
            raise ActionRefused(
                _("Only objections received during the public notice, up to today, are entered.")
            )
        if bid is not None and bid.challenge_id != challenge.pk:
            raise ActionRefused
        objection = Objection(
            challenge=challenge,
            bid=bid,
            channel=channel,
            objector_name=name,
            objector_identity=identity,
            objector_contact=contact,
            received_on=received_on,
            entered_by=by,
            text=text,
            evidence_name=(letter.name or "letter")[:255],
        )
        store_upload(objection.evidence, "letter", letter)
        objection.save()
        # The objector's identity stays out of the audit payload (the audit feed is public).
        audit_record(
            actor=by,
            action="objection.enter",
            obj=challenge,
            payload={
                "objection": objection.pk,
                "channel": channel,
                "received_on": received_on.isoformat(),
            },
        )
    return objection
