from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bounty.calls.rules import QUALIFICATION_FIELDS
from bounty.challenges.rules import (
    consortium_error,
    deadline_error,
    funding_errors,
    horse_race_errors,
    weights_error,
)
from bounty.challenges.services import AMENDABLE_FIELDS
from bounty.models import Call, CallStatus, Challenge, Comparator, Industry, plain_decimal

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_FORMAT, **kwargs)


CHALLENGE_FIELDS = (
    "title",
    "industry",
    "problem",
    "deliverable",
    "bounty_total",
    "enterprise_funds",
    "government_funds",
    "period_months",
    "bid_deadline",
    "eligibility",
    "consortium_allowed",
    "max_consortium_members",
    "winners_allowed",
    "parallel_share",
    "continuation_amount",
    "ip_terms",
    "ip_terms_detail",
    "confidentiality",
    "public_summary",
    "nda_text",
    "contact_name",
    "contact_phone",
    "contact_email",
)

# A need in a call (批次): the call and the issuer's qualification facts (需求征集表).
NEED_FIELDS = ("call", *QUALIFICATION_FIELDS)


def calls_accepting_needs(current_call_id=None):
    """The calls a need may be put into now (and the need's current call)."""
    now = timezone.now()
    open_now = models.Q(
        status=CallStatus.COLLECTING, needs_opens_at__lte=now, needs_closes_at__gt=now
    )
    return Call.objects.filter(open_now | models.Q(pk=current_call_id)).order_by("-year", "-batch")


class ChallengeForm(forms.ModelForm):
    """The issuer's editor. Saving a draft needs only a title; everything typed is
    validated for format and consistency, and completeness is checked on submit."""

    class Meta:
        model = Challenge
        fields = (*CHALLENGE_FIELDS, *NEED_FIELDS)
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 8}),
            "deliverable": forms.Textarea(attrs={"rows": 3}),
            "eligibility": forms.Textarea(attrs={"rows": 4}),
            "ip_terms_detail": forms.Textarea(attrs={"rows": 3}),
            "public_summary": forms.Textarea(attrs={"rows": 3}),
            "nda_text": forms.Textarea(attrs={"rows": 6}),
            "bid_deadline": DateTimeLocalInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry"].queryset = Industry.objects.filter(is_active=True)
        self.fields["bid_deadline"].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M"]
        self.fields["call"].queryset = calls_accepting_needs(self.instance.call_id)
        self.fields["call"].empty_label = _("None: a challenge published on its own")
        self.fields["call"].help_text = _(
            "A need collected in a call is published with the call's list and takes the "
            "call's bid deadline; fill in the qualification form below."
        )
        self.fields["bid_deadline"].help_text = _(
            "Not used for a need in a call: the call's bid deadline applies."
        )
        for name in (
            "bounty_total",
            "enterprise_funds",
            "government_funds",
            "parallel_share",
            "continuation_amount",
        ):
            self.fields[name].widget.attrs.update({"step": "0.01", "min": "0"})
        always_required = {"title", "max_consortium_members", "winners_allowed", "confidentiality"}
        for name, field in self.fields.items():
            field.required = name in always_required

    def clean(self):
        data = super().clean()
        for field, message in funding_errors(
            data.get("bounty_total"), data.get("enterprise_funds"), data.get("government_funds")
        ).items():
            self.add_error(field, message)
        money = ("winners_allowed", "bounty_total", "parallel_share", "continuation_amount")
        if all(data.get(f) is not None for f in money):
            for field, message in horse_race_errors(*(data[f] for f in money)).items():
                self.add_error(field, message)
        deadline = data.get("bid_deadline")
        if data.get("call") is not None:  # a need in a call takes the call's deadline
            data["bid_deadline"] = data["call"].bids_close_at
            self.errors.pop("bid_deadline", None)
        elif deadline and "bid_deadline" in self.changed_data and (err := deadline_error(deadline)):
            self.add_error("bid_deadline", err)
        if err := consortium_error(
            data.get("consortium_allowed"), data.get("max_consortium_members")
        ):
            self.add_error("max_consortium_members", err)
        if data.get("ip_terms") == "agreed" and not (data.get("ip_terms_detail") or "").strip():
            self.add_error("ip_terms_detail", _("Detail the IP terms."))
        return data


