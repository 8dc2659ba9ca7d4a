"""Projects after the award (DOMAIN §6–7; one cohesive thing: a running project's use
cases): created for each winner, activated by the signed
contract, then milestones with reports and assessments, payments, changes and the
mid-term review. Acceptance and termination: ``closing.py``; reminders: ``reminders.py``.

Every service runs in one transaction with the project row locked, checks its predicate
(bounty/permissions.py), calls a transition, audits and notifies — like the challenge
services (bounty/challenges/services.py).
"""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.selectors import bureau_officers, organization_staff
from audit.services import audit_record
from bounty import permissions as perms
from bounty.exceptions import ActionRefused, StaleState
from bounty.hooks import panel_for
from bounty.models import (
    Challenge,
    ChallengeStatus,
    MidtermReview,
    MilestoneAssessment,
    MilestoneReport,
    MilestoneStatus,
    Project,
    ProjectMilestone,
    ProjectStatus,
    ReportAttachment,
    Tranche,
    TrancheStatus,
)
from bounty.projects.settling import tranche_settle
from bounty.signals import project_created
from common.dates import add_months
from common.hashing import file_sha256
from common.uploads import store_upload, validate_document_upload
from notifications.services import notify


def rules():
    return settings.JIEBANG


# --- Creation and activation --------------------------------------------------------------


def project_create_for_award(*, bid):
    """Create the project record of a winning bid (called at the award, inside its
    transaction); idempotent. The documents app prepares its contract (signal)."""
    project, created = Project.objects.get_or_create(
        bid=bid, defaults={"challenge_id": bid.challenge_id}
    )
    if created:
        audit_record(actor=None, action="project.create", obj=project, to_state=project.status)
        project_created.send(sender=Project, project=project)
    return project


def project_activate(*, project, signed_at, tranches, milestones, period_months):
    """The contract is signed by all three parties (called by the documents app inside its
    transaction, with the project row locked): the project starts, the milestones and the
    payment schedule of the contract are copied, the first payment falls due, and the
    challenge becomes contracted once every winner's project is active. ``tranches`` and
    ``milestones`` come from the contract snapshot (amounts as strings, dates ISO)."""
    started_on = timezone.localdate(signed_at)
    project.activate(
        signed_at=signed_at, started_on=started_on, ends_on=add_months(started_on, period_months)
    )
    project.save()
    ProjectMilestone.objects.bulk_create(
        ProjectMilestone(
            project=project,
            number=m["no"],
            title=m["title"],
            deliverables=m["deliverables"],
            due_on=date.fromisoformat(m["due_on"]),
            original_due_on=date.fromisoformat(m["due_on"]),
        )
        for m in milestones
    )
    rows = []
    for t in tranches:
        row = Tranche(
            project=project,
            number=t["number"],
            label=t["label"],
            condition=t["condition"],
            milestone_no=t.get("milestone_no"),
            amount=Decimal(t["amount"]),
            enterprise_part=Decimal(t["enterprise_part"]),
            government_part=Decimal(t["government_part"]),
            planned_on=t.get("planned_on") or None,
        )
        if t["number"] == 0:
            row.fall_due(on=started_on)
        rows.append(row)
    Tranche.objects.bulk_create(rows)
    audit_record(
        actor=None,
        action="project.activate",
        obj=project,
        from_state=ProjectStatus.AWAITING_CONTRACT,
        to_state=project.status,
        payload={"tranches": len(rows), "milestones": len(milestones)},
    )
    challenge = Challenge.objects.select_for_update().get(pk=project.challenge_id)
    waiting = Project.objects.filter(
        challenge=challenge, status=ProjectStatus.AWAITING_CONTRACT
    ).exists()
    if challenge.status == ChallengeStatus.AWARDED and not waiting:
        challenge.mark_contracted()
        challenge.save()
        audit_record(
            actor=None,
            action="challenge.contracted",
            obj=challenge,
            from_state=ChallengeStatus.AWARDED,
            to_state=challenge.status,
        )
    return project


# --- Helpers -----------------------------------------------------------------------------


def _lock(project):
    return (
        Project.objects.select_for_update(of=("self",))
        .select_related("bid__lead", "bid__pi", "challenge__issuer")
        .get(pk=project.pk)
    )


def _everyone(project):
    """The team's bidder staff, the issuer's staff and the bureau officers."""
    users = {u.pk: u for u in organization_staff(project.lead_unit, role=Role.BIDDER)}
    users.update((u.pk, u) for u in organization_staff(project.challenge.issuer, role=Role.ISSUER))
    users.update((u.pk, u) for u in bureau_officers())
    return list(users.values())


