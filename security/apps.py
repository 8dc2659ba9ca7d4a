from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    """Staff security: separated administrator duties, two-factor log-in, session policy,
    log-in history and the narrow admin site."""

    default = True
    name = "security"
    verbose_name = _("Security")

    def ready(self):
        from . import checks, notifications, signals  # noqa: F401  (registers checks, kinds, receivers)


class SecureAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the duty-based site (security.admin_site) as admin.site."""

    default = False
    default_site = "security.admin_site.DutyAdminSite"
