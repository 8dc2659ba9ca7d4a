from django.contrib import admin

from .models import Amendment, Challenge, Clarification, Indicator, Industry, RubricCriterion


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    """The bureau edits the industry taxonomy here."""

    list_display = ("code", "name_zh", "name_en", "is_active", "sort_order")
    list_editable = ("is_active", "sort_order")
    search_fields = ("code", "name_zh", "name_en")


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CriterionInline(IndicatorInline):
    model = RubricCriterion


@admin.register(Challenge)
class ChallengeAdmin(admin.ModelAdmin):
    """Read-only: challenges change only through the site's workflow (audited)."""

    list_display = ("ocid", "title", "issuer", "industry", "status", "bid_deadline")
    list_filter = ("status", "industry")
    search_fields = ("ocid", "title", "issuer__name")
    inlines = [IndicatorInline, CriterionInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Clarification)
class ClarificationAdmin(admin.ModelAdmin):
    list_display = ("challenge", "asked_at", "answered_at")
    readonly_fields = [f.name for f in Clarification._meta.fields]


@admin.register(Amendment)
class AmendmentAdmin(admin.ModelAdmin):
    list_display = ("challenge", "number", "material", "created_at")
    readonly_fields = [f.name for f in Amendment._meta.fields]