def _tell(project, kind, **params):
    notify(
        recipients=_everyone(project),
        kind=kind,
        params={"title": project.challenge.title, **params},
        url=project.get_absolute_url(),
    )


def _require_running(project):
    if not project.is_running:
        raise ActionRefused(_("This project has ended; it accepts nothing more."))


def _milestone(project, milestone):
    locked = ProjectMilestone.objects.select_for_update().get(pk=milestone.pk)
    if locked.project_id != project.pk:
        raise ActionRefused
    return locked


# --- Milestones ---------------------------------------------------------------------------


def milestones_open_reporting(today=None) -> int:
    """Scheduled daily: planned milestones whose reporting window has opened become due."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=rules()["MILESTONE_REPORT_WINDOW_DAYS"])
    opened = 0
    with transaction.atomic():
        for milestone in ProjectMilestone.objects.select_for_update().filter(
            status=MilestoneStatus.PLANNED,
            due_on__lte=horizon,
            project__status__in=[ProjectStatus.ACTIVE, ProjectStatus.CHANGE_REQUESTED],
        ):
            milestone.open_reporting()
            milestone.save()
            opened += 1
    return opened


def report_submit(*, milestone, by, text, measurements=(), files=()):
    """The team reports on a milestone whose reporting window is open (or in rectification).
    Files are checked by content first: a refused file leaves nothing half-saved."""
    for upload in files:
        try:
            validate_document_upload(upload, allowed={"pdf", "png", "jpeg", "ooxml", "ole2"})
        except ValidationError as exc:
            raise ActionRefused(f"{upload.name}: {' '.join(exc.messages)}") from exc
    if not text.strip():
        raise ActionRefused(_("Write the progress report."))
    with transaction.atomic():
        project = _lock(milestone.project)
        if not perms.is_project_team(by, project):
            raise ActionRefused(_("Only the project team reports on its milestones."))
        _require_running(project)
        milestone = _milestone(project, milestone)
        if not milestone.is_reportable:
            raise ActionRefused(
                _(
                    "This milestone is not open for a report (its reporting window opens %(days)d days before its date)."
                )
                % {"days": rules()["MILESTONE_REPORT_WINDOW_DAYS"]}
            )
        milestone.submit_report()
        milestone.save()
        report = MilestoneReport.objects.create(
            milestone=milestone,
            text=text,
            measurements=list(measurements),
            submitted_by=by,
            submitted_at=timezone.now(),
        )
        for upload in files:
            attachment = ReportAttachment(
                report=report,
                original_name=upload.name[:255],
                size=upload.size,
                sha256=file_sha256(upload),
            )
            try:
                store_upload(attachment.file, "report", upload)
            except ValidationError as exc:
                raise ActionRefused(exc.messages[0]) from exc
            attachment.save()
        audit_record(
            actor=by,
            action="milestone.report",
            obj=milestone,
            to_state=milestone.status,
            payload={"report": report.pk, "files": [a.sha256 for a in report.attachments.all()]},
        )
        _tell(project, "project.report_submitted", number=milestone.number)
    return report


MILESTONE_ASSESSABLE = (MilestoneStatus.REPORT_SUBMITTED, MilestoneStatus.UNDER_ASSESSMENT)


def milestone_assess(*, milestone, by, met, comment):
    """The issuer gives its opinion on the latest report, then the bureau decides: met
    (the milestone's tranche becomes payable) or not met (rectification or termination)."""
    if not comment.strip():
        raise ActionRefused(_("Give the reasons of the assessment."))
    with transaction.atomic():
        project = _lock(milestone.project)
        _require_running(project)
        milestone = _milestone(project, milestone)
        if milestone.status not in MILESTONE_ASSESSABLE:
            raise StaleState(_("This milestone has no report waiting for assessment."))
        report = milestone.reports.order_by("-submitted_at").first()
        given = set(report.assessments.values_list("role", flat=True))
        panel = panel_for(milestone)
        if perms.is_issuer_staff(by, project.challenge) and "issuer" not in given:
            role = MilestoneAssessment.Role.ISSUER
        elif perms.is_bureau_officer(by) and "bureau" not in given:
            if panel is None and "issuer" not in given:
                raise ActionRefused(_("The issuing enterprise gives its opinion first."))
            _require_panel_verdict(panel, "met" if met else "not_met")
            role = MilestoneAssessment.Role.BUREAU
        else:
            raise ActionRefused(_("You cannot assess this milestone (or already did)."))
        if milestone.status == MilestoneStatus.REPORT_SUBMITTED:
            milestone.start_assessment()
        MilestoneAssessment.objects.create(
            report=report,
            role=role,
            met=met,
            comment=comment,
            assessed_by=by,
            assessed_at=timezone.now(),
        )
        if role == MilestoneAssessment.Role.BUREAU:
            today = timezone.localdate()
            if met:
                milestone.meet(on=today)
                for tranche in Tranche.objects.select_for_update().filter(
                    project=project, milestone_no=milestone.number, status=TrancheStatus.PENDING
                ):
                    tranche.fall_due(on=today)
                    tranche.save()
                    tranche_settle(tranche)  # enterprise funds paid ahead may cover it
            else:
                milestone.miss()
        milestone.save()
        audit_record(
            actor=by,
            action=f"milestone.assess.{role}",
            obj=milestone,
            to_state=milestone.status,
            payload={"met": met, "comment": comment},
        )
        if role == MilestoneAssessment.Role.BUREAU:
            _tell(
                project,
                "project.milestone_met" if met else "project.milestone_not_met",
                number=milestone.number,
                comment=comment,
            )
    return milestone


def milestone_rectify(*, milestone, by, new_due_on, comment):
    """After "not met" the bureau sets a new date for a rectified report."""
    with transaction.atomic():
        project = _lock(milestone.project)
        if not perms.is_bureau_officer(by):
            raise ActionRefused(_("Only the bureau decides a rectification."))
        _require_running(project)
        milestone = _milestone(project, milestone)
        if milestone.status != MilestoneStatus.NOT_MET:
            raise StaleState(_("Only a milestone assessed as not met goes to rectification."))
        if new_due_on <= timezone.localdate():
            raise ActionRefused(_("The new date must be in the future."))
        if project.ends_on and new_due_on > project.ends_on:
            raise ActionRefused(_("The new date must fall within the project period."))
        milestone.rectify(new_due_on=new_due_on)
        milestone.save()
        audit_record(
            actor=by,
            action="milestone.rectify",
            obj=milestone,
            to_state=milestone.status,
            payload={"due_on": new_due_on.isoformat(), "comment": comment},
        )
        _tell(
            project, "project.rectification", number=milestone.number, date=new_due_on.isoformat()
        )
    return milestone


# --- Payments -----------------------------------------------------------------------------


# Payments are recorded by whoever pays them: payment_services.py.


# --- Changes ------------------------------------------------------------------------------


# 备案 and approval kinds, the 补充协议's signatures: bounty/projects/change_services.py
# (re-exported here for the callers of ``services.change_request`` / ``change_decide``).
from bounty.projects.change_services import (  # noqa: E402, F401, I001
    change_acknowledge,
    change_decide,
    change_request,
)


# --- Mid-term review, acceptance and termination ------------------------------------------


def midterm_record(*, project, by, passed, comment):
    """The bureau records the mid-term review's conclusion — at most once per project. A
    failed review is a ground the bureau may then use to terminate."""
    if not comment.strip():
        raise ActionRefused(_("Give the conclusion of the mid-term review."))
    with transaction.atomic():
        project = _lock(project)
        if not perms.is_bureau_officer(by):
            raise ActionRefused(_("Only the bureau records the mid-term review."))
        _require_running(project)
        if MidtermReview.objects.filter(project=project).exists():
            raise ActionRefused(_("This project has had its mid-term review; there is only one."))
        review = MidtermReview.objects.create(
            project=project,
            passed=passed,
            comment=comment,
            reviewed_by=by,
            reviewed_at=timezone.now(),
        )
        audit_record(
            actor=by,
            action="project.midterm",
            obj=project,
            payload={"passed": passed, "comment": comment},
        )
        _tell(project, "project.midterm", result=str(_("passed") if passed else _("not passed")))
    return review


def _require_panel_verdict(panel, verdict):
    """When an expert panel assesses, the bureau records the panel's verdict: every
    panel member has given an opinion, and the decision is the (or a tied) majority."""
    if panel is None:
        return
    if not panel.complete:
        raise ActionRefused(
            _("The expert panel has not finished: %(pending)s opinion(s) outstanding.")
            % {"pending": panel.pending}
        )
    if verdict not in panel.leading:
        raise ActionRefused(_("The decision must follow the panel's majority opinion."))


ACCEPTANCE_RESULTS = (ProjectStatus.PASSED, ProjectStatus.CLOSED_WITHOUT_PASS, ProjectStatus.FAILED)
