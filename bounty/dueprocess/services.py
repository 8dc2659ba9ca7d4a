"""The due-process steps. Each: lock, check who and when (database clock), transition,
audit, notify. The effect runs only when a decision becomes final: at the review, or once
the review window closed with no request (``cases_finalize_due``, called by the daily job
and by every read of a case through ``case_current``)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.exceptions import ActionRefused, StaleState
from accounts.models import Role
from accounts.permissions import has_role_in, is_bureau_officer
from accounts.selectors import bureau_officers, organization_staff
from audit.services import audit_record
from bounty.dueprocess.effects import EFFECTS
from bounty.dueprocess.models import CaseFile, CaseKind, CaseStatus, DueProcessCase
from bounty.meetings.services import meeting_cite
from common.dates import window_end
from common.dbtime import db_now
from common.hashing import file_sha256
from common.uploads import store_upload, validate_document_upload
from notifications.services import notify

FILE_KINDS = ("pdf", "png", "jpeg", "ooxml", "ole2")
MAX_FILES = 10


def rules():
    j = settings.JIEBANG
    return {
        "RESPONSE_DAYS": j["DUE_PROCESS_RESPONSE_WORKING_DAYS"],
        "REVIEW_DAYS": j["DUE_PROCESS_REVIEW_WORKING_DAYS"],
    }


def is_party(user, case) -> bool:
    if not user.is_authenticated:
        return False
    if case.party_user_id and case.party_user_id == user.pk:
        return True
    return bool(case.party_org_id) and has_role_in(user, case.party_org, Role.BIDDER)


def can_view_case(user, case) -> bool:
    return user.is_authenticated and (is_bureau_officer(user) or is_party(user, case))


def _party_users(case):
    users = list(organization_staff(case.party_org, role=Role.BIDDER)) if case.party_org_id else []
    if case.party_user_id:
        users.append(case.party_user)
    return users


def _tell(case, kind, recipients, **params):
    notify(
        recipients=recipients,
        kind=kind,
        params={"subject": case.subject_label, "kind": case.kind, **params},
        url=case.get_absolute_url(),
    )


def _text(value, message):
    value = (value or "").strip()
    if not value:
        raise ActionRefused(message)
    return value


def _attach(case, stage, files, by):
    files = [f for f in files or () if f]
    if len(files) > MAX_FILES:
        raise ActionRefused(_("Attach at most %(n)d files.") % {"n": MAX_FILES})
    for upload in files:
        try:
            validate_document_upload(upload, allowed=FILE_KINDS)
        except ValidationError as exc:
            raise ActionRefused(f"{upload.name}: {exc.messages[0]}") from exc
        row = CaseFile(
            case=case,
            stage=stage,
            original_name=(upload.name or "file")[:255],
            size=upload.size,
            sha256=file_sha256(upload),
            uploaded_by=by,
        )
        try:
            store_upload(row.file, upload.name, upload)
        except ValidationError as exc:
            raise ActionRefused(exc.messages[0]) from exc
        row.save()


def _lock(case):
    return DueProcessCase.objects.select_for_update().get(pk=case.pk)


def case_open(
    *, kind, subject, by, reasons, label, party_org=None, party_user=None, payload=None, files=()
):
    """The bureau notifies an intended decision with its reasons and evidence. The party
    has ``DUE_PROCESS_RESPONSE_WORKING_DAYS`` working days to answer. Call it inside the
    subject's own service (which has locked the subject) or alone."""
    if kind not in CaseKind.values:
        raise ValueError(kind)
    if not is_bureau_officer(by):
        raise ActionRefused(_("Only the bureau notifies an intended decision."))
    reasons = _text(reasons, _("Give the reasons and the evidence of the intended decision."))
    effect = EFFECTS[kind]
    refusal = effect.refuse_open(subject, by)
    if refusal:
        raise ActionRefused(refusal)
    now = db_now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                case = DueProcessCase.objects.create(
                    kind=kind,
                    subject_type=ContentType.objects.get_for_model(subject),
                    subject_id=subject.pk,
                    subject_label=str(label)[:300],
                    party_org=party_org,
                    party_user=party_user,
                    payload=payload or {},
                    reasons=reasons,
                    opened_by=by,
                    opened_at=now,
                    response_due_at=window_end(now, rules()["RESPONSE_DAYS"]),
                )
        except IntegrityError as exc:
            raise ActionRefused(
                _("A due-process case of this kind is already open for it: continue that one.")
            ) from exc
        _attach(case, CaseFile.Stage.EVIDENCE, files, by)
        audit_record(
            actor=by,
            action="case.open",
            obj=case,
            to_state=case.status,
            payload={
                "kind": kind,
                "subject": f"{case.subject_type.app_label}.{case.subject_type.model}:{subject.pk}",
                "reasons": reasons,
                "response_due_at": case.response_due_at.isoformat(),
                "payload": case.payload,
            },
        )
        _tell(case, "case.intended", _party_users(case), due=_local(case.response_due_at))
    return case


