"""The formal check's due process (DOMAIN §3 "added"): the 补正 window for a missing
document, and ineligibility as an adverse decision (a ``CaseKind.INELIGIBLE`` case:
intended decision → 陈述申辩 → decision → 复核; only the final decision makes the bid
ineligible, through ``ineligibility_apply``, registered in ``BountyConfig.ready``).

While a bid waits for its team (an open 补正 window with nothing added yet) or has an open
ineligibility case, it stays submitted, so the formal check of the challenge is not
complete and review cannot start."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.selectors import bureau_officers, organization_staff
from audit.services import audit_record
from bounty import permissions as perms
from bounty.dueprocess.effects import Effect, register_effect
from bounty.dueprocess.models import OPEN_CASE_STATUSES, CaseKind, DueProcessCase
from bounty.dueprocess.services import case_open, open_case
from bounty.exceptions import ActionRefused, StaleState
from bounty.models import (
    Attachment,
    Bid,
    BidStatus,
    Challenge,
    ChallengeStatus,
    CureFile,
    CureRequest,
    FormalCheck,
)
from common.dates import window_end
from common.dbtime import db_now
from common.hashing import file_sha256
from common.uploads import store_upload, validate_document_upload
from notifications.services import notify

CURE_FILE_KINDS = ("pdf", "ooxml", "ole2", "png", "jpeg")
MAX_CURE_FILES = 10


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _team_users(bid):
    return organization_staff(bid.lead, role=Role.BIDDER)


def cure_of(bid):
    """The bid's 补正 request, or None (one per bid)."""
    return CureRequest.objects.filter(bid=bid).first()


def formal_check_hold(bid, now=None):
    """Why the officer cannot complete the check of ``bid`` now (a message), or None: an
    ineligibility case is open, or the team may still add the documents asked for."""
    if open_case(CaseKind.INELIGIBLE, bid) is not None:
        return _("An intended ineligibility is open for this bid: it is decided on its case page.")
    cure = cure_of(bid)
    if cure is not None and cure.awaits_team(now or db_now()):
        return _(
            "The team may add the missing documents until %(due)s: complete the check once "
            "they have added them or the window has closed."
        ) % {"due": _local(cure.due_at)}
    return None


def formal_check_pending(challenge) -> bool:
    """Whether a bid of ``challenge`` still waits: submitted (unchecked, in a 补正 window or
    with an open ineligibility case)."""
    if challenge.bids.filter(status=BidStatus.SUBMITTED).exists():
        return True
    bids = challenge.bids.values_list("pk", flat=True)
    return DueProcessCase.objects.filter(
        kind=CaseKind.INELIGIBLE,
        subject_type__app_label="bounty",
        subject_type__model="bid",
        subject_id__in=bids,
        status__in=OPEN_CASE_STATUSES,
    ).exists()


def formal_check_finish(challenge, by):
    """Caller holds the challenge lock. Complete only when every bid is eligible or finally
    ineligible: none unchecked, in a 补正 window or with an open ineligibility case."""
    if formal_check_pending(challenge):
        return
    challenge.formal_check_done_at = db_now()
    if not challenge.bids.filter(status=BidStatus.ELIGIBLE).exists():
        challenge.declare_no_award(comment=str(_("No bid passed the formal check.")))
    challenge.save()
    audit_record(
        actor=by,
        action="challenge.formal_check_done",
        obj=challenge,
        to_state=challenge.status,
        payload={"eligible": challenge.bids.filter(status=BidStatus.ELIGIBLE).count()},
    )
    notify(
        recipients=[*organization_staff(challenge.issuer, role=Role.ISSUER), *bureau_officers()],
        kind="challenge.formal_check_done",
        params={"title": challenge.title},
        url=reverse("bounty:bid_list", args=[challenge.ocid]),
    )


def _lock(bid):
    challenge = Challenge.objects.select_for_update().get(pk=bid.challenge_id)
    bid = (
        Bid.objects.select_for_update(of=("self",))
        .select_related("challenge", "lead", "pi")
        .get(pk=bid.pk)
    )
    return challenge, bid


