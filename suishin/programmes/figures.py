"""The one adapter between the programmes and the catalog's figures.

`item_figures(items, period, scope)` returns, for each catalog item, its
figure in the period and scope, from the same figures engine as the summary
report (`suishin.kpis.queries.compute_figures`) whenever the period is a half
or a fiscal-year-to-date period of the item's fiscal year (every period the
programmes report uses). For any other period (e.g. a single month) it falls
back to the same rules computed here:

* an item with a `source` gets its figure from that figure provider
  (`suishin.kpis.providers.compute`); an unregistered provider gives no
  figure (the item is absent from the result, and callers show a warning);
* imported items (kpis.Result, scope filtered on the snapshot columns):
  sum → Σ count / Σ amount; distinct_members → the number of distinct members
  with a non-zero count (amount Σ); snapshot → the rows of the latest month in
  the period that has any; cumulative → the period's own sum (the new figure:
  the cumulative-since-start total is `queries._result_sums`);
* a total (an item with children) is the sum of its children.

Imported figures are read in two grouped queries for all items together
(no per-item queries).
"""

from __future__ import annotations

import logging
from collections import defaultdict

from django.db.models import Count, Sum

from suishin.core import fiscal
from suishin.core.fiscal import Period
from suishin.kpis import providers
from suishin.kpis.models import Aggregation, Item, Result
from suishin.kpis.providers import Figure
from suishin.kpis.scope import Scope

log = logging.getLogger(__name__)


def _imported(items: list[Item], period: Period, scope: Scope) -> dict[int, Figure]:
    if not items:
        return {}
    base = Result.objects.in_period(period).filter(scope.q(), item__in=items)
    by_agg = defaultdict(list)
    for item in items:
        by_agg[item.aggregation].append(item.pk)
    out: dict[int, Figure] = {}
    summed = by_agg[Aggregation.SUM] + by_agg[Aggregation.CUMULATIVE]
    if summed:
        for r in base.filter(item__in=summed).values("item").annotate(c=Sum("count"), a=Sum("amount")):
            out[r["item"]] = Figure(count=r["c"] or 0, amount=r["a"] or 0)
    if by_agg[Aggregation.DISTINCT_MEMBERS]:
        rows = (
            base.filter(item__in=by_agg[Aggregation.DISTINCT_MEMBERS], member__isnull=False)
            .exclude(count=0)
            .values("item")
            .annotate(c=Count("member", distinct=True), a=Sum("amount"))
        )
        for r in rows:
            out[r["item"]] = Figure(count=r["c"] or 0, amount=r["a"] or 0)
    if by_agg[Aggregation.SNAPSHOT]:
        rows = (
            base.filter(item__in=by_agg[Aggregation.SNAPSHOT])
            .values("item", "month")
            .annotate(c=Sum("count"), a=Sum("amount"))
            .order_by("item", "month")
        )
        for r in rows:  # ascending months: the last one written wins
            out[r["item"]] = Figure(count=r["c"] or 0, amount=r["a"] or 0)
    return out


def _engine_fields(fiscal_year: int, period: Period) -> tuple[int, str, str] | None:
    """(half, count field, amount field) of the engine's ItemFigures that hold
    `period`'s figure, or None when the engine does not compute that period."""
    for half in (1, 2):
        if period == fiscal.year_to_date(fiscal_year, half):
            return half, "fy_count", "fy_amount"
        if period == fiscal.half_period(fiscal_year, half):
            return half, "count", "amount"
    return None


def _from_engine(items: list[Item], period: Period, scope: Scope) -> dict[int, Figure] | None:
    try:
        from suishin.kpis.queries import compute_figures
    except ImportError:  # the engine is not installed: compute here
        return None
    out: dict[int, Figure] = {}
    by_year: dict[int, list[Item]] = defaultdict(list)
    for item in items:
        by_year[item.fiscal_year].append(item)
    for fiscal_year, year_items in by_year.items():
        fields = _engine_fields(fiscal_year, period)
        if fields is None:
            return None
        half, count_field, amount_field = fields
        figures = compute_figures(
            fiscal_year=fiscal_year, half=half, scope=scope, codes=[i.code for i in year_items]
        )
        for item in year_items:
            f = figures.get(item.code)
            if f is None:
                continue
            count, amount = getattr(f, count_field), getattr(f, amount_field)
            if count is None and amount is None:
                continue  # unregistered provider: no figure
            out[item.pk] = Figure(count=count or 0, amount=amount or 0)
    return out


def item_figures(items: list[Item], period: Period, scope: Scope) -> dict[int, Figure]:
    """{item pk: Figure} for the given items (see the module docstring for the
    rules); an item whose provider is not registered is absent."""
    if not items:
        return {}
    from_engine = _from_engine(items, period, scope)
    if from_engine is not None:
        return from_engine
    return local_item_figures(items, period, scope)


def local_item_figures(items: list[Item], period: Period, scope: Scope) -> dict[int, Figure]:
    """The same figures computed without the engine (any period)."""
    out: dict[int, Figure] = {}
    leaves, totals = [], []
    child_map: dict[int, list[Item]] = defaultdict(list)
    parents = {i.pk for i in items}
    children = list(Item.objects.filter(parent__in=parents)) if parents else []
    for child in children:
        child_map[child.parent_id].append(child)
    for item in items:
        (totals if child_map.get(item.pk) else leaves).append(item)
    for item in leaves:
        if item.source:
            try:
                out[item.pk] = providers.compute(item.source, item, period, scope)
            except KeyError:
                log.warning("figure provider %r is not registered", item.source)
        else:
            out.setdefault(item.pk, Figure())
    imported = [i for i in leaves if not i.source]
    out.update(_imported(imported, period, scope))
    for total in totals:
        sub = local_item_figures(child_map[total.pk], period, scope)
        out[total.pk] = Figure(
            count=sum(f.count for f in sub.values()), amount=sum(f.amount for f in sub.values())
        )
    return out


def provider_missing(item: Item) -> bool:
    return bool(item.source) and providers.get(item.source) is None

