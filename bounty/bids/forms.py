from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.credit_code import normalize_credit_code, validate_credit_code
from accounts.models import User
from bounty.bids.budget import lump_sum_refusal
from bounty.bids.rules import milestone_shares_error
from bounty.bids.services import ATTACHMENT_KINDS
from bounty.challenges.forms import _RowsFormSet
from bounty.models import Attachment, Bid, BudgetLine, ExclusionRequest, TeamMember
from common.uploads import validate_document_upload


class CreditCodeField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 18)
        super().__init__(**kwargs)

    def clean(self, value):
        value = normalize_credit_code(super().clean(value))
        if value:
            validate_credit_code(value)
        return value


class BidForm(forms.ModelForm):
    pi_email = forms.EmailField(
        label=_("PI's account (email)"),
        required=False,
        help_text=_("The principal investigator's email address on this platform."),
    )

    class Meta:
        model = Bid
        fields = (
            "pi_title",
            "summary",
            "technical_approach",
            "risk_plan",
            "expected_results",
            "lump_sum",
            "lump_sum_amount",
            "pi_commitment",
        )
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "technical_approach": forms.Textarea(attrs={"rows": 10}),
            "risk_plan": forms.Textarea(attrs={"rows": 5}),
            "expected_results": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pi_id and not self.is_bound:
            self.initial["pi_email"] = self.instance.pi.email

    def clean_pi_email(self):
        email = (self.cleaned_data.get("pi_email") or "").strip().lower()
        if not email:
            return None
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise ValidationError(
                _("No account uses this email address. The PI must sign up first.")
            )
        return user

    @property
    def lump_sum_allowed(self):
        """包干制 is the bureau's decision per challenge (set at vetting)."""
        return self.instance.challenge.lump_sum_allowed

    def clean(self):
        data = super().clean()
        if not self.lump_sum_allowed:
            if data.get("lump_sum"):
                self.add_error("lump_sum", lump_sum_refusal(self.instance.challenge))
            data.update(lump_sum=False, lump_sum_amount=None, pi_commitment=False)
        if data.get("lump_sum") and data.get("lump_sum_amount") in (None, ""):
            self.add_error("lump_sum_amount", _("Give the lump sum."))
        return data


class ConsortiumForm(forms.Form):
    name = forms.CharField(label=_("Organisation"), max_length=200)
    credit_code = CreditCodeField(label=_("Credit code"))
    work_share = forms.DecimalField(
        label=_("Share of work (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=0.01,
        max_value=99.99,
    )
    responsibilities = forms.CharField(label=_("Responsibilities"), max_length=300, required=False)


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    title = forms.CharField(
        label=pgettext_lazy("academic or job title", "Title"), max_length=60, required=False
    )
    employer = forms.CharField(label=_("Employer"), max_length=200)
    employer_code = CreditCodeField(label=_("Employer's credit code"), required=False)
    role = forms.ChoiceField(
        label=_("Role"), choices=TeamMember.Role.choices, initial=TeamMember.Role.MEMBER
    )
    email = forms.EmailField(label=_("Account email (optional)"), required=False)


class ResponseForm(forms.Form):
    indicator_id = forms.IntegerField(widget=forms.HiddenInput)
    committed_value = forms.DecimalField(
        label=_("Committed target"), max_digits=16, decimal_places=4
    )
    note = forms.CharField(label=_("How the team will reach it"), max_length=500, required=False)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_month = forms.IntegerField(label=_("Due (months after signing)"), min_value=1, max_value=72)
    deliverables = forms.CharField(label=_("Deliverables"), max_length=500)
    tranche_share = forms.DecimalField(
        label=_("Funding released (%)"), max_digits=5, decimal_places=2, min_value=0, max_value=100
    )


class BudgetForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Subject"),
        choices=BudgetLine.Category.choices,
        initial=BudgetLine.Category.EQUIPMENT,
    )
    government_amount = forms.DecimalField(
        label=_("Government funds (10k yuan)"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    self_raised_amount = forms.DecimalField(
        label=_("Self-raised funds (10k yuan)"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        for column in ("government_amount", "self_raised_amount"):
            if column in data and data[column] is None:
                data[column] = Decimal("0")
        total = (data.get("government_amount") or 0) + (data.get("self_raised_amount") or 0)
        if not self.errors and total <= 0:
            self.add_error(
                "government_amount", _("Give the line's government or self-raised amount.")
            )
        return data


class ExclusionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=ExclusionRequest.Kind.choices, initial=ExclusionRequest.Kind.EXPERT
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    credit_code = CreditCodeField(label=_("Credit code"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=500)


class MilestoneFormSetBase(_RowsFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        shares = [row["tranche_share"] for row in self.rows()]
        if err := milestone_shares_error(shares):
            raise ValidationError(err)


class ConsortiumFormSetBase(_RowsFormSet):
    def __init__(self, *args, challenge=None, **kwargs):
        self.challenge = challenge
        super().__init__(*args, **kwargs)

    def clean(self):
        super().clean()
        if any(self.errors) or self.challenge is None:
            return
        from bounty.bids.rules import consortium_limit_error

        rows = self.rows()
        if err := consortium_limit_error(self.challenge, len(rows)):
            raise ValidationError(err)
        codes = [r["credit_code"] for r in rows]
        if len(codes) != len(set(codes)):
            raise ValidationError(_("The same organisation is listed twice."))


ConsortiumFormSet = forms.formset_factory(
    ConsortiumForm, formset=ConsortiumFormSetBase, extra=0, can_delete=True, max_num=10
)
TeamFormSet = forms.formset_factory(
    TeamForm, formset=_RowsFormSet, extra=1, can_delete=True, max_num=50
)
ResponseFormSet = forms.formset_factory(ResponseForm, formset=_RowsFormSet, extra=0, max_num=30)
MilestoneFormSet = forms.formset_factory(
    MilestoneForm, formset=MilestoneFormSetBase, extra=1, can_delete=True, max_num=20
)
BudgetFormSet = forms.formset_factory(
    BudgetForm, formset=_RowsFormSet, extra=1, can_delete=True, max_num=30
)
ExclusionFormSet = forms.formset_factory(
    ExclusionForm, formset=_RowsFormSet, extra=0, can_delete=True, max_num=3, validate_max=True
)


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=Attachment.Kind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word, Excel or image files, checked by their content."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_document_upload(upload, allowed=ATTACHMENT_KINDS)
        return upload


class VerifyForm(forms.Form):
    file = forms.FileField(label=_("File to check"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.JIEBANG["BID_MAX_TOTAL_BYTES"]
        if upload.size > limit:
            raise ValidationError(
                _("The file is %(size)s; the limit is %(limit)s."),
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            )
        return upload


class FormalCheckForm(forms.Form):
    eligible = forms.TypedChoiceField(
        label=_("Outcome"),
        choices=[("1", _("Eligible")), ("0", _("Ineligible"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label=_("Reasons (the team reads them)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    # Items the system computes: shown, never ticked by the officer.
    COMPUTED = ("indicators", "budget")

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in items:
            self.fields[f"item_{key}"] = forms.BooleanField(
                label=label, required=False, disabled=key in self.COMPUTED
            )

    def clean(self):
        data = super().clean()
        if data.get("eligible") is False and not (data.get("reasons") or "").strip():
            self.add_error("reasons", _("Write the reasons: the team will read them."))
        return data
