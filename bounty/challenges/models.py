from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from accounts.models import Organization
from bounty.calls.models import NeedQualification
from bounty.challenges.querysets import ChallengeQuerySet, bigrams
from bounty.challenges.statuses import PUBLIC_STATUSES, ChallengeStatus


class Industry(models.Model):
    """Per-industry taxonomy shared by challenges and expert pools."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


class IPTerms(models.TextChoices):
    ISSUER = "issuer", _("Owned by the issuing enterprise")
    TEAM = "team", _("Owned by the winning team")
    SHARED = "shared", _("Jointly owned")
    AGREED = "agreed", _("As detailed below")


class Confidentiality(models.TextChoices):
    """Who reads the details (problem, deliverable, eligibility, indicators, rubric, Q&A,
    amendments); title, industry, bounty, deadline and the public summary are always public.
    The rules: ``bounty/challenges/access_rules.py``."""

    PUBLIC = "public", _("Public")
    INTERNAL = (
        "internal",
        _("Restricted: details to verified organisations after accepting the NDA"),
    )
    SECRET = "secret", _("Confidential: details only to organisations the issuer admits")


def _deadline_passed(challenge):
    return challenge.bid_deadline is not None and challenge.bid_deadline <= timezone.now()


def _deadline_open(challenge):
    return challenge.bid_deadline is not None and challenge.bid_deadline > timezone.now()


def _is_complete(challenge):
    return not challenge.completeness_errors()


class Challenge(FSMModelMixin, NeedQualification, models.Model):
    """A technical challenge (榜单) a lead enterprise publishes with a bounty."""

    issuer = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="challenges", verbose_name=_("issuer")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    ocid = models.CharField(_("public identifier"), max_length=60, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    industry = models.ForeignKey(
        Industry,
        on_delete=models.PROTECT,
        related_name="challenges",
        verbose_name=_("industry"),
        null=True,
        blank=True,
    )
    problem = models.TextField(
        _("problem statement"),
        blank=True,
        help_text=_("The bottleneck, why it matters, what has been tried, what is needed."),
    )
    deliverable = models.TextField(
        _("deliverable form"),
        blank=True,
        help_text=_("What the team hands over: prototype, process, software, samples, reports…"),
    )
    bounty_total = models.DecimalField(
        _("bounty (10k yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    enterprise_funds = models.DecimalField(
        _("enterprise funds (10k yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    government_funds = models.DecimalField(
        _("government funds (10k yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    period_months = models.PositiveSmallIntegerField(
        _("implementation period (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    bid_deadline = models.DateTimeField(_("bid deadline"), null=True, blank=True, db_index=True)
    eligibility = models.TextField(_("eligibility requirements"), blank=True)
    consortium_allowed = models.BooleanField(_("consortium bids allowed"), default=True)
    max_consortium_members = models.PositiveSmallIntegerField(
        _("maximum consortium members besides the lead unit"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    ip_terms = models.CharField(
        _("IP ownership"), max_length=20, choices=IPTerms.choices, blank=True
    )
    ip_terms_detail = models.TextField(
        _("IP terms in detail"),
        blank=True,
        help_text=_(
            "Be explicit: the Civil Code's defaults differ for commissioned and cooperative development."
        ),
    )
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=20,
        choices=Confidentiality.choices,
        default=Confidentiality.PUBLIC,
    )
    public_summary = models.TextField(
        _("public summary"),
        blank=True,
        help_text=_(
            "All the public sees of a restricted or confidential challenge, with its title, "
            "industry, bounty and deadline. Leave out what the NDA protects."
        ),
    )
    nda_text = models.TextField(
        _("confidentiality agreement (NDA)"),
        blank=True,
        help_text=_(
            "What a reader accepts before seeing the details of a restricted or confidential "
            "challenge. Leave empty to use the standard text."
        ),
    )
    # Raised when the NDA text changes after publication: earlier acceptances stop counting.
    nda_version = models.PositiveSmallIntegerField(_("NDA version"), default=1, editable=False)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    winners_allowed = models.PositiveSmallIntegerField(
        _("number of winners"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
        help_text=_("1, or 2–3 for a horse race (赛马制) with parallel projects."),
    )
    parallel_share = models.DecimalField(
        _("parallel-phase share per team (10k yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Horse race: what each parallel team receives in the parallel phase."),
    )
    continuation_amount = models.DecimalField(
        _("continuation amount (10k yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Horse race: what goes to the surviving team(s) after elimination."),
    )
    lump_sum_allowed = models.BooleanField(
        _("lump sum (包干制) allowed"),
        default=False,
        help_text=_("Set by the bureau at vetting: bids may choose lump-sum funding."),
    )
    # The call (批次) the need was collected in; none for a challenge published on its own.
    call = models.ForeignKey(
        "bounty.Call",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="challenges",
        verbose_name=_("call"),
    )
    status = FSMField(
        _("status"), default=ChallengeStatus.DRAFT, choices=ChallengeStatus.choices, protected=True
    )
    status_comment = models.TextField(_("last decision comment"), blank=True, editable=False)
    search_text = models.TextField(editable=False, blank=True)
    search_bigrams = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    formal_check_done_at = models.DateTimeField(null=True, blank=True, editable=False)
    notice_ends_at = models.DateTimeField(null=True, blank=True, editable=False)
    awarded_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ChallengeQuerySet.as_manager()

    class Meta:
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "bid_deadline", "bounty_total"]),
            models.Index(fields=["status", "published_at"]),
            # The dashboard's counts and amounts by industry and status, from the index alone.
            models.Index(
                fields=["industry", "status"],
                include=["bounty_total"],
                name="challenge_industry_status",
            ),
            models.Index(fields=["status", "bounty_total"]),
            # The public board's sorts skip drafts (measured in benchmarks/).
            models.Index(
                models.F("published_at").desc(),
                models.F("id").desc(),
                name="challenge_public_newest",
                condition=models.Q(status__in=PUBLIC_STATUSES),
            ),
            models.Index(
                models.F("bounty_total").desc(),
                models.F("id").desc(),
                name="challenge_public_bounty",
                condition=models.Q(status__in=PUBLIC_STATUSES),
            ),
        ]

    def __str__(self):
        return self.title or self.ocid

    def save(self, *args, **kwargs):
        self.search_bigrams = bigrams(self.search_text)
        if kwargs.get("update_fields") is not None and "search_text" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_bigrams"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("bounty:challenge_detail", args=[self.ocid])

    @property
    def is_horse_race(self):
        return self.winners_allowed > 1

    def team_share(self):
        """The amount one winning team's contract states (万元): the whole bounty for a
        single winner, the declared parallel-phase share in a horse race (None if unset)."""
        if self.is_horse_race:
            return self.parallel_share
        return self.bounty_total

    @property
    def deadline_passed(self):
        return _deadline_passed(self)

    @property
    def display_status(self):
        """Closed the moment the deadline passes, whether or not the worker ran."""
        if self.status == ChallengeStatus.PUBLISHED and self.deadline_passed:
            return ChallengeStatus.CLOSED
        return ChallengeStatus(self.status)

    def completeness_errors(self) -> dict:
        """What is still missing before the challenge can be submitted (field → message)."""
        from bounty.challenges.rules import challenge_completeness_errors

        return challenge_completeness_errors(self)

    # --- State machine ------------------------------------------------------
    # Who may call each transition is decided in services.py (permissions.py);
    # here only the object's own rules. The review and award transitions are called by
    # review/award/services.py, the contract's by documents/contracts.py.

    @transition(
        field=status,
        source=[ChallengeStatus.DRAFT, ChallengeStatus.RETURNED],
        target=ChallengeStatus.SUBMITTED,
        conditions=[_is_complete],
    )
    def submit(self):
        self.submitted_at = timezone.now()
        self.status_comment = ""
        # A (re)submitted need waits for its district's recommendation of this version
        # (the audit trail keeps the earlier one).
        self.recommended_by, self.recommended_at, self.recommendation = None, None, ""

    @transition(
        field=status,
        source=[ChallengeStatus.SUBMITTED, ChallengeStatus.RECOMMENDED, ChallengeStatus.VETTING],
        target=ChallengeStatus.RETURNED,
    )
    def return_for_revision(self, *, comment):
        self.status_comment = comment

    @transition(field=status, source=ChallengeStatus.SUBMITTED, target=ChallengeStatus.RECOMMENDED)
    def recommend(self, *, by, comment):
        self.recommended_by, self.recommended_at, self.recommendation = by, timezone.now(), comment

    @transition(
        field=status,
        source=[ChallengeStatus.SUBMITTED, ChallengeStatus.RECOMMENDED],
        target=ChallengeStatus.VETTING,
    )
    def start_vetting(self):
        pass

    @transition(
        field=status,
        source=ChallengeStatus.VETTING,
        target=ChallengeStatus.APPROVED,
        conditions=[_is_complete],
    )
    def approve(self, *, comment=""):
        self.status_comment = comment

    @transition(field=status, source=ChallengeStatus.VETTING, target=ChallengeStatus.REJECTED)
    def reject(self, *, comment):
        self.status_comment = comment

    @transition(
        field=status,
        source=ChallengeStatus.APPROVED,
        target=ChallengeStatus.PUBLISHED,
        conditions=[_deadline_open],
    )
    def publish(self):
        self.published_at = timezone.now()

    @transition(field=status, source=ChallengeStatus.PUBLISHED, target=ChallengeStatus.WITHDRAWN)
    def withdraw(self, *, comment):
        self.status_comment = comment

    @transition(
        field=status,
        source=ChallengeStatus.PUBLISHED,
        target=ChallengeStatus.CLOSED,
        conditions=[_deadline_passed],
    )
    def close(self):
        self.closed_at = timezone.now()

    @transition(field=status, source=ChallengeStatus.CLOSED, target=ChallengeStatus.FORMAL_CHECK)
    def start_formal_check(self):
        pass

    @transition(
        field=status,
        # From awarded: a winner did not sign and the bureau chose re-publication.
        source=[
            ChallengeStatus.CLOSED,
            ChallengeStatus.FORMAL_CHECK,
            ChallengeStatus.UNDER_REVIEW,
            ChallengeStatus.AWARDED,
        ],
        target=ChallengeStatus.NO_AWARD,
    )
    def declare_no_award(self, *, comment):
        self.status_comment = comment

    # --- Review and award (called by review/award/services.py) ------------------------------
    @transition(
        field=status, source=ChallengeStatus.FORMAL_CHECK, target=ChallengeStatus.UNDER_REVIEW
    )
    def start_review(self):
        pass

    @transition(
        field=status, source=ChallengeStatus.UNDER_REVIEW, target=ChallengeStatus.AWARD_PROPOSED
    )
    def propose_award(self, *, comment=""):
        self.status_comment = comment

    @transition(
        field=status, source=ChallengeStatus.AWARD_PROPOSED, target=ChallengeStatus.UNDER_REVIEW
    )
    def return_proposal(self, *, comment):
        self.status_comment = comment

    @transition(
        field=status, source=ChallengeStatus.AWARD_PROPOSED, target=ChallengeStatus.IN_NOTICE
    )
    def open_notice(self, *, ends_at):
        self.notice_ends_at = ends_at

    @transition(field=status, source=ChallengeStatus.IN_NOTICE, target=ChallengeStatus.UNDER_REVIEW)
    def reopen_review(self, *, comment):
        self.status_comment = comment

    @transition(field=status, source=ChallengeStatus.IN_NOTICE, target=ChallengeStatus.AWARDED)
    def award(self):
        self.awarded_at = timezone.now()

    @transition(field=status, source=ChallengeStatus.AWARDED, target=ChallengeStatus.IN_NOTICE)
    def open_substitute_notice(self, *, ends_at, comment):
        """递补: a winner did not sign; the next passing bid goes to a short public notice."""
        self.notice_ends_at = ends_at
        self.status_comment = comment

    @transition(field=status, source=ChallengeStatus.AWARDED, target=ChallengeStatus.CONTRACTED)
    def mark_contracted(self):
        """Every winner's contract is signed by all three parties."""


