from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operations: the health endpoint, the worker heartbeat, request ids and
    structured logs, security headers (CSP)."""

    name = "ops"
    verbose_name = _("Operations")

    def ready(self):
        from django.core.signals import request_finished

        from .middleware import clear_request_context

        request_finished.connect(clear_request_context, dispatch_uid="ops-clear-request-context")
