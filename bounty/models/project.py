"""The project a winning bid becomes (DOMAIN §6–7). Created at the award; activated when
the tri-party contract is signed (documents app); execution comes with issue 8."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from .bid import Bid
from .challenge import Challenge


class ProjectStatus(models.TextChoices):
    AWAITING_CONTRACT = "awaiting_contract", _("Awaiting the contract")
    ACTIVE = "active", _("Active")
    CHANGE_REQUESTED = "change_requested", _("Change requested")
    ACCEPTANCE_APPLIED = "acceptance_applied", _("Acceptance applied for")
    UNDER_ACCEPTANCE = "under_acceptance", _("Under acceptance")
    PASSED = "passed", _("Passed")
    CLOSED_WITHOUT_PASS = "closed_without_pass", _("Closed without full pass")
    FAILED = "failed", _("Failed")
    TERMINATED = "terminated", _("Terminated")


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

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.challenge.ocid} / {self.bid.reference}"

    @transition(field=status, source=ProjectStatus.AWAITING_CONTRACT, target=ProjectStatus.ACTIVE)
    def activate(self, *, signed_at, started_on):
        """All three parties have signed the contract."""
        self.contract_signed_at = signed_at
        self.started_on = started_on


class TrancheStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ELIGIBLE = "eligible", _("Due")
    DISBURSED = "disbursed", _("Disbursed")
    WITHHELD = "withheld", _("Withheld")
    RECOVERED = "recovered", _("Recovered")


class Tranche(FSMModelMixin, models.Model):
    """One payment of a project, copied from the signed contract's schedule. Number 0 is the
    first payment (首付款), due on signing; the others follow milestones (issue 8 wires
    eligibility after assessment, disbursement and recovery)."""

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
