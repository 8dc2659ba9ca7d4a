from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdmin

from .models import Invitation, Membership, Organization, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Platform"), {"fields": ("full_name", "phone", "language")}),
    )
    list_display = ("username", "full_name", "email", "is_staff", "is_active")
    search_fields = ("username", "full_name", "email")


class MembershipInline(admin.TabularInline):
    """Read-only: memberships change through invitations (audited, with object grants)."""

    model = Membership
    extra = 0
    fields = ("user", "role", "is_admin", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Organization)
class OrganizationAdmin(GuardedModelAdmin):
    list_display = ("name", "credit_code", "kind", "status", "created_at")
    list_filter = ("kind", "status")
    search_fields = ("name", "name_en", "credit_code")
    readonly_fields = ("status", "decided_at", "decided_by", "created_by", "licence")
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "organization", "role", "created_at", "accepted_at")
    readonly_fields = ("token_hash",)
