"""Bids (揭榜申报). Sealed until the deadline: see bounty/permissions.py."""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, FSMModelMixin, transition

from accounts.models import Organization
from bounty.challenges.models import Challenge, Indicator


class BidStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ELIGIBLE = "eligible", _("Eligible")
    INELIGIBLE = "ineligible", _("Ineligible")
    # Moved by review/award/services.py (review start, proposal, award).
    IN_REVIEW = "in_review", _("In expert review")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    PROPOSED_WINNER = "proposed_winner", _("Proposed winner")
    WINNER = "winner", _("Winner")
    NOT_SELECTED = "not_selected", _("Not selected")
    DISQUALIFIED = "disqualified", _("Disqualified")
    # The winner let the contract's signing deadline pass (review/award/exits.py).
    DEFAULTED = "defaulted", _("Did not sign the contract")


# A bid that still counts towards the one-per-lead-unit and per-person limits.
ACTIVE_BID_STATUSES = (
    BidStatus.DRAFT,
    BidStatus.SUBMITTED,
    BidStatus.ELIGIBLE,
    BidStatus.IN_REVIEW,
    BidStatus.SHORTLISTED,
    BidStatus.PROPOSED_WINNER,
    BidStatus.WINNER,
)
# Statuses that count for the PI / organisation limits (drafts do not: anyone may draft).
COMMITTED_BID_STATUSES = tuple(s for s in ACTIVE_BID_STATUSES if s != BidStatus.DRAFT)


def _before_deadline(bid):
    return not bid.challenge.deadline_passed


def _after_deadline(bid):
    return bid.challenge.deadline_passed


