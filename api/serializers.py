"""Output shapes of the API (and the few input shapes not validated by the web forms).
One cohesive thing over 500 lines: every serializer of the schema, kept together so the
OpenAPI components read as one vocabulary.

Inputs that the web validates with forms (bid drafts, attachments) are validated by
those same forms in the views; these serializers describe them for the schema only.
"""

from rest_framework import serializers

from accounts.models import Membership, Organization
from bounty.challenges.access_rules import HIDDEN_FIELDS
from bounty.models import (
    Amendment,
    Attachment,
    Bid,
    BidVersion,
    BudgetLine,
    Challenge,
    ChallengeStatus,
    Clarification,
    ExclusionRequest,
    Indicator,
    Industry,
    RubricCriterion,
    TeamMember,
)
from bounty.projects.models import Project, ProjectMilestone, Tranche
from bounty.sealing.services import PASSPHRASE_MIN_LENGTH

DECIMAL = {"coerce_to_string": True, "max_digits": 16, "decimal_places": 4}


class IndustrySerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Industry
        fields = ("code", "name", "name_zh", "name_en", "is_active")


class IndustryRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class BoardItemSerializer(serializers.Serializer):
    ocid = serializers.CharField()
    title = serializers.CharField()
    issuer = serializers.CharField(source="issuer.name")
    industry = IndustryRefSerializer(allow_null=True)
    status = serializers.ChoiceField(choices=ChallengeStatus.choices, source="shown_status")
    bounty_total = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    bid_deadline = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)


class IndicatorSerializer(serializers.ModelSerializer):
    target_value = serializers.DecimalField(max_digits=16, decimal_places=4)
    target_upper = serializers.DecimalField(max_digits=16, decimal_places=4, allow_null=True)

    class Meta:
        model = Indicator
        fields = (
            "id",
            "position",
            "name",
            "comparator",
            "target_value",
            "target_upper",
            "unit",
            "test_method",
        )


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = RubricCriterion
        fields = ("id", "position", "code", "name", "weight", "minimum", "anchors")


class ClarificationSerializer(serializers.ModelSerializer):
    """Question and answer; who asked is never shown."""

    class Meta:
        model = Clarification
        fields = ("id", "question", "asked_at", "answer", "answered_at")


class AmendmentSerializer(serializers.ModelSerializer):
    changes = serializers.DictField()

    class Meta:
        model = Amendment
        fields = (
            "number",
            "reason",
            "changes",
            "material",
            "deadline_before",
            "deadline_after",
            "created_at",
        )


class OrganizationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ("id", "name", "name_en", "credit_code", "kind")


class ChallengeSerializer(serializers.ModelSerializer):
    issuer = OrganizationRefSerializer()
    industry = IndustryRefSerializer(allow_null=True)
    status = serializers.ChoiceField(choices=ChallengeStatus.choices, source="display_status")
    bounty_total = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    enterprise_funds = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    government_funds = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    indicators = IndicatorSerializer(many=True)
    criteria = CriterionSerializer(many=True)
    clarifications = ClarificationSerializer(many=True, source="clarifications_shown")
    amendments = AmendmentSerializer(many=True)
    call = serializers.CharField(
        source="call.code",
        read_only=True,
        allow_null=True,
        help_text="The call (批次) the challenge was published in, as year-batch "
        "(e.g. 2026-1); null for a challenge published on its own.",
    )
    details_withheld = serializers.BooleanField(
        read_only=True,
        help_text="True when the challenge is restricted or confidential and the caller has "
        "no access: problem, deliverable, eligibility, ip_terms_detail, the contact person, "
        "indicators, criteria, clarifications and amendments are then empty; public_summary "
        "is what is public.",
    )

    class Meta:
        model = Challenge
        fields = (
            "ocid",
            "title",
            "status",
            "issuer",
            "industry",
            "call",
            "confidentiality",
            "details_withheld",
            "public_summary",
            "problem",
            "deliverable",
            "bounty_total",
            "enterprise_funds",
            "government_funds",
            "period_months",
            "bid_deadline",
            "published_at",
            "eligibility",
            "consortium_allowed",
            "max_consortium_members",
            "ip_terms",
            "ip_terms_detail",
            "contact_name",
            "contact_phone",
            "contact_email",
            "winners_allowed",
            "indicators",
            "criteria",
            "clarifications",
            "amendments",
        )

    WITHHELD = {**dict.fromkeys(HIDDEN_FIELDS, ""), "indicators": []}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if getattr(instance, "details_withheld", False):
            data.update(self.WITHHELD, criteria=[], clarifications=[], amendments=[])
        return data


