"""The end of a project (DOMAIN §7): the team applies for acceptance, the panel's verdict
concludes it; or the bureau terminates it (diligent failure or elimination here, by a
collective decision; misconduct with a credit record through due process:
``bounty.projects.termination``). Same shape as the other project services: lock, predicate, transition, audit,
notify."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from bounty import permissions as perms
from bounty.dueprocess.models import CaseKind
from bounty.dueprocess.services import open_case
from bounty.exceptions import ActionRefused, StaleState
from bounty.hooks import panel_for
from bounty.meetings.models import MeetingPurpose
from bounty.meetings.services import meeting_cite
from bounty.models import MilestoneStatus, ProjectStatus, TerminationOutcome
from bounty.projects import acceptance, dossier_read
from bounty.projects.horse_race import continuation_award, lock_race, tranches_cancel_unpaid
from bounty.projects.services import (
    ACCEPTANCE_RESULTS,
    _lock,
    _require_panel_verdict,
    _require_running,
    _tell,
    rules,
)
from bounty.projects.termination import end_project, project_label, require_diligence_panel
from common.dbtime import db_now

# --- Acceptance and termination -----------------------------------------------------------


def acceptance_apply(*, project, by):
    """The team applies for acceptance with its complete dossier: when every milestone is
    met (early completion), or from ``JIEBANG["ACCEPTANCE_APPLY_DAYS_BEFORE_END"]`` days
    before the planned end (extensions included) whatever the milestones — 结题 is
    reachable. The committed values of the indicator table are kept as they stand now."""
    with transaction.atomic():
        project = _lock(project)
        if not perms.is_project_team(by, project):
            raise ActionRefused(_("Only the project team applies for acceptance."))
        if project.status != ProjectStatus.ACTIVE:
            raise StaleState
        opens_on = dossier_read.apply_opens_on(project)
        all_met = not project.milestones.exclude(status=MilestoneStatus.MET).exists()
        if not all_met and (opens_on is None or timezone.localdate(db_now()) < opens_on):
            raise ActionRefused(
                _(
                    "Milestones are still open: the team may apply for acceptance once every "
                    "milestone is met, or from %(date)s (%(days)s days before the planned "
                    "end, %(end)s) whatever the milestones."
                )
                % {
                    "date": opens_on,
                    "days": rules()["ACCEPTANCE_APPLY_DAYS_BEFORE_END"],
                    "end": project.ends_on,
                }
            )
        dossier = acceptance.dossier_lock(project)
        missing = dossier_read.dossier_missing(project, dossier)
        if missing:
            raise ActionRefused(
                _("The acceptance dossier is incomplete. Missing: %(missing)s.")
                % {"missing": "; ".join(missing)}
            )
        dossier.submitted_at = timezone.now()
        dossier.save(update_fields=["submitted_at"])
        project.apply_for_acceptance()
        project.save()
        audit_record(
            actor=by,
            action="project.acceptance_apply",
            obj=project,
            to_state=project.status,
            payload={"milestones_met": all_met},
        )
        _tell(project, "project.acceptance_applied")
    return project


def acceptance_start(*, project, by):
    """The bureau organises the acceptance once the issuer's 用户使用报告 is in."""
    with transaction.atomic():
        project = _lock(project)
        if not perms.is_bureau_officer(by):
            raise ActionRefused(_("Only the bureau organises the acceptance."))
        if project.status != ProjectStatus.ACCEPTANCE_APPLIED:
            raise StaleState
        dossier = dossier_read.dossier_of(project)
        if dossier is None or not dossier.has_user_report:
            raise ActionRefused(
                _(
                    "The issuing enterprise has not written its user report (用户使用报告) "
                    "yet: the acceptance starts once it is in the dossier."
                )
            )
        project.start_acceptance()
        project.save()
        audit_record(
            actor=by, action="project.acceptance_start", obj=project, to_state=project.status
        )
    return project


