"""What each administrator duty sees in the admin (security.admin_site explains the rules).

system   — accounts (active/inactive, send a password-reset link), industries, task health
security — administrator duties, lock-outs, two-factor resets
audit    — the audit trail and the log-in history, read and exported
"""

from axes.models import AccessAttempt
from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.exceptions import ActionRefused
from audit.admin import ANONYMOUS_ACTIONS, HIDDEN_EVENTS
from audit.models import AuditEvent
from audit.services import audit_record
from common.masking import mask_email
from common.xlsx import xlsx_response

from . import duties
from .admin_site import DutyModelAdmin
from .models import Duty, LoginRecord, StaffDuty
from .sessions import end_sessions
from .twofactor import second_factor_reset

User = get_user_model()
SYSTEM, SECURITY, AUDIT = Duty.SYSTEM, Duty.SECURITY, Duty.AUDIT


@admin.register(User)
class UserAdmin(DutyModelAdmin):
    """Accounts: no password, superuser, staff, group or permission field for anyone; a
    password changes only by its owner (or the owner's reset link)."""

    view_duties = (SECURITY,)
    change_duties = (SYSTEM,)
    list_display = ("username", "full_name", "email_masked", "is_active", "duty", "last_login")
    list_filter = ("is_active",)
    search_fields = ("username", "full_name")
    fields = ("username", "full_name", "email_masked", "is_active", "last_login", "date_joined")
    readonly_fields = ("username", "full_name", "email_masked", "last_login", "date_joined")
    actions = ["send_password_reset", "reset_second_factor"]
    ordering = ("username",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("staff_duty")

    @admin.display(description=_("email address"))
    def email_masked(self, obj):
        return mask_email(obj.email)

    @admin.display(description=_("duty"))
    def duty(self, obj):
        record = getattr(obj, "staff_duty", None)
        return record.get_duty_display() if record else "—"

    def get_actions(self, request):
        actions = super().get_actions(request)
        duty = duties.duty_of(request.user)
        if duty != SYSTEM:
            actions.pop("send_password_reset", None)
        if duty != SECURITY:
            actions.pop("reset_second_factor", None)
        return actions

    def save_model(self, request, obj, form, change):
        if "is_active" in form.changed_data:
            if obj.pk == request.user.pk:
                raise ActionRefused(_("Nobody may deactivate their own account."))
            with transaction.atomic():
                super().save_model(request, obj, form, change)
                audit_record(
                    actor=request.user,
                    action="security.account_activate"
                    if obj.is_active
                    else "security.account_deactivate",
                    obj=obj,
                )
                if not obj.is_active:
                    end_sessions(obj)
        else:
            super().save_model(request, obj, form, change)

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except ActionRefused as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return self.response_post_save_change(request, None)

    @admin.action(description=_("Send a password-reset link to the selected accounts"))
    def send_password_reset(self, request, queryset):
        sent = 0
        for user in queryset.filter(is_active=True).exclude(email=""):
            form = PasswordResetForm({"email": user.email})
            if form.is_valid():
                form.save(
                    request=request,
                    email_template_name="accounts/email/password_reset.txt",
                    subject_template_name="accounts/email/password_reset_subject.txt",
                )
                audit_record(actor=request.user, action="security.password_reset_sent", obj=user)
                sent += 1
        self.message_user(
            request,
            _("Password-reset links sent: %(n)d. Nobody but the account's owner sees them.")
            % {"n": sent},
        )

    @admin.action(description=_("Reset two-factor log-in (lost phone) of the selected accounts"))
    def reset_second_factor(self, request, queryset):
        for user in queryset:
            try:
                second_factor_reset(user=user, by=request.user)
            except ActionRefused as exc:
                self.message_user(request, f"{user}: {exc.message}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(user)s sets up two-factor log-in again at the next log-in.")
                    % {"user": user},
                )


class StaffDutyForm(forms.ModelForm):
    class Meta:
        model = StaffDuty
        fields = ("user", "duty")

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request


@admin.register(StaffDuty)
class StaffDutyAdmin(DutyModelAdmin):
    """三员分立: the security administrator grants and revokes the duties (audited)."""

    view_duties = (SECURITY, AUDIT)
    add_duties = delete_duties = (SECURITY,)
    list_display = ("user", "duty", "granted_by", "granted_at")
    list_filter = ("duty",)
    search_fields = ("user__username", "user__full_name")
    autocomplete_fields = ("user",)
    form = StaffDutyForm
    actions = None

    def get_readonly_fields(self, request, obj=None):
        return ("user", "duty", "granted_by", "granted_at") if obj else ()

    def get_fields(self, request, obj=None):
        return ("user", "duty", "granted_by", "granted_at") if obj else ("user", "duty")

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)

        class Bound(form_class):
            def clean(inner):
                data = super().clean()
                user, duty = data.get("user"), data.get("duty")
                if user is not None and duty:
                    refusal = duties.duty_refusal(user=user, duty=duty, by=request.user)
                    if refusal:
                        raise forms.ValidationError(refusal)
                return data

        return Bound

    def save_model(self, request, obj, form, change):
        record = duties.duty_grant(user=obj.user, duty=obj.duty, by=request.user)
        obj.pk, obj.granted_at, obj.granted_by = record.pk, record.granted_at, record.granted_by

    def log_addition(self, request, obj, message):
        # duty_grant wrote the audit event; Django's own log only.
        return admin.ModelAdmin.log_addition(self, request, obj, message)

    def delete_model(self, request, obj):
        duties.duty_revoke(record=obj, by=request.user)

    def log_deletions(self, request, queryset):
        return admin.ModelAdmin.log_deletions(self, request, queryset)

    def has_delete_permission(self, request, obj=None):
        own = obj is not None and obj.user_id == request.user.pk
        return super().has_delete_permission(request, obj) and not own


