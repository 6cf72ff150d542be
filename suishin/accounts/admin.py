from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from suishin.accounts.models import User
from suishin.core.admin_audit import AuditedAdmin


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ("username", "display_name", "role", "branch", "member", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("役割と所属", {"fields": ("role", "display_name", "branch", "member")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("役割と所属", {"fields": ("role", "display_name", "branch", "member")}),
    )
    autocomplete_fields = ("branch", "member")