def case_respond(*, case, by, text, files=()):
    """The party's written statement and defence (陈述申辩), with attachments, once, before
    the response window closes."""
    text = _text(text, _("Write your statement and defence."))
    with transaction.atomic():
        case = _lock(case)
        if not is_party(by, case):
            raise ActionRefused(_("Only the party concerned answers an intended decision."))
        if case.status != CaseStatus.INTENDED:
            raise StaleState
        if case.responded_at is not None:
            raise ActionRefused(_("The response has already been given."))
        now = db_now()
        if now >= case.response_due_at:
            raise ActionRefused(_("The response window has closed."))
        case.response, case.responded_by, case.responded_at = text, by, now
        case.save(update_fields=["response", "responded_by", "responded_at"])
        _attach(case, CaseFile.Stage.RESPONSE, files, by)
        audit_record(actor=by, action="case.respond", obj=case, payload={"response": text})
        _tell(case, "case.responded", bureau_officers())
    return case


def case_decide(*, case, by, upheld, decision, answer="", meeting=None):
    """The decision, after the party responded or the response window closed. When the
    party responded, the decision must answer the response. An upheld decision opens the
    review window; a dropped one ends the case with no effect. Where the kind's effect
    names a ``decide_meeting`` purpose, an upheld decision cites ``meeting`` (集体决策)."""
    decision = _text(decision, _("Write the decision and its reasons."))
    answer = (answer or "").strip()
    with transaction.atomic():
        case = _lock(case)
        if not is_bureau_officer(by):
            raise ActionRefused(_("Only the bureau decides."))
        if case.status != CaseStatus.INTENDED:
            raise StaleState
        now = db_now()
        if case.responded_at is None and now < case.response_due_at:
            raise ActionRefused(
                _(
                    "The party may still respond until %(due)s: decide after the response "
                    "or once the window has closed."
                )
                % {"due": _local(case.response_due_at)}
            )
        if case.responded_at is not None and not answer:
            raise ActionRefused(_("The decision must answer the party's response: say why."))
        purpose = EFFECTS[case.kind].decide_meeting
        if upheld and purpose:
            meeting_cite(
                meeting=meeting, purpose=purpose, obj=case.subject, by=by, label=case.subject_label
            )
        case.decide(
            upheld=bool(upheld),
            decision=decision,
            answer=answer,
            by=by,
            at=now,
            review_due_at=window_end(now, rules()["REVIEW_DAYS"]),
        )
        case.save()
        audit_record(
            actor=by,
            action="case.decide",
            obj=case,
            from_state=CaseStatus.INTENDED,
            to_state=case.status,
            payload={"upheld": case.upheld, "decision": decision, "answer": answer},
        )
        params = {"due": _local(case.review_due_at) if case.review_due_at else ""}
        _tell(case, "case.decided", _party_users(case), upheld=bool(upheld), **params)
    return case


def case_request_review(*, case, by, text, files=()):
    """The party asks for a review (复查/复核) before the review window closes."""
    text = _text(text, _("Say why the decision should be reviewed."))
    with transaction.atomic():
        case = _lock(case)
        if not is_party(by, case):
            raise ActionRefused(_("Only the party concerned asks for a review."))
        if case.status != CaseStatus.DECIDED:
            raise StaleState
        now = db_now()
        if now >= case.review_due_at:
            raise ActionRefused(_("The window for a review request has closed."))
        case.request_review(text=text, by=by, at=now)
        case.save()
        _attach(case, CaseFile.Stage.REVIEW, files, by)
        audit_record(
            actor=by,
            action="case.request_review",
            obj=case,
            from_state=CaseStatus.DECIDED,
            to_state=case.status,
            payload={"request": text},
        )
        _tell(case, "case.review_requested", bureau_officers())
    return case


