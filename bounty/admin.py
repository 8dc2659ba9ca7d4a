from django.contrib import admin

from bounty.models import Industry
from security.admin_site import DutyModelAdmin
from security.models import Duty


@admin.register(Industry)
class IndustryAdmin(DutyModelAdmin):
    """The industry taxonomy is configuration: the system administrator keeps it.

    Challenges, clarifications and amendments have no admin: they change only through
    the site's audited workflow."""

    view_duties = add_duties = change_duties = (Duty.SYSTEM,)
    list_display = ("code", "name_zh", "name_en", "is_active", "sort_order")
    list_editable = ("is_active", "sort_order")
    search_fields = ("code", "name_zh", "name_en")
