"""Due process for adverse decisions (DOMAIN §7 "added"; 国科发监〔2019〕323号): an
intended decision with reasons and evidence → the party answers in writing (陈述申辩) within
a window of working days → a decision that answers the response → a review request (复查/复核)
within a window, decided by another officer. Only a final decision has effects; what an
effect does is registered per kind (``bounty/dueprocess/effects.py``).

Deadlines are stored moments (``common.dates.window_end``) compared with the database
clock: they hold whether or not the daily job ran."""

import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, FSMModelMixin, transition

from accounts.models import Organization


class CaseKind(models.TextChoices):
    MISCONDUCT = "misconduct", _("Termination for misconduct, with a credit record")
    INELIGIBLE = "ineligible", _("Bid found ineligible in the formal check")
    EXPERT_REMOVAL = "expert_removal", _("Removal of an expert from the pool")


class CaseStatus(models.TextChoices):
    INTENDED = "intended", _("Intended decision: awaiting the party's response")
    DECIDED = "decided", _("Decided: review may be requested")
    REVIEW_REQUESTED = "review_requested", _("Review requested")
    FINAL = "final", _("Final: in effect")
    DROPPED = "dropped", _("Dropped: no effect")


OPEN_CASE_STATUSES = (CaseStatus.INTENDED, CaseStatus.DECIDED, CaseStatus.REVIEW_REQUESTED)


class DueProcessCase(FSMModelMixin, models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=CaseKind.choices)
    status = FSMField(
        _("status"), default=CaseStatus.INTENDED, choices=CaseStatus.choices, protected=True
    )
    # What the decision is about: a project, a bid, an expert profile.
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    subject_label = models.CharField(_("concerning"), max_length=300)
    # Who is heard: the members of an organisation (a bid's or project's lead unit) with the
    # bidder role, or one person (an expert).
    party_org = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    party_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # What the effect needs besides the subject (e.g. whom a credit record bars).
    payload = models.JSONField(default=dict, blank=True)

    reasons = models.TextField(_("reasons and evidence of the intended decision"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField()
    response_due_at = models.DateTimeField(_("response due"))

    response = models.TextField(_("statement and defence (陈述申辩)"), blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    decision = models.TextField(_("decision"), blank=True)
    answer = models.TextField(_("answer to the response"), blank=True)
    upheld = models.BooleanField(null=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    review_due_at = models.DateTimeField(_("review request due"), null=True, blank=True)

    review_request = models.TextField(_("review request (复查/复核)"), blank=True)
    review_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    review_requested_at = models.DateTimeField(null=True, blank=True)

    review_decision = models.TextField(_("review decision"), blank=True)
    confirmed = models.BooleanField(null=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    effective_at = models.DateTimeField(_("in effect since"), null=True, blank=True)

    class Meta:
        verbose_name = _("due-process case")
        verbose_name_plural = _("due-process cases")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            # One open case per kind and subject: two intended decisions cannot race.
            models.UniqueConstraint(
                fields=["kind", "subject_type", "subject_id"],
                condition=Q(status__in=["intended", "decided", "review_requested"]),
                name="one_open_case_per_subject",
            )
        ]
        indexes = [models.Index(fields=["status", "review_due_at"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.subject_label}"

    def get_absolute_url(self):
        return reverse("bounty:case", args=[self.pk])

    @property
    def is_open(self):
        return self.status in OPEN_CASE_STATUSES

    @transition(
        field=status,
        source=CaseStatus.INTENDED,
        target=RETURN_VALUE(CaseStatus.DECIDED, CaseStatus.DROPPED),
    )
    def decide(self, *, upheld, decision, answer, by, at, review_due_at):
        self.upheld, self.decision, self.answer = upheld, decision, answer
        self.decided_by, self.decided_at = by, at
        if not upheld:
            return CaseStatus.DROPPED
        self.review_due_at = review_due_at
        return CaseStatus.DECIDED

    @transition(field=status, source=CaseStatus.DECIDED, target=CaseStatus.REVIEW_REQUESTED)
    def request_review(self, *, text, by, at):
        self.review_request, self.review_requested_by, self.review_requested_at = text, by, at

    @transition(field=status, source=CaseStatus.DECIDED, target=CaseStatus.FINAL)
    def finalize(self, *, at):
        """The review window closed with no request: the decision takes effect."""
        self.effective_at = at

    @transition(
        field=status,
        source=CaseStatus.REVIEW_REQUESTED,
        target=RETURN_VALUE(CaseStatus.FINAL, CaseStatus.DROPPED),
    )
    def review(self, *, confirmed, text, by, at):
        self.confirmed, self.review_decision = confirmed, text
        self.reviewed_by, self.reviewed_at = by, at
        if confirmed:
            self.effective_at = at
            return CaseStatus.FINAL
        return CaseStatus.DROPPED


def case_file_upload_to(instance, filename):
    return f"cases/{instance.case_id}/{secrets.token_hex(16)}"


class CaseFile(models.Model):
    """Evidence, a response's attachments, a review request's attachments."""

    class Stage(models.TextChoices):
        EVIDENCE = "evidence", _("Evidence")
        RESPONSE = "response", _("Response")
        REVIEW = "review", _("Review request")

    case = models.ForeignKey(DueProcessCase, on_delete=models.CASCADE, related_name="files")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    file = models.FileField(upload_to=case_file_upload_to)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "pk"]

    def __str__(self):
        return self.original_name
