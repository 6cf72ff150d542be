"""Organisation pages: every object is resolved through the scoping layer."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.shortcuts import redirect, render
from django.urls import reverse

from suishin.accounts.scoping import Perm, get_visible_or_404, has_perm, visible
from suishin.core import fiscal
from suishin.core.errors import DomainError
from suishin.core.exports import export_response
from suishin.core.viewmixins import domain_error_to_form, perm_required
from suishin.organisations import services
from suishin.organisations.forms import (
    BlockForm,
    BranchForm,
    HeadcountForm,
    MemberFilterForm,
    MemberForm,
)
from suishin.organisations.models import Block, Branch, Member, MemberHeadcount, WorkplaceCommittee


@perm_required(Perm.VIEW_ORGANISATION)
def block_list(request):
    blocks = visible(request.user, Block).annotate(
        n_branches=Count("branches", distinct=True),
        n_members=Count("branches__members", distinct=True),
    )
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        rows = ([b.name, b.n_branches, b.n_members] for b in blocks)
        return export_response("ブロック一覧", ["ブロック名", "店・出張所数", "会員数"], rows, fmt)
    return render(
        request,
        "organisations/block_list.html",
        {"blocks": blocks, "can_edit": has_perm(request.user, Perm.EDIT_ORGANISATION)},
    )


@perm_required(Perm.VIEW_ORGANISATION)
def block_detail(request, pk: int):
    block = get_visible_or_404(request.user, Block, pk=pk)
    branches = (
        visible(request.user, Branch).filter(block=block).annotate(n_members=Count("members"))
    )
    # "block" would collide with the template language's {% block %} inside blocks.
    return render(
        request,
        "organisations/block_detail.html",
        {
            "block_obj": block,
            "branches": branches,
            "can_edit": has_perm(request.user, Perm.EDIT_ORGANISATION),
        },
    )


@perm_required(Perm.VIEW_ORGANISATION)
def branch_list(request):
    branches = (
        visible(request.user, Branch).select_related("block").annotate(n_members=Count("members"))
    )
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        rows = ([b.code, b.name, b.block.name, b.n_members] for b in branches)
        return export_response("店一覧", ["店番", "店名", "ブロック名", "会員数"], rows, fmt)
    return render(
        request,
        "organisations/branch_list.html",
        {"branches": branches, "can_edit": has_perm(request.user, Perm.EDIT_ORGANISATION)},
    )


@perm_required(Perm.VIEW_ORGANISATION)
def branch_detail(request, pk: int):
    branch = get_visible_or_404(request.user, Branch.objects.select_related("block"), pk=pk)
    members = visible(request.user, Member).filter(branch=branch)
    return render(
        request,
        "organisations/branch_detail.html",
        {
            "branch": branch,
            "members": members,
            "can_edit": has_perm(request.user, Perm.EDIT_ORGANISATION),
        },
    )


@perm_required(Perm.VIEW_ORGANISATION)
def member_list(request):
    user = request.user
    # The headcount shown is the latest year on record (the demo's is FY2024).
    latest = MemberHeadcount.objects.aggregate(fy=Max("fiscal_year"))["fy"]
    fy = latest or fiscal.current_fiscal_year()
    form = MemberFilterForm(
        request.GET or None, blocks=visible(user, Block), branches=visible(user, Branch)
    )
    members = visible(user, Member).select_related("branch", "branch__block")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            members = members.filter(Q(name__icontains=data["q"]) | Q(code__icontains=data["q"]))
        if data["block"]:
            members = members.filter(branch__block=data["block"])
        if data["branch"]:
            members = members.filter(branch=data["branch"])
        if data["federation"]:
            members = members.filter(federation__icontains=data["federation"])
    headcounts = dict(
        MemberHeadcount.objects.filter(member__in=members, fiscal_year=fy).values_list(
            "member_id", "headcount"
        )
    )
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        rows = (
            [
                m.code,
                m.name,
                m.federation,
                m.branch.code,
                m.branch.name,
                m.branch.block.name,
                headcounts.get(m.pk),
            ]
            for m in members
        )
        return export_response(
            "会員一覧",
            ["会員コード", "会員名", "産別", "店番", "店名", "ブロック名", f"組合員数（{fy}年度）"],
            rows,
            fmt,
        )
    page = Paginator(members, 100).get_page(request.GET.get("page"))
    for m in page:
        m.current_headcount = headcounts.get(m.pk)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "organisations/member_list.html",
        {
            "form": form,
            "page": page,
            "fiscal_year": fy,
            "query": query.urlencode(),
            "can_edit": has_perm(user, Perm.EDIT_ORGANISATION),
        },
    )


@perm_required(Perm.VIEW_ORGANISATION)
def member_detail(request, pk: int):
    member = get_visible_or_404(
        request.user, Member.objects.select_related("branch", "branch__block"), pk=pk
    )
    can_edit = has_perm(request.user, Perm.EDIT_ORGANISATION)
    headcount_form = HeadcountForm(
        request.POST or None, initial={"fiscal_year": fiscal.current_fiscal_year()}
    )
    if request.method == "POST":
        if not can_edit:
            return render(
                request,
                "core/error.html",
                {
                    "title": "権限がありません",
                    "text": "組合員数を変更する権限がありません。",
                    "status": 403,
                },
                status=403,
            )
        if headcount_form.is_valid():
            try:
                services.set_headcount(
                    actor=request.user, member=member, **headcount_form.cleaned_data
                )
            except DomainError as exc:
                domain_error_to_form(request, headcount_form, exc)
            else:
                messages.success(request, "組合員数を保存しました。")
                return redirect(reverse("organisations:member_detail", args=[member.pk]))
    return render(
        request,
        "organisations/member_detail.html",
        {
            "member": member,
            "headcounts": MemberHeadcount.objects.filter(member=member).order_by("-fiscal_year"),
            "committees": WorkplaceCommittee.objects.filter(member=member),
            "headcount_form": headcount_form,
            "can_edit": can_edit,
        },
    )


def _edit(request, *, form_class, instance, save, template_title: str, back_url: str, success: str):
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form.cleaned_data)
        except DomainError as exc:
            domain_error_to_form(request, form, exc)
        else:
            messages.success(request, success)
            return redirect(back_url or obj.get_absolute_url())
    return render(
        request,
        "organisations/edit.html",
        {"form": form, "title": template_title, "back_url": back_url},
    )


@perm_required(Perm.EDIT_ORGANISATION)
def block_edit(request, pk: int | None = None):
    block = get_visible_or_404(request.user, Block, pk=pk) if pk else None
    return _edit(
        request,
        form_class=BlockForm,
        instance=block,
        save=lambda d: services.save_block(actor=request.user, block=block, **d),
        template_title="ブロックの編集" if block else "ブロックの追加",
        back_url=reverse("organisations:block_list"),
        success="ブロックを保存しました。",
    )


@perm_required(Perm.EDIT_ORGANISATION)
def branch_edit(request, pk: int | None = None):
    branch = get_visible_or_404(request.user, Branch, pk=pk) if pk else None
    return _edit(
        request,
        form_class=BranchForm,
        instance=branch,
        save=lambda d: services.save_branch(actor=request.user, branch=branch, **d),
        template_title="店・出張所の編集" if branch else "店・出張所の追加",
        back_url=reverse("organisations:branch_list"),
        success="店・出張所を保存しました。",
    )


@perm_required(Perm.EDIT_ORGANISATION)
def member_edit(request, pk: int | None = None):
    member = get_visible_or_404(request.user, Member, pk=pk) if pk else None
    return _edit(
        request,
        form_class=MemberForm,
        instance=member,
        save=lambda d: services.save_member(actor=request.user, member=member, **d),
        template_title="会員の編集" if member else "会員の追加",
        back_url=reverse("organisations:member_list"),
        success="会員を保存しました。",
    )
