from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operations: the health endpoint, the worker heartbeat, request ids and
    structured logs, security headers (CSP)."""

    name = "ops"
    verbose_name = _("Operations")
