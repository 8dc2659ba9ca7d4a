"""The end of a project (DOMAIN §7): the team applies for acceptance, the panel's verdict
concludes it; or the bureau terminates it (diligent failure, or misconduct with a credit
record). Same shape as the other project services: lock, predicate, transition, audit,
notify."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from bounty import permissions as perms
from bounty.exceptions import ActionRefused, StaleState
from bounty.hooks import panel_for
from bounty.models import (
    CreditSanction,
    MilestoneStatus,
    ProjectStatus,
    SanctionScope,
    TerminationOutcome,
    Tranche,
    TrancheStatus,
)
from bounty.projects.horse_race import continuation_award, lock_race, tranches_cancel_unpaid
from bounty.projects.services import (
    ACCEPTANCE_RESULTS,
    _lock,
    _require_panel_verdict,
    _require_running,
    _tell,
    rules,
)
from common.dates import add_months

# --- Acceptance and termination -----------------------------------------------------------


def acceptance_apply(*, project, by):
    with transaction.atomic():
        project = _lock(project)
        if not perms.is_project_team(by, project):
            raise ActionRefused(_("Only the project team applies for acceptance."))
        if project.status != ProjectStatus.ACTIVE:
            raise StaleState
        if project.milestones.exclude(status=MilestoneStatus.MET).exists():
            raise ActionRefused(_("Every milestone must be met before applying for acceptance."))
        project.apply_for_acceptance()
        project.save()
        audit_record(
            actor=by, action="project.acceptance_apply", obj=project, to_state=project.status
        )
        _tell(project, "project.acceptance_applied")
    return project


def acceptance_start(*, project, by):
    with transaction.atomic():
        project = _lock(project)
        if not perms.is_bureau_officer(by):
            raise ActionRefused(_("Only the bureau organises the acceptance."))
        if project.status != ProjectStatus.ACCEPTANCE_APPLIED:
            raise StaleState
        project.start_acceptance()
        project.save()
        audit_record(
            actor=by, action="project.acceptance_start", obj=project, to_state=project.status
        )
    return project


def acceptance_conclude(*, project, by, result, comment):
    """The bureau records the acceptance panel's conclusion: passed (通过), closed without
    full pass (结题) or failed (不通过)."""
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
        project.conclude(result=result, at=timezone.now())
        project.outcome_reason = comment
        project.save()
        audit_record(
            actor=by,
            action="project.acceptance",
            obj=project,
            from_state=ProjectStatus.UNDER_ACCEPTANCE,
            to_state=project.status,
            payload={"comment": comment},
        )
        _tell(project, "project.concluded", result=project.status)
    return project


def project_terminate(*, project, by, outcome, reason, sanction=SanctionScope.BOTH):
    """The bureau ends a project early. Diligent failure (尽职免责): no penalty, properly
    spent funds are not recovered, future bids unaffected — no credit record. Misconduct:
    what was paid is to be recovered and a credit record bars the lead unit and the PI from
    bidding for ``JIEBANG["MISCONDUCT_SANCTION_YEARS"]`` years (``sanction``: both, or only
    the lead unit or only the PI)."""
    if outcome not in TerminationOutcome.values:
        raise ActionRefused(_("Choose the outcome of the termination."))
    if outcome == TerminationOutcome.ELIMINATED and not project.challenge.is_horse_race:
        raise ActionRefused(_("Only a project of a horse-race challenge can be eliminated."))
    if not reason.strip():
        raise ActionRefused(_("Give the reasons for the termination."))
    if sanction not in SanctionScope.values:
        raise ActionRefused(_("Choose whom the credit record bars."))
    with transaction.atomic():
        if outcome == TerminationOutcome.ELIMINATED:
            lock_race(project)  # the challenge row first: eliminations serialize
        project = _lock(project)
        if not perms.is_bureau_officer(by):
            raise ActionRefused(_("Only the bureau terminates a project."))
        _require_running(project)
        from_state = project.status
        project.terminate(outcome=outcome, reason=reason, at=timezone.now())
        project.save()
        continuation = []
        if outcome == TerminationOutcome.ELIMINATED:
            # 赛马制: unpaid tranches are cancelled; the continuation goes to the last survivor.
            tranches_cancel_unpaid(project)
            continuation = continuation_award(eliminated=project, by=by, reason=reason)
        for tranche in Tranche.objects.select_for_update().filter(project=project):
            if tranche.status in (TrancheStatus.PENDING, TrancheStatus.ELIGIBLE):
                tranche.withhold()
                tranche.save()
            elif (
                tranche.status == TrancheStatus.DISBURSED
                and outcome == TerminationOutcome.MISCONDUCT
            ):
                tranche.recover()
                tranche.save()
        sanctions = []
        if outcome == TerminationOutcome.MISCONDUCT:
            today = timezone.localdate()
            until = add_months(today, 12 * rules()["MISCONDUCT_SANCTION_YEARS"])
            text = f"{project.challenge.ocid} {project.bid.reference}: {reason}"
            if sanction != SanctionScope.PI:
                sanctions.append(
                    CreditSanction(
                        credit_code=project.bid.lead.credit_code,
                        reason=text,
                        starts_on=today,
                        ends_on=until,
                    )
                )
            if project.bid.pi_id and sanction != SanctionScope.ORGANISATION:
                sanctions.append(
                    CreditSanction(user=project.bid.pi, reason=text, starts_on=today, ends_on=until)
                )
            CreditSanction.objects.bulk_create(sanctions)
        audit_record(
            actor=by,
            action="project.terminate",
            obj=project,
            from_state=from_state,
            to_state=project.status,
            payload={
                "outcome": outcome,
                "reason": reason,
                "credit_records": [s.credit_code or f"user:{s.user_id}" for s in sanctions],
                "continuation": [
                    {"project": c["project"].pk, "amount": str(c["amount"])} for c in continuation
                ],
            },
        )
        _tell(project, "project.terminated", outcome=project.outcome, reason=reason)
    return project
