"""The acceptance dossier and the public notice of the acceptance result (DOMAIN §7
"added"). The team writes its dossier (``dossier_save``), the issuer its 用户使用报告
(``user_report_save``); applying, starting and recording the result are in ``closing.py``.
A recorded result is in public notice (``notice_open``) for
``JIEBANG["ACCEPTANCE_NOTICE_WORKING_DAYS"]`` working days: anyone signed in, under their
real name, may object in writing with evidence (``objection_file``); the bureau decides
(``objection_decide``: upheld sets the result aside and the acceptance is taken up again).
The result is final once the window closed with no open objection (``notice_current``,
``notices_finalize_due``: compared with the database clock, so it holds without the worker).
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.selectors import bureau_officers
from audit.services import audit_record
from bounty import permissions as perms
from bounty.exceptions import ActionRefused, StaleState
from bounty.models import (
    AcceptanceDossier,
    AcceptanceNotice,
    AcceptanceObjection,
    BudgetLine,
    IndicatorResult,
    NoticeStatus,
    Project,
    ProjectStatus,
    SpendingLine,
)
from bounty.projects.dossier_read import committed_indicators, rules
from bounty.projects.services import _lock, _tell
from common.dates import window_end
from common.dbtime import db_now
from common.hashing import file_sha256
from common.uploads import store_upload, validate_document_upload
from notifications.services import notify

REPORT_TYPES = ("pdf", "png", "jpeg", "ooxml", "ole2")
# The team edits its dossier until it applies; the issuer writes its report until the
# bureau starts the acceptance.
DOSSIER_OPEN = (ProjectStatus.ACTIVE, ProjectStatus.CHANGE_REQUESTED)
USER_REPORT_OPEN = (*DOSSIER_OPEN, ProjectStatus.ACCEPTANCE_APPLIED)


def _check_file(upload, allowed=REPORT_TYPES):
    try:
        validate_document_upload(upload, allowed=allowed)
    except ValidationError as exc:
        raise ActionRefused(f"{upload.name}: {' '.join(exc.messages)}") from exc


def _store(field_file, name, upload):
    try:
        store_upload(field_file, name, upload)
    except ValidationError as exc:
        raise ActionRefused(" ".join(exc.messages)) from exc


def _decimal(value, what, *, required=False):
    text = (value or "").strip().replace(",", "")
    if not text:
        if required:
            raise ActionRefused(_("Enter %(what)s.") % {"what": what})
        return None
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ActionRefused(
            _("%(what)s: “%(value)s” is not a number.") % {"what": what, "value": text}
        ) from exc
    if not number.is_finite():
        raise ActionRefused(
            _("%(what)s: “%(value)s” is not a number.") % {"what": what, "value": text}
        )
    return number


def dossier_lock(project):
    """The project's dossier (created on first use) with its rows, locked: one row per
    committed indicator (committed values refreshed from the bid) and per budget subject."""
    dossier, _created = AcceptanceDossier.objects.get_or_create(project=project)
    dossier = AcceptanceDossier.objects.select_for_update().get(pk=dossier.pk)
    rows = {r.indicator_id: r for r in IndicatorResult.objects.filter(dossier=dossier)}
    for indicator, committed in committed_indicators(project):
        row = rows.get(indicator.pk)
        if row is None:
            IndicatorResult.objects.create(
                dossier=dossier, indicator=indicator, committed_value=committed
            )
        elif row.committed_value != committed and dossier.submitted_at is None:
            row.committed_value = committed
            row.save(update_fields=["committed_value"])
    return dossier


def dossier_save(
    *,
    project,
    by,
    texts,
    achieved=None,
    notes=None,
    reports=None,
    spending=None,
    audit=None,
):
    """The team saves its dossier (a draft may be incomplete; applying checks it).
    ``texts``: work_done, results, open_issues, technical_summary; ``achieved``/``notes``/
    ``reports``: indicator id → value / note / uploaded test report; ``spending``: subject →
    (government spent, self-raised spent, note); ``audit``: the audit report upload."""
    achieved, notes, reports, spending = achieved or {}, notes or {}, reports or {}, spending or {}
    for upload in reports.values():
        _check_file(upload)
    if audit is not None:
        _check_file(audit, allowed=("pdf",))
    with transaction.atomic():
        project = _lock(project)
        if not perms.is_project_team(by, project):
            raise ActionRefused(_("Only the project team writes its acceptance dossier."))
        if project.status not in DOSSIER_OPEN:
            raise ActionRefused(
                _("The dossier can no longer be changed: the team has applied for acceptance.")
            )
        dossier = dossier_lock(project)
        for field in ("work_done", "results", "open_issues", "technical_summary"):
            if field in texts:
                setattr(dossier, field, (texts[field] or "").strip())
        stored = []
        for row in IndicatorResult.objects.filter(dossier=dossier).select_related("indicator"):
            key = row.indicator_id
            if key in achieved:
                row.achieved_value = _decimal(achieved[key], row.indicator.name)
            if key in notes:
                row.note = (notes[key] or "").strip()[:500]
            if key in reports:
                upload = reports[key]
                row.report_name, row.report_size = upload.name[:255], upload.size
                row.report_sha256 = file_sha256(upload)
                _store(row.report_file, "test-report", upload)
                stored.append({"indicator": key, "sha256": row.report_sha256})
            row.save()
        labels = dict(BudgetLine.Category.choices)
        for category, (gov, own, note) in spending.items():
            if category not in labels:
                raise ActionRefused(_("Unknown budget subject."))
            if not any(str(v or "").strip() for v in (gov, own, note)):
                # A subject left blank is no statement: remove it rather than store 0 / 0,
                # so an untouched statement still counts as missing.
                SpendingLine.objects.filter(dossier=dossier, category=category).delete()
                continue
            gov = _decimal(gov, labels[category]) or Decimal("0")
            own = _decimal(own, labels[category]) or Decimal("0")
            if gov < 0 or own < 0:
                raise ActionRefused(
                    _("%(subject)s: amounts spent cannot be negative.")
                    % {"subject": labels[category]}
                )
            SpendingLine.objects.update_or_create(
                dossier=dossier,
                category=category,
                defaults={
                    "government_spent": gov,
                    "self_raised_spent": own,
                    "note": (note or "").strip()[:300],
                },
            )
        if audit is not None:
            dossier.audit_name, dossier.audit_sha256 = audit.name[:255], file_sha256(audit)
            _store(dossier.audit_file, "audit-report", audit)
            stored.append({"audit": dossier.audit_sha256})
        dossier.updated_by, dossier.updated_at = by, db_now()
        dossier.save()
        audit_record(
            actor=by, action="project.dossier_save", obj=project, payload={"files": stored}
        )
    return dossier


def user_report_save(*, project, by, text, upload=None):
    """The issuing enterprise writes its 用户使用报告 (with an optional signed scan)."""
    text = (text or "").strip()
    if not text:
        raise ActionRefused(_("Write the user report."))
    if upload is not None:
        _check_file(upload)
    with transaction.atomic():
        project = _lock(project)
        if not perms.is_issuer_staff(by, project.challenge):
            raise ActionRefused(_("Only the issuing enterprise writes the user report."))
        if project.status not in USER_REPORT_OPEN:
            raise ActionRefused(
                _("The user report can no longer be changed: the acceptance has started.")
            )
        dossier = dossier_lock(project)
        dossier.user_report = text
        if upload is not None:
            dossier.user_report_name = upload.name[:255]
            dossier.user_report_sha256 = file_sha256(upload)
            _store(dossier.user_report_file, "user-report", upload)
        dossier.user_report_by, dossier.user_report_at = by, db_now()
        dossier.save()
        audit_record(
            actor=by,
            action="project.user_report",
            obj=project,
            payload={"sha256": dossier.user_report_sha256},
        )
        _tell(project, "project.user_report")
    return dossier


# --- The public notice of the result ---------------------------------------------------------


def notice_open(*, project, by, result, conclusion):
    """Put a recorded result in public notice (called by ``acceptance_conclude`` inside its
    transaction, the project locked, before the transition)."""
    now = db_now()
    return AcceptanceNotice.objects.create(
        project=project,
        result=result,
        conclusion=conclusion,
        opened_at=now,
        ends_at=window_end(now, rules()["ACCEPTANCE_NOTICE_WORKING_DAYS"], working=True),
        recorded_by=by,
    )


def current_notice(project):
    return (
        AcceptanceNotice.objects.filter(project=project, status=NoticeStatus.IN_NOTICE)
        .order_by("-opened_at", "-pk")
        .first()
    )


def objection_file(*, notice, by, text, evidence):
    """Real-name, written, with evidence; only while the notice runs (database clock)."""
    text = (text or "").strip()
    if not by.is_authenticated or not (by.full_name or "").strip():
        raise ActionRefused(
            _("Objections are real-name: log in with an account that has your full name.")
        )
    if not text:
        raise ActionRefused(_("Write the objection."))
    if evidence is None:
        raise ActionRefused(_("Attach the evidence."))
    _check_file(evidence)
    with transaction.atomic():
        _lock(notice.project)
        notice = AcceptanceNotice.objects.select_for_update().get(pk=notice.pk)
        if notice.status != NoticeStatus.IN_NOTICE or db_now() >= notice.ends_at:
            raise ActionRefused(_("The public notice is not running: objections are closed."))
        objection = AcceptanceObjection(
            notice=notice,
            author=by,
            text=text,
            evidence_name=evidence.name[:255],
            evidence_sha256=file_sha256(evidence),
        )
        _store(objection.evidence, "evidence", evidence)
        objection.save()
        audit_record(
            actor=by,
            action="project.acceptance_objection",
            obj=notice.project,
            payload={"objection": objection.pk, "sha256": objection.evidence_sha256},
        )
        notify(
            recipients=bureau_officers(),
            kind="project.acceptance_objection",
            params={"title": notice.project.challenge.title},
            url=notice.project.get_absolute_url(),
        )
    return objection


def objection_decide(*, objection, by, upheld, reason):
    """The bureau decides an objection. Upheld: the result is set aside and the acceptance
    is taken up again (the panel's verdict and a new collective decision are needed to
    record a result); dismissed: the notice goes on."""
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused(_("Give the reasons; the objector is told."))
    with transaction.atomic():
        project = _lock(objection.notice.project)
        if not perms.is_bureau_officer(by):
            raise ActionRefused(_("Only the bureau decides objections."))
        notice = AcceptanceNotice.objects.select_for_update().get(pk=objection.notice_id)
        objection = AcceptanceObjection.objects.select_for_update().get(pk=objection.pk)
        if objection.status != AcceptanceObjection.Status.OPEN:
            raise StaleState
        (objection.uphold if upheld else objection.dismiss)(by=by, at=db_now(), reason=reason)
        objection.save()
        if upheld and notice.status == NoticeStatus.IN_NOTICE:
            notice.set_aside(at=db_now())
            notice.save()
            project.set_aside_acceptance_result()
            project.save()
        audit_record(
            actor=by,
            action="project.acceptance_objection_decide",
            obj=project,
            from_state=ProjectStatus.ACCEPTANCE_NOTICE if upheld else None,
            to_state=project.status if upheld else None,
            payload={"objection": objection.pk, "upheld": upheld, "reason": reason},
        )
        notify(
            recipients=[objection.author],
            kind="project.acceptance_objection_decided",
            params={
                "title": project.challenge.title,
                "outcome": objection.status,
                "reason": reason,
            },
            url=project.get_absolute_url(),
        )
        if upheld:
            _tell(project, "project.acceptance_set_aside", reason=reason)
    return objection


def _finalize(notice):
    """The notice closed with no open objection: the result is final (locks held)."""
    project = Project.objects.select_for_update().get(pk=notice.project_id)
    if project.status != ProjectStatus.ACCEPTANCE_NOTICE:
        return False
    if notice.objections.filter(status=AcceptanceObjection.Status.OPEN).exists():
        return False
    now = db_now()
    notice.make_final(at=now)
    notice.save()
    project.conclude(result=notice.result, at=now)
    project.outcome_reason = notice.conclusion
    project.save()
    audit_record(
        actor=None,
        action="project.acceptance",
        obj=project,
        from_state=ProjectStatus.ACCEPTANCE_NOTICE,
        to_state=project.status,
        payload={"comment": notice.conclusion, "notice": notice.pk},
    )
    _tell(project, "project.concluded", result=project.status)
    return True


def _finalize_if_due(pk):
    with transaction.atomic():
        # One lock order everywhere: the project, then its notice, then objections.
        project_id = AcceptanceNotice.objects.values_list("project_id", flat=True).get(pk=pk)
        Project.objects.select_for_update().get(pk=project_id)
        notice = AcceptanceNotice.objects.select_for_update().get(pk=pk)
        if notice.status == NoticeStatus.IN_NOTICE and notice.ends_at <= db_now():
            return _finalize(notice)
    return False


def notices_finalize_due() -> int:
    """Results whose notice closed with no open objection become final (daily job; pages
    call ``notice_current`` so nothing waits for it)."""
    due = AcceptanceNotice.objects.filter(status=NoticeStatus.IN_NOTICE, ends_at__lte=db_now())
    return sum(1 for pk in due.values_list("pk", flat=True) if _finalize_if_due(pk))


def notice_current(project):
    """The project as it stands now: a notice whose window closed with no open objection
    makes the result final first."""
    if project.status == ProjectStatus.ACCEPTANCE_NOTICE:
        notice = current_notice(project)
        if notice is not None and notice.ends_at <= db_now() and _finalize_if_due(notice.pk):
            project.refresh_from_db()
    return project