class WinnerSerializer(serializers.ModelSerializer):
    lead = serializers.CharField(source="lead.name")
    lead_credit_code = serializers.CharField(source="lead.credit_code")

    class Meta:
        model = Bid
        fields = ("reference", "lead", "lead_credit_code", "status")


class NoticeSerializer(serializers.ModelSerializer):
    issuer = serializers.CharField(source="issuer.name")
    industry = IndustryRefSerializer(allow_null=True)
    winners = WinnerSerializer(many=True, source="public_winners")
    bounty_total = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)

    class Meta:
        model = Challenge
        fields = (
            "ocid",
            "title",
            "status",
            "issuer",
            "industry",
            "bounty_total",
            "notice_ends_at",
            "awarded_at",
            "winners",
        )


class VerificationSerializer(serializers.Serializer):
    sha256 = serializers.CharField()
    found = serializers.BooleanField()
    what = serializers.ChoiceField(choices=["document", "scan"], required=False)
    current = serializers.BooleanField(required=False)
    number = serializers.CharField(required=False)
    kind = serializers.CharField(required=False)
    version = serializers.IntegerField(required=False)
    ready_at = serializers.DateTimeField(required=False, allow_null=True)
    newer_number = serializers.CharField(required=False, allow_null=True)
    contract = serializers.CharField(required=False)
    party = serializers.CharField(required=False)
    signed_at = serializers.DateTimeField(required=False, allow_null=True)


# --- Signed-in ---------------------------------------------------------------------------


class MembershipSerializer(serializers.ModelSerializer):
    organization = OrganizationRefSerializer()
    organization_status = serializers.CharField(source="organization.status")

    class Meta:
        model = Membership
        fields = ("organization", "organization_status", "role", "is_admin")


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    email = serializers.EmailField()
    language = serializers.CharField()
    memberships = MembershipSerializer(many=True)
    token_scope = serializers.CharField(allow_null=True)


class BidListSerializer(serializers.ModelSerializer):
    challenge = serializers.CharField(source="challenge.ocid")
    challenge_title = serializers.CharField(source="challenge.title")
    lead = serializers.CharField(source="lead.name")

    class Meta:
        model = Bid
        fields = (
            "reference",
            "challenge",
            "challenge_title",
            "lead",
            "status",
            "submitted_at",
            "updated_at",
        )


class ConsortiumRowSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    credit_code = serializers.CharField(max_length=18)
    work_share = serializers.DecimalField(max_digits=5, decimal_places=2)
    responsibilities = serializers.CharField(max_length=300, required=False, allow_blank=True)


class TeamRowSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    title = serializers.CharField(max_length=60, required=False, allow_blank=True)
    employer = serializers.CharField(max_length=200)
    employer_code = serializers.CharField(max_length=18, required=False, allow_blank=True)
    role = serializers.ChoiceField(choices=TeamMember.Role.choices)
    email = serializers.EmailField(required=False, allow_blank=True)


class ResponseRowSerializer(serializers.Serializer):
    indicator_id = serializers.IntegerField()
    committed_value = serializers.DecimalField(max_digits=16, decimal_places=4)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class MilestoneRowSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    due_month = serializers.IntegerField(min_value=1, max_value=72)
    deliverables = serializers.CharField(max_length=500)
    tranche_share = serializers.DecimalField(max_digits=5, decimal_places=2)


