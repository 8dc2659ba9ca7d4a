"""The exits of an award (DOMAIN §5–6 "added"): the issuer's request to declare no award
(流榜) with written reasons, and the log of deadline reminders (proposal, signing), which
makes a repeated scheduled run send nothing twice."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from bounty.models import Challenge, Project


class AwardDecline(FSMModelMixin, models.Model):
    """The issuer declines to award even though bids passed the mark; the bureau confirms
    (流榜) or returns the request with a comment (the review goes on)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting the bureau")
        CONFIRMED = "confirmed", _("Confirmed: no award")
        RETURNED = "returned", _("Returned to the issuer")

    challenge = models.ForeignKey(
        Challenge, on_delete=models.PROTECT, related_name="award_declines"
    )
    reasons = models.TextField(_("reasons"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(auto_now_add=True)
    status = FSMField(_("status"), default=Status.PENDING, choices=Status.choices, protected=True)
    comment = models.TextField(_("bureau's comment"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("request to declare no award")
        verbose_name_plural = _("requests to declare no award")
        ordering = ["challenge", "-filed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["challenge"],
                condition=Q(status="pending"),
                name="one_pending_award_decline",
            )
        ]

    def __str__(self):
        return f"{self.challenge} / {self.status}"

    @transition(field=status, source=Status.PENDING, target=Status.CONFIRMED)
    def confirm(self, *, by, at, comment=""):
        self.decided_by, self.decided_at, self.comment = by, at, comment

    @transition(field=status, source=Status.PENDING, target=Status.RETURNED)
    def return_to_issuer(self, *, by, at, comment):
        self.decided_by, self.decided_at, self.comment = by, at, comment


class AwardReminder(models.Model):
    """One deadline reminder sent (unique: the scheduled run may repeat, the reminder not)."""

    class Kind(models.TextChoices):
        PROPOSAL_BEFORE = "proposal_before", _("Proposal due soon")
        PROPOSAL_DUE = "proposal_due", _("Proposal deadline reached")
        SIGNING_BEFORE = "signing_before", _("Signing due soon")
        SIGNING_EXPIRED = "signing_expired", _("Signing deadline passed")

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The deadline the reminder is about: a new deadline (a new round) reminds again.
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "kind", "due_at"],
                condition=Q(project__isnull=True),
                name="one_award_reminder",
            ),
            models.UniqueConstraint(
                fields=["project", "kind", "due_at"],
                condition=Q(project__isnull=False),
                name="one_signing_reminder",
            ),
        ]

    def __str__(self):
        return f"{self.challenge} {self.kind}"
