"""The catalog, targets, results and the half-year summary figures.

The summary is the figures engine's answer (`kpis.queries.compute_figures`),
field for field the `items` of the JSON report (`suishin report summary
--format json`, docs/report.md), so the API and the reports cannot disagree.
Scopes are parsed and checked by `kpis.scope.visible_scope`, as on the
report page: another organisation's scope answers 404.
"""

from __future__ import annotations

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Max, Q
from django.http import HttpResponse
from ninja import Header, Query, Router, Schema

from suishin.accounts.scoping import Perm, visible
from suishin.api.auth import read
from suishin.api.v1.common import (
    DEFAULT_PER_PAGE,
    ERRORS,
    ERRORS_404,
    Code,
    FiscalYear,
    Half,
    HeaderText,
    Month,
    PageBase,
    PageNumber,
    PerPage,
    Text,
    paginate,
    period_of,
    scope_text,
)
from suishin.core import fiscal
from suishin.kpis.models import Item, Result, ScopeLevel, Target, TargetKind
from suishin.kpis.periods import working_period
from suishin.kpis.queries import compute_figures
from suishin.kpis.scope import Scope, visible_scope
from suishin.reports.renderers.jsondoc import item_json

router = Router(tags=["推進項目・目標・実績"])
FIGURES = read(Perm.VIEW_FIGURES)
REPORTS = read(Perm.VIEW_REPORTS)


class ItemRef(Schema):
    code: str
    name: str


class ItemOut(Schema):
    id: int
    fiscal_year: int
    code: str
    name: str
    group: str
    unit: str
    aggregation: str
    cumulative_since: str | None
    donation_rate: int | None
    parent: str | None
    sort_order: int
    source: str


class TargetOut(Schema):
    id: int
    fiscal_year: int
    item: ItemRef
    level: str
    scope: str
    kind: str
    target_count: int | None
    target_amount: int | None
    import_batch_id: int | None
    source_row: int | None


class ResultOut(Schema):
    id: int
    month: str
    fiscal_year: int
    item: ItemRef
    level: str
    scope: str
    member_code: str | None
    branch_code: str | None
    block: str | None
    count: int
    amount: int
    import_batch_id: int | None
    source_row: int | None


class ItemPage(PageBase):
    results: list[ItemOut]


class TargetPage(PageBase):
    results: list[TargetOut]


class ResultPage(PageBase):
    results: list[ResultOut]


class PeriodOut(Schema):
    first: str
    last: str


class ItemFiguresOut(Schema):
    """One catalog item's figures: the same keys and numbers as an entry of
    `items` in the JSON report (docs/report.md)."""

    code: str
    name: str
    group: str
    unit: str
    aggregation: str
    parent: str | None
    count: int | None
    amount: int | None
    fy_count: int | None
    fy_amount: int | None
    target_count: int | None
    target_amount: int | None
    self_target_count: int | None
    self_target_amount: int | None
    achievement: str | None
    prev_count: int | None
    prev_amount: int | None
    cum_count: int | None
    cum_amount: int | None
    as_of: str | None
    warning: str | None


class SummaryOut(Schema):
    fiscal_year: int
    half: int
    scope: str
    scope_level: str
    scope_label: str
    period: PeriodOut
    items: list[ItemFiguresOut]
    warnings: list[str]


def _latest_catalog_year() -> int:
    return Item.objects.aggregate(fy=Max("fiscal_year"))["fy"] or fiscal.current_fiscal_year()


def item_row(i: Item) -> dict:
    return {
        "id": i.pk,
        "fiscal_year": i.fiscal_year,
        "code": i.code,
        "name": i.name,
        "group": i.group,
        "unit": i.unit,
        "aggregation": i.aggregation,
        "cumulative_since": i.cumulative_since.isoformat() if i.cumulative_since else None,
        "donation_rate": i.donation_rate,
        "parent": i.parent.code if i.parent_id else None,
        "sort_order": i.sort_order,
        "source": i.source,
    }


def target_row(t: Target) -> dict:
    return {
        "id": t.pk,
        "fiscal_year": t.fiscal_year,
        "item": {"code": t.item.code, "name": t.item.name},
        "level": t.level,
        "scope": scope_text(t.level, t.scope_key),
        "kind": t.kind,
        "target_count": t.target_count,
        "target_amount": t.target_amount,
        "import_batch_id": t.import_batch_id,
        "source_row": t.source_row,
    }


def result_row(r: Result) -> dict:
    return {
        "id": r.pk,
        "month": r.month.strftime("%Y-%m"),
        "fiscal_year": r.fiscal_year,
        "item": {"code": r.item.code, "name": r.item.name},
        "level": r.level,
        "scope": scope_text(r.level, r.scope_key),
        "member_code": r.member.code if r.member_id else None,
        "branch_code": r.branch.code if r.branch_id else None,
        "block": r.block.name if r.block_id else None,
        "count": r.count,
        "amount": r.amount,
        "import_batch_id": r.import_batch_id,
        "source_row": r.source_row,
    }


def _targets_inside(scope: Scope) -> Q:
    """Targets set at the scope or at any scope inside it (as the target page filters)."""
    if scope.level == ScopeLevel.BLOCK:
        return (
            Q(block_id=scope.block_id)
            | Q(branch__block_id=scope.block_id)
            | Q(member__branch__block_id=scope.block_id)
        )
    if scope.level == ScopeLevel.BRANCH:
        return Q(branch_id=scope.branch_id) | Q(member__branch_id=scope.branch_id)
    if scope.level == ScopeLevel.MEMBER:
        return Q(member_id=scope.member_id)
    return Q()