class BudgetRowSerializer(serializers.Serializer):
    """One budget line in the 2021 subjects; ``amount`` (read-only) is the sum of the
    government (财政) and self-raised (自筹) columns."""

    category = serializers.ChoiceField(choices=BudgetLine.Category.choices)
    government_amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    self_raised_amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class ExclusionRowSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ExclusionRequest.Kind.choices)
    name = serializers.CharField(max_length=200)
    credit_code = serializers.CharField(max_length=18, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=500)


class BidWriteSerializer(serializers.Serializer):
    """A draft's edit (PATCH: only the keys sent change; a list replaces that section).
    Validated by the web's bid forms (bounty/bid_forms.py)."""

    pi_email = serializers.EmailField(required=False, allow_blank=True)
    pi_title = serializers.CharField(required=False, allow_blank=True, max_length=60)
    summary = serializers.CharField(required=False, allow_blank=True)
    technical_approach = serializers.CharField(required=False, allow_blank=True)
    risk_plan = serializers.CharField(required=False, allow_blank=True)
    expected_results = serializers.CharField(required=False, allow_blank=True)
    lump_sum = serializers.BooleanField(required=False)
    lump_sum_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )
    pi_commitment = serializers.BooleanField(required=False)
    consortium = ConsortiumRowSerializer(many=True, required=False)
    team = TeamRowSerializer(many=True, required=False)
    responses = ResponseRowSerializer(many=True, required=False)
    milestones = MilestoneRowSerializer(many=True, required=False)
    budget = BudgetRowSerializer(many=True, required=False)
    exclusions = ExclusionRowSerializer(many=True, required=False)


class BidCreateSerializer(serializers.Serializer):
    lead = serializers.IntegerField(
        required=False, help_text="Id of the lead organisation (default: your first one)."
    )


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ("id", "kind", "original_name", "content_kind", "size", "sha256", "uploaded_at")


class AttachmentUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Attachment.Kind.choices)
    file = serializers.FileField()


class VersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = BidVersion
        fields = ("number", "submitted_at", "content_sha256", "attachments", "superseded_reason")


class ReceiptSerializer(VersionSerializer):
    bid = serializers.CharField(source="bid.reference")
    content = serializers.DictField()

    class Meta(VersionSerializer.Meta):
        fields = ("bid", *VersionSerializer.Meta.fields, "content")


class BidDetailSerializer(serializers.ModelSerializer):
    challenge = serializers.CharField(source="challenge.ocid")
    lead = OrganizationRefSerializer()
    pi = serializers.CharField(source="pi.full_name", allow_null=True, default=None)
    lump_sum_amount = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    consortium = ConsortiumRowSerializer(many=True)
    team = serializers.SerializerMethodField()
    responses = serializers.SerializerMethodField()
    milestones = MilestoneRowSerializer(many=True)
    budget = BudgetRowSerializer(many=True, source="budget_lines")
    exclusions = ExclusionRowSerializer(many=True)
    attachments = AttachmentSerializer(many=True)
    versions = VersionSerializer(many=True)

    class Meta:
        model = Bid
        fields = (
            "reference",
            "challenge",
            "lead",
            "status",
            "status_note",
            "pi",
            "pi_title",
            "summary",
            "technical_approach",
            "risk_plan",
            "expected_results",
            "lump_sum",
            "lump_sum_amount",
            "pi_commitment",
            "created_at",
            "updated_at",
            "submitted_at",
            "consortium",
            "team",
            "responses",
            "milestones",
            "budget",
            "exclusions",
            "attachments",
            "versions",
        )

    def get_team(self, bid) -> list[dict]:
        return [
            {
                "name": t.name,
                "title": t.title,
                "employer": t.employer,
                "employer_code": t.employer_code,
                "role": t.role,
            }
            for t in bid.team.all()
        ]

    def get_responses(self, bid) -> list[dict]:
        return [
            {
                "indicator_id": r.indicator_id,
                "committed_value": str(r.committed_value),
                "note": r.note,
            }
            for r in bid.responses.all()
        ]


