"""Shapes of the issuer's and the bureau's endpoints (api/views/manage.py).

Inputs are validated by the web's own forms (the challenge editor's form and formsets, the
formal-check form) in the views; the input serializers here describe them for the schema
and check only the plain shape of the action bodies.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers import (
    DECIMAL,
    CriterionSerializer,
    IndicatorSerializer,
    IndustryRefSerializer,
    OrganizationRefSerializer,
)
from bounty.calls.rules import QUALIFICATION_FIELDS
from bounty.challenges.forms import CHALLENGE_FIELDS, NEED_FIELDS
from bounty.challenges.services import DECISIONS
from bounty.models import (
    BidStatus,
    ChainRole,
    Challenge,
    ChallengeStatus,
    Comparator,
    Confidentiality,
    FormalCheck,
    IPTerms,
    RdPlatform,
)

# A need's qualification facts (需求征集表), as the model stores them.
REVENUE = {"max_digits": 14, "decimal_places": 2}
RD_RATIO = {"max_digits": 5, "decimal_places": 2}

# --- Challenge drafts ----------------------------------------------------------------------


class IndicatorRowSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    comparator = serializers.ChoiceField(choices=Comparator.choices, default=Comparator.GTE)
    target_value = serializers.DecimalField(**DECIMAL)
    target_upper = serializers.DecimalField(**DECIMAL, required=False, allow_null=True)
    unit = serializers.CharField(max_length=40, required=False, allow_blank=True)
    test_method = serializers.CharField(max_length=300, required=False, allow_blank=True)


class CriterionRowSerializer(serializers.Serializer):
    code = serializers.SlugField(required=False, allow_blank=True)
    name = serializers.CharField(max_length=200)
    weight = serializers.IntegerField(min_value=1, max_value=100)
    minimum = serializers.IntegerField(min_value=0, max_value=100, required=False, allow_null=True)
    anchors = serializers.CharField(max_length=500, required=False, allow_blank=True)


class ChallengeWriteSerializer(serializers.Serializer):
    """A draft's fields, as in the web's editor (bounty/challenges/forms.py ``ChallengeForm``,
    whose rules apply: funding adds up, deadline in the future, consortium limits, IP terms).
    PATCH: only the keys sent change; ``indicators`` / ``criteria`` replace the whole list.
    Completeness is checked only on submit.

    A need in a call (批次): ``call`` names the call; it takes the call's bid deadline and
    its qualification facts (``chain`` … ``rd_platform_name``) must be complete on submit."""

    issuer = serializers.IntegerField(
        required=False,
        help_text="Create only: id of the issuing organisation (default: your first one).",
    )
    title = serializers.CharField(max_length=200, required=False)
    industry = serializers.SlugField(
        required=False, allow_null=True, help_text="Industry code (GET /industries/)."
    )
    problem = serializers.CharField(required=False, allow_blank=True)
    deliverable = serializers.CharField(required=False, allow_blank=True)
    bounty_total = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )
    enterprise_funds = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )
    government_funds = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )
    period_months = serializers.IntegerField(required=False, allow_null=True)
    bid_deadline = serializers.DateTimeField(required=False, allow_null=True)
    eligibility = serializers.CharField(required=False, allow_blank=True)
    consortium_allowed = serializers.BooleanField(required=False)
    max_consortium_members = serializers.IntegerField(required=False)
    winners_allowed = serializers.IntegerField(required=False)
    parallel_share = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )
    continuation_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )
    ip_terms = serializers.ChoiceField(choices=IPTerms.choices, required=False, allow_blank=True)
    ip_terms_detail = serializers.CharField(required=False, allow_blank=True)
    confidentiality = serializers.ChoiceField(choices=Confidentiality.choices, required=False)
    public_summary = serializers.CharField(required=False, allow_blank=True)
    nda_text = serializers.CharField(required=False, allow_blank=True)
    contact_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    call = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="The call (批次) to put the need into, as year-batch (e.g. 2026-1): only a "
        "call collecting needs now, or the need's current call; null: a challenge published "
        "on its own. A need in a call takes the call's bid deadline.",
    )
    chain = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text="Industrial chain."
    )
    chain_role = serializers.ChoiceField(
        choices=ChainRole.choices, required=False, allow_blank=True
    )
    revenue = serializers.DecimalField(
        **REVENUE, required=False, allow_null=True, help_text="Revenue last year (10k yuan)."
    )
    rd_ratio = serializers.DecimalField(
        **RD_RATIO, required=False, allow_null=True, help_text="R&D spending / revenue (%)."
    )
    rd_platform = serializers.ChoiceField(
        choices=RdPlatform.choices,
        required=False,
        allow_blank=True,
        help_text="Own R&D platform, by level.",
    )
    rd_platform_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    indicators = IndicatorRowSerializer(many=True, required=False)
    criteria = CriterionRowSerializer(
        many=True,
        required=False,
        help_text="The review rubric; on create, omitted: the default rubric.",
    )


WRITE_KEYS = frozenset(CHALLENGE_FIELDS) | frozenset(NEED_FIELDS) | {"indicators", "criteria"}


class ManagedChallengeListSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=ChallengeStatus.choices, source="display_status")
    issuer = serializers.CharField(source="issuer.name")
    bounty_total = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    call = serializers.CharField(source="call.code", allow_null=True)

    class Meta:
        model = Challenge
        fields = (
            "ocid",
            "title",
            "status",
            "status_comment",
            "issuer",
            "call",
            "bounty_total",
            "bid_deadline",
            "updated_at",
            "submitted_at",
            "published_at",
        )


class RecommendationSerializer(serializers.Serializer):
    recommended_at = serializers.DateTimeField()
    comment = serializers.CharField(source="recommendation")


class ManagedChallengeSerializer(serializers.ModelSerializer):
    """The challenge as its issuer and the bureau manage it: every field of the editor,
    the last decision's comment and what is still missing before it can be submitted;
    for a need, its call, qualification facts and the district's recommendation."""

    issuer = OrganizationRefSerializer()
    industry = IndustryRefSerializer(allow_null=True)
    status = serializers.ChoiceField(choices=ChallengeStatus.choices, source="display_status")
    bounty_total = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    enterprise_funds = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    government_funds = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    parallel_share = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    continuation_amount = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    call = serializers.CharField(
        source="call.code",
        allow_null=True,
        help_text="The call (批次) of a need, as year-batch (e.g. 2026-1); null: none.",
    )
    revenue = serializers.DecimalField(**REVENUE, allow_null=True)
    rd_ratio = serializers.DecimalField(**RD_RATIO, allow_null=True)
    recommendation = serializers.SerializerMethodField(
        help_text="The district bureau's recommendation (推荐) to the city; null: none."
    )
    indicators = IndicatorSerializer(many=True)
    criteria = CriterionSerializer(many=True)
    completeness = serializers.SerializerMethodField(
        help_text="While editable: field → what is missing before submission ({} when none)."
    )

    class Meta:
        model = Challenge
        fields = (
            "ocid",
            "status",
            "status_comment",
            "issuer",
            *(f for f in CHALLENGE_FIELDS if f != "industry"),
            "industry",
            "call",
            *QUALIFICATION_FIELDS,
            "recommendation",
            "lump_sum_allowed",
            "created_at",
            "updated_at",
            "submitted_at",
            "published_at",
            "closed_at",
            "formal_check_done_at",
            "notice_ends_at",
            "awarded_at",
            "indicators",
            "criteria",
            "completeness",
        )

    @extend_schema_field(RecommendationSerializer(allow_null=True))
    def get_recommendation(self, challenge):
        if challenge.recommended_at is None:
            return None
        return RecommendationSerializer(challenge).data

    def get_completeness(self, challenge) -> dict[str, str]:
        if challenge.status not in ("draft", "returned"):
            return {}
        return {k: str(v) for k, v in challenge.completeness_errors().items()}