def cure_open(*, bid, by, missing):
    """The officer gives the team ``FORMAL_CHECK_CURE_WORKING_DAYS`` working days to add
    the missing or defective document(s) named in ``missing``."""
    missing = (missing or "").strip()
    if not missing:
        raise ActionRefused(_("Name the missing or defective documents: the team reads this."))
    with transaction.atomic():
        challenge, bid = _lock(bid)
        if challenge.status != ChallengeStatus.FORMAL_CHECK or not perms.can_formal_check_bid(
            by, bid
        ):
            raise ActionRefused(_("The formal check is not open for this challenge."))
        if bid.status != BidStatus.SUBMITTED:
            raise StaleState(_("This bid was checked a moment ago."))
        if CureRequest.objects.filter(bid=bid).exists():
            raise ActionRefused(
                _("A cure window (补正) was already given for this bid: complete the check.")
            )
        if open_case(CaseKind.INELIGIBLE, bid) is not None:
            raise ActionRefused(
                _("An intended ineligibility is open for this bid: it is decided on its case page.")
            )
        now = db_now()
        days = settings.JIEBANG["FORMAL_CHECK_CURE_WORKING_DAYS"]
        cure = CureRequest.objects.create(
            bid=bid, missing=missing, opened_by=by, opened_at=now, due_at=window_end(now, days)
        )
        audit_record(
            actor=by,
            action="bid.cure_open",
            obj=bid,
            payload={"missing": missing, "due_at": cure.due_at.isoformat()},
        )
        notify(
            recipients=_team_users(bid),
            kind="bid.cure_requested",
            params={
                "title": challenge.title,
                "reference": bid.reference,
                "missing": missing,
                "due": _local(cure.due_at),
            },
            url=bid.get_absolute_url() + "#cure",
        )
    return cure


def cure_file_add(*, bid, by, upload, kind):
    """The team adds one document asked for, inside the window (database clock). Nothing
    else of the bid changes; the file gets its own receipt (time, SHA-256)."""
    with transaction.atomic():
        bid = (
            Bid.objects.select_for_update(of=("self",))
            .select_related("challenge", "lead")
            .get(pk=bid.pk)
        )
        if not perms.is_bid_team(by, bid):
            raise ActionRefused(_("Only the bid's team adds the missing documents."))
        if err := perms.bid_team_access_error(by, bid):
            raise ActionRefused(err)
        cure = CureRequest.objects.select_for_update().filter(bid=bid).first()
        if cure is None:
            raise ActionRefused(_("No documents were asked for in the formal check of this bid."))
        now = db_now()
        if not cure.window_open(now):
            raise ActionRefused(
                _("The cure window closed at %(due)s: the file was not added.")
                % {"due": _local(cure.due_at)}
            )
        if kind not in Attachment.Kind.values:
            raise ActionRefused(_("Say which document this file is."))
        if cure.files.count() >= MAX_CURE_FILES:
            raise ActionRefused(_("Add at most %(n)d files.") % {"n": MAX_CURE_FILES})
        try:
            content_kind = validate_document_upload(upload, allowed=CURE_FILE_KINDS)
        except ValidationError as exc:
            raise ActionRefused(exc.messages[0]) from exc
        row = CureFile(
            cure=cure,
            kind=kind,
            original_name=(upload.name or "file")[:255],
            content_kind=content_kind,
            size=upload.size,
            sha256=file_sha256(upload),
            uploaded_by=by,
            uploaded_at=now,
        )
        try:
            store_upload(row.file, "upload", upload)
        except ValidationError as exc:
            raise ActionRefused(exc.messages[0]) from exc
        row.save()
        audit_record(
            actor=by,
            action="bid.cure_file",
            obj=bid,
            payload={
                "name": row.original_name,
                "kind": kind,
                "size": row.size,
                "sha256": row.sha256,
                "uploaded_at": now.isoformat(),
            },
        )
        notify(
            recipients=[cure.opened_by],
            kind="bid.cure_added",
            params={
                "title": bid.challenge.title,
                "reference": bid.reference,
                "name": row.original_name,
            },
            url=reverse("bounty:formal_check", args=[bid.reference]),
        )
    return row