def plain_decimal(value) -> str:
    """10.5000 → "10.5", 10 → "10" (never "1E+1")."""
    if value is None:
        return ""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class Comparator(models.TextChoices):
    GTE = "gte", "≥"
    LTE = "lte", "≤"
    EQ = "eq", "="
    RANGE = "range", _("within")


class Indicator(models.Model):
    """A measurable technical indicator / acceptance criterion (考核指标)."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("indicator"), max_length=200)
    comparator = models.CharField(
        _("comparison"), max_length=10, choices=Comparator.choices, default=Comparator.GTE
    )
    target_value = models.DecimalField(_("target value"), max_digits=16, decimal_places=4)
    target_upper = models.DecimalField(
        _("upper bound"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    test_method = models.CharField(_("how it is tested"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.name} {self.target_display}"

    @property
    def target_display(self):
        value = plain_decimal(self.target_value)
        if self.comparator == Comparator.RANGE and self.target_upper is not None:
            return f"{value}–{plain_decimal(self.target_upper)} {self.unit}".strip()
        return f"{self.get_comparator_display()} {value} {self.unit}".strip()

    def admits(self, value) -> bool:
        """Whether a committed value is not below this published target (DOMAIN §3, added).

        Values are in the indicator's own unit (the bid form shows it next to the input):
        ≥ needs at least the target, ≤ at most, = exactly, a range a value within it.
        """
        if value is None:
            return False
        if self.comparator == Comparator.GTE:
            return value >= self.target_value
        if self.comparator == Comparator.LTE:
            return value <= self.target_value
        if self.comparator == Comparator.EQ:
            return value == self.target_value
        upper = self.target_upper if self.target_upper is not None else self.target_value
        return self.target_value <= value <= upper

    def snapshot(self):
        return {
            "name": self.name,
            "comparator": self.comparator,
            "target_value": str(self.target_value),
            "target_upper": str(self.target_upper) if self.target_upper is not None else None,
            "unit": self.unit,
            "test_method": self.test_method,
        }


class RubricCriterion(models.Model):
    """One scoring criterion with its weight; published with the challenge."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(default=0)
    code = models.SlugField(max_length=40)
    name = models.CharField(_("criterion"), max_length=200)
    weight = models.PositiveSmallIntegerField(
        _("weight"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    minimum = models.PositiveSmallIntegerField(
        _("minimum score"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("Optional: a bid scoring below this on the criterion cannot win."),
    )
    anchors = models.CharField(
        _("anchored levels"),
        max_length=500,
        blank=True,
        help_text=_("What a 90, a 70 and a 50 mean for this criterion, shown to the experts."),
    )

    class Meta:
        verbose_name = _("scoring criterion")
        verbose_name_plural = _("scoring criteria")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "code"], name="unique_criterion_code")
        ]

    def __str__(self):
        return f"{self.name} ({self.weight})"


class Clarification(models.Model):
    """A bidder's question (答疑); the answer is published to everyone, the asker stays anonymous."""

    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="clarifications"
    )
    question = models.TextField(_("question"))
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("clarification")
        verbose_name_plural = _("clarifications")
        ordering = ["asked_at", "pk"]

    def __str__(self):
        return self.question[:60]


class Amendment(models.Model):
    """A dated change to a published challenge, with the old and new values."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="amendments")
    number = models.PositiveSmallIntegerField()
    reason = models.TextField(_("reason"))
    changes = models.JSONField(default=dict)  # field → {"old": …, "new": …}
    material = models.BooleanField(default=False)
    deadline_before = models.DateTimeField(null=True, blank=True)
    deadline_after = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "number"], name="unique_amendment_number")
        ]

    def __str__(self):
        return f"{self.challenge.ocid} #{self.number}"
