"""Expert pools, conflicts of interest, verifiable draws and invitations (DOMAIN §4): the
review app's models, in one module because Django loads an app's models from one place
and they reference each other throughout (one cohesive thing)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, FSMModelMixin, transition

from bounty.models import Bid, Challenge, Industry


class ExpertTitle(models.TextChoices):
    SENIOR = "senior", _("Full senior (正高)")
    ASSOCIATE = "associate", _("Associate senior (副高)")
    INTERMEDIATE = "intermediate", _("Intermediate (中级)")


class ExpertType(models.TextChoices):
    TECHNICAL = "technical", _("Technical")
    FINANCIAL = "financial", _("Financial")
    MANAGEMENT = "management", _("Management")


class ExpertStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", pgettext_lazy("expert status", "Withdrawn")


class Expert(models.Model):
    """An expert in one or more industry pools. ``code`` is the stable id used by draws."""

    code = models.CharField(_("expert id"), max_length=20, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expert",
        verbose_name=_("account"),
    )
    name = models.CharField(_("name"), max_length=100)
    industries = models.ManyToManyField(
        Industry, related_name="experts", verbose_name=_("industries")
    )
    keywords = models.CharField(_("sub-field keywords"), max_length=300, blank=True)
    employer_name = models.CharField(_("employer"), max_length=200)
    employer_code = models.CharField(_("employer's credit code"), max_length=18, db_index=True)
    title = models.CharField(
        pgettext_lazy("academic or job title", "title"), max_length=20, choices=ExpertTitle.choices
    )
    expert_type = models.CharField(
        _("type"), max_length=20, choices=ExpertType.choices, default=ExpertType.TECHNICAL
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ExpertStatus.choices,
        default=ExpertStatus.ACTIVE,
        db_index=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def get_absolute_url(self):
        return reverse("review:expert_detail", args=[self.code])


class Relationship(models.Model):
    """A declared relationship that can make the expert conflicted (DOMAIN §4)."""

    class Kind(models.TextChoices):
        RELATIVE = "relative", _("Relative")
        ADVISOR = "advisor", _("Advisor or advisee")
        COAUTHOR = "coauthor", _("Co-author or joint project")
        EMPLOYMENT = "employment", _("Other or former employment")
        DIRECTORSHIP = "directorship", _("Directorship or shareholding")

    PERSONAL = (Kind.RELATIVE, Kind.ADVISOR, Kind.COAUTHOR)
    ORGANISATIONAL = (Kind.EMPLOYMENT, Kind.DIRECTORSHIP)

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="relationships")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("person (account)"),
    )
    person_name = models.CharField(_("person"), max_length=100, blank=True)
    organization_code = models.CharField(
        _("organisation credit code"), max_length=18, blank=True, db_index=True
    )
    organization_name = models.CharField(_("organisation"), max_length=200, blank=True)
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True, help_text=_("Empty if ongoing."))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("declared relationship")
        verbose_name_plural = _("declared relationships")
        indexes = [models.Index(fields=["person", "kind"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.person_name or self.organization_name}"


class Conflict(models.Model):
    """A hard exclusion of one expert, with its rule and evidence. ``bid`` is empty
    for challenge-wide rules (the issuer's staff, the bureau's staff, sanctions…)."""

    class Rule(models.TextChoices):
        EMPLOYED_BY_BIDDER = "employed_by_bidder", _("Employed by a bidder or consortium member")
        FORMERLY_EMPLOYED = (
            "formerly_employed",
            _("Employed or director there within the look-back period"),
        )
        IN_BID_TEAM = "in_bid_team", _("Named in a bid team")
        RELATED_TO_TEAM = (
            "related_to_team",
            _("Relative, advisor or co-author of a bid's key person"),
        )
        EMPLOYED_BY_ISSUER = "employed_by_issuer", _("Employed by the issuer")
        BUREAU_STAFF = "bureau_staff", _("Staff of the bureau")
        SANCTIONED = "sanctioned", _("Under a credit sanction")
        ANNUAL_CAP = "annual_cap", _("Annual review cap reached")
        NOT_ACTIVE = "not_active", _("Not active in the pool")
        EXCLUSION_REQUEST = "exclusion_request", _("Exclusion requested by a bidder and accepted")

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="conflicts")
    bid = models.ForeignKey(
        Bid, null=True, blank=True, on_delete=models.CASCADE, related_name="conflicts"
    )
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="conflicts")
    rule = models.CharField(max_length=30, choices=Rule.choices)
    evidence = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["challenge", "expert"])]

    def __str__(self):
        return f"{self.expert} — {self.get_rule_display()}"


class DrawStatus(models.TextChoices):
    COMMITTING = "committing", _("Waiting for commitments")
    FROZEN = "frozen", _("Pool frozen, waiting for reveals")
    COMPLETED = "completed", _("Draw completed")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_DRAW_STATUSES = (DrawStatus.COMMITTING, DrawStatus.FROZEN)


class DrawPurpose(models.TextChoices):
    BID_REVIEW = "bid_review", _("Bid review")
    MILESTONE = "milestone", _("Milestone assessment")
    ACCEPTANCE = "acceptance", _("Final acceptance")
    # 尽职免责: the expert assessment of whether a failing project was diligent.
    TERMINATION = "termination", _("Diligent-failure assessment (termination)")
    # 需求论证: the expert vetting of a need (a challenge being vetted) before publication.
    NEED_VETTING = "need_vetting", _("Expert vetting of the need")


# The purposes whose panel assesses a project (the winning bid's), not a challenge.
PROJECT_PURPOSES = ("milestone", "acceptance", "termination")


OPEN_DRAW = Q(status__in=["committing", "frozen"])


class Draw(FSMModelMixin, models.Model):
    """A verifiable random draw of a review panel (commit-reveal seed, HMAC ranks)."""

    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="draws")
    supplementary_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supplements"
    )
    purpose = models.CharField(
        max_length=30, choices=DrawPurpose.choices, default=DrawPurpose.BID_REVIEW
    )
    # A milestone or acceptance panel assesses one project (and one of its milestones).
    project = models.ForeignKey(
        "bounty.Project", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    milestone = models.ForeignKey(
        "bounty.ProjectMilestone",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    algorithm = models.CharField(max_length=40, editable=False)
    params = models.JSONField(default=dict)
    public_value_source = models.CharField(
        _("public value (named before the freeze)"),
        max_length=300,
        blank=True,
        help_text=_("E.g. a lottery result published after the freeze; leave empty if none."),
    )
    public_value = models.CharField(_("public value"), max_length=300, blank=True)
    # v3: why a second bid-review draw follows a completed one; why a draw was cancelled.
    redraw_reason = models.CharField(_("reason for a new draw"), max_length=500, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=500, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # v3: who committed, as published in the bundle (snapshot taken at each commitment).
    parties = models.JSONField(default=dict, editable=False)
    bureau_commitment = models.CharField(max_length=64, blank=True)
    supervisor_commitment = models.CharField(max_length=64, blank=True)
    bureau_reveal = models.CharField(max_length=200, blank=True)
    supervisor_reveal = models.CharField(max_length=200, blank=True)
    bureau_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    salt = models.CharField(max_length=64, editable=False)
    pool = models.JSONField(default=list, editable=False)  # canonical, pseudonymous
    pool_hash = models.CharField(max_length=64, blank=True, editable=False)
    pool_size = models.PositiveIntegerField(default=0, editable=False)
    exclusion_summary = models.JSONField(default=dict, editable=False)  # rule → count
    seed = models.CharField(max_length=64, blank=True, editable=False)
    ranked = models.JSONField(default=list, editable=False)  # pseudonymous ids, rank order
    status = FSMField(default=DrawStatus.COMMITTING, choices=DrawStatus.choices, protected=True)
    created_at = models.DateTimeField(auto_now_add=True)
    frozen_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("draw")
        verbose_name_plural = _("draws")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["challenge"],
                condition=OPEN_DRAW & Q(purpose="bid_review"),
                name="one_open_review_draw_per_challenge",
            ),
            models.UniqueConstraint(
                fields=["milestone"],
                condition=OPEN_DRAW & Q(purpose="milestone"),
                name="one_open_draw_per_milestone",
            ),
            models.UniqueConstraint(
                fields=["project"],
                condition=OPEN_DRAW & Q(purpose="acceptance"),
                name="one_open_acceptance_draw_per_project",
            ),
            models.UniqueConstraint(
                fields=["project"],
                condition=OPEN_DRAW & Q(purpose="termination"),
                name="one_open_termination_draw_per_project",
            ),
            models.UniqueConstraint(
                fields=["challenge"],
                condition=OPEN_DRAW & Q(purpose="need_vetting"),
                name="one_open_need_vetting_draw_per_challenge",
            ),
            models.CheckConstraint(
                condition=Q(purpose="bid_review", project__isnull=True, milestone__isnull=True)
                | Q(purpose="milestone", project__isnull=False, milestone__isnull=False)
                | Q(purpose="acceptance", project__isnull=False, milestone__isnull=True)
                | Q(purpose="termination", project__isnull=False, milestone__isnull=True)
                | Q(purpose="need_vetting", project__isnull=True, milestone__isnull=True),
                name="draw_subject_matches_purpose",
            ),
        ]

    def __str__(self):
        return f"{self.challenge.ocid} draw {self.pk}"

    def get_absolute_url(self):
        return reverse("review:draw_detail", args=[self.pk])

    @property
    def for_project(self) -> bool:
        return self.purpose in PROJECT_PURPOSES

    @transition(field=status, source=DrawStatus.COMMITTING, target=DrawStatus.FROZEN)
    def freeze(self, *, at):
        self.frozen_at = at

    @transition(field=status, source=DrawStatus.FROZEN, target=DrawStatus.COMPLETED)
    def complete(self, *, at):
        self.completed_at = at

    @transition(
        field=status, source=[DrawStatus.COMMITTING, DrawStatus.FROZEN], target=DrawStatus.CANCELLED
    )
    def cancel(self, *, at, reason):
        self.cancelled_at, self.cancel_reason = at, reason


class SeatStatus(models.TextChoices):
    WAITING = "waiting", _("Alternate, not invited")
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("No answer in time")
    CONFLICTED = "conflicted", _("Replaced after a declared conflict")


class Seat(FSMModelMixin, models.Model):
    """One drawn expert: on the panel (in order) or an alternate (in order)."""

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="seats")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="seats")
    pseudonym = models.CharField(max_length=64)
    rank = models.PositiveIntegerField()
    on_panel = models.BooleanField(default=False)
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    status = FSMField(
        max_length=20, choices=SeatStatus.choices, default=SeatStatus.WAITING, protected=True
    )
    invited_at = models.DateTimeField(null=True, blank=True)
    respond_by = models.DateTimeField(null=True, blank=True, db_index=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    undertaking_signed_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "expert"], name="one_seat_per_expert")
        ]

    def __str__(self):
        return f"{self.draw_id}#{self.rank} {self.expert}"

    def get_absolute_url(self):
        return reverse("review:invitation", args=[self.pk])

    # The seat's answer (review/draw/seats.py). A declined, expired or conflicted seat is
    # replaced by the next fitting alternate (``replaces``), which is invited in its turn.

    @transition(field=status, source=SeatStatus.WAITING, target=SeatStatus.INVITED)
    def invite(self, *, at, respond_by):
        self.invited_at, self.respond_by, self.on_panel = at, respond_by, True

    @transition(field=status, source=SeatStatus.INVITED, target=SeatStatus.ACCEPTED)
    def accept(self, *, at):
        self.responded_at = self.undertaking_signed_at = at

    @transition(field=status, source=SeatStatus.INVITED, target=SeatStatus.DECLINED)
    def decline(self, *, at, reason=""):
        self.responded_at, self.decline_reason = at, (reason or "")[:300]

    @transition(field=status, source=SeatStatus.INVITED, target=SeatStatus.EXPIRED)
    def expire(self):
        pass

    @transition(field=status, source=SeatStatus.ACCEPTED, target=SeatStatus.CONFLICTED)
    def mark_conflicted(self):
        """A declared conflict, or a potential one the bureau excluded."""


class Declaration(models.Model):
    """An invited expert's per-bid conflict declaration, before seeing any content."""

    class Outcome(models.TextChoices):
        NONE = "none", _("No conflict")
        POTENTIAL = "potential", _("Potential conflict (the bureau decides)")
        CONFLICT = "conflict", _("Conflict")

    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="declarations")
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="declarations")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    note = models.CharField(max_length=500, blank=True)
    bureau_ruling = models.CharField(
        max_length=20, blank=True, choices=[("cleared", _("Cleared")), ("excluded", _("Excluded"))]
    )
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["seat", "bid"], name="one_declaration_per_bid")
        ]

    def __str__(self):
        return f"{self.seat} {self.bid}: {self.outcome}"

    @property
    def clears_access(self):
        return self.outcome == self.Outcome.NONE or (
            self.outcome == self.Outcome.POTENTIAL and self.bureau_ruling == "cleared"
        )