class Bid(FSMModelMixin, models.Model):
    challenge = models.ForeignKey(
        Challenge, on_delete=models.PROTECT, related_name="bids", verbose_name=_("challenge")
    )
    lead = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="led_bids", verbose_name=_("lead unit")
    )
    reference = models.CharField(_("reference"), max_length=40, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    pi = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="bids_as_pi",
        null=True,
        blank=True,
        verbose_name=_("principal investigator"),
        help_text=_("The PI / chief scientist must have an account on the platform."),
    )
    pi_title = models.CharField(_("PI's title"), max_length=60, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    technical_approach = models.TextField(_("technical approach and route"), blank=True)
    risk_plan = models.TextField(_("risks and how they are handled"), blank=True)
    expected_results = models.TextField(_("expected results and IP"), blank=True)
    lump_sum = models.BooleanField(
        _("lump-sum funding (包干制)"),
        default=False,
        help_text=_(
            "One amount instead of budget lines; the PI commits to use it for the project."
        ),
    )
    lump_sum_amount = models.DecimalField(
        _("lump sum (10k yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    pi_commitment = models.BooleanField(_("the PI commits to the lump-sum terms"), default=False)
    status = FSMField(
        _("status"), default=BidStatus.DRAFT, choices=BidStatus.choices, protected=True
    )
    status_note = models.TextField(_("note"), blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("bid")
        verbose_name_plural = _("bids")
        ordering = ["-created_at"]
        constraints = [
            # One active bid per lead unit per challenge [default], enforced by the database.
            models.UniqueConstraint(
                fields=["challenge", "lead"],
                condition=~Q(status__in=["withdrawn", "ineligible", "disqualified"]),
                name="one_active_bid_per_lead_unit",
            )
        ]
        indexes = [
            models.Index(fields=["challenge", "status"]),
            # Covers the bid list's count and page of ids as index-only scans.
            models.Index(
                fields=["challenge", "submitted_at"],
                include=["status", "id"],
                name="bid_challenge_submitted",
            ),
            # The dashboard's bids per challenge: the smallest index that can count them.
            models.Index(
                fields=["challenge"],
                name="bid_submitted_per_challenge",
                condition=models.Q(submitted_at__isnull=False),
            ),
        ]

    def __str__(self):
        return self.reference

    def save(self, *args, **kwargs):
        if not self.reference:
            self.reference = f"B-{timezone.localdate():%Y%m%d}-{secrets.token_hex(4).upper()}"
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("bounty:bid_detail", args=[self.reference])

    @property
    def total_budget(self):
        if self.lump_sum:
            return self.lump_sum_amount or Decimal("0")
        return sum((line.amount for line in self.budget_lines.all()), Decimal("0"))

    # --- State machine -------------------------------------------------------
    @transition(
        field=status,
        source=BidStatus.DRAFT,
        target=BidStatus.SUBMITTED,
        conditions=[_before_deadline],
    )
    def submit(self, *, at):
        self.submitted_at = at
        self.status_note = ""

    @transition(
        field=status,
        source=BidStatus.SUBMITTED,
        target=BidStatus.DRAFT,
        conditions=[_before_deadline],
    )
    def reopen(self, *, note=""):
        self.status_note = note

    @transition(
        field=status,
        source=[BidStatus.DRAFT, BidStatus.SUBMITTED],
        target=BidStatus.WITHDRAWN,
        conditions=[_before_deadline],
    )
    def withdraw(self):
        pass

    @transition(
        field=status,
        source=BidStatus.SUBMITTED,
        target=BidStatus.ELIGIBLE,
        conditions=[_after_deadline],
    )
    def mark_eligible(self):
        pass

    @transition(
        field=status,
        source=BidStatus.SUBMITTED,
        target=BidStatus.INELIGIBLE,
        conditions=[_after_deadline],
    )
    def mark_ineligible(self):
        pass

    # --- Review and award (called by review/award/services.py) ------------------------------
    @transition(field=status, source=BidStatus.ELIGIBLE, target=BidStatus.IN_REVIEW)
    def start_review(self):
        pass

    @transition(field=status, source=BidStatus.IN_REVIEW, target=BidStatus.PROPOSED_WINNER)
    def propose(self):
        pass

    @transition(field=status, source=BidStatus.PROPOSED_WINNER, target=BidStatus.IN_REVIEW)
    def unpropose(self):
        pass

    @transition(field=status, source=BidStatus.PROPOSED_WINNER, target=BidStatus.WINNER)
    def win(self):
        pass

    @transition(field=status, source=BidStatus.IN_REVIEW, target=BidStatus.NOT_SELECTED)
    def lose(self):
        pass

    @transition(field=status, source=BidStatus.WINNER, target=BidStatus.DEFAULTED)
    def default_on_signing(self, *, note):
        """The team did not sign the contract in time (review/award/exits.py)."""
        self.status_note = note

    @transition(field=status, source=BidStatus.NOT_SELECTED, target=BidStatus.PROPOSED_WINNER)
    def substitute(self):
        """递补: the next passing bid replaces a winner that did not sign."""

    @transition(field=status, source=BidStatus.NOT_SELECTED, target=BidStatus.IN_REVIEW)
    def reconsider(self):
        """An objection against a 递补 notice was upheld: the bids passed over at the award
        go back to review, and the issuer proposes again from the ranking."""

    @transition(
        field=status,
        source=[BidStatus.IN_REVIEW, BidStatus.PROPOSED_WINNER],
        target=BidStatus.DISQUALIFIED,
    )
    def disqualify(self, *, note):
        self.status_note = note


class ConsortiumMember(models.Model):
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="consortium")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("organisation"), max_length=200)
    credit_code = models.CharField(_("credit code"), max_length=18)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    work_share = models.DecimalField(
        _("share of work (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("99.99"))],
    )
    responsibilities = models.CharField(_("responsibilities"), max_length=300, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("consortium member")
        verbose_name_plural = _("consortium members")

    def __str__(self):
        return self.name


class TeamMember(models.Model):
    class Role(models.TextChoices):
        PI = "pi", _("Principal investigator")
        CORE = "core", _("Core member")
        MEMBER = "member", _("Member")

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="team")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(
        pgettext_lazy("academic or job title", "title"), max_length=60, blank=True
    )
    employer = models.CharField(_("employer"), max_length=200)
    employer_code = models.CharField(_("employer's credit code"), max_length=18, blank=True)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")

    def __str__(self):
        return self.name


class IndicatorResponse(models.Model):
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="responses")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    committed_value = models.DecimalField(_("committed target"), max_digits=16, decimal_places=4)
    note = models.CharField(_("how the team will reach it"), max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bid", "indicator"], name="one_response_per_indicator")
        ]

    def __str__(self):
        return f"{self.indicator.name}: {self.committed_value}"


class Milestone(models.Model):
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("milestone"), max_length=200)
    due_month = models.PositiveSmallIntegerField(
        _("due (months after signing)"), validators=[MinValueValidator(1), MaxValueValidator(72)]
    )
    deliverables = models.CharField(_("deliverables"), max_length=500)
    tranche_share = models.DecimalField(
        _("funding released (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title


class BudgetLine(models.Model):
    """One line of the bid's budget in the 2021 subjects (国办发〔2021〕32号): three direct
    subjects and the indirect costs, each split into 财政 (government) and 自筹 (self-raised,
    the enterprise part) columns; ``amount`` is always their sum."""

    class Category(models.TextChoices):
        EQUIPMENT = "equipment", _("Equipment")
        OPERATING = "operating", _("Operating costs")
        LABOUR = "labour", _("Labour")
        INDIRECT = "indirect", _("Indirect costs")

    DIRECT = (Category.EQUIPMENT, Category.OPERATING, Category.LABOUR)

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="budget_lines")
    position = models.PositiveSmallIntegerField(default=0)
    category = models.CharField(_("subject"), max_length=20, choices=Category.choices)
    government_amount = models.DecimalField(
        _("government funds (10k yuan)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    self_raised_amount = models.DecimalField(
        _("self-raised funds (10k yuan)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    amount = models.DecimalField(
        _("amount (10k yuan)"),
        max_digits=12,
        decimal_places=2,
        editable=False,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A new line (bulk_create included) gets its total from the two columns.
        if self.__dict__.get("amount") is None:
            self._set_amount()

    def __str__(self):
        return f"{self.get_category_display()} {self.amount}"

    def save(self, *args, **kwargs):
        self._set_amount()
        super().save(*args, **kwargs)

    def _set_amount(self):
        values = self.__dict__
        self.amount = (values.get("government_amount") or Decimal("0")) + (
            values.get("self_raised_amount") or Decimal("0")
        )


class ExclusionRequest(models.Model):
    """An expert or organisation the team asks to keep out of the review (at most 3)."""

    class Kind(models.TextChoices):
        EXPERT = "expert", _("Expert")
        ORGANIZATION = "organization", _("Organisation")

    class Decision(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="exclusions")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(
        _("credit code (organisation) or employer's credit code (expert)"),
        max_length=18,
        blank=True,
    )
    reason = models.CharField(_("reason"), max_length=500)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decision_reason = models.CharField(max_length=500, blank=True)
    # For an accepted request naming an expert: the pool's expert id it was matched to.
    matched_expert_code = models.CharField(max_length=20, blank=True)

    def __str__(self):
        return self.name


def attachment_upload_to(instance, filename):
    return f"bids/{instance.bid.challenge_id}/{instance.bid_id}/{secrets.token_hex(16)}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        PLAN = "plan", _("Implementation plan")
        QUALIFICATION = "qualification", _("Qualification documents")
        CONSORTIUM = "consortium", _("Consortium agreement")
        COMMITMENT = "commitment", _("Signed commitment letter")
        OTHER = "other", _("Other")

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("document"), max_length=20, choices=Kind.choices)
    file = models.FileField(upload_to=attachment_upload_to)
    original_name = models.CharField(_("file name"), max_length=255)
    content_kind = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)  # the digest, by ``hash_algorithm``
    hash_algorithm = models.CharField(max_length=10, default="sha256", editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


DIGEST_NAMES = {"sha256": "SHA-256", "sm3": "SM3"}


class BidVersion(models.Model):
    """One submission, kept forever: the canonical content and its hashes (the receipt)."""

    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField()
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    content = models.JSONField()
    content_sha256 = models.CharField(max_length=64)  # the digest, by ``hash_algorithm``
    # The receipt's digests (content and attachments) use this algorithm: sha256 or sm3.
    hash_algorithm = models.CharField(max_length=10, default="sha256", editable=False)
    attachments = models.JSONField(default=list)  # [{"name", "kind", "size", "sha256"}]
    superseded_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["bid", "number"], name="unique_bid_version")]

    def __str__(self):
        return f"{self.bid.reference} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValueError("A submitted bid version is immutable.")
        super().save(*args, **kwargs)

    @property
    def digest_name(self) -> str:
        """The receipt's algorithm as printed: SHA-256 or SM3."""
        return DIGEST_NAMES.get(self.hash_algorithm, self.hash_algorithm)


class FormalCheck(models.Model):
    """The bureau's formal check (形式审查) of one submitted bid."""

    ITEMS = (
        ("documents", _("Documents complete")),
        ("legal_person", _("Lead unit is a verified legal person")),
        ("consortium", _("Consortium within the limit")),
        ("pi_limits", _("PI within the project limits")),
        ("no_sanction", _("No credit sanction")),
        ("indicators", _("Every indicator answered, none below its published target")),
        (
            "budget",
            _("Budget equals the team's share of the bounty, indirect costs within the cap"),
        ),
    )

    bid = models.OneToOneField(Bid, on_delete=models.CASCADE, related_name="formal_check")
    checklist = models.JSONField(default=dict)  # item → {"auto": bool|None, "ok": bool}
    eligible = models.BooleanField()
    reasons = models.TextField(_("reasons"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.bid} {'✓' if self.eligible else '✗'}"


class CreditSanction(models.Model):
    """A credit sanction (失信) that blocks bidding: on an organisation or a person.

    Recorded by the bureau (the execution issue adds them on misconduct).
    """

    credit_code = models.CharField(
        _("organisation credit code"), max_length=18, blank=True, db_index=True
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sanctions",
    )
    reason = models.TextField(_("reason"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("credit sanction")
        verbose_name_plural = _("credit sanctions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(credit_code="") | Q(user__isnull=False), name="sanction_has_subject"
            )
        ]

    def __str__(self):
        return self.credit_code or str(self.user)
