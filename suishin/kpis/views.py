"""Catalog (推進項目) and target (目標) pages. Reading needs VIEW_FIGURES (the
catalog is public to every role that sees figures; targets go through the
scoping layer), every change needs EDIT_CATALOG and goes through services."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from suishin.accounts.scoping import Perm, get_visible_or_404, has_perm, visible
from suishin.core import fiscal
from suishin.core.errors import DomainError
from suishin.core.exports import export_response
from suishin.core.viewmixins import domain_error_to_form, perm_required
from suishin.kpis import providers, services
from suishin.kpis.forms import UNITS, CopyCatalogForm, ItemForm, TargetFilterForm, TargetForm
from suishin.kpis.models import Item, ScopeLevel, Target, TargetKind
from suishin.kpis.scope import Scope, visible_scope


def default_fiscal_year() -> int:
    """The latest fiscal year that has a catalog, else the current one."""
    return Item.objects.aggregate(fy=Max("fiscal_year"))["fy"] or fiscal.current_fiscal_year()


def _fiscal_year(request) -> int:
    try:
        fy = int(request.GET.get("fy") or request.POST.get("fy") or 0)
    except ValueError:
        fy = 0
    return fy if 2000 <= fy <= 2100 else default_fiscal_year()


def _years(fy: int) -> list[int]:
    years = set(Item.objects.values_list("fiscal_year", flat=True).distinct())
    years |= {fy, fiscal.current_fiscal_year(), fiscal.current_fiscal_year() + 1}
    return sorted(years, reverse=True)


def scope_text(scope_key: str) -> str:
    """'council' → '全体', 'branch:007' → '007' (what the targets file's 対象 column holds)."""
    return "全体" if scope_key == "council" else scope_key.partition(":")[2]


@perm_required(Perm.VIEW_FIGURES)
def item_list(request):
    fy = _fiscal_year(request)
    items = list(
        Item.objects.filter(fiscal_year=fy)
        .select_related("parent")
        .annotate(n_targets=Count("targets", distinct=True), n_children=Count("children", distinct=True))
        .order_by("sort_order", "code")
    )
    for i in items:
        i.source_missing = bool(i.source) and providers.get(i.source) is None
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        headers = ["年度", "項目コード", "項目名", "区分", "単位", "集計方法", "寄付単価", "累計起算日", "合計先", "集計元", "表示順"]
        rows = (
            [i.fiscal_year, i.code, i.name, i.group, i.unit, i.aggregation, i.donation_rate, i.cumulative_since,
             i.parent.code if i.parent else "", i.source, i.sort_order]
            for i in items
        )
        return export_response(f"推進項目_{fy}年度", headers, rows, fmt)
    return render(
        request,
        "kpis/item_list.html",
        {"fy": fy, "years": _years(fy), "items": items, "can_edit": has_perm(request.user, Perm.EDIT_CATALOG),
         "copy_form": CopyCatalogForm(initial={"from_year": fy - 1, "to_year": fy})},
    )


@perm_required(Perm.EDIT_CATALOG)
def item_edit(request, pk: int | None = None):
    item = Item.objects.filter(pk=pk).first() if pk else None
    if pk and item is None:
        raise Http404("見つかりません。")
    fy = item.fiscal_year if item else _fiscal_year(request)
    form = ItemForm(request.POST or None, fiscal_year=fy, item=item)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_item(actor=request.user, item=item, fiscal_year=fy, **form.service_kwargs())
        except DomainError as exc:
            domain_error_to_form(request, form, exc)
        else:
            messages.success(request, f"推進項目「{saved.code} {saved.name}」を保存しました。")
            return redirect(f"{reverse('kpis:item_list')}?fy={fy}")
    title = f"推進項目の編集（{fy}年度）" if item else f"推進項目の追加（{fy}年度）"
    return render(request, "kpis/item_form.html", {"form": form, "title": title, "fy": fy, "item": item, "units": UNITS})


@perm_required(Perm.EDIT_CATALOG)
def item_delete(request, pk: int):
    item = Item.objects.filter(pk=pk).first()
    if item is None:
        raise Http404("見つかりません。")
    back = f"{reverse('kpis:item_list')}?fy={item.fiscal_year}"
    if request.method == "POST":
        try:
            services.delete_item(actor=request.user, item=item)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"推進項目「{item.code} {item.name}」を削除しました。")
        return redirect(back)
    return render(request, "kpis/confirm_delete.html", {"title": "推進項目の削除", "object_label": f"{item.fiscal_year}年度 {item.code} {item.name}", "back": back})


