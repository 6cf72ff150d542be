"""Audit for writes made through the Django admin (the secretariat's /admin/).

The admin saves with `obj.save()` / `obj.delete()` directly, bypassing the
services; `AuditedAdmin` routes those writes (the object itself, its inline
rows and bulk "delete selected") through `audit.save_audited` /
`audit.delete_audited`, so they keep who, when, before and after like every
other write. Admin classes of business data inherit from it.
"""

from __future__ import annotations

from django.contrib import admin

from suishin.core import audit

NOTE = "管理画面"


def _note(form=None) -> str:
    changed = list(getattr(form, "changed_data", []) or [])
    return f"{NOTE}（変更項目: {', '.join(changed)}）" if changed else NOTE


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        audit.save_audited(
            obj, actor=request.user, before=audit.FETCH if change else None, note=_note(form)
        )

    def delete_model(self, request, obj):
        audit.delete_audited(obj, actor=request.user, note=NOTE)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit.delete_audited(obj, actor=request.user, note=NOTE)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            audit.delete_audited(obj, actor=request.user, note=NOTE)
        forms_by_instance = {id(f.instance): f for f in formset.forms}
        for obj in instances:
            audit.save_audited(obj, actor=request.user, note=_note(forms_by_instance.get(id(obj))))
        formset.save_m2m()