# --- Review --------------------------------------------------------------------------------


class InvitationSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    challenge = serializers.CharField(source="draw.challenge.ocid")
    challenge_title = serializers.CharField(source="draw.challenge.title")
    status = serializers.CharField()
    on_panel = serializers.BooleanField()
    invited_at = serializers.DateTimeField(allow_null=True)


class InvitationBidSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    declaration = serializers.CharField(allow_null=True)
    may_read = serializers.BooleanField()
    sheet_status = serializers.CharField(allow_null=True)


class InvitationDetailSerializer(InvitationSerializer):
    bids = InvitationBidSerializer(many=True)


class AcceptSerializer(serializers.Serializer):
    undertaking = serializers.BooleanField()


class SubmitSerializer(serializers.Serializer):
    """Only for a sealed challenge: the team passphrase that can reopen the sealed bid before
    the deadline (never stored). Without one, the team can only start a fresh draft."""

    passphrase = serializers.CharField(
        required=False, min_length=PASSPHRASE_MIN_LENGTH, max_length=200, trim_whitespace=False
    )


class ReopenSerializer(serializers.Serializer):
    """A sealed submission is restored with the passphrase, or left sealed (``fresh``)."""

    passphrase = serializers.CharField(
        required=False, allow_blank=True, max_length=200, trim_whitespace=False
    )
    fresh = serializers.BooleanField(required=False, default=False)


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)


class DeclareSerializer(serializers.Serializer):
    bid = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=["none", "potential", "conflict"])
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class ScoreSerializer(serializers.Serializer):
    criterion = serializers.IntegerField()
    value = serializers.IntegerField(min_value=0, max_value=100, allow_null=True)
    justification = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class SheetSerializer(serializers.Serializer):
    bid = serializers.CharField()
    status = serializers.CharField()
    scores = ScoreSerializer(many=True)


class SheetWriteSerializer(serializers.Serializer):
    scores = ScoreSerializer(many=True)


# --- Projects ------------------------------------------------------------------------------


class TrancheSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=4)

    class Meta:
        model = Tranche
        fields = (
            "number",
            "label",
            "condition",
            "milestone_no",
            "amount",
            "planned_on",
            "due_on",
            "status",
        )


class ProjectMilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProjectMilestone
        fields = (
            "id",
            "number",
            "title",
            "deliverables",
            "due_on",
            "original_due_on",
            "status",
            "met_on",
        )


class ProjectSerializer(serializers.ModelSerializer):
    challenge = serializers.CharField(source="challenge.ocid")
    challenge_title = serializers.CharField(source="challenge.title")
    team = serializers.CharField(source="bid.lead.name")
    bid = serializers.CharField(source="bid.reference")

    class Meta:
        model = Project
        fields = (
            "id",
            "challenge",
            "challenge_title",
            "team",
            "bid",
            "status",
            "started_on",
            "ends_on",
            "outcome",
            "closed_at",
        )


class ProjectDetailSerializer(ProjectSerializer):
    milestones = ProjectMilestoneSerializer(many=True)
    tranches = TrancheSerializer(many=True)

    class Meta(ProjectSerializer.Meta):
        fields = (*ProjectSerializer.Meta.fields, "milestones", "tranches")


class ReportWriteSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=20000)
    measured = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=200),
        required=False,
        help_text="indicator id → measured value",
    )
    files = serializers.ListField(child=serializers.FileField(), required=False)


class ReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    milestone = serializers.IntegerField(source="milestone.number")
    submitted_at = serializers.DateTimeField()
    files = serializers.ListField(child=serializers.CharField())


class TokenSerializer(serializers.Serializer):
    name = serializers.CharField()
    prefix = serializers.CharField()
    scope = serializers.CharField()
