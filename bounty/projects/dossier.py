"""The acceptance dossier (验收材料, DOMAIN §7 "added") and the public notice of the
acceptance result with its objections.

The team fills the dossier before it applies: the application form, one row per committed
indicator (committed value, achieved value, the test report), the technical summary, the
financial statement by budget subject (财政 / 自筹 spent) and, above a government share of
``JIEBANG["ACCEPTANCE_AUDIT_THRESHOLD"]`` 万元, the audit report. The issuer writes its
用户使用报告. The recorded result is then in public notice (``AcceptanceNotice``) and open to
real-name objections (``AcceptanceObjection``) until its window closes. Services:
``bounty/projects/acceptance.py`` and ``closing.py``."""

import secrets
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from bounty.bids.models import BudgetLine
from bounty.challenges.models import Comparator, Indicator
from bounty.projects.models import Project, ProjectStatus

RESULT_CHOICES = [
    (s.value, s.label)
    for s in (ProjectStatus.PASSED, ProjectStatus.CLOSED_WITHOUT_PASS, ProjectStatus.FAILED)
]


def dossier_upload_to(instance, filename):
    project_id = getattr(instance, "project_id", None) or instance.dossier.project_id
    return f"acceptance/{project_id}/{secrets.token_hex(16)}"


def objection_upload_to(instance, filename):
    return f"acceptance/{instance.notice.project_id}/objections/{secrets.token_hex(16)}"


def meets_commitment(indicator, committed, achieved) -> bool:
    """Whether an achieved value reaches the committed one, in the indicator's direction
    (the comparison of ``Indicator.admits``, against the team's commitment): ≥ at least the
    committed value, ≤ at most, = exactly, a range within the published range."""
    if achieved is None or committed is None:
        return False
    if indicator.comparator == Comparator.GTE:
        return achieved >= committed
    if indicator.comparator == Comparator.LTE:
        return achieved <= committed
    if indicator.comparator == Comparator.EQ:
        return achieved == committed
    return indicator.admits(achieved)


class AcceptanceDossier(models.Model):
    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="dossier")
    # The acceptance application form (验收申请表).
    work_done = models.TextField(_("work completed against the task"), blank=True)
    results = models.TextField(_("results, applications and benefits"), blank=True)
    open_issues = models.TextField(_("open issues"), blank=True)
    technical_summary = models.TextField(_("technical summary"), blank=True)
    # The audit report (专项审计报告), required above the threshold.
    audit_file = models.FileField(upload_to=dossier_upload_to, blank=True)
    audit_name = models.CharField(_("file name"), max_length=255, blank=True)
    audit_sha256 = models.CharField(max_length=64, blank=True)
    # The issuer's user report (用户使用报告): written by the issuing enterprise.
    user_report = models.TextField(_("user report (用户使用报告)"), blank=True)
    user_report_file = models.FileField(upload_to=dossier_upload_to, blank=True)
    user_report_name = models.CharField(_("file name"), max_length=255, blank=True)
    user_report_sha256 = models.CharField(max_length=64, blank=True)
    user_report_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    user_report_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("acceptance dossier")
        verbose_name_plural = _("acceptance dossiers")

    def __str__(self):
        return f"{self.project} dossier"

    @property
    def has_user_report(self) -> bool:
        return bool(self.user_report.strip())


