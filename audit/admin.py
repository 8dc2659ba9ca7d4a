from django.contrib import admin
from django.db.models import Q

from .models import AuditEvent

# Events that name sealed content (bids, their receipts) and their teams are read on
# their own pages under the sealing rules, and by verify_audit — never in this list.
# Apps above audit add a callable returning the Q of such events (AppConfig.ready).
HIDDEN_EVENTS: list = [lambda: Q(object_type="bounty.bid")]


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
        queryset = super().get_queryset(request)
        for hidden in HIDDEN_EVENTS:
            queryset = queryset.exclude(hidden())
        return queryset

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
