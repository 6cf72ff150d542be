from __future__ import annotations

from django.contrib import admin

from suishin.core.models import AuditEntry


def _secretariat_only(request) -> bool:
    """The admin site is the secretariat's: other roles get no entry even if staff."""
    user = request.user
    return bool(user.is_active and user.is_staff and getattr(user, "role", None) == "secretariat")


admin.site.has_permission = _secretariat_only


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: audit records can be looked at, never edited or deleted."""

    list_display = ("at", "actor_label", "action", "model", "object_repr")
    list_filter = ("action", "model")
    search_fields = ("actor_label", "object_repr", "object_pk")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
