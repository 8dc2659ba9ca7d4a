from django import forms
from django.conf import settings
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from common.uploads import validate_document_upload

from .credit_code import normalize_credit_code
from .models import GOVERNMENT_KINDS, ROLES_BY_KIND, Organization, OrganizationKind, Role, User
from .selectors import district_bureaus


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
            "district",
            "jurisdiction",
            "region_code",
        )

    def __init__(self, *args, allow_bureau=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not allow_bureau:
            self.fields["kind"].choices = [
                c for c in self.fields["kind"].choices if c[0] not in GOVERNMENT_KINDS
            ]
            # Only a bureau officer registers a district bureau: no jurisdiction to give.
            del self.fields["jurisdiction"], self.fields["region_code"]
        else:
            self.fields["role"].choices = [(r.value, r.label) for r in Role]
            self.fields["jurisdiction"].help_text = _(
                "District bureaus only: the district, county-level city or zone it serves."
            )
        _district_field(self)

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
        if kind == OrganizationKind.DISTRICT_BUREAU:
            for name in ("jurisdiction", "region_code"):
                if name in self.fields and not data.get(name) and name not in self.errors:
                    self.add_error(name, _("A district bureau needs this."))
        elif "jurisdiction" in self.fields:
            data["jurisdiction"], data["region_code"] = "", ""
        _clean_district(self, data, kind)
        return data


def district_required() -> bool:
    """An enterprise must name its district when the city recommends through districts and
    at least one district bureau is verified (JIEBANG["DISTRICT_RECOMMENDATION"])."""
    return settings.JIEBANG["DISTRICT_RECOMMENDATION"] and district_bureaus().exists()


def _district_field(form):
    field = form.fields["district"]
    field.queryset = district_bureaus()
    field.required = False
    field.label = _("District")
    field.help_text = _(
        "Enterprises: the district science and technology bureau of your registered address. "
        "It recommends your needs to the city."
    )


def _clean_district(form, data, kind):
    if kind != OrganizationKind.ENTERPRISE:
        data["district"] = None
    elif not data.get("district") and district_required() and "district" not in form.errors:
        form.add_error("district", _("Choose the district your enterprise belongs to."))


class OrganizationDistrictForm(forms.ModelForm):
    """An enterprise's administrator changes its district (the organisation's page)."""

    class Meta:
        model = Organization
        fields = ("district",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _district_field(self)

    def clean(self):
        data = super().clean()
        _clean_district(self, data, OrganizationKind.ENTERPRISE)
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
