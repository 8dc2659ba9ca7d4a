from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = (
        "seq",
        "created_at",
        "actor_label",
        "action",
        "object_label",
        "from_state",
        "to_state",
    )
    list_filter = ("action", "object_type")
    search_fields = ("action", "object_label", "actor_label", "hash")
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def get_queryset(self, request):
        # Bid events name sealed bids and their teams: they are read on the bid pages,
        # under the sealing rules, and by verify_audit — not here.
        return super().get_queryset(request).exclude(object_type="bounty.bid")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