@router.get(
    "/items",
    response={200: ItemPage, **ERRORS},
    auth=FIGURES,
    url_name="item_list",
    summary="推進項目（カタログ）",
)
def item_list(
    request,
    fiscal_year: FiscalYear | None = Query(None, description="年度（省略時は最新の年度）"),
    group: Text | None = Query(None, description="区分"),
    code: Code | None = Query(None, description="項目コード"),
    page: PageNumber = 1,
    per_page: PerPage = DEFAULT_PER_PAGE,
):
    # The catalog is public to every role that reads figures (as the catalog page).
    fy = fiscal_year or _latest_catalog_year()
    qs = Item.objects.filter(fiscal_year=fy).select_related("parent").order_by("sort_order", "code")
    if group:
        qs = qs.filter(group=group)
    if code:
        qs = qs.filter(code=code)
    return paginate(request, qs, page=page, per_page=per_page, row=item_row)


@router.get(
    "/targets",
    response={200: TargetPage, **ERRORS_404},
    auth=FIGURES,
    url_name="target_list",
    summary="目標",
)
def target_list(
    request,
    fiscal_year: FiscalYear | None = Query(None, description="年度（省略時は最新の年度）"),
    item: Code | None = Query(None, description="項目コード"),
    kind: TargetKind | None = Query(None, description="allocated=配分、self=自主"),
    scope: Text | None = Query(
        None, description="全体・ブロック名・店番・会員コード（その中の目標）"
    ),
    page: PageNumber = 1,
    per_page: PerPage = DEFAULT_PER_PAGE,
):
    fy = fiscal_year or _latest_catalog_year()
    qs = visible(request.user, Target.objects.select_related("item")).filter(fiscal_year=fy)
    if item:
        qs = qs.filter(item__code=item)
    if kind:
        qs = qs.filter(kind=kind)
    if scope:
        qs = qs.filter(_targets_inside(visible_scope(request.user, scope)))
    qs = qs.order_by("item__sort_order", "item__code", "level", "scope_key", "kind", "pk")
    return paginate(request, qs, page=page, per_page=per_page, row=target_row)


@router.get(
    "/results",
    response={200: ResultPage, **ERRORS_404},
    auth=FIGURES,
    url_name="result_list",
    summary="実績（月次）",
)
def result_list(
    request,
    fiscal_year: FiscalYear | None = Query(None, description="年度"),
    half: Half | None = Query(None, description="1=上期、2=下期（年度と一緒に）"),
    month: Month | None = Query(None, description="年月 YYYY-MM"),
    item: Code | None = Query(None, description="項目コード"),
    scope: Text | None = Query(
        None, description="全体・ブロック名・店番・会員コード（その中の実績）"
    ),
    page: PageNumber = 1,
    per_page: PerPage = DEFAULT_PER_PAGE,
):
    qs = visible(request.user, Result.objects.select_related("item", "member", "branch", "block"))
    period = period_of(fiscal_year=fiscal_year, half=half, month=month)
    if period is not None:
        qs = qs.in_period(period)
    if item:
        qs = qs.filter(item__code=item)
    if scope:
        qs = qs.filter(visible_scope(request.user, scope).q())
    qs = qs.order_by("month", "item__sort_order", "item__code", "scope_key", "pk")
    return paginate(request, qs, page=page, per_page=per_page, row=result_row)


def summary_data(*, fiscal_year: int, half: int, scope: Scope) -> dict:
    fs = compute_figures(fiscal_year=fiscal_year, half=half, scope=scope)
    return {
        "fiscal_year": fiscal_year,
        "half": half,
        "scope": scope.text,
        "scope_level": scope.level,
        "scope_label": scope.label,
        "period": {
            "first": fs.period.first.strftime("%Y-%m"),
            "last": fs.period.last.strftime("%Y-%m"),
        },
        "items": [item_json(f) for f in fs.items],
        "warnings": list(fs.warnings),
    }


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    candidates = [c.strip() for c in header.split(",")]
    return "*" in candidates or any(c.removeprefix("W/") == etag for c in candidates)


@router.get(
    "/summary",
    response={200: SummaryOut, 304: None, **ERRORS_404},
    auth=REPORTS,
    url_name="summary",
    summary="推進活動総括の数値（半期・対象別）",
    description=(
        "報告書（推進活動総括のJSON出力）の items と同じ数値です。ETag を返し、"
        "If-None-Match が一致すれば 304 を返します。"
    ),
)
def summary(
    request,
    fiscal_year: FiscalYear | None = Query(None, description="年度（省略時は最新の取込月の年度）"),
    half: Half | None = Query(None, description="1=上期、2=下期（省略時は最新の取込月の期）"),
    scope: Text | None = Query(
        None, description="全体・ブロック名・店番・会員コード（省略時は自分の範囲）"
    ),
    if_none_match: HeaderText | None = Header(None, alias="If-None-Match"),
):
    default_fy, default_half = working_period()
    data = summary_data(
        fiscal_year=fiscal_year or default_fy,
        half=half or default_half,
        scope=visible_scope(request.user, scope),
    )
    body = json.dumps(data, ensure_ascii=False, cls=DjangoJSONEncoder, sort_keys=True)
    etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:40] + '"'
    if _etag_matches(if_none_match, etag):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    response["Vary"] = "Authorization"
    return response
