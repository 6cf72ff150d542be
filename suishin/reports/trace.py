"""Tracing a figure back to its records: the links from report cells and the
rows behind them.

`span` names which figure of an item a link traces: "half" (the half),
"fy" (April through the end of the half), "prev" (the same half last year,
items matched by code), "cum" (from the item's cumulative start across all
years), "targets" (the target list, which shows each target's import row).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse

from suishin.core import fiscal
from suishin.core.fiscal import Period
from suishin.kpis.models import Aggregation, Item, Result
from suishin.kpis.scope import Scope

SPANS = ("half", "fy", "prev", "cum")
SPAN_LABELS = {"half": "当期", "fy": "年度累計", "prev": "前年同期", "cum": "累計", "targets": "目標"}


def figure_url(fiscal_year: int, half: int, scope: Scope, code: str, span: str) -> str:
    if span == "targets":
        query = urlencode({"fy": fiscal_year, "item": code, "scope": scope.text})
        return f"{reverse('kpis:target_list')}?{query}"
    query = urlencode({"fy": fiscal_year, "half": half, "scope": scope.text, "item": code, "span": span})
    return f"{reverse('reports:trace')}?{query}"


def batch_row_url(batch_id: int | None, row: int | None) -> str | None:
    """The import batch page at the row a figure came from (None when the
    imports app has no such page, or the figure was not imported)."""
    if batch_id is None:
        return None
    try:
        url = reverse("imports:batch_detail", args=[batch_id])
    except NoReverseMatch:
        return None
    return f"{url}?row={row}" if row else url


@dataclass(frozen=True)
class TraceSpec:
    """What a trace lists: result rows of `item_ids` in `period` (snapshot
    items: only the month the figure was taken from)."""

    period: Period
    item_ids: tuple[int, ...]
    note: str


def leaf_items(item: Item) -> list[Item]:
    """The item itself, or for a total every item below it that is not a total."""
    items = list(Item.objects.filter(fiscal_year=item.fiscal_year))
    children: dict[int, list[Item]] = {}
    for i in items:
        children.setdefault(i.parent_id, []).append(i)
    out, stack = [], [item]
    while stack:
        node = stack.pop()
        kids = children.get(node.pk, [])
        if kids:
            stack.extend(kids)
        else:
            out.append(node)
    return sorted(out, key=lambda i: (i.sort_order, i.code))


def trace_spec(item: Item, half: int, span: str, *, as_of: dt.date | None = None) -> TraceSpec:
    fy = item.fiscal_year
    leaves = [i for i in leaf_items(item) if not i.source]
    period = fiscal.half_period(fy, half)
    if span == "fy":
        period = fiscal.year_to_date(fy, half)
    elif span == "prev":
        period = fiscal.same_period_last_year(period)
        codes = [i.code for i in leaves]
        prev = Item.objects.filter(fiscal_year=fy - 1, code__in=codes).values_list("pk", flat=True)
        return TraceSpec(period, tuple(prev), "前年度の同じ項目コードの実績です。")
    elif span == "cum":
        since = min((i.cumulative_since for i in leaves if i.cumulative_since), default=None)
        if since is None:
            return TraceSpec(period, (), "この項目は累計項目ではありません。")
        codes = [i.code for i in leaves]
        ids = Item.objects.filter(code__in=codes).values_list("pk", flat=True)
        return TraceSpec(
            Period(fiscal.month_start(since), period.last), tuple(ids), f"{since.year}年{since.month}月からの全年度の実績です。"
        )
    notes = []
    if any(i.aggregation == Aggregation.SNAPSHOT for i in leaves) and as_of is not None:
        period = Period(as_of, as_of)
        notes.append("時点残高の項目は、集計期間の最新月の実績だけを数えます。")
    if any(i.aggregation == Aggregation.DISTINCT_MEMBERS for i in leaves):
        notes.append("会員数の項目は、件数が0でない会員を1会員として数えます（店・全体単位の行は数えません）。")
    return TraceSpec(period, tuple(i.pk for i in leaves), "".join(notes))


def trace_rows(user, spec: TraceSpec, scope: Scope) -> QuerySet:
    """The result rows behind a figure that `user` may see, within `scope`."""
    from suishin.accounts.scoping import visible

    return (
        visible(user, Result)
        .filter(scope.q(), Q(item_id__in=spec.item_ids), month__gte=spec.period.first, month__lte=spec.period.last)
        .select_related("item", "member", "branch", "block")
        .order_by("month", "item__sort_order", "item__code", "scope_key")
    )
