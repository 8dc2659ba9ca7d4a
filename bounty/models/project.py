"""The project a winning bid becomes (DOMAIN §6–7). Created at the award; the contract
and execution issues wire its transitions."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin

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

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.challenge.ocid} / {self.bid.reference}"
