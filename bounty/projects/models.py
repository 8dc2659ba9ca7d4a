"""The project a winning bid becomes (DOMAIN §6–7). Created at the award; activated when
the tri-party contract is signed (documents app); then milestones, payments, changes,
acceptance or termination (bounty/projects/services.py, closing.py)."""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, FSMModelMixin, transition

from bounty.bids.models import Bid
from bounty.challenges.models import Challenge


class ProjectStatus(models.TextChoices):
    AWAITING_CONTRACT = "awaiting_contract", _("Awaiting the contract")
    ACTIVE = "active", _("Active")
    CHANGE_REQUESTED = "change_requested", _("Change requested")
    ACCEPTANCE_APPLIED = "acceptance_applied", _("Acceptance applied for")
    UNDER_ACCEPTANCE = "under_acceptance", _("Under acceptance")
    # The recorded result is in public notice, open to objections (bounty/projects/acceptance.py).
    ACCEPTANCE_NOTICE = "acceptance_notice", _("Acceptance result in public notice")
    PASSED = "passed", _("Passed")
    CLOSED_WITHOUT_PASS = "closed_without_pass", _("Closed without full pass")
    FAILED = "failed", _("Failed")
    TERMINATED = "terminated", _("Terminated")


class TerminationOutcome(models.TextChoices):
    DILIGENT_FAILURE = "diligent_failure", _("Diligent failure (no liability)")
    MISCONDUCT = "misconduct", _("Misconduct")
    # 赛马制: a periodic assessment stops one of the parallel projects; no liability.
    ELIMINATED = "eliminated", _("Eliminated in a horse-race assessment")
    # The team let the signing deadline pass (review/award/exits.py); no contract ever ran.
    NOT_SIGNED = "not_signed", _("Contract not signed in time")


class SanctionScope(models.TextChoices):
    """Whom a misconduct credit record bars (DOMAIN §7: organisation and/or PI)."""

    BOTH = "both", _("The lead unit and the PI")
    ORGANISATION = "organisation", _("The lead unit only")
    PI = "pi", _("The PI only")


ENDED_PROJECT_STATUSES = (
    ProjectStatus.PASSED,
    ProjectStatus.CLOSED_WITHOUT_PASS,
    ProjectStatus.FAILED,
    ProjectStatus.TERMINATED,
)
RUNNING = (
    ProjectStatus.ACTIVE,
    ProjectStatus.CHANGE_REQUESTED,
    ProjectStatus.ACCEPTANCE_APPLIED,
    ProjectStatus.UNDER_ACCEPTANCE,
    ProjectStatus.ACCEPTANCE_NOTICE,
)


