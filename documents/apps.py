from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents")

    def ready(self):
        from django_fsm.signals import post_transition

        from accounts.models import Organization
        from audit.admin import HIDDEN_EVENTS
        from bounty.signals import (
            call_published,
            change_approved,
            continuation_awarded,
            project_created,
        )

        from . import notifications  # noqa: F401  (notification kinds)
        from .calls import on_call_published, register_call_documents
        from .contracts import on_project_created
        from .models import DocumentKind
        from .permissions import receipt_audit_events
        from .services import READY_HOOKS
        from .signing.authority import on_organization_transition
        from .sources import register_builtin
        from .supplement_signing import on_change_approved
        from .supplements import on_continuation_awarded, on_supplement_ready

        register_builtin()
        post_transition.connect(
            on_organization_transition,
            sender=Organization,
            dispatch_uid="documents.certificate_on_verification",
        )
        HIDDEN_EVENTS.append(receipt_audit_events)
        project_created.connect(on_project_created, dispatch_uid="documents.contract_prepare")
        continuation_awarded.connect(
            on_continuation_awarded, dispatch_uid="documents.supplement_request"
        )
        change_approved.connect(on_change_approved, dispatch_uid="documents.change_supplement")
        register_call_documents()
        call_published.connect(on_call_published, dispatch_uid="documents.call_notice")
        hooks = READY_HOOKS.setdefault(DocumentKind.SUPPLEMENT, [])
        if on_supplement_ready not in hooks:
            hooks.append(on_supplement_ready)
