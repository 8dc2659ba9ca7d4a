from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from common.uploads import validate_document_upload

from .credit_code import normalize_credit_code
from .models import GOVERNMENT_KINDS, ROLES_BY_KIND, Organization, OrganizationKind, Role, User


class SignupForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("username", "full_name", "email", "phone", "language")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this email address already exists."))
        return email


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("full_name", "email", "phone", "language")

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("An account with this email address already exists."))
        return email


class LicenceField(forms.FileField):
    def validate(self, value):
        super().validate(value)
        if value:
            validate_document_upload(value, allowed=("pdf", "png", "jpeg"))


class OrganizationRegisterForm(forms.ModelForm):
    role = forms.ChoiceField(
        label=_("Your role in it"),
        choices=[(Role.ISSUER, Role.ISSUER.label), (Role.BIDDER, Role.BIDDER.label)],
        help_text=_(
            "Issuer staff publish challenges for a lead enterprise; bidder staff bid for them."
        ),
    )
    licence = LicenceField(
        label=_("Business licence"),
        help_text=_("PDF, PNG or JPEG scan of the licence or registration certificate."),
    )

    class Meta:
        model = Organization
        fields = (
            "name",
            "name_en",
            "credit_code",
            "kind",
            "address",
            "legal_representative",
            "contact_phone",
        )

    def __init__(self, *args, allow_bureau=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not allow_bureau:
            self.fields["kind"].choices = [
                c for c in self.fields["kind"].choices if c[0] not in GOVERNMENT_KINDS
            ]
        else:
            self.fields["role"].choices = [(r.value, r.label) for r in Role]

    def clean_credit_code(self):
        return normalize_credit_code(self.cleaned_data["credit_code"])

    def clean(self):
        data = super().clean()
        kind, role = data.get("kind"), data.get("role")
        if kind and role and role not in ROLES_BY_KIND[kind]:
            self.add_error(
                "role",
                _("A %(kind)s cannot have the role “%(role)s”.")
                % {"kind": OrganizationKind(kind).label, "role": Role(role).label},
            )
        return data


class ResubmitForm(forms.Form):
    licence = LicenceField(label=_("Business licence"), required=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("verify", _("Verify")), ("reject", _("Reject"))]
    )
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("comment") or "").strip():
            self.add_error(
                "comment", _("Give the reason for rejecting, so the organisation can fix it.")
            )
        return data


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"))
    is_admin = forms.BooleanField(label=_("Organisation administrator"), required=False)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r.value, r.label) for r in ROLES_BY_KIND[organization.kind]]