class ExportMixin:
    export_columns: tuple = ()

    @admin.action(description=_("Export the selected rows (Excel)"))
    def export_xlsx(self, request, queryset):
        labels = [label for label, _getter in self.export_columns]
        rows = ([getter(obj) for _label, getter in self.export_columns] for obj in queryset)
        audit_record(
            actor=request.user,
            action="security.export",
            payload={"model": self.model._meta.label, "rows": queryset.count()},
        )
        return xlsx_response(
            [(self.model._meta.verbose_name_plural, labels, rows)],
            f"{self.model._meta.model_name}.xlsx",
        )


def _shown_actor(event):
    return _("(anonymous)") if event.action in ANONYMOUS_ACTIONS else event.actor_label


@admin.register(AuditEvent)
class AuditEventAdmin(ExportMixin, DutyModelAdmin):
    """The audit administrator reads the chain. Events naming sealed content stay out
    (audit.admin.HIDDEN_EVENTS); the actor of an anonymous act (a clarification
    question) is not shown."""

    view_duties = (AUDIT,)
    list_display = ("seq", "created_at", "actor_shown", "action", "object_label", "to_state")
    list_filter = ("action", "object_type")
    search_fields = ("action", "object_label", "hash")
    actions = ["export_xlsx"]
    export_columns = (
        (_("sequence"), lambda e: e.seq),
        (_("time"), lambda e: e.created_at.replace(tzinfo=None)),
        (_("actor"), _shown_actor),
        (_("action"), lambda e: e.action),
        (_("object"), lambda e: e.object_label),
        (_("from state"), lambda e: e.from_state),
        (_("to state"), lambda e: e.to_state),
        (_("hash"), lambda e: e.hash),
    )

    def get_fields(self, request, obj=None):
        fields = [f.name for f in AuditEvent._meta.fields if f.name not in ("actor", "id")]
        if obj is not None and obj.action in ANONYMOUS_ACTIONS:
            fields.remove("actor_label")
        return fields

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @admin.display(description=_("actor"))
    def actor_shown(self, obj):
        return _shown_actor(obj)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        for hidden in HIDDEN_EVENTS:
            queryset = queryset.exclude(hidden())
        return queryset

    def get_search_results(self, request, queryset, search_term):
        # Searching by actor is a separate, explicit field, and never finds anonymous acts.
        results, distinct = super().get_search_results(request, queryset, search_term)
        term = search_term[: self.search_max_length].strip()
        if term:
            results = results | queryset.filter(actor_label__icontains=term).exclude(
                action__in=ANONYMOUS_ACTIONS
            )
        return results, distinct


@admin.register(LoginRecord)
class LoginRecordAdmin(ExportMixin, DutyModelAdmin):
    view_duties = (AUDIT,)
    list_display = ("created_at", "user", "outcome", "ip_address", "user_agent")
    list_filter = ("outcome",)
    search_fields = ("user__username", "ip_address")
    fields = readonly_fields = ("created_at", "user", "outcome", "ip_address", "user_agent")
    actions = ["export_xlsx"]
    list_select_related = ("user",)
    export_columns = (
        (_("time"), lambda r: r.created_at.replace(tzinfo=None)),
        (_("account"), lambda r: r.user.username),
        (_("outcome"), lambda r: str(r.get_outcome_display())),
        (_("IP address"), lambda r: r.ip_address or ""),
        (_("device"), lambda r: r.user_agent),
    )


@admin.register(AccessAttempt)
class LockoutAdmin(DutyModelAdmin):
    """Log-in lock-outs (django-axes): the security administrator releases them (audited)."""

    view_duties = delete_duties = (SECURITY,)
    list_display = ("username", "ip_address", "failures_since_start", "attempt_time")
    search_fields = ("username", "ip_address")
    fields = readonly_fields = ("username", "ip_address", "failures_since_start", "attempt_time")
    actions = ["release"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description=_("Release the selected lock-outs"))
    def release(self, request, queryset):
        for attempt in queryset:
            self._release(request, attempt)
        self.message_user(request, _("Lock-outs released."))

    def delete_model(self, request, obj):
        self._release(request, obj)

    def _release(self, request, attempt):
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action="security.lockout_release",
                payload={"username": attempt.username, "ip": attempt.ip_address},
            )
            attempt.delete()

    def log_deletions(self, request, queryset):
        return admin.ModelAdmin.log_deletions(self, request, queryset)
