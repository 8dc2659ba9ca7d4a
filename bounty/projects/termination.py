"""Ending a project early as the law requires (DOMAIN §7 "added").

- Misconduct (credit record, funds recovered) is an adverse decision: the bureau notifies
  an intended decision (``misconduct_notify``) and it goes through due process
  (``bounty.dueprocess``). The project keeps running until the decision is final; only then
  does the effect registered here (``misconduct_apply``) terminate it, withhold and recover
  the tranches and write the credit records. An upheld decision cites a collective decision
  (集体决策, ``MeetingPurpose.TERMINATION``).
- Diligent failure (尽职免责) and horse-race elimination are ruled directly by
  ``bounty.projects.closing.project_terminate``, which cites the meeting record and, for
  diligent failure, follows the expert panel's majority (``require_diligence_panel``).

``end_project`` is the one place where a project's termination is carried out."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from bounty import permissions as perms
from bounty.dueprocess.effects import Effect, register_effect
from bounty.dueprocess.models import CaseKind
from bounty.exceptions import ActionRefused
from bounty.hooks import termination_panel_for
from bounty.meetings.models import MeetingPurpose
from bounty.models import (
    CreditSanction,
    Project,
    SanctionScope,
    TerminationOutcome,
    Tranche,
    TrancheStatus,
)
from bounty.projects.services import _lock, _require_panel_verdict, _tell, rules
from common.dates import add_months


def end_project(project, *, by, outcome, reason, sanction=None, payload=None, from_state=None):
    """Carry out a termination (caller holds the project's lock, and the race's for an
    elimination, and has checked who and why). Terminates the project if it still runs;
    unpaid tranches are withheld; for misconduct the disbursed ones are to be recovered and
    credit records bar the lead unit and/or the PI (``sanction``) for
    ``MISCONDUCT_SANCTION_YEARS``. Returns the credit records written."""
    from_state = from_state or project.status
    if project.is_running:
        project.terminate(outcome=outcome, reason=reason, at=timezone.now())
        project.save()
    misconduct = outcome == TerminationOutcome.MISCONDUCT
    for tranche in Tranche.objects.select_for_update().filter(project=project):
        if tranche.status in (TrancheStatus.PENDING, TrancheStatus.ELIGIBLE):
            tranche.withhold()
            tranche.save()
        elif tranche.status == TrancheStatus.DISBURSED and misconduct:
            tranche.recover()
            tranche.save()
    sanctions = []
    if misconduct:
        today = timezone.localdate()
        until = add_months(today, 12 * rules()["MISCONDUCT_SANCTION_YEARS"])
        text = f"{project.challenge.ocid} {project.bid.reference}: {reason}"
        if sanction != SanctionScope.PI:
            sanctions.append(
                CreditSanction(
                    credit_code=project.lead_unit.credit_code,
                    reason=text,
                    starts_on=today,
                    ends_on=until,
                )
            )
        pi = project.current_pi  # after an approved change: the PI now in charge
        if pi is not None and sanction != SanctionScope.ORGANISATION:
            sanctions.append(CreditSanction(user=pi, reason=text, starts_on=today, ends_on=until))
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
            **(payload or {}),
        },
    )
    _tell(project, "project.terminated", outcome=outcome, reason=reason)
    return sanctions


# --- 尽职免责: the expert panel's opinion ----------------------------------------------------


def require_diligence_panel(project):
    """A diligent-failure ruling follows a complete expert panel (drawn for the project's
    termination assessment) whose majority found the failure diligent."""
    panel = termination_panel_for(project)
    if panel is None:
        raise ActionRefused(
            _(
                "A diligent-failure ruling needs the opinion of an expert panel: draw the "
                "diligent-failure assessment panel first."
            )
        )
    _require_panel_verdict(panel, TerminationOutcome.DILIGENT_FAILURE)


# --- Misconduct: through due process ---------------------------------------------------------


def project_label(project):
    return f"{project.challenge.ocid} {project.bid.reference} {project.challenge.title}"


def misconduct_notify(*, project, by, reasons, sanction, files=()):
    """The bureau notifies the team of an intended misconduct decision (reasons, evidence,
    whom the credit record would bar). Nothing changes on the project until the decision
    is final."""
    from bounty.dueprocess.services import case_open

    if sanction not in SanctionScope.values:
        raise ActionRefused(_("Choose whom the credit record bars."))
    if not perms.is_bureau_officer(by):
        raise ActionRefused(_("Only the bureau notifies an intended decision."))
    with transaction.atomic():
        project = _lock(project)  # no termination runs beside the opening
        return case_open(
            kind=CaseKind.MISCONDUCT,
            subject=project,
            by=by,
            reasons=reasons,
            label=project_label(project),
            party_org=project.lead_unit,
            payload={"sanction": sanction},
            files=files,
        )


def misconduct_refuse_open(subject, by):
    if not isinstance(subject, Project):
        return _("A misconduct decision concerns a project.")
    if not subject.is_running:
        return _("This project has ended; no misconduct decision can be opened on it.")
    return None


def misconduct_apply(case, by):
    """The final misconduct decision takes effect (inside the finalising transaction):
    the project is terminated for misconduct, unpaid tranches withheld, disbursed ones to be
    recovered, credit records written. A project that ended otherwise meanwhile keeps its
    end, but the recovery and the credit records still apply."""
    project = _lock(Project(pk=case.subject_id))
    reason = case.decision or case.reasons
    end_project(
        project,
        by=by,
        outcome=TerminationOutcome.MISCONDUCT,
        reason=reason,
        sanction=case.payload.get("sanction", SanctionScope.BOTH),
        payload={"case": case.pk},
    )


def misconduct_url(case):
    return reverse("bounty:project", args=[case.subject_id])


def register():
    """Called from ``BountyConfig.ready``."""
    register_effect(
        CaseKind.MISCONDUCT,
        Effect(
            apply=misconduct_apply,
            url=misconduct_url,
            refuse_open=misconduct_refuse_open,
            decide_meeting=MeetingPurpose.TERMINATION,
        ),
    )
