import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Contract, DocumentTemplate, Signature
from .services import template_check

SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")


class ContractTermsForm(forms.ModelForm):
    class Meta:
        model = Contract
        fields = ["start_date", "first_payment_percent", "dispute_body", "sign_place"]
        widgets = {"start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class SignForm(forms.Form):
    method = forms.ChoiceField(
        label=_("How do you sign?"),
        choices=Signature.Method.choices,
        widget=forms.RadioSelect,
        initial=Signature.Method.ONLINE,
    )
    confirm = forms.BooleanField(
        label=_(
            "I have read both documents listed above and sign them on behalf of my organisation."
        ),
    )
    password = forms.CharField(
        label=_("Your password (to sign on the platform)"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    passphrase = forms.CharField(
        label=_("Passphrase of your organisation's own certificate"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_(
            "Only when your organisation uploaded its own certificate (PKCS#12); "
            "certificates issued by the platform need none."
        ),
    )
    scan = forms.FileField(
        label=_("Signed and sealed scan (PDF)"),
        required=False,
        help_text=_("Only when signing by scan: print, sign, seal, scan, upload."),
    )

    def clean(self):
        data = super().clean()
        method = data.get("method")
        if method == Signature.Method.ONLINE and not data.get("password"):
            self.add_error("password", _("Enter your password to sign on the platform."))
        if method == Signature.Method.SCAN and not data.get("scan"):
            self.add_error("scan", _("Choose the signed and sealed scan (PDF) to upload."))
        return data


class VerifyForm(forms.Form):
    file = forms.FileField(label=_("PDF file"), required=False)
    sha256 = forms.CharField(label=_("or its SHA-256"), required=False, max_length=80)

    def clean_sha256(self):
        value = self.cleaned_data["sha256"].strip()
        if value and not SHA256.match(value):
            raise forms.ValidationError(_("A SHA-256 is 64 hexadecimal characters."))
        return value.lower()

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("sha256") and not self.errors:
            raise forms.ValidationError(_("Choose a file or enter its SHA-256."))
        return data


class TemplateForm(forms.ModelForm):
    class Meta:
        model = DocumentTemplate
        fields = ["body", "css", "note"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 30, "class": "code", "spellcheck": "false"}),
            "css": forms.Textarea(attrs={"rows": 16, "class": "code", "spellcheck": "false"}),
        }

    def clean_body(self):
        body = self.cleaned_data["body"]
        error = template_check(body)
        if error:
            raise forms.ValidationError(
                _("The template has an error: %(error)s"), params={"error": error}
            )
        return body


class SupplementSignForm(SignForm):
    """Signing a 补充协议 (documents/supplement_signing.py): one document, same methods."""

    confirm = forms.BooleanField(
        label=_(
            "I have read the supplementary agreement listed above and sign it on behalf of my organisation."
        ),
    )
