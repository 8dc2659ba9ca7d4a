"""Use cases of a call (批次): prepare it, collect needs, close the collection, publish the
whole list at once and close the call. Each: atomic, row lock, permission, transition,
audit event, notifications inside the transaction (see docs/architecture.md)."""

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from accounts.models import Role
from accounts.selectors import organization_staff
from audit.services import audit_record
from bounty.calls.models import Call, CallStatus
from bounty.calls.permissions import can_manage_calls
from bounty.challenges.rules import deadline_error
from bounty.challenges.services import challenge_decide
from bounty.challenges.statuses import ChallengeStatus
from bounty.exceptions import ActionRefused, StaleState
from bounty.models import Challenge
from bounty.signals import call_published
from common.uploads import store_upload
from notifications.services import notify

TEMPLATE_FIELDS = ("application_template", "integrity_template", "consortium_template")
EDITABLE_CALL_STATUSES = (CallStatus.DRAFT, CallStatus.COLLECTING, CallStatus.VETTING)
# Once the collection is open, needs are tied to the call's windows and its name.
FIELDS_FROZEN_AFTER_DRAFT = ("year", "batch")
# Needs not yet published: they take the call's bid deadline when it changes.
_UNPUBLISHED = (
    ChallengeStatus.DRAFT,
    ChallengeStatus.SUBMITTED,
    ChallengeStatus.RETURNED,
    ChallengeStatus.RECOMMENDED,
    ChallengeStatus.VETTING,
    ChallengeStatus.APPROVED,
)


def _check(by):
    if not can_manage_calls(by):
        raise ActionRefused(_("Only bureau officers manage calls."))


def _lock(call, *, expected=None):
    locked = Call.objects.select_for_update().get(pk=call.pk)
    if expected is not None and locked.status not in expected:
        raise StaleState
    return locked


def _value(value):
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _apply(call, data):
    """Set the typed fields and store new template files; returns the changed field names."""
    changed = []
    for field, value in data.items():
        if field in TEMPLATE_FIELDS:
            if value is False:  # "clear" ticked: back to the platform's standard template
                if getattr(call, field):
                    setattr(call, field, "")
                    changed.append(field)
            elif isinstance(value, UploadedFile):  # else: the file already stored stays
                store_upload(getattr(call, field), value.name, value)
                changed.append(field)
            continue
        if getattr(call, field) != value:
            setattr(call, field, value)
            changed.append(field)
    return changed


def call_create(*, by, data):
    """A new call in preparation (draft); nobody but the bureau sees it yet."""
    _check(by)
    with transaction.atomic():
        call = Call(created_by=by)
        _apply(call, {k: v for k, v in data.items() if k not in TEMPLATE_FIELDS})
        call.save()
        _apply(call, {k: v for k, v in data.items() if k in TEMPLATE_FIELDS})
        call.save()
        audit_record(
            actor=by,
            action="call.create",
            obj=call,
            to_state=call.status,
            payload={"code": call.code, "name": call.name},
        )
    return call


def call_update(*, call, by, data):
    """Edit a call until its list is published; year and batch only while a draft."""
    _check(by)
    with transaction.atomic():
        call = _lock(call)
        if call.status not in EDITABLE_CALL_STATUSES:
            raise ActionRefused(
                _("The list of this call is published; the call can no longer change.")
            )
        if call.status != CallStatus.DRAFT:
            for field in FIELDS_FROZEN_AFTER_DRAFT:
                if field in data and data[field] != getattr(call, field):
                    raise ActionRefused(
                        _("Year and batch can change only while the call is being prepared.")
                    )
        before = {f: _value(getattr(call, f)) for f in data if f not in TEMPLATE_FIELDS}
        changed = _apply(call, data)
        call.save()
        if "bids_close_at" in changed:  # the needs of the call take the call's deadline
            Challenge.objects.filter(call=call, status__in=_UNPUBLISHED).update(
                bid_deadline=call.bids_close_at
            )
        audit_record(
            actor=by,
            action="call.update",
            obj=call,
            payload={
                "changes": {
                    f: {"old": before.get(f), "new": _value(getattr(call, f))}
                    if f not in TEMPLATE_FIELDS
                    else {"new": getattr(call, f).name or None}
                    for f in changed
                }
            },
        )
    return call


def need_counts(call) -> dict:
    """status → number of the call's needs."""
    rows = Challenge.objects.filter(call=call).values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows.order_by()}


