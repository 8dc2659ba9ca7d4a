"""Forms of sealed bids: the team's passphrase, the shares typed at the opening."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bounty.sealing.services import PASSPHRASE_MIN_LENGTH


class SubmitPassphraseForm(forms.Form):
    """Asked when submitting to a sealed challenge; never stored."""

    passphrase = forms.CharField(
        label=_("Team passphrase"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        min_length=PASSPHRASE_MIN_LENGTH,
        help_text=_(
            "Needed to reopen and change the bid before the deadline. The platform does not "
            "keep it: if you forget it, you can still start a fresh draft, but not recover "
            "this one before the opening."
        ),
    )
    confirm = forms.CharField(
        label=_("Passphrase again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("passphrase") and data.get("passphrase") != data.get("confirm"):
            self.add_error("confirm", _("The two passphrases differ."))
        return data


class RestoreForm(forms.Form):
    passphrase = forms.CharField(
        label=_("Team passphrase"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    fresh = forms.BooleanField(
        label=_(
            "We lost the passphrase: start a fresh, empty draft (the sealed content stays "
            "sealed and is not opened)"
        ),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if not data.get("fresh") and not data.get("passphrase"):
            raise forms.ValidationError(
                _("Type the team passphrase, or tick the box to start a fresh draft.")
            )
        return data


class OpeningForm(forms.Form):
    """One field per share; the holders type theirs at the same terminal (the ceremony)."""

    def __init__(self, *args, count, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, count + 1):
            self.fields[f"share_{n}"] = forms.CharField(
                label=_("Share %(n)d") % {"n": n},
                required=False,
                widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            )

    def shares(self):
        return [v for k, v in sorted(self.cleaned_data.items()) if k.startswith("share_") and v]
