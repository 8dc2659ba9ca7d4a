"""Changes of a running project (变更; DOMAIN §7 "added", seed l.85).

Two families:

* **备案 (filing) kinds** — technical route, a schedule shift of milestones inside the
  period, team members other than the PI. The team files them; they take effect when
  recorded (``recorded``) and the bureau acknowledges them (``acknowledged``) without
  approving anything.
* **Approval kinds** — PI, lead unit, indicators, extension. The bureau approves
  (``approved``: the project's data changes and a 补充协议 is generated for the three
  parties to sign, "awaiting signatures") or rejects them; once team, issuer and bureau
  have signed the supplement the change is ``in_force``.

Every request and decision is kept (the versions); ``before`` keeps the values a change
replaced, so the history of the route, the team, the PI, the lead unit and the indicators
is the project's list of changes. Use cases: ``bounty/projects/change_services.py``."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from .models import Project


class ChangeKind(models.TextChoices):
    ROUTE = "route", _("Technical route")
    SCHEDULE = "schedule", _("Schedule shift of milestones")
    TEAM = "team", _("Team members (other than the PI)")
    PI = "pi", _("Change of PI")
    LEAD = "lead", _("Change of lead unit")
    INDICATORS = "indicators", _("Change of indicators")
    EXTENSION = "extension", _("Extension")
    # Before issue 17: a free-text change that changed no data. Kept for old records only.
    OTHER = "other", _("Other change")


FILING_KINDS = (ChangeKind.ROUTE, ChangeKind.SCHEDULE, ChangeKind.TEAM)
APPROVAL_KINDS = (ChangeKind.PI, ChangeKind.LEAD, ChangeKind.INDICATORS, ChangeKind.EXTENSION)


class ChangeDecision(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved, awaiting signatures")
    IN_FORCE = "in_force", _("In force (supplement signed)")
    REJECTED = "rejected", _("Rejected")
    RECORDED = "recorded", _("Recorded (备案)")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged by the bureau")


class ChangeRequest(FSMModelMixin, models.Model):
    """One change of a running project: its kind, what it asks (``data``), what it replaced
    (``before``) and the bureau's decision or acknowledgement."""

    Kind = ChangeKind
    Decision = ChangeDecision

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("kind"), max_length=20, choices=ChangeKind.choices)
    months = models.PositiveSmallIntegerField(_("months"), default=0)
    description = models.TextField(_("what changes and why"))
    # What is asked, by kind: {"route"}, {"shifts": [{"milestone", "due_on"}]},
    # {"members": [{"name", "title", "employer", "role"}]}, {"pi"} (user id), {"lead"}
    # (organisation id), {"indicators": [{"indicator", "committed"}]}.
    data = models.JSONField(default=dict, blank=True)
    # The values the change replaced, set when it took effect.
    before = models.JSONField(default=dict, blank=True, editable=False)
    decision = FSMField(
        max_length=20,
        choices=ChangeDecision.choices,
        default=ChangeDecision.PENDING,
        protected=True,
    )
    decision_comment = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    in_force_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["project", "requested_at"]
        verbose_name = _("change")
        verbose_name_plural = _("changes")

    def __str__(self):
        return f"{self.project} {self.kind} {self.decision}"

    @property
    def is_filing(self):
        return self.kind in FILING_KINDS

    @property
    def awaiting_signatures(self):
        return self.decision == ChangeDecision.APPROVED

    @transition(field=decision, source=ChangeDecision.PENDING, target=ChangeDecision.RECORDED)
    def record(self):
        """A 备案 kind: in effect as filed."""

    @transition(field=decision, source=ChangeDecision.RECORDED, target=ChangeDecision.ACKNOWLEDGED)
    def acknowledge(self, *, by, at, comment):
        self.decided_by, self.decided_at, self.decision_comment = by, at, comment

    @transition(field=decision, source=ChangeDecision.PENDING, target=ChangeDecision.APPROVED)
    def approve(self, *, by, at, comment):
        self.decided_by, self.decided_at, self.decision_comment = by, at, comment

    @transition(field=decision, source=ChangeDecision.PENDING, target=ChangeDecision.REJECTED)
    def reject(self, *, by, at, comment):
        self.decided_by, self.decided_at, self.decision_comment = by, at, comment

    @transition(field=decision, source=ChangeDecision.APPROVED, target=ChangeDecision.IN_FORCE)
    def take_effect(self, *, at):
        """The three parties signed the 补充协议."""
        self.in_force_at = at


def committed_values(project, responses=None) -> dict:
    """Indicator id → the committed value now (a string): the bid's response, or the value
    an approved indicator change put in. ``responses``: the bid's, when already loaded."""
    from bounty.challenges.models import plain_decimal

    values = {
        r.indicator_id: plain_decimal(r.committed_value)
        for r in (project.bid.responses.all() if responses is None else responses)
        if r.committed_value is not None
    }
    values.update({int(k): v for k, v in (project.committed or {}).items()})
    return values