def acceptance_conclude(*, project, by, result, comment, meeting=None):
    """The bureau records the acceptance panel's conclusion against the committed indicator
    values — passed (通过), closed without full pass (结题) or failed (不通过) — on a
    collective decision (``meeting``, cited before anything changes). The result goes to a
    public notice with an objection window; it is final once the window closes with no
    open objection (``bounty.projects.acceptance``)."""
    if result not in ACCEPTANCE_RESULTS:
        raise ActionRefused(_("Choose the acceptance result."))
    if not comment.strip():
        raise ActionRefused(_("Give the panel's conclusion."))
    with transaction.atomic():
        project = _lock(project)
        if not perms.is_bureau_officer(by):
            raise ActionRefused(_("Only the bureau records the acceptance result."))
        if project.status != ProjectStatus.UNDER_ACCEPTANCE:
            raise StaleState
        panel = panel_for(project)
        if panel is None and rules()["ACCEPTANCE_PANEL_REQUIRED"]:
            raise ActionRefused(_("Draw the acceptance panel first: the panel decides."))
        _require_panel_verdict(panel, result)
        notice = acceptance.notice_open(project=project, by=by, result=result, conclusion=comment)
        meeting_cite(
            meeting=meeting,
            purpose=MeetingPurpose.ACCEPTANCE,
            obj=notice,
            by=by,
            label=project_label(project),
        )
        project.publish_acceptance_result()
        project.save()
        audit_record(
            actor=by,
            action="project.acceptance_notice",
            obj=project,
            from_state=ProjectStatus.UNDER_ACCEPTANCE,
            to_state=project.status,
            payload={
                "result": result,
                "comment": comment,
                "notice": notice.pk,
                "ends_at": notice.ends_at.isoformat(),
            },
        )
        _tell(project, "project.acceptance_notice", result=result, date=str(notice.last_day))
    return project


def project_terminate(*, project, by, outcome, reason, meeting=None):
    """The bureau ends a project early by a collective decision (集体决策: ``meeting``, a
    DecisionMeeting or its id, is cited before anything changes). Diligent failure
    (尽职免责): no penalty, properly spent funds are not recovered, future bids unaffected —
    no credit record; it follows the complete expert panel's majority ("经丙方组织专家评估
    认定"). Elimination (赛马制): unpaid tranches cancelled, the continuation to the last
    survivor. Misconduct is not terminated here: it is an adverse decision that goes through
    due process (``bounty.projects.termination.misconduct_notify``)."""
    if outcome == TerminationOutcome.MISCONDUCT:
        raise ActionRefused(
            _(
                "Misconduct is decided through due process: notify the intended decision "
                "to the team first."
            )
        )
    if outcome not in (TerminationOutcome.DILIGENT_FAILURE, TerminationOutcome.ELIMINATED):
        raise ActionRefused(_("Choose the outcome of the termination."))
    if outcome == TerminationOutcome.ELIMINATED and not project.challenge.is_horse_race:
        raise ActionRefused(_("Only a project of a horse-race challenge can be eliminated."))
    if not reason.strip():
        raise ActionRefused(_("Give the reasons for the termination."))
    with transaction.atomic():
        if outcome == TerminationOutcome.ELIMINATED:
            lock_race(project)  # the challenge row first: eliminations serialize
        project = _lock(project)
        if not perms.is_bureau_officer(by):
            raise ActionRefused(_("Only the bureau terminates a project."))
        _require_running(project)
        if open_case(CaseKind.MISCONDUCT, project) is not None:
            raise ActionRefused(
                _("A misconduct case is open on this project: it is decided first.")
            )
        label = project_label(project)
        if outcome == TerminationOutcome.DILIGENT_FAILURE:
            require_diligence_panel(project)
            meeting_cite(
                meeting=meeting,
                purpose=MeetingPurpose.DILIGENT_FAILURE,
                obj=project,
                by=by,
                label=label,
            )
        meeting_cite(
            meeting=meeting, purpose=MeetingPurpose.TERMINATION, obj=project, by=by, label=label
        )
        continuation, from_state = [], project.status
        if outcome == TerminationOutcome.ELIMINATED:
            # 赛马制: unpaid tranches are cancelled; the continuation goes to the last survivor.
            project.terminate(outcome=outcome, reason=reason, at=timezone.now())
            project.save()
            tranches_cancel_unpaid(project)
            continuation = continuation_award(eliminated=project, by=by, reason=reason)
        end_project(
            project,
            by=by,
            outcome=outcome,
            reason=reason,
            from_state=from_state,
            payload={
                "continuation": [
                    {"project": c["project"].pk, "amount": str(c["amount"])} for c in continuation
                ]
            },
        )
    return project
