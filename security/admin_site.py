"""The admin site as a narrow tool for the three administrators, never a back door.

- Only the models in ``ADMIN_MODELS`` can be registered: django-q2's task and schedule
  editors (code execution), guardian's object-permission pages, auth groups and every
  raw editor of business data stay out, whatever an app's admin.py registers.
- Who may enter and what they may do follows the administrator duty
  (``security.duties``), never Django's model permissions or ``is_superuser``: nobody
  can grant those to themselves here, and a superuser (installation only) sees nothing.
- Every write through the admin is also written to the hash-chained audit trail.
"""

from django.conf import settings
from django.contrib import admin
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record

from .duties import duty_of
from .models import Duty

# "app_label.ModelName" of every model the admin may show.
ADMIN_MODELS = frozenset(
    {
        "accounts.User",
        "security.StaffDuty",
        "security.LoginRecord",
        "audit.AuditEvent",
        "axes.AccessAttempt",
        "bounty.Industry",
    }
)


def second_factor_ok(request) -> bool:
    from .sessions import is_verified

    return not settings.SECURITY["TWO_FACTOR_ENFORCED"] or is_verified(request)


class DutyAdminSite(admin.AdminSite):
    site_header = _("Challenge & Bid Platform administration")
    site_title = _("Challenge & Bid Platform")
    index_template = "security/admin_index.html"

    def register(self, model_or_iterable, admin_class=None, **options):
        models = [model_or_iterable] if isinstance(model_or_iterable, type) else model_or_iterable
        allowed = [m for m in models if m._meta.label in ADMIN_MODELS]
        if allowed:
            super().register(allowed, admin_class, **options)

    def login(self, request, extra_context=None):
        """One log-in page for the whole site (lock-out, second factor): the site's."""
        from django.shortcuts import redirect
        from django.urls import reverse
        from django.utils.http import urlencode

        target = request.GET.get("next") or reverse("admin:index")
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': target})}")

    def has_permission(self, request):
        user = request.user
        return (
            user.is_active
            and user.is_staff
            and duty_of(user) is not None
            and second_factor_ok(request)
        )

    def get_urls(self):
        # No "view on site" shortcut: it answers for any object of any app.
        urls = [u for u in super().get_urls() if getattr(u, "name", None) != "view_on_site"]
        return [path("queue/", self.admin_view(self.queue_view), name="queue"), *urls]

    def each_context(self, request):
        context = super().each_context(request)
        context["duty"] = duty_of(request.user)
        return context

    def queue_view(self, request):
        """Background-task health, read-only, for the system administrator: counts, the
        schedule and the names of failed tasks — never their arguments or results."""
        from django.core.exceptions import PermissionDenied

        if duty_of(request.user) != Duty.SYSTEM:
            raise PermissionDenied
        from .queue import queue_overview

        context = {**self.each_context(request), "title": _("Background tasks"), **queue_overview()}
        return render(request, "security/admin_queue.html", context)


class DutyModelAdmin(admin.ModelAdmin):
    """A model admin whose every permission comes from the administrator duty."""

    view_duties: tuple = ()
    add_duties: tuple = ()
    change_duties: tuple = ()
    delete_duties: tuple = ()
    search_max_length = 100

    def _duty_in(self, request, duties) -> bool:
        return duty_of(request.user) in duties

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._duty_in(request, (*self.view_duties, *self.change_duties))

    def has_add_permission(self, request, *args):
        return self._duty_in(request, self.add_duties)

    def has_change_permission(self, request, obj=None):
        return self._duty_in(request, self.change_duties)

    def has_delete_permission(self, request, obj=None):
        return self._duty_in(request, self.delete_duties)

    def get_search_results(self, request, queryset, search_term):
        # A 50,000-character search made SQLite fail: nobody searches with more than this.
        return super().get_search_results(request, queryset, search_term[: self.search_max_length])

    # Every write through the admin also goes to the audit trail (not only Django's log).
    def _audit(self, request, obj, action, message=""):
        audit_record(
            actor=request.user,
            action=f"admin.{action}",
            obj=obj,
            payload={"model": obj._meta.label, "change": str(message)[:2000]},
        )

    def log_addition(self, request, obj, message):
        self._audit(request, obj, "add", message)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._audit(request, obj, "change", message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            self._audit(request, obj, "delete")
        return super().log_deletions(request, queryset)
