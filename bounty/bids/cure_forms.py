"""Forms of the formal check's 补正 (bounty/bids/cure.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bounty.bids.cure_services import CURE_FILE_KINDS
from bounty.models import Attachment
from common.uploads import validate_document_upload


class CureOpenForm(forms.Form):
    missing = forms.CharField(
        label=_("Missing or defective documents"),
        help_text=_("The team reads this and may add only these documents."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CureFileForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=Attachment.Kind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word, Excel or image files, checked by their content."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_document_upload(upload, allowed=CURE_FILE_KINDS)
        return upload
