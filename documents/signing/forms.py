from django import forms
from django.utils.translation import gettext_lazy as _


class Pkcs12UploadForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    file = forms.FileField(
        label=_("Certificate and private key (PKCS#12: .p12 or .pfx)"),
        help_text=_("The file stays sealed on the platform; its passphrase is not kept."),
    )
    passphrase = forms.CharField(
        label=_("Passphrase of the file"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_("Checked now, and entered again at each signature."),
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 256 * 1024:
            raise forms.ValidationError(
                _("A PKCS#12 file is a few kilobytes; this one is too large.")
            )
        return upload


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the revocation"), max_length=300)
