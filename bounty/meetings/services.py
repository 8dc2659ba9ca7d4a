"""Recording a collective decision and citing it from the decisions that need one."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.exceptions import ActionRefused
from accounts.permissions import is_bureau_officer
from audit.services import audit_record
from bounty.meetings.models import DecisionMeeting, MeetingCitation, MeetingPurpose
from common.hashing import file_sha256
from common.uploads import store_upload, validate_document_upload

# A scanned record, signed on paper, or the record exported to PDF.
MINUTES_KINDS = ("pdf", "png", "jpeg")


def meeting_record(*, by, body, held_on, attendees, resolution, minutes):
    """The bureau records a meeting: body, date (not in the future), attendees, resolution
    text and the minutes scan (PDF or image, checked by content, SHA-256 kept)."""
    body, attendees, resolution = (
        v.strip() for v in (body or "", attendees or "", resolution or "")
    )
    if not is_bureau_officer(by):
        raise ActionRefused(_("Only the bureau records its collective decisions."))
    missing = [
        label
        for label, value in (
            (_("the deciding body"), body),
            (_("the date"), held_on),
            (_("the attendees"), attendees),
            (_("the resolution"), resolution),
            (_("the minutes scan"), minutes),
        )
        if not value
    ]
    if missing:
        raise ActionRefused(_("Give %(what)s.") % {"what": ", ".join(str(m) for m in missing)})
    if held_on > timezone.localdate():
        raise ActionRefused(_("A meeting is recorded after it was held, not before."))
    try:
        validate_document_upload(minutes, allowed=MINUTES_KINDS)
    except ValidationError as exc:
        raise ActionRefused(exc.messages[0]) from exc
    with transaction.atomic():
        meeting = DecisionMeeting(
            body=body[:100],
            held_on=held_on,
            attendees=attendees,
            resolution=resolution,
            minutes_name=(minutes.name or "minutes")[:255],
            minutes_sha256=file_sha256(minutes),
            recorded_by=by,
        )
        try:
            store_upload(meeting.minutes, minutes.name, minutes)
        except ValidationError as exc:
            raise ActionRefused(exc.messages[0]) from exc
        meeting.save()
        audit_record(
            actor=by,
            action="meeting.record",
            obj=meeting,
            payload={
                "body": meeting.body,
                "held_on": meeting.held_on.isoformat(),
                "attendees": meeting.attendees,
                "resolution": meeting.resolution,
                "minutes_sha256": meeting.minutes_sha256,
            },
        )
    return meeting


def meeting_cite(*, meeting, purpose, obj, by, label=""):
    """Record that the decision ``purpose`` on ``obj`` rests on ``meeting``. Call it inside
    the deciding service's transaction, before the effect: no meeting, no decision.
    ``meeting`` may be a DecisionMeeting, its id (as posted by a form) or empty."""
    if purpose not in MeetingPurpose.values:
        raise ValueError(purpose)
    if not isinstance(meeting, DecisionMeeting):
        meeting_id = str(meeting or "").strip()
        meeting = (
            DecisionMeeting.objects.filter(pk=meeting_id).first() if meeting_id.isdigit() else None
        )
    if meeting is None:
        raise ActionRefused(
            _(
                "This decision needs the record of the collective decision (集体决策) that "
                "took it: record the meeting first, then choose it."
            )
        )
    citation = MeetingCitation.objects.create(
        meeting=meeting,
        purpose=purpose,
        object_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        object_label=(label or str(obj))[:300],
        cited_by=by,
    )
    audit_record(
        actor=by,
        action="meeting.cite",
        obj=meeting,
        payload={
            "purpose": purpose,
            "object": f"{obj._meta.label_lower}:{obj.pk}",
            "label": citation.object_label,
        },
    )
    return citation


def citations_of(obj, purpose=None):
    qs = MeetingCitation.objects.filter(
        object_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).select_related("meeting")
    return qs.filter(purpose=purpose) if purpose else qs