class ScoreSheet(FSMModelMixin, models.Model):
    """One expert's scores for one bid. Submitted sheets are locked; one revision round
    (with a reason) is allowed for bids flagged for a wide spread."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    seat = models.ForeignKey(Seat, on_delete=models.PROTECT, related_name="sheets")
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="score_sheets")
    status = FSMField(max_length=20, choices=Status.choices, default=Status.DRAFT, protected=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    revised_at = models.DateTimeField(null=True, blank=True)
    revision_reason = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["seat", "bid"], name="one_sheet_per_seat_bid")
        ]
        indexes = [models.Index(fields=["bid", "status"])]

    def __str__(self):
        return f"{self.seat} / {self.bid}"

    @transition(field=status, source=Status.DRAFT, target=Status.SUBMITTED)
    def submit(self, *, at):
        """Locked from then on (one revision round changes scores, not the state)."""
        self.submitted_at = at


class Score(models.Model):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(
        "bounty.RubricCriterion", on_delete=models.PROTECT, related_name="+"
    )
    value = models.PositiveSmallIntegerField(_("score"))
    justification = models.TextField(_("justification"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="one_score_per_criterion"),
            models.CheckConstraint(condition=Q(value__lte=100), name="score_at_most_100"),
        ]

    def __str__(self):
        return f"{self.criterion_id}: {self.value}"


class PanelReport(models.Model):
    """The panel chair's consensus comment that accompanies the ranking (DOMAIN §5)."""

    challenge = models.OneToOneField(
        Challenge, on_delete=models.CASCADE, related_name="panel_report"
    )
    consensus = models.TextField(_("panel's consensus comment"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.challenge.ocid} panel report"


class DefenceSession(models.Model):
    """An optional defence (答辩) of a bid before the panel, recorded by the bureau."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="defences")
    held_at = models.DateTimeField(_("held at"))
    attendees = models.TextField(_("attendees"), help_text=_("Names and roles, one per line."))
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_at"]

    def __str__(self):
        return f"{self.bid} {self.held_at:%Y-%m-%d}"


class TieDecision(models.Model):
    """The panel's recorded decision on bids still tied after the declared tie-break order."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="tie_decisions")
    order = models.JSONField()  # bid ids, best first
    reason = models.TextField(_("reason"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.challenge.ocid} tie {self.order}"


class PanelVerdict(models.TextChoices):
    """An expert's verdict in a milestone (met / not met) or acceptance panel."""

    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met")
    PASSED = "passed", _("Passed")
    CLOSED_WITHOUT_PASS = "closed_without_pass", _("Closed without full pass")
    FAILED = "failed", _("Failed")
    # Termination panel (尽职免责): the value equals TerminationOutcome.DILIGENT_FAILURE.
    DILIGENT_FAILURE = "diligent_failure", _("Diligent: failure despite due diligence")
    NOT_DILIGENT = "not_diligent", _("Not diligent: duties not fulfilled")
    # Need vetting (需求论证): the expert's recommendation on publishing the need.
    PUBLISH = "publish", _("Recommend publishing (建议发榜)")
    REVISE = "revise", _("Publish after revision (修改后发榜)")
    REJECT = "reject", _("Do not publish (不予发榜)")


VERDICTS_BY_PURPOSE = {
    DrawPurpose.MILESTONE: (PanelVerdict.MET, PanelVerdict.NOT_MET),
    DrawPurpose.ACCEPTANCE: (
        PanelVerdict.PASSED,
        PanelVerdict.CLOSED_WITHOUT_PASS,
        PanelVerdict.FAILED,
    ),
    DrawPurpose.TERMINATION: (PanelVerdict.DILIGENT_FAILURE, PanelVerdict.NOT_DILIGENT),
    DrawPurpose.NEED_VETTING: (PanelVerdict.PUBLISH, PanelVerdict.REVISE, PanelVerdict.REJECT),
}


class PanelOpinion(models.Model):
    """One panel expert's signed opinion on a milestone, an acceptance, a project's failure
    or a need (need vetting: ``verdict`` is the recommendation, and the three questions are
    answered; they stay empty for the other panels); final once given."""

    seat = models.OneToOneField(Seat, on_delete=models.PROTECT, related_name="opinion")
    verdict = models.CharField(_("verdict"), max_length=30, choices=PanelVerdict.choices)
    comment = models.TextField(_("opinion"))
    real_bottleneck = models.BooleanField(
        _("Is it a real bottleneck (卡脖子) need?"), null=True, blank=True
    )
    indicators_measurable = models.BooleanField(
        _("Are the indicators measurable?"), null=True, blank=True
    )
    bounty_reasonable = models.BooleanField(_("Is the bounty reasonable?"), null=True, blank=True)
    submitted_at = models.DateTimeField()

    class Meta:
        verbose_name = _("panel opinion")
        verbose_name_plural = _("panel opinions")
        ordering = ["seat__rank"]

    def __str__(self):
        return f"{self.seat} / {self.verdict}"


from review.award.models import AwardDecline, AwardReminder  # noqa: E402, F401
from review.award.objection_models import Objection, objection_upload_to  # noqa: E402, F401
from review.fees.models import ExpertFee, FeeLevel, PanelFees  # noqa: E402, F401
from review.ratings.models import ExpertRating, ExpertRemoval  # noqa: E402, F401