def cure_complete(bid, by, now):
    """The officer recorded the check after a 补正 (caller holds the bid lock)."""
    CureRequest.objects.filter(bid=bid, completed_at__isnull=True).update(
        completed_at=now, completed_by=by
    )


def ineligibility_intend(*, bid, by, checklist, reasons):
    """Caller (``bid_formal_check``) holds the challenge and bid locks: the intended
    decision goes to the team, who answer it on the case page (陈述申辩)."""
    return case_open(
        kind=CaseKind.INELIGIBLE,
        subject=bid,
        by=by,
        reasons=reasons,
        label=f"{bid.reference} · {bid.challenge.title}",
        party_org=bid.lead,
        payload={"checklist": checklist},
    )


def _final_reasons(case):
    parts = [case.decision]
    if case.review_decision:
        parts.append(case.review_decision)
    return "\n\n".join(p for p in parts if p)


def ineligibility_apply(case, by):
    """The final decision: the bid is ineligible, with the decision's reasons. Runs inside
    the finalising transaction (the case is locked)."""
    bid = Bid.objects.only("challenge_id").get(pk=case.subject_id)
    challenge, bid = _lock(bid)
    if bid.status != BidStatus.SUBMITTED:
        return  # nothing left to decide (the challenge ended otherwise)
    reasons = _final_reasons(case)
    bid.mark_ineligible()
    bid.save()
    if not FormalCheck.objects.filter(bid=bid).exists():
        FormalCheck.objects.create(
            bid=bid,
            checklist=case.payload.get("checklist", {}),
            eligible=False,
            reasons=reasons,
            checked_by=by,
        )
    audit_record(
        actor=by,
        action="bid.formal_check",
        obj=bid,
        from_state=BidStatus.SUBMITTED,
        to_state=bid.status,
        payload={"case": case.pk, "reasons": reasons},
    )
    notify(
        recipients=_team_users(bid),
        kind="bid.ineligible",
        params={"title": challenge.title, "reference": bid.reference, "reasons": reasons},
        url=bid.get_absolute_url(),
    )
    if challenge.status == ChallengeStatus.FORMAL_CHECK:
        formal_check_finish(challenge, by)


def _refuse_open(subject, by):
    if not isinstance(subject, Bid):
        return _("Only a bid can be found ineligible in the formal check.")
    if (
        subject.status != BidStatus.SUBMITTED
        or subject.challenge.status != ChallengeStatus.FORMAL_CHECK
    ):
        return _("Only a submitted bid in an open formal check can be found ineligible.")
    if not perms.can_formal_check_bid(by, subject):
        return _("You cannot check this bid.")
    cure = cure_of(subject)
    if cure is not None and cure.awaits_team(db_now()):
        return _("The team may still add the missing documents until %(due)s.") % {
            "due": _local(cure.due_at)
        }
    return None


def _bid_url(case):
    reference = Bid.objects.filter(pk=case.subject_id).values_list("reference", flat=True).first()
    return reverse("bounty:bid_detail", args=[reference]) if reference else ""


def ineligibility_audit_events():
    """The audit events of ineligibility cases: their label names the bid, read under the
    bid's rules (as the bid's own events), never in the admin's audit list."""
    ids = (
        DueProcessCase.objects.filter(kind=CaseKind.INELIGIBLE)
        .annotate(key=Cast("pk", CharField()))
        .values("key")
    )
    return Q(object_type="bounty.dueprocesscase", object_id__in=ids)


def register_ineligibility():
    from audit.admin import HIDDEN_EVENTS

    register_effect(
        CaseKind.INELIGIBLE,
        Effect(apply=ineligibility_apply, url=_bid_url, refuse_open=_refuse_open),
    )
    if ineligibility_audit_events not in HIDDEN_EVENTS:
        HIDDEN_EVENTS.append(ineligibility_audit_events)