class IndicatorResult(models.Model):
    """One row of the indicator-completion table: committed vs achieved, with the test
    report (检测报告) for this indicator."""

    dossier = models.ForeignKey(
        AcceptanceDossier, on_delete=models.CASCADE, related_name="indicator_results"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    committed_value = models.DecimalField(_("committed value"), max_digits=16, decimal_places=4)
    achieved_value = models.DecimalField(
        _("achieved value"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    note = models.CharField(_("how it was measured"), max_length=500, blank=True)
    report_file = models.FileField(upload_to=dossier_upload_to, blank=True)
    report_name = models.CharField(_("test report"), max_length=255, blank=True)
    report_size = models.PositiveBigIntegerField(default=0)
    report_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["indicator__position", "indicator__pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "indicator"], name="one_result_per_indicator"
            )
        ]

    def __str__(self):
        return f"{self.indicator.name}: {self.achieved_value}"

    @property
    def met(self) -> bool:
        return meets_commitment(self.indicator, self.committed_value, self.achieved_value)


class SpendingLine(models.Model):
    """One budget subject of the financial statement (决算表): what was spent from the
    government (财政) and self-raised (自筹) funds."""

    dossier = models.ForeignKey(
        AcceptanceDossier, on_delete=models.CASCADE, related_name="spending"
    )
    category = models.CharField(_("subject"), max_length=20, choices=BudgetLine.Category.choices)
    government_spent = models.DecimalField(
        _("government funds spent (10k yuan)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
    )
    self_raised_spent = models.DecimalField(
        _("self-raised funds spent (10k yuan)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dossier", "category"], name="one_spending_per_subject")
        ]

    def __str__(self):
        return f"{self.dossier} {self.category}"

    @property
    def total(self):
        return self.government_spent + self.self_raised_spent


class NoticeStatus(models.TextChoices):
    IN_NOTICE = "in_notice", _("In public notice")
    FINAL = "final", _("Final")
    SET_ASIDE = "set_aside", _("Set aside after an objection")


class AcceptanceNotice(FSMModelMixin, models.Model):
    """A recorded acceptance result in public notice (公示). The project waits in
    ``acceptance_notice``; the result becomes final once ``ends_at`` (working days, stored)
    has passed with no open objection; an upheld objection sets it aside."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="acceptance_notices"
    )
    result = models.CharField(_("acceptance result"), max_length=20, choices=RESULT_CHOICES)
    conclusion = models.TextField(_("panel's conclusion"))
    opened_at = models.DateTimeField()
    ends_at = models.DateTimeField(_("objections until"))
    status = FSMField(
        max_length=10,
        choices=NoticeStatus.choices,
        default=NoticeStatus.IN_NOTICE,
        protected=True,
        db_index=True,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("acceptance notice")
        verbose_name_plural = _("acceptance notices")
        ordering = ["-opened_at", "-pk"]
        indexes = [models.Index(fields=["status", "ends_at"])]

    def __str__(self):
        return f"{self.project} {self.result} ({self.status})"

    @property
    def last_day(self):
        """The last day objections may be filed (``ends_at`` is midnight after it)."""
        return timezone.localtime(self.ends_at - timedelta(seconds=1)).date()

    @transition(field=status, source=NoticeStatus.IN_NOTICE, target=NoticeStatus.FINAL)
    def make_final(self, *, at):
        self.closed_at = at

    @transition(field=status, source=NoticeStatus.IN_NOTICE, target=NoticeStatus.SET_ASIDE)
    def set_aside(self, *, at):
        self.closed_at = at


class AcceptanceObjection(FSMModelMixin, models.Model):
    """A real-name written objection with evidence against a result in notice. The
    objector's identity is shown to the bureau only, never to the project's parties."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        UPHELD = "upheld", _("Upheld")
        DISMISSED = "dismissed", _("Dismissed")

    notice = models.ForeignKey(
        AcceptanceNotice, on_delete=models.PROTECT, related_name="objections"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("objection"))
    evidence = models.FileField(_("evidence"), upload_to=objection_upload_to)
    evidence_name = models.CharField(max_length=255)
    evidence_sha256 = models.CharField(max_length=64)
    status = FSMField(
        max_length=10, choices=Status.choices, default=Status.OPEN, protected=True, db_index=True
    )
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("objection to an acceptance result")
        verbose_name_plural = _("objections to acceptance results")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.notice} objection {self.pk}"

    @transition(field=status, source=Status.OPEN, target=Status.UPHELD)
    def uphold(self, *, by, at, reason):
        self.decided_by, self.decided_at, self.decision_reason = by, at, reason

    @transition(field=status, source=Status.OPEN, target=Status.DISMISSED)
    def dismiss(self, *, by, at, reason):
        self.decided_by, self.decided_at, self.decision_reason = by, at, reason
