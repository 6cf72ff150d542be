from __future__ import annotations

from django.contrib import admin

from suishin.core.admin_audit import AuditedAdmin
from suishin.organisations.models import Block, Branch, Member, MemberHeadcount, WorkplaceCommittee


@admin.register(Block)
class BlockAdmin(AuditedAdmin):
    list_display = ("name", "sort_order", "active")
    search_fields = ("name",)


@admin.register(Branch)
class BranchAdmin(AuditedAdmin):
    list_display = ("code", "name", "block", "active")
    list_filter = ("block", "active")
    search_fields = ("code", "name")


class HeadcountInline(admin.TabularInline):
    model = MemberHeadcount
    extra = 0


class CommitteeInline(admin.TabularInline):
    model = WorkplaceCommittee
    extra = 0


@admin.register(Member)
class MemberAdmin(AuditedAdmin):
    list_display = ("code", "name", "federation", "branch", "active")
    list_filter = ("branch__block", "federation", "active")
    search_fields = ("code", "name")
    inlines = [HeadcountInline, CommitteeInline]