def case_review(*, case, by, confirmed, text):
    """Another officer decides the review: confirmed (the decision takes effect) or
    overturned (no effect)."""
    text = _text(text, _("Write the review decision and its reasons."))
    with transaction.atomic():
        case = _lock(case)
        if not is_bureau_officer(by):
            raise ActionRefused(_("Only the bureau decides a review."))
        if case.status != CaseStatus.REVIEW_REQUESTED:
            raise StaleState
        if by.pk in (case.decided_by_id, case.opened_by_id):
            raise ActionRefused(
                _("A review is decided by another officer than the one who decided.")
            )
        case.review(confirmed=bool(confirmed), text=text, by=by, at=db_now())
        case.save()
        if case.status == CaseStatus.FINAL:
            EFFECTS[case.kind].apply(case, by)
        audit_record(
            actor=by,
            action="case.review",
            obj=case,
            from_state=CaseStatus.REVIEW_REQUESTED,
            to_state=case.status,
            payload={"confirmed": bool(confirmed), "review_decision": text},
        )
        _tell(case, "case.reviewed", _party_users(case), confirmed=bool(confirmed))
    return case


def _finalize(case):
    """``case`` locked, DECIDED, its review window closed: the decision takes effect."""
    case.finalize(at=case.review_due_at)
    case.save()
    EFFECTS[case.kind].apply(case, case.decided_by)
    audit_record(
        actor=None,
        action="case.final",
        obj=case,
        from_state=CaseStatus.DECIDED,
        to_state=case.status,
        payload={"effective_at": case.effective_at.isoformat()},
    )
    _tell(case, "case.final", _party_users(case))


def cases_finalize_due(now=None) -> int:
    """Decisions whose review window closed with no request take effect (daily job)."""
    now = now or db_now()
    done = 0
    for pk in DueProcessCase.objects.filter(
        status=CaseStatus.DECIDED, review_due_at__lte=now
    ).values_list("pk", flat=True):
        with transaction.atomic():
            case = DueProcessCase.objects.select_for_update().get(pk=pk)
            if case.status == CaseStatus.DECIDED and case.review_due_at <= db_now():
                _finalize(case)
                done += 1
    return done


def case_current(case):
    """The case as it stands now: a decision whose review window has closed is made final
    first (so the effect does not wait for the daily job)."""
    if case.status == CaseStatus.DECIDED and case.review_due_at <= db_now():
        with transaction.atomic():
            locked = _lock(case)
            if locked.status == CaseStatus.DECIDED and locked.review_due_at <= db_now():
                _finalize(locked)
        case.refresh_from_db()
    return case


def open_case(kind, subject):
    """The open case of ``kind`` about ``subject``, or None."""
    return (
        DueProcessCase.objects.filter(
            kind=kind,
            subject_type=ContentType.objects.get_for_model(subject),
            subject_id=subject.pk,
            status__in=[CaseStatus.INTENDED, CaseStatus.DECIDED, CaseStatus.REVIEW_REQUESTED],
        )
        .order_by("-pk")
        .first()
    )


def cases_of(subject):
    return DueProcessCase.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk
    )


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def cases_settle(subject) -> bool:
    """Put into effect the decisions about ``subject`` whose review window has closed (a
    page or service about the subject calls this first, so nothing waits for the daily
    job). Call it outside any transaction that has locked the subject. True if any did."""
    due = cases_of(subject).filter(status=CaseStatus.DECIDED, review_due_at__lte=db_now())
    settled = False
    for case in due:
        case_current(case)
        settled = True
    return settled


def removal_due_ids(model):
    """Ids of ``model`` rows (experts) with an upheld removal decision whose review window has
    closed: removed already, even if no read or job has yet made the case final."""
    return DueProcessCase.objects.filter(
        kind=CaseKind.EXPERT_REMOVAL,
        status=CaseStatus.DECIDED,
        review_due_at__lte=db_now(),
        subject_type=ContentType.objects.get_for_model(model),
    ).values("subject_id")