@require_POST
@perm_required(Perm.EDIT_CATALOG)
def catalog_copy(request):
    form = CopyCatalogForm(request.POST)
    if not form.is_valid():
        messages.error(request, "コピー元とコピー先の年度を正しく入力してください。")
        return redirect(reverse("kpis:item_list"))
    try:
        n = services.copy_catalog(actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{form.cleaned_data['from_year']}年度の推進項目{n}件を{form.cleaned_data['to_year']}年度にコピーしました。")
    return redirect(f"{reverse('kpis:item_list')}?fy={form.cleaned_data['to_year']}")


@perm_required(Perm.VIEW_FIGURES)
def target_list(request):
    fy = _fiscal_year(request)
    form = TargetFilterForm(request.GET or None, initial={"fy": fy})
    targets = visible(request.user, Target).filter(fiscal_year=fy).select_related("item")
    if form.is_valid():
        data = form.cleaned_data
        if data["item"]:
            targets = targets.filter(item__code=data["item"].strip())
        if data["kind"]:
            targets = targets.filter(kind=data["kind"])
        if data["scope"]:
            targets = targets.filter(_inside(visible_scope(request.user, data["scope"])))
    targets = targets.order_by("item__sort_order", "item__code", "level", "scope_key", "kind")
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        headers = ["年度", "項目コード", "項目名", "対象", "目標件数", "目標金額", "種別"]
        rows = ([t.fiscal_year, t.item.code, t.item.name, scope_text(t.scope_key), t.target_count, t.target_amount, t.get_kind_display()] for t in targets)
        return export_response(f"目標_{fy}年度", headers, rows, fmt)
    page = Paginator(targets, 200).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "kpis/target_list.html",
        {"fy": fy, "years": _years(fy), "form": form, "page": page, "query": query.urlencode(),
         "can_edit": has_perm(request.user, Perm.EDIT_CATALOG)},
    )


def _inside(scope: Scope) -> Q:
    """Targets set at the scope or at any scope inside it."""
    if scope.level == ScopeLevel.BLOCK:
        return Q(block_id=scope.block_id) | Q(branch__block_id=scope.block_id) | Q(member__branch__block_id=scope.block_id)
    if scope.level == ScopeLevel.BRANCH:
        return Q(branch_id=scope.branch_id) | Q(member__branch_id=scope.branch_id)
    if scope.level == ScopeLevel.MEMBER:
        return Q(member_id=scope.member_id)
    return Q()


@perm_required(Perm.EDIT_CATALOG)
def target_edit(request, pk: int | None = None):
    target = get_visible_or_404(request.user, Target.objects.select_related("item"), pk=pk) if pk else None
    fy = target.fiscal_year if target else _fiscal_year(request)
    initial = None
    if target:
        initial = {"item": target.item_id, "scope": scope_text(target.scope_key), "kind": target.kind,
                   "target_count": target.target_count, "target_amount": target.target_amount}
    form = TargetForm(request.POST or None, fiscal_year=fy, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            scope = Scope.parse(data["scope"])
            services.save_target(actor=request.user, target=target, item=data["item"], scope=scope, kind=data["kind"],
                                 target_count=data["target_count"], target_amount=data["target_amount"])
        except DomainError as exc:
            domain_error_to_form(request, form, exc)
        else:
            messages.success(request, f"「{data['item'].name}」の{scope.label}への目標を保存しました。")
            return redirect(f"{reverse('kpis:target_list')}?fy={fy}")
    title = f"目標の編集（{fy}年度）" if target else f"目標の追加（{fy}年度）"
    return render(request, "kpis/target_form.html", {"form": form, "title": title, "fy": fy})


@perm_required(Perm.EDIT_CATALOG)
def target_delete(request, pk: int):
    target = get_visible_or_404(request.user, Target.objects.select_related("item"), pk=pk)
    back = f"{reverse('kpis:target_list')}?fy={target.fiscal_year}"
    if request.method == "POST":
        services.delete_target(actor=request.user, target=target)
        messages.success(request, "目標を削除しました。")
        return redirect(back)
    label = f"{target.fiscal_year}年度 {target.item.name} / {scope_text(target.scope_key)} / {TargetKind(target.kind).label}"
    return render(request, "kpis/confirm_delete.html", {"title": "目標の削除", "object_label": label, "back": back})