class Project(FSMModelMixin, models.Model):
    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="projects")
    bid = models.OneToOneField(Bid, on_delete=models.PROTECT, related_name="project")
    status = FSMField(
        _("status"),
        default=ProjectStatus.AWAITING_CONTRACT,
        choices=ProjectStatus.choices,
        protected=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    contract_signed_at = models.DateTimeField(null=True, blank=True, editable=False)
    started_on = models.DateField(_("start date"), null=True, blank=True, editable=False)
    ends_on = models.DateField(_("planned end"), null=True, blank=True, editable=False)
    extended_months = models.PositiveSmallIntegerField(default=0, editable=False)
    outcome = models.CharField(
        _("termination outcome"), max_length=20, choices=TerminationOutcome.choices, blank=True
    )
    outcome_reason = models.TextField(_("reasons"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Changes (bounty/projects/changes.py) keep the project's current data here; empty means
    # "as in the winning bid". Their history is the project's ChangeRequest rows.
    lead = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("current lead unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    pi = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("current PI"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    technical_route = models.TextField(_("technical route"), blank=True, editable=False)
    # [{"name", "title", "employer", "role"}]: the team after a 备案 team change.
    team_members = models.JSONField(default=list, blank=True, editable=False)
    # {"<indicator id>": "<value>"}: committed values after an approved indicator change.
    committed = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.challenge.ocid} / {self.bid.reference}"

    def get_absolute_url(self):
        return reverse("bounty:project", args=[self.pk])

    @transition(field=status, source=ProjectStatus.AWAITING_CONTRACT, target=ProjectStatus.ACTIVE)
    def activate(self, *, signed_at, started_on, ends_on):
        """All three parties have signed the contract."""
        self.contract_signed_at = signed_at
        self.started_on = started_on
        self.ends_on = ends_on

    @property
    def lead_unit(self):
        """The lead unit now: the winning bid's, or the one an approved change put in."""
        return self.lead if self.lead_id else self.bid.lead

    @property
    def current_pi(self):
        return self.pi if self.pi_id else self.bid.pi

    @property
    def is_running(self):
        return self.status in RUNNING

    @transition(field=status, source=ProjectStatus.ACTIVE, target=ProjectStatus.CHANGE_REQUESTED)
    def request_change(self):
        pass

    @transition(field=status, source=ProjectStatus.CHANGE_REQUESTED, target=ProjectStatus.ACTIVE)
    def close_change(self):
        """The bureau approved or rejected the change request."""

    @transition(field=status, source=ProjectStatus.ACTIVE, target=ProjectStatus.ACCEPTANCE_APPLIED)
    def apply_for_acceptance(self):
        pass

    @transition(
        field=status,
        source=ProjectStatus.ACCEPTANCE_APPLIED,
        target=ProjectStatus.UNDER_ACCEPTANCE,
    )
    def start_acceptance(self):
        pass

    @transition(
        field=status,
        source=ProjectStatus.UNDER_ACCEPTANCE,
        target=ProjectStatus.ACCEPTANCE_NOTICE,
    )
    def publish_acceptance_result(self):
        """The bureau recorded the panel's result: it is in public notice (AcceptanceNotice)."""

    @transition(
        field=status,
        source=ProjectStatus.ACCEPTANCE_NOTICE,
        target=ProjectStatus.UNDER_ACCEPTANCE,
    )
    def set_aside_acceptance_result(self):
        """An objection to the result was upheld: the acceptance is taken up again."""

    @transition(
        field=status,
        source=ProjectStatus.ACCEPTANCE_NOTICE,
        target=RETURN_VALUE(
            ProjectStatus.PASSED, ProjectStatus.CLOSED_WITHOUT_PASS, ProjectStatus.FAILED
        ),
    )
    def conclude(self, *, result, at):
        """验收: passed (通过), closed without full pass (结题) or failed (不通过) — final once
        the public notice closed with no open objection."""
        self.closed_at = at
        return result

    @transition(field=status, source=list(RUNNING), target=ProjectStatus.TERMINATED)
    def terminate(self, *, outcome, reason, at):
        self.outcome = outcome
        self.outcome_reason = reason
        self.closed_at = at

    @transition(
        field=status, source=ProjectStatus.AWAITING_CONTRACT, target=ProjectStatus.TERMINATED
    )
    def lapse(self, *, reason, at):
        """The winner did not sign the contract by the deadline."""
        self.outcome = TerminationOutcome.NOT_SIGNED
        self.outcome_reason = reason
        self.closed_at = at


class TrancheStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ELIGIBLE = "eligible", _("Due")
    DISBURSED = "disbursed", _("Disbursed")
    WITHHELD = "withheld", _("Withheld")
    RECOVERED = "recovered", _("Recovered")
    # 赛马制: an eliminated team's unpaid tranches (bounty/projects/horse_race.py).
    CANCELLED = "cancelled", _("Cancelled")


class Tranche(FSMModelMixin, models.Model):
    """One payment of a project, copied from the signed contract's schedule. Number 0 is the
    first payment (首付款), due on signing; the others follow milestones (eligible after the
    milestone's assessment, disbursed or recovered by the project services)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tranches")
    number = models.PositiveSmallIntegerField()
    label = models.CharField(_("tranche"), max_length=60)
    condition = models.CharField(_("condition"), max_length=200)
    milestone_no = models.PositiveSmallIntegerField(null=True, blank=True)
    amount = models.DecimalField(_("amount (10k yuan)"), max_digits=14, decimal_places=4)
    enterprise_part = models.DecimalField(max_digits=14, decimal_places=4)
    government_part = models.DecimalField(max_digits=14, decimal_places=4)
    planned_on = models.DateField(_("planned date"), null=True, blank=True)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    status = FSMField(
        _("status"), default=TrancheStatus.PENDING, choices=TrancheStatus.choices, protected=True
    )
    # 赛马制: added by a supplementary agreement (补充协议) after an elimination.
    continuation = models.BooleanField(_("continuation funding"), default=False, editable=False)

    class Meta:
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="uniq_tranche_number")
        ]

    def __str__(self):
        return f"{self.project} #{self.number}"

    @transition(field=status, source=TrancheStatus.PENDING, target=TrancheStatus.ELIGIBLE)
    def fall_due(self, *, on):
        self.due_on = on

    @transition(field=status, source=TrancheStatus.ELIGIBLE, target=TrancheStatus.DISBURSED)
    def mark_disbursed(self):
        """Everything due on this tranche has been paid."""

    @transition(
        field=status,
        source=[TrancheStatus.PENDING, TrancheStatus.ELIGIBLE],
        target=TrancheStatus.WITHHELD,
    )
    def withhold(self):
        """The project ended before this tranche was paid."""

    @transition(
        field=status,
        source=[TrancheStatus.PENDING, TrancheStatus.ELIGIBLE],
        target=TrancheStatus.CANCELLED,
    )
    def cancel(self):
        """赛马制: the team was eliminated; what was not paid is not owed."""

    @transition(field=status, source=TrancheStatus.DISBURSED, target=TrancheStatus.RECOVERED)
    def recover(self):
        """Misconduct: what was paid is to be recovered."""


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DUE = "due", _("Reporting open")
    REPORT_SUBMITTED = "report_submitted", _("Report submitted")
    UNDER_ASSESSMENT = "under_assessment", _("Under assessment")
    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met")
    RECTIFICATION = "rectification", _("In rectification")


# Where a report may be submitted, and where a milestone counts as overdue once its date passed.
REPORTABLE = (MilestoneStatus.DUE, MilestoneStatus.RECTIFICATION)
OPEN_MILESTONE = (MilestoneStatus.PLANNED, *REPORTABLE)


class ProjectMilestone(FSMModelMixin, models.Model):
    """A milestone of a running project, copied from the signed contract (the bid's
    milestones with dates counted from the start). Reports are assessed by the issuer and
    the bureau; a met milestone makes its tranche payable."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(_("milestone"), max_length=200)
    deliverables = models.CharField(_("deliverables"), max_length=500)
    due_on = models.DateField(_("due date"))
    original_due_on = models.DateField(editable=False)
    status = FSMField(
        _("status"),
        default=MilestoneStatus.PLANNED,
        choices=MilestoneStatus.choices,
        protected=True,
    )
    met_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("project milestone")
        verbose_name_plural = _("project milestones")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="uniq_project_milestone")
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self):
        return f"{self.project} M{self.number}"

    @property
    def is_reportable(self):
        return self.status in REPORTABLE

    @transition(field=status, source=MilestoneStatus.PLANNED, target=MilestoneStatus.DUE)
    def open_reporting(self):
        """The reporting window opens (JIEBANG["MILESTONE_REPORT_WINDOW_DAYS"] before the date)."""

    @transition(field=status, source=list(REPORTABLE), target=MilestoneStatus.REPORT_SUBMITTED)
    def submit_report(self):
        pass

    @transition(
        field=status,
        source=MilestoneStatus.REPORT_SUBMITTED,
        target=MilestoneStatus.UNDER_ASSESSMENT,
    )
    def start_assessment(self):
        pass

    @transition(field=status, source=MilestoneStatus.UNDER_ASSESSMENT, target=MilestoneStatus.MET)
    def meet(self, *, on):
        self.met_on = on

    @transition(
        field=status, source=MilestoneStatus.UNDER_ASSESSMENT, target=MilestoneStatus.NOT_MET
    )
    def miss(self):
        pass

    @transition(field=status, source=MilestoneStatus.NOT_MET, target=MilestoneStatus.RECTIFICATION)
    def rectify(self, *, new_due_on):
        self.due_on = new_due_on


def report_attachment_upload_to(instance, filename):
    return f"projects/{instance.report.milestone.project_id}/{secrets.token_hex(16)}"


class MilestoneReport(models.Model):
    """What the team reports for a milestone: text, measured indicator values against the
    committed targets, attachments (the same upload rules as bids)."""

    milestone = models.ForeignKey(
        ProjectMilestone, on_delete=models.CASCADE, related_name="reports"
    )
    text = models.TextField(_("progress report"))
    # [{"indicator", "committed", "measured", "note"}]
    measurements = models.JSONField(default=list)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()

    class Meta:
        verbose_name = _("milestone report")
        verbose_name_plural = _("milestone reports")
        ordering = ["milestone", "-submitted_at"]

    def __str__(self):
        return f"{self.milestone} @ {self.submitted_at:%Y-%m-%d}"


class ReportAttachment(models.Model):
    report = models.ForeignKey(
        MilestoneReport, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=report_attachment_upload_to)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.original_name


class MilestoneAssessment(models.Model):
    """One assessor's opinion on a report: the issuer's, then the bureau's decision."""

    class Role(models.TextChoices):
        ISSUER = "issuer", _("Issuing enterprise")
        BUREAU = "bureau", _("Bureau")

    report = models.ForeignKey(
        MilestoneReport, on_delete=models.CASCADE, related_name="assessments"
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    met = models.BooleanField(_("met"))
    comment = models.TextField(_("comment"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField()

    class Meta:
        ordering = ["report", "assessed_at"]
        constraints = [
            models.UniqueConstraint(fields=["report", "role"], name="one_assessment_per_role")
        ]

    def __str__(self):
        return f"{self.report} / {self.role}"


# Payments of a tranche (``Disbursement``): bounty/projects/payments.py.


class MidtermReview(models.Model):
    """The mid-term review (中期评估): at most one per project."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="midterm")
    passed = models.BooleanField(_("passed"))
    comment = models.TextField(_("conclusion"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("mid-term review")
        verbose_name_plural = _("mid-term reviews")

    def __str__(self):
        return f"{self.project} mid-term"


# ChangeRequest (变更: 备案 and approval kinds) lives in bounty/projects/changes.py.


class ReminderLog(models.Model):
    """One reminder sent for one milestone on one day: the daily run may repeat, the
    reminder is not (unique constraint)."""

    class Kind(models.TextChoices):
        BEFORE = "before", _("Before the due date")
        OVERDUE = "overdue", _("Overdue")

    milestone = models.ForeignKey(ProjectMilestone, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    days = models.IntegerField()  # days before (positive) or after (negative) the due date
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["milestone", "sent_on"], name="one_reminder_a_day")
        ]

    def __str__(self):
        return f"{self.milestone} {self.kind} {self.sent_on}"
