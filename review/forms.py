from datetime import timedelta

from django import forms
from django.utils.timezone import localdate
from django.utils.translation import gettext_lazy as _

from review.models import VERDICTS_BY_PURPOSE, PanelVerdict

PUBLIC_VALUE_LOTTERIES = [
    ("cwl-3d", _("China Welfare Lottery 3D (福彩3D): 3 digits")),
    ("sports-lottery-pl3", _("China Sports Lottery Pick 3 (体彩排列三): 3 digits")),
    ("sports-lottery-pl5", _("China Sports Lottery Pick 5 (体彩排列五): 5 digits")),
]


class DrawForm(forms.Form):
    size = forms.IntegerField(label=_("Panel size"), min_value=5, max_value=25, initial=7)
    alternates = forms.IntegerField(label=_("Alternates"), min_value=0, max_value=50, initial=7)
    min_financial = forms.BooleanField(label=_("At least one financial expert"), required=False)
    public_value_lottery = forms.ChoiceField(
        label=_("Public value: lottery"),
        required=False,
        choices=[("", _("none (project panels only)")), *PUBLIC_VALUE_LOTTERIES],
        help_text=_(
            "Its result is entered after the freeze and mixed into the seed. Required for a "
            "bid-review draw."
        ),
    )
    public_value_date = forms.DateField(
        label=_("Public value: date of the lottery draw"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("A draw after today (YYYY-MM-DD)."),
    )
    redraw_reason = forms.CharField(
        label=_("Reason for a new draw (only if a panel was already drawn)"),
        required=False,
        max_length=500,
        help_text=_("Published next to the earlier draw."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("public_value_lottery", "cwl-3d")
            self.initial.setdefault("public_value_date", localdate() + timedelta(days=1))

    def clean_size(self):
        size = self.cleaned_data["size"]
        if size % 2 == 0:
            raise forms.ValidationError(_("The panel size must be odd."))
        return size

    def clean(self):
        data = super().clean()
        lottery, day = data.get("public_value_lottery"), data.get("public_value_date")
        if bool(lottery) != bool(day):
            raise forms.ValidationError(_("Choose both the lottery and the date, or neither."))
        data["public_value_source"] = f"{lottery}:{day.isoformat()}" if lottery else ""
        return data


class CommitForm(forms.Form):
    commitment = forms.RegexField(
        label=_("Commitment (computed in this browser from your secret)"),
        regex=r"^[0-9a-fA-F]{64}$",
        widget=forms.TextInput(attrs={"readonly": True}),
        error_messages={
            "invalid": _("Generate a secret first: the commitment is computed from it.")
        },
    )


class RevealForm(forms.Form):
    secret = forms.CharField(label=_("Your secret"), max_length=200)


class PublicValueForm(forms.Form):
    value = forms.CharField(label=_("Public value"), max_length=300)


class AcceptForm(forms.Form):
    undertaking = forms.BooleanField(
        label=_(
            "I undertake to keep everything I see confidential, to review impartially and "
            "independently, and to declare any conflict of interest."
        )
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=300)


class DeclarationForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Conflict of interest"),
        choices=[
            ("none", _("No conflict")),
            ("potential", _("Potential conflict (the bureau decides)")),
            ("conflict", _("Conflict: I withdraw from this panel")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Explanation"), required=False, max_length=500)


class OpinionForm(forms.Form):
    """A milestone or acceptance panel expert's opinion (the verdicts depend on the panel)."""

    verdict = forms.ChoiceField(label=_("Your verdict"), widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Opinion and reasons"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )

    def __init__(self, purpose, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(PanelVerdict.choices)
        self.fields["verdict"].choices = [(v, labels[v]) for v in VERDICTS_BY_PURPOSE[purpose]]