class IndicatorForm(forms.Form):
    name = forms.CharField(label=_("Indicator"), max_length=200)
    comparator = forms.ChoiceField(
        label=_("Comparison"), choices=Comparator.choices, initial=Comparator.GTE
    )
    target_value = forms.DecimalField(label=_("Target value"), max_digits=16, decimal_places=4)
    target_upper = forms.DecimalField(
        label=_("Upper bound"), max_digits=16, decimal_places=4, required=False
    )
    unit = forms.CharField(label=_("Unit"), max_length=40, required=False)
    test_method = forms.CharField(label=_("How it is tested"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        if data.get("comparator") == Comparator.RANGE:
            upper, lower = data.get("target_upper"), data.get("target_value")
            if upper is None:
                self.add_error("target_upper", _("A range needs an upper bound."))
            elif lower is not None and upper <= lower:
                self.add_error("target_upper", _("The upper bound must be above the target value."))
        return data


class CriterionForm(forms.Form):
    code = forms.SlugField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Criterion"), max_length=200)
    weight = forms.IntegerField(label=_("Weight"), min_value=1, max_value=100)
    minimum = forms.IntegerField(
        label=_("Minimum score"), min_value=0, max_value=100, required=False
    )
    anchors = forms.CharField(
        label=_("Anchored levels (90 / 70 / 50)"), max_length=500, required=False
    )


class _RowsFormSet(forms.BaseFormSet):
    def rows(self):
        return [
            {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


class CriterionFormSetBase(_RowsFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        weights = [row["weight"] for row in self.rows()]
        if weights and (err := weights_error(weights)):
            raise forms.ValidationError(err)


IndicatorFormSet = forms.formset_factory(
    IndicatorForm, formset=_RowsFormSet, extra=1, can_delete=True, max_num=30
)
CriterionFormSet = forms.formset_factory(
    CriterionForm, formset=CriterionFormSetBase, extra=0, can_delete=True, max_num=12
)


def indicator_initial(challenge):
    return [
        {
            "name": i.name,
            "comparator": i.comparator,
            "target_value": plain_decimal(i.target_value),
            "target_upper": plain_decimal(i.target_upper) or None,
            "unit": i.unit,
            "test_method": i.test_method,
        }
        for i in challenge.indicators.all()
    ]


def criterion_initial(rows):
    return [
        {
            "code": r["code"],
            "name": r["name"],
            "weight": r["weight"],
            "minimum": r["minimum"],
            "anchors": r.get("anchors", ""),
        }
        for r in rows
    ]


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    lump_sum_allowed = forms.BooleanField(
        label=_("Allow lump-sum funding (包干制) for this challenge"),
        required=False,
        help_text=_("Recorded when you approve; bids may then choose 包干制."),
    )

    def __init__(self, *args, challenge=None, **kwargs):
        super().__init__(*args, **kwargs)
        # 包干制 is decided at vetting: the box shows only while the challenge is vetted.
        if challenge is None or challenge.status != "vetting":
            del self.fields["lump_sum_allowed"]
        else:
            self.fields["lump_sum_allowed"].initial = challenge.lump_sum_allowed


class AmendmentForm(forms.ModelForm):
    reason = forms.CharField(
        label=_("Reason for the amendment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Published with the amendment; every bidder and questioner is notified."),
    )

    class Meta:
        model = Challenge
        fields = AMENDABLE_FIELDS
        widgets = ChallengeForm.Meta.widgets

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bid_deadline"].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M"]
        for name in (
            "title",
            "bounty_total",
            "enterprise_funds",
            "government_funds",
            "bid_deadline",
        ):
            self.fields[name].required = True

    def clean(self):
        data = super().clean()
        for field, message in funding_errors(
            data.get("bounty_total"), data.get("enterprise_funds"), data.get("government_funds")
        ).items():
            self.add_error(field, message)
        deadline = data.get("bid_deadline")
        if deadline and deadline <= timezone.now():
            self.add_error("bid_deadline", _("The bid deadline is in the past."))
        return data


class QuestionForm(forms.Form):
    question = forms.CharField(
        label=_("Your question"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The answer is published to everyone; your name and organisation are not."),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"), max_length=8000, widget=forms.Textarea(attrs={"rows": 3})
    )
