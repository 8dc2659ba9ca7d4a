from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from review.forms import DrawForm
from review.models import VERDICTS_BY_PURPOSE, DrawPurpose, PanelOpinion, PanelVerdict

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class NeedVettingDrawForm(DrawForm):
    """The draw of a need-vetting panel: smaller (odd, at least 3); a public value is
    optional (as for project panels)."""

    size = forms.IntegerField(label=_("Panel size"), min_value=3, max_value=25)
    alternates = forms.IntegerField(label=_("Alternates"), min_value=0, max_value=50)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        size = settings.JIEBANG["NEED_VETTING_PANEL_SIZE"]
        self.fields["size"].initial = size
        self.fields["alternates"].initial = size
        self.fields["public_value_lottery"].choices = [
            ("", _("none")),
            *self.fields["public_value_lottery"].choices[1:],
        ]
        self.fields["public_value_lottery"].help_text = _(
            "Optional: its result is entered after the freeze and mixed into the seed."
        )
        self.fields["redraw_reason"].widget = forms.HiddenInput()
        if not self.is_bound:  # no lottery unless the officer names one
            self.initial.update(public_value_lottery="", public_value_date=None)


def _question(label):
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )


class NeedOpinionForm(forms.Form):
    """A vetting expert's structured opinion on a need (需求论证意见)."""

    real_bottleneck = _question(PanelOpinion._meta.get_field("real_bottleneck").verbose_name)
    indicators_measurable = _question(
        PanelOpinion._meta.get_field("indicators_measurable").verbose_name
    )
    bounty_reasonable = _question(PanelOpinion._meta.get_field("bounty_reasonable").verbose_name)
    recommendation = forms.ChoiceField(label=_("Your recommendation"), widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Opinion and reasons"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(PanelVerdict.choices)
        self.fields["recommendation"].choices = [
            (v, labels[v]) for v in VERDICTS_BY_PURPOSE[DrawPurpose.NEED_VETTING]
        ]
