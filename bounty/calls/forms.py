"""The bureau's call editor."""

from django import forms
from django.core.exceptions import ValidationError

from bounty.calls.models import Call
from bounty.calls.rules import windows_errors
from bounty.calls.services import TEMPLATE_FIELDS
from bounty.challenges.forms import DATETIME_FORMAT, DateTimeLocalInput
from common.uploads import validate_document_upload

CALL_FIELDS = (
    "name",
    "year",
    "batch",
    "needs_opens_at",
    "needs_closes_at",
    "bids_close_at",
    "max_lead_bids",
    "pi_max_lead",
    "guide",
    *TEMPLATE_FIELDS,
)
# What a template may be: PDF or a Word document (.docx or .doc).
TEMPLATE_KINDS = {"pdf", "ooxml", "ole2"}
DATETIME_FIELDS = ("needs_opens_at", "needs_closes_at", "bids_close_at")


class CallForm(forms.ModelForm):
    """A call's name, windows, quotas, guide and templates. An upload that fails its check
    is reported beside its field; everything else typed stays in the form."""

    class Meta:
        model = Call
        fields = CALL_FIELDS
        widgets = {
            "guide": forms.Textarea(attrs={"rows": 12}),
            **{name: DateTimeLocalInput() for name in DATETIME_FIELDS},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in DATETIME_FIELDS:
            self.fields[name].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M"]
        if self.instance.pk and self.instance.status != "draft":
            for name in ("year", "batch"):
                self.fields[name].disabled = True

    def _clean_template(self, name):
        upload = self.cleaned_data.get(name)
        if upload and hasattr(upload, "content_type"):  # a new upload (not the stored file)
            try:
                validate_document_upload(upload, allowed=TEMPLATE_KINDS)
            except ValidationError as exc:
                raise ValidationError(exc.messages) from exc
        return upload

    def clean_application_template(self):
        return self._clean_template("application_template")

    def clean_integrity_template(self):
        return self._clean_template("integrity_template")

    def clean_consortium_template(self):
        return self._clean_template("consortium_template")

    def clean(self):
        data = super().clean()
        for field, message in windows_errors(
            data.get("needs_opens_at"), data.get("needs_closes_at"), data.get("bids_close_at")
        ).items():
            self.add_error(field, message)
        return data
