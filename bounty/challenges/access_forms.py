from django import forms
from django.utils.translation import gettext_lazy as _


class _OrganizationChoice(forms.Form):
    """The organisation the user acts for, among ``organizations`` (shown only if several)."""

    organization = forms.TypedChoiceField(label=_("For the organisation"), coerce=int)

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organizations = {o.pk: o for o in organizations}
        self.fields["organization"].choices = [(o.pk, o.name) for o in organizations]
        if len(organizations) == 1:
            self.fields["organization"].initial = organizations[0].pk
            self.fields["organization"].widget = forms.HiddenInput()
            self.fields["organization"].required = False

    def chosen(self):
        pk = self.cleaned_data.get("organization")
        if pk in (None, "") and len(self.organizations) == 1:
            return next(iter(self.organizations.values()))
        return self.organizations[pk]


class NdaAcceptForm(_OrganizationChoice):
    pass


class AccessRequestForm(_OrganizationChoice):
    reason = forms.CharField(
        label=_("Why your organisation needs the details"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The issuer reads this and admits or refuses your organisation."),
    )


class AccessDecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to refuse; the requester reads it."),
    )
