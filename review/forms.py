from django import forms
from django.utils.translation import gettext_lazy as _

from review.models import VERDICTS_BY_PURPOSE, PanelVerdict


class DrawForm(forms.Form):
    size = forms.IntegerField(label=_("Panel size"), min_value=5, max_value=25, initial=7)
    alternates = forms.IntegerField(label=_("Alternates"), min_value=0, max_value=50, initial=7)
    min_financial = forms.BooleanField(label=_("At least one financial expert"), required=False)
    public_value_source = forms.CharField(
        label=_("Public value (optional, named now, entered after the freeze)"),
        required=False,
        max_length=300,
        help_text=_("E.g. “the 福彩3D result of 2026-12-01”. Mixed into the seed."),
    )

    def clean_size(self):
        size = self.cleaned_data["size"]
        if size % 2 == 0:
            raise forms.ValidationError(_("The panel size must be odd."))
        return size


class CommitForm(forms.Form):
    commitment = forms.RegexField(
        label=_("Commitment (SHA-256 of your secret)"),
        regex=r"^[0-9a-fA-F]{64}$",
        error_messages={
            "invalid": _(
                "64 hexadecimal characters, e.g. the output of: printf '%s' SECRET | sha256sum"
            )
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
