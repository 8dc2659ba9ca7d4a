"""Forms of the expert pool screens: list filters, import, status, an expert's own profile."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.credit_code import normalize_credit_code, validate_credit_code
from review.models import Expert, ExpertStatus, ExpertTitle, ExpertType, Relationship
from review.pool.reading import ImportFileError, detect_format

# A 100,000-row CSV is about 20 MB; the general upload limit is for attachments.
IMPORT_MAX_BYTES = getattr(settings, "POOL_IMPORT_MAX_BYTES", 60 * 1024 * 1024)


def _with_any(label, choices):
    return [("", label), *choices]


class PoolFilterForm(forms.Form):
    """GET filters of the pool list and its export. A bad value is reported and ignored."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    industry = forms.ChoiceField(label=_("Industry"), required=False)
    title = forms.ChoiceField(
        label=pgettext_lazy("academic or job title", "Title"),
        required=False,
        choices=_with_any(_("Any title"), ExpertTitle.choices),
    )
    expert_type = forms.ChoiceField(
        label=_("Type"), required=False, choices=_with_any(_("Any type"), ExpertType.choices)
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=_with_any(_("Any status"), ExpertStatus.choices),
    )

    def __init__(self, data=None, *, industries=()):
        super().__init__(data)
        self.fields["industry"].choices = [("", _("All industries"))] + [
            (i.code, i.name) for i in industries
        ]

    @property
    def filters(self) -> dict:
        """The valid, non-empty filters (call after ``is_valid()``)."""
        data = getattr(self, "cleaned_data", {})
        return {k: v for k, v in data.items() if v not in (None, "")}


class PoolImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("Excel workbook (.xlsx) or CSV (UTF-8); one header row, one expert per row."),
    )
    valid_rows_only = forms.BooleanField(
        label=_("Import the valid rows and skip the rows with errors"),
        required=False,
        help_text=_("Without this, nothing is imported when any row has an error."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(
                _("The file is %(size)s; the limit is %(limit)s."),
                code="too_large",
                params={
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(IMPORT_MAX_BYTES),
                },
            )
        upload.seek(0)
        head = upload.read(4096)
        upload.seek(0)
        try:
            detect_format(head)
        except ImportFileError as exc:
            raise ValidationError(exc.message, code="content_type") from exc
        return upload


class ExpertStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status in the pool"), choices=ExpertStatus.choices)


class ExpertProfileForm(forms.ModelForm):
    """What an expert maintains themselves; the bureau keeps the rest."""

    class Meta:
        model = Expert
        fields = ("keywords", "phone", "email")
        widgets = {"phone": forms.TextInput(attrs={"type": "tel"})}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class RelationshipForm(forms.ModelForm):
    """One declared relationship. People are matched by account, organisations by
    credit code — never by name (DOMAIN §4) — so those are what the form asks for."""

    person_email = forms.EmailField(
        label=_("Person's account email"),
        required=False,
        help_text=_("Optional: links the declaration to that person's account."),
    )

    class Meta:
        model = Relationship
        fields = (
            "kind",
            "person_email",
            "person_name",
            "organization_name",
            "organization_code",
            "starts_on",
            "ends_on",
            "note",
        )
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args, owner=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner
        if self.instance.pk and self.instance.person_id:
            self.fields["person_email"].initial = self.instance.person.email
        self.person = self.instance.person if self.instance.pk else None

    def clean_organization_code(self):
        code = normalize_credit_code(self.cleaned_data.get("organization_code"))
        if code:
            validate_credit_code(code)
        return code

    def clean_person_email(self):
        email = (self.cleaned_data.get("person_email") or "").strip()
        self.person = None
        if email:
            self.person = get_user_model().objects.filter(email__iexact=email).first()
            if self.person is None:
                raise ValidationError(_("No account uses this email address."), code="no_account")
            if self.owner is not None and self.person.pk == self.owner.pk:
                raise ValidationError(_("This is your own account."), code="self")
        return email

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind in Relationship.PERSONAL:
            if not data.get("person_name") and self.person is not None:
                data["person_name"] = self.person.full_name or self.person.get_username()
            if not data.get("person_name") and "person_email" not in self.errors:
                self.add_error("person_name", _("Name the person (or give their account email)."))
        elif kind in Relationship.ORGANISATIONAL:
            if not data.get("organization_code") and "organization_code" not in self.errors:
                self.add_error(
                    "organization_code",
                    _("Give the organisation's credit code: conflicts are matched on it."),
                )
            if not data.get("organization_name"):
                self.add_error("organization_name", _("Name the organisation."))
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end date is before the start date."))
        return data

    def row(self) -> dict:
        """The cleaned declaration as the service takes it."""
        data = self.cleaned_data
        return {
            "id": self.instance.pk,
            "kind": data["kind"],
            "person": self.person,
            "person_name": data.get("person_name", ""),
            "organization_name": data.get("organization_name", ""),
            "organization_code": data.get("organization_code", ""),
            "starts_on": data.get("starts_on"),
            "ends_on": data.get("ends_on"),
            "note": data.get("note", ""),
        }


class BaseRelationshipFormSet(forms.BaseModelFormSet):
    """Pass ``form_kwargs={"owner": user}`` so that nobody declares themselves."""

    def kept(self) -> list[dict]:
        """The declarations to keep or add (cleaned), after ``is_valid()``."""
        return [
            form.row()
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    def removed_ids(self) -> list[int]:
        return [
            form.instance.pk
            for form in self.forms
            if form.instance.pk and form.cleaned_data.get("DELETE")
        ]


RelationshipFormSet = forms.modelformset_factory(
    Relationship,
    form=RelationshipForm,
    formset=BaseRelationshipFormSet,
    extra=1,
    can_delete=True,
    max_num=50,
    validate_max=True,
)