# --- Bureau decisions -----------------------------------------------------------------------


class DecisionSerializer(serializers.Serializer):
    """One vetting decision (the web's decision buttons on the challenge page).
    ``return``, ``reject`` and ``withdraw`` need a ``comment`` (the issuer reads it)."""

    decision = serializers.ChoiceField(choices=list(DECISIONS))
    comment = serializers.CharField(required=False, allow_blank=True, max_length=8000)
    lump_sum_allowed = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Approve only: whether bids may choose lump-sum funding (包干制); "
        "omitted: left as it is.",
    )


class DistrictDecisionSerializer(serializers.Serializer):
    """The district officer's recommendation or return of a need (the web's district form)."""

    comment = serializers.CharField(
        help_text="Required. Recommending: why the city should take the need up. Returning: "
        "what the enterprise must change. The city and the enterprise read it."
    )


# --- The formal check -----------------------------------------------------------------------

ITEM_KEYS = [key for key, _label in FormalCheck.ITEMS]


class CheckItemSerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=ITEM_KEYS)
    label = serializers.CharField()
    auto = serializers.BooleanField(help_text="What the system computed.")
    computed = serializers.BooleanField(
        help_text="Set by the system; the officer's value is ignored."
    )


class RecordedCheckSerializer(serializers.ModelSerializer):
    checklist = serializers.DictField()

    class Meta:
        model = FormalCheck
        fields = ("eligible", "reasons", "checklist", "checked_at")


class FormalCheckSerializer(serializers.Serializer):
    bid = serializers.CharField()
    challenge = serializers.CharField()
    status = serializers.ChoiceField(choices=BidStatus.choices)
    open_to_check = serializers.BooleanField(
        help_text="The bid is submitted and the challenge's formal check is open."
    )
    hold = serializers.CharField(
        allow_null=True,
        help_text="Why the check cannot be recorded now (补正 window, open case), or null.",
    )
    items = CheckItemSerializer(many=True)
    completeness = serializers.DictField(child=serializers.CharField())
    recorded = RecordedCheckSerializer(allow_null=True)
    open_case = serializers.IntegerField(
        allow_null=True, help_text="Id of an open intended-ineligibility case, or null."
    )


class FormalCheckWriteSerializer(serializers.Serializer):
    """The outcome of the check (the web's formal-check form). Ineligible is an intended
    decision: a due-process case the team answers; the bid stays submitted until it is
    final. ``items`` not sent take the system's value, as the web form shows them."""

    eligible = serializers.BooleanField()
    reasons = serializers.CharField(required=False, allow_blank=True, max_length=8000)
    items = serializers.DictField(child=serializers.BooleanField(), required=False)


# --- The award ------------------------------------------------------------------------------


class ProposeSerializer(serializers.Serializer):
    bids = serializers.ListField(
        child=serializers.CharField(max_length=40),
        allow_empty=False,
        max_length=10,
        help_text="References of the bids proposed as winners.",
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=8000,
        help_text="Required when departing from the experts' ranking, and always for the "
        "bureau's proposal.",
    )


class ConfirmSerializer(serializers.Serializer):
    meeting = serializers.IntegerField(
        min_value=1,
        help_text="Id of the recorded collective decision (集体决策) that decided it.",
    )


class ReturnSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=8000)