def _transition(call, by, method_name, *, payload=None):
    before = call.status
    method = getattr(call, method_name)
    if not can_proceed(method):
        raise ActionRefused
    method()
    call.save()
    audit_record(
        actor=by,
        action=f"call.{method_name}",
        obj=call,
        from_state=before,
        to_state=call.status,
        payload=payload or {},
    )
    return call


def open_collection(*, call, by):
    """Draft → collecting: issuers may put their needs into the call within its window."""
    _check(by)
    with transaction.atomic():
        call = _lock(call, expected=(CallStatus.DRAFT,))
        if call.needs_closes_at <= timezone.now():
            raise ActionRefused(
                _("The needs collection window has already ended; change its dates first.")
            )
        return _transition(call, by, "open_collection")


def close_collection(*, call, by):
    """Collecting → vetting: no new needs; the submitted ones are vetted."""
    _check(by)
    with transaction.atomic():
        call = _lock(call, expected=(CallStatus.COLLECTING,))
        call = _transition(
            call,
            by,
            "close_collection",
            payload={"needs": need_counts(call)},
        )
        drafts = (
            Challenge.objects.filter(call=call, status=ChallengeStatus.DRAFT)
            .select_related("issuer")
            .order_by("pk")
        )
        for need in drafts:
            notify(
                recipients=organization_staff(need.issuer, role=Role.ISSUER),
                kind="call.collection_closed",
                params={"title": need.title or need.ocid, "call": call.name},
                url=need.get_absolute_url(),
            )
    return call


def publish_list(*, call, by):
    """Vetting → published: every approved need of the call is published at once with the
    call's bid deadline, through the same path as a single challenge's publication; then the
    发榜公告 is generated (``call_published``). Needs not approved stay where they are."""
    _check(by)
    with transaction.atomic():
        call = _lock(call, expected=(CallStatus.VETTING,))
        approved = list(
            Challenge.objects.select_for_update()
            .filter(call=call, status=ChallengeStatus.APPROVED)
            .order_by("pk")
        )
        if not approved:
            raise ActionRefused(_("No need of this call is approved: there is no list to publish."))
        if err := deadline_error(call.bids_close_at):
            raise ActionRefused(
                _("The call's bid deadline cannot be used: %(reason)s Change it first.")
                % {"reason": err}
            )
        Challenge.objects.filter(pk__in=[c.pk for c in approved]).update(
            bid_deadline=call.bids_close_at
        )
        for need in approved:
            challenge_decide(challenge=need, by=by, decision="publish", with_call=True)
        left = list(
            Challenge.objects.filter(call=call)
            .exclude(status=ChallengeStatus.PUBLISHED)
            .order_by("pk")
            .values("ocid", "status")
        )
        call = _transition(
            call,
            by,
            "publish",
            payload={
                "published": [c.ocid for c in approved],
                "not_published": [{"ocid": r["ocid"], "status": r["status"]} for r in left],
                "bid_deadline": call.bids_close_at.isoformat(),
            },
        )
        call_published.send(sender=Call, call=call, by=by)
        # The issuers of needs left out of the list learn it (drafts were told at the close).
        left_out = (
            Challenge.objects.filter(call=call)
            .exclude(status__in=[ChallengeStatus.PUBLISHED, ChallengeStatus.DRAFT])
            .select_related("issuer")
            .order_by("pk")
        )
        for need in left_out:
            notify(
                recipients=organization_staff(need.issuer, role=Role.ISSUER),
                kind="call.need_not_listed",
                params={"title": need.title or need.ocid, "call": call.name},
                url=need.get_absolute_url(),
            )
    return call


def close(*, call, by):
    """Published → closed, once the call's bid deadline has passed (``by`` None: the system)."""
    if by is not None:
        _check(by)
    with transaction.atomic():
        call = _lock(call, expected=(CallStatus.PUBLISHED,))
        if call.bids_close_at > timezone.now():
            raise ActionRefused(_("The call's bid deadline has not passed yet."))
        return _transition(call, by, "close")


def calls_close_expired(limit=100):
    """Close every published call whose bid deadline has passed (system action, run with
    the challenges' closing). Returns how many were closed."""
    closed = 0
    due = Call.objects.filter(status=CallStatus.PUBLISHED, bids_close_at__lte=timezone.now())
    for call in due.order_by("bids_close_at", "pk")[:limit]:
        try:
            close(call=call, by=None)
        except (ActionRefused, StaleState):  # closed meanwhile, or its deadline moved
            continue
        closed += 1
    return closed
