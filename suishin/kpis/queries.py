"""The figures engine: every catalog item's figures for a fiscal year, a half and a scope.

`compute_figures(fiscal_year=, half=, scope=)` answers, for each item of that
year's catalog (in catalog order):

* the half's count and amount (`count`, `amount`);
* the fiscal-year-to-date figure through the end of the half (`fy_count`, `fy_amount`);
* the annual allocated (配分) target of the scope and the sum of self-set (自主)
  targets inside it;
* the achievement: fiscal-year-to-date / annual target in truncated per-mille
  (`jpformat.achievement_permille`), None when there is no target;
* the same half of the previous fiscal year (`prev_*`), for the item with the
  same code in the previous year's catalog (None when there is none);
* for cumulative items, the running total from `cumulative_since` through the
  end of the half, across every fiscal year's item with the same code.

Invariants:

* Aggregations. sum: Σ. distinct_members: the number of distinct members with
  a non-zero count in the period within the scope (rows that name no member do
  not count). snapshot: the latest month of the period that has rows, summed
  over the scope's rows of that month (`as_of` says which month). cumulative:
  Σ over the period, plus the cumulative figure described above (month
  granularity: the month of `cumulative_since` is included whole).
* Totals (items with children) are the sums of their children's figures and
  targets, recursively; their own results are ignored (a total is never imported).
* Targets: a scope's allocated target is its own explicit target row (count
  and amount as set there), else the sum of the targets of the scopes inside
  it (council → blocks → branches → members), per measure. Targets hang on the
  block/branch recorded on the target row (set from the tree when the target
  was imported or entered), as results do.
* Items whose `source` names a provider get their figures from
  `suishin.kpis.providers`; an unregistered provider gives no figure and a
  warning, never an exception.
* Everything is set-based: a few grouped queries per period (GROUP BY item),
  never a query per member; Python loops only over items and branches.
  A branch or a member takes its own path (`_small_scope_figures`, tested
  equal to the general one): three statements, the scope's rows grouped by
  month and item through the scope's index, the periods derived in Python.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import Count, Q, Sum

from suishin.core import fiscal, jpformat
from suishin.core.fiscal import Period
from suishin.kpis import providers
from suishin.kpis.models import Aggregation, Item, Result, ScopeLevel, Target, TargetKind
from suishin.kpis.scope import Scope

MONEY_UNIT = "円"

Pair = tuple[int | None, int | None]


def unregistered_warning(source: str) -> str:
    return f"集計元「{providers.split(source)[0]}」が未登録のため表示できません"


@dataclass
class ItemFigures:
    """The figures of one catalog item for one period and scope. Integers only;
    None means "no figure" (an unregistered provider, no previous-year item,
    no target), which the report prints as "－"."""

    item_id: int
    code: str
    name: str
    group: str
    unit: str
    aggregation: str
    sort_order: int
    parent_code: str | None
    children: tuple[str, ...]
    source: str
    donation_rate: int | None
    cumulative_since: dt.date | None
    count: int | None = 0
    amount: int | None = 0
    fy_count: int | None = 0
    fy_amount: int | None = 0
    prev_count: int | None = None
    prev_amount: int | None = None
    cum_count: int | None = None
    cum_amount: int | None = None
    target_count: int | None = None
    target_amount: int | None = None
    self_target_count: int | None = None
    self_target_amount: int | None = None
    as_of: dt.date | None = None  # snapshot items: the month the figure is from
    warning: str = ""
    provider_trace_url: str | None = None

    @property
    def is_total(self) -> bool:
        return bool(self.children)

    @property
    def is_money(self) -> bool:
        return self.unit == MONEY_UNIT

    @property
    def measure(self) -> str:
        """'amount' for money items (unit 円) and for items whose only target is
        an amount; otherwise 'count'. Achievement compares this measure."""
        if self.is_money or (self.target_count is None and self.target_amount is not None):
            return "amount"
        return "count"

    @property
    def value(self) -> int | None:
        """The half's figure in the item's measure."""
        return self.amount if self.measure == "amount" else self.count

    @property
    def fy_value(self) -> int | None:
        return self.fy_amount if self.measure == "amount" else self.fy_count

    @property
    def target_value(self) -> int | None:
        return self.target_amount if self.measure == "amount" else self.target_count

    @property
    def achievement_permille(self) -> int | None:
        return jpformat.achievement_permille(self.fy_value, self.target_value)

    @property
    def achievement(self) -> str | None:
        """'62.8' or None (JSON form)."""
        return jpformat.permille_str(self.achievement_permille)

    @property
    def has_target(self) -> bool:
        return self.target_value is not None

    @property
    def prev_diff(self) -> int | None:
        return _diff(self.count, self.prev_count)

    @property
    def prev_amount_diff(self) -> int | None:
        return _diff(self.amount, self.prev_amount)

    @property
    def target_diff(self) -> int | None:
        return _diff(self.fy_count, self.target_count)

    @property
    def target_amount_diff(self) -> int | None:
        return _diff(self.fy_amount, self.target_amount)


def _diff(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a - b


@dataclass
class FigureSet:
    """Figures of a whole catalog for (fiscal year, half, scope)."""

    fiscal_year: int
    half: int
    scope: Scope
    period: Period  # the half
    fy_period: Period  # April .. end of the half
    prev_period: Period  # the same half one year earlier
    items: list[ItemFigures] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_code = {f.code: f for f in self.items}

    def get(self, code: str) -> ItemFigures | None:
        return self._by_code.get(code)

    def __getitem__(self, code: str) -> ItemFigures:
        return self._by_code[code]

    def groups(self) -> list[tuple[str, list[ItemFigures]]]:
        """Items by group, groups in the order of their first item."""
        out: dict[str, list[ItemFigures]] = {}
        for f in self.items:
            out.setdefault(f.group, []).append(f)
        return list(out.items())


# --- aggregation over results ------------------------------------------------


def _results(period: Period, scope_q: Q) -> Any:
    return Result.objects.filter(
        scope_q, month__gte=period.first, month__lte=period.last
    ).order_by()


def _aggregate(
    specs: Sequence[tuple[int, str]], period: Period, scope_q: Q, *, by: str | None = None
) -> dict[tuple[int, Any], tuple[int, int, dt.date | None]]:
    """{(item_id, by value): (count, amount, as_of)} for (item_id, aggregation)
    pairs of result-based items; at most three grouped queries."""
    fields = ["item_id"] + ([by] if by else [])
    summed = [pk for pk, how in specs if how in (Aggregation.SUM, Aggregation.CUMULATIVE)]
    distinct = [pk for pk, how in specs if how == Aggregation.DISTINCT_MEMBERS]
    snapshot = [pk for pk, how in specs if how == Aggregation.SNAPSHOT]
    out: dict[tuple[int, Any], tuple[int, int, dt.date | None]] = {}

    def key(row: dict) -> tuple[int, Any]:
        return (row["item_id"], row[by] if by else None)

    if summed:
        rows = (
            _results(period, scope_q)
            .filter(item_id__in=summed)
            .values(*fields)
            .annotate(c=Sum("count"), a=Sum("amount"))
        )
        for row in rows:
            out[key(row)] = (row["c"] or 0, row["a"] or 0, None)
    if distinct:
        rows = (
            _results(period, scope_q)
            .filter(item_id__in=distinct)
            .values(*fields)
            .annotate(c=Count("member_id", distinct=True, filter=~Q(count=0)), a=Sum("amount"))
        )
        for row in rows:
            out[key(row)] = (row["c"] or 0, row["a"] or 0, None)
    if snapshot:
        rows = (
            _results(period, scope_q)
            .filter(item_id__in=snapshot)
            .values(*fields, "month")
            .annotate(c=Sum("count"), a=Sum("amount"))
        )
        for row in rows:
            k = key(row)
            if k not in out or out[k][2] < row["month"]:
                out[k] = (row["c"] or 0, row["a"] or 0, row["month"])
    return out


def figures_by(
    items: Iterable[Item], period: Period, by: str
) -> dict[tuple[int, Any], tuple[int, int]]:
    """{(item pk, value of `by`): (count, amount)} of the imported items (no
    `source`) in `period`, grouped by a Result column such as "branch_id", with
    the engine's aggregation rules: at most three queries, whatever the number
    of groups (for lists with one line per branch, instead of an engine run per
    branch)."""
    specs = [(i.pk, i.aggregation) for i in items if not i.source]
    return {k: (c, a) for k, (c, a, _) in _aggregate(specs, period, Q(), by=by).items()}


def _cumulative(
    items: Sequence[Item], through: dt.date, scope_q: Q, *, by: str | None = None
) -> dict[tuple[str, Any], tuple[int, int]]:
    """{(code, by value): (count, amount)} from each item's `cumulative_since`
    (its whole month) through the month `through`, over the results of every
    fiscal year's item with the same code."""
    cum = [i for i in items if i.aggregation == Aggregation.CUMULATIVE and i.cumulative_since]
    if not cum:
        return {}
    since = {i.code: fiscal.month_start(i.cumulative_since) for i in cum}
    code_of = dict(Item.objects.filter(code__in=since).values_list("pk", "code"))
    # One range per item (earliest start .. through), grouped by month; each
    # code's own start is applied to the grouped rows. An OR of per-code
    # ranges would look simpler, but planners answer it with a full scan.
    fields = ["item_id", "month"] + ([by] if by else [])
    rows = (
        Result.objects.filter(
            scope_q, item_id__in=list(code_of), month__gte=min(since.values()), month__lte=through
        )
        .order_by()
        .values(*fields)
        .annotate(c=Sum("count"), a=Sum("amount"))
    )
    out: dict[tuple[str, Any], tuple[int, int]] = defaultdict(lambda: (0, 0))
    for row in rows:
        code = code_of[row["item_id"]]
        if row["month"] < since[code]:
            continue
        k = (code, row[by] if by else None)
        c, a = out[k]
        out[k] = (c + (row["c"] or 0), a + (row["a"] or 0))
    return dict(out)


# --- targets -----------------------------------------------------------------


def _sum_pairs(pairs: Iterable[Pair]) -> Pair:
    """Σ per measure; a measure no pair has stays None."""
    pairs = list(pairs)
    return (_sum_none(c for c, _ in pairs), _sum_none(a for _, a in pairs))


def _pick_pair(explicit: Pair | None, children: Iterable[Pair]) -> Pair:
    """A scope's own target row if it has one, else the sum of its children's."""
    return explicit if explicit is not None else _sum_pairs(children)


class TargetTree:
    """Allocated (配分) targets of some items, rolled up council → blocks →
    branches → members.

    Two grouped queries on the target's own block/branch columns (set when the
    target was recorded, like a result's): the explicit rows above member level
    within the scope, then member targets summed per (branch, block) in SQL,
    only for the items whose scope has no target row of its own.

    A branch that moved to another block during the year has rows under both:
    a block counts only the rows recorded under it, the branch all of its rows
    (its own row if it has one, else all its member targets), the council each
    row once. A branch's own row replaces its member targets under every block
    and counts under the block it was recorded under.
    """

    def __init__(self, item_ids: Sequence[int], scope: Scope | None = None):
        scope = scope or Scope.council()
        base = Target.objects.filter(item_id__in=item_ids, kind=TargetKind.ALLOCATED).order_by()
        self.council: dict[int, Pair] = {}
        self.block: dict[tuple[int, int], Pair] = {}
        self.branch: dict[tuple[int, int], tuple[int | None, Pair]] = {}  # → (its block, pair)
        self.member_sum: dict[tuple[int, int], dict[int | None, Pair]] = defaultdict(dict)
        self.member: dict[int, Pair] = {}
        self._branches_of: dict[int | None, set[int]] = defaultdict(set)
        level = scope.level
        if level == ScopeLevel.MEMBER:
            for row in base.filter(level=ScopeLevel.MEMBER, member_id=scope.member_id).values(
                "item_id", "target_count", "target_amount"
            ):
                self.member[row["item_id"]] = (row["target_count"], row["target_amount"])
            return
        # The rows above member level inside the scope: the scope filter on the
        # target's own block_id / branch_id keeps out the levels above it, and
        # exclude(level=member) is literally the partial index's condition.
        inside = scope.q()
        upper = inside
        if level == ScopeLevel.BLOCK:
            # Every branch's own row, whatever its block: one recorded under
            # another block replaces that branch's member targets here too (a
            # branch that moved). A few rows per item, through the same index.
            upper = inside | Q(level=ScopeLevel.BRANCH)
        rows = (
            base.filter(upper)
            .exclude(level=ScopeLevel.MEMBER)
            .values("item_id", "level", "block_id", "branch_id", "target_count", "target_amount")
        )
        for row in rows:
            pair = (row["target_count"], row["target_amount"])
            if row["level"] == ScopeLevel.COUNCIL:
                self.council[row["item_id"]] = pair
            elif row["level"] == ScopeLevel.BLOCK:
                self.block[(row["item_id"], row["block_id"])] = pair
            else:
                self.branch[(row["item_id"], row["branch_id"])] = (row["block_id"], pair)
                self._branches_of[row["block_id"]].add(row["branch_id"])
        own = {
            ScopeLevel.COUNCIL: set(self.council),
            ScopeLevel.BLOCK: {i for (i, bl) in self.block if bl == scope.block_id},
            ScopeLevel.BRANCH: {i for (i, br) in self.branch if br == scope.branch_id},
        }[level]
        below = [i for i in item_ids if i not in own]
        if below:
            rows = (
                Target.objects.filter(
                    inside, item_id__in=below, kind=TargetKind.ALLOCATED, level=ScopeLevel.MEMBER
                )
                .order_by()
                .values("item_id", "branch_id", "block_id")
                .annotate(c=Sum("target_count"), a=Sum("target_amount"))
            )
            for row in rows:
                self.member_sum[(row["item_id"], row["branch_id"])][row["block_id"]] = (
                    row["c"],
                    row["a"],
                )
                self._branches_of[row["block_id"]].add(row["branch_id"])

    def branch_value(self, item_id: int, branch_id: int) -> Pair:
        own = self.branch.get((item_id, branch_id))
        below = self.member_sum.get((item_id, branch_id), {})
        return _pick_pair(None if own is None else own[1], below.values())

    def _branch_in_block(self, item_id: int, branch_id: int, block_id: int | None) -> Pair | None:
        """The part of a branch's target recorded under `block_id`."""
        own = self.branch.get((item_id, branch_id))
        if own is not None:
            return own[1] if own[0] == block_id else None
        return self.member_sum.get((item_id, branch_id), {}).get(block_id)

    def block_value(self, item_id: int, block_id: int) -> Pair:
        parts = (
            self._branch_in_block(item_id, br, block_id)
            for br in self._branches_of.get(block_id, ())
        )
        return _pick_pair(self.block.get((item_id, block_id)), [p for p in parts if p is not None])

    def council_value(self, item_id: int) -> Pair:
        blocks = set(self._branches_of) | {bl for (i, bl) in self.block if i == item_id}
        return _pick_pair(
            self.council.get(item_id), (self.block_value(item_id, bl) for bl in blocks)
        )

    def value(self, item_id: int, scope: Scope) -> Pair:
        if scope.level == ScopeLevel.MEMBER:
            return self.member.get(item_id, (None, None))
        if scope.level == ScopeLevel.BRANCH:
            return self.branch_value(item_id, scope.branch_id)
        if scope.level == ScopeLevel.BLOCK:
            return self.block_value(item_id, scope.block_id)
        return self.council_value(item_id)


def _self_targets(item_ids: Sequence[int], scope: Scope) -> dict[int, Pair]:
    """Σ of 自主 targets inside the scope (the target's own columns), per item.
    自主 targets are a member's by definition (save_target refuses others)."""
    rows = (
        Target.objects.filter(
            scope.q(), item_id__in=item_ids, kind=TargetKind.SELF, level=ScopeLevel.MEMBER
        )
        .order_by()
        .values("item_id")
        .annotate(c=Sum("target_count"), a=Sum("target_amount"), n=Count("pk"))
    )
    return {row["item_id"]: (row["c"], row["a"]) for row in rows if row["n"]}


# --- the engine ----------------------------------------------------------------


def catalog(fiscal_year: int, codes: Iterable[str] | None = None) -> list[Item]:
    """The catalog of a fiscal year in display order; with `codes`, those items
    and everything below them (so that totals can be summed)."""
    return _select(
        list(Item.objects.filter(fiscal_year=fiscal_year).order_by("sort_order", "code")), codes
    )


def _select(items: list[Item], codes: Iterable[str] | None) -> list[Item]:
    """`items` (one catalog, in display order) limited to `codes` and everything below them."""
    if codes is None:
        return items
    wanted = set(codes)
    children: dict[int | None, list[Item]] = defaultdict(list)
    for i in items:
        children[i.parent_id].append(i)
    keep: set[int] = set()
    stack = [i for i in items if i.code in wanted]
    while stack:
        i = stack.pop()
        if i.pk not in keep:
            keep.add(i.pk)
            stack.extend(children[i.pk])
    return [i for i in items if i.pk in keep]


def _new_figures(item: Item, parent_code: str | None, children: tuple[str, ...]) -> ItemFigures:
    return ItemFigures(
        item_id=item.pk,
        code=item.code,
        name=item.name,
        group=item.group,
        unit=item.unit,
        aggregation=item.aggregation,
        sort_order=item.sort_order,
        parent_code=parent_code,
        children=children,
        source=item.source,
        donation_rate=item.donation_rate,
        cumulative_since=item.cumulative_since,
    )


def _sum_none(values: Iterable[int | None]) -> int | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


SUMMED_FIELDS = (
    "count",
    "amount",
    "fy_count",
    "fy_amount",
    "prev_count",
    "prev_amount",
    "cum_count",
    "cum_amount",
    "target_count",
    "target_amount",
    "self_target_count",
    "self_target_amount",
)


_MEMO: ContextVar[dict | None] = ContextVar("suishin_figures_memo", default=None)


@contextmanager
def figures_memo(store: dict | None = None) -> Iterator[dict]:
    """Within this block, compute_figures answers repeated calls with the same
    arguments from memory: a report and the sections other apps contribute to
    it ask for the same figures several times. The FigureSet is shared, so
    callers must treat it as read-only. Nested blocks share the outer memo;
    pass the `store` a previous block yielded to reuse its figures later."""
    current = _MEMO.get()
    if current is not None:
        yield current
        return
    store = {} if store is None else store
    token = _MEMO.set(store)
    try:
        yield store
    finally:
        _MEMO.reset(token)


def compute_figures(
    *, fiscal_year: int, half: int, scope: Scope | None = None, codes: Iterable[str] | None = None
) -> FigureSet:
    """The figures of `fiscal_year`'s catalog for `half` (1 上期, 2 下期) and `scope`.

    `codes` limits the work to those items (and the items below them).
    Inside `figures_memo()` a repeated call returns the same (read-only) FigureSet,
    and a call with `codes` is answered from the whole catalog's figures (computed
    once for the memo): a report computes the whole catalog anyway, so the
    sections that ask for a few items (e.g. the donation estimate) cost nothing.
    """
    scope = scope or Scope.council()
    memo = _MEMO.get()
    if memo is None:
        return _cached_figures(fiscal_year, half, scope, codes)
    whole = (fiscal_year, int(half), scope, None)
    if whole not in memo:
        memo[whole] = _cached_figures(fiscal_year, half, scope, None)
    if codes is None:
        return memo[whole]
    key = (fiscal_year, int(half), scope, tuple(sorted(set(codes))))
    if key not in memo:
        memo[key] = _subset(memo[whole], set(codes))
    return memo[key]


def _cached_figures(
    fiscal_year: int, half: int, scope: Scope, codes: Iterable[str] | None
) -> FigureSet:
    """`_compute_figures` through the cross-request cache keyed by the data
    version (`suishin.kpis.cache`): each call returns its own copy."""
    from suishin.kpis import cache

    key_codes = None if codes is None else tuple(sorted(set(codes)))
    return cache.cached(
        "compute_figures", _compute_figures, int(fiscal_year), int(half), scope, key_codes
    )


def _subset(figures: FigureSet, codes: set[str]) -> FigureSet:
    """The part of a whole catalog's FigureSet that `_compute_figures(codes=…)`
    returns: the items named and everything below them, in catalog order."""
    keep: set[str] = set()
    stack = [c for c in codes if figures.get(c) is not None]
    while stack:
        code = stack.pop()
        if code not in keep:
            keep.add(code)
            stack.extend(figures[code].children)
    items = [f for f in figures.items if f.code in keep]
    names = {f"{f.name}：{f.warning}" for f in items if f.warning}
    return replace(figures, items=items, warnings=[w for w in figures.warnings if w in names])


def _compute_figures(
    fiscal_year: int, half: int, scope: Scope, codes: Iterable[str] | None
) -> FigureSet:
    if scope.level in (ScopeLevel.BRANCH, ScopeLevel.MEMBER):
        return _small_scope_figures(fiscal_year, half, scope, codes)
    return _general_figures(fiscal_year, half, scope, codes)


class _Frame:
    """The skeleton both engine paths fill: the catalog's ItemFigures, its
    leaves (imported and computed) and the empty FigureSet."""

    def __init__(self, fiscal_year: int, half: int, scope: Scope, items: list[Item]):
        period = fiscal.half_period(fiscal_year, half)
        self.items = items
        self.by_id = {i.id: i for i in items}
        children: dict[int, list[str]] = defaultdict(list)
        for i in items:
            if i.parent_id in self.by_id:
                children[i.parent_id].append(i.code)
        self.figures = {
            i.code: _new_figures(
                i,
                self.by_id[i.parent_id].code if i.parent_id in self.by_id else None,
                tuple(children[i.id]),
            )
            for i in items
        }
        self.result = FigureSet(
            fiscal_year,
            half,
            scope,
            period,
            fiscal.year_to_date(fiscal_year, half),
            fiscal.same_period_last_year(period),
            warnings=[],
        )
        self.leaves = [i for i in items if not children[i.id]]
        self.imported = [i for i in self.leaves if not i.source]
        self.computed = [i for i in self.leaves if i.source]

    def finish(self) -> FigureSet:
        """Totals are the sums of their children (recursively); the FigureSet in catalog order."""
        figures = self.figures

        def roll_up(code: str) -> None:
            f = figures[code]
            if not f.children:
                return
            for child in f.children:
                roll_up(child)
            kids = [figures[c] for c in f.children]
            for name in SUMMED_FIELDS:
                setattr(f, name, _sum_none(getattr(k, name) for k in kids))
            if any(k.warning for k in kids):
                f.warning = "内訳の一部が集計できないため、合計は表示できる内訳だけの合計です"

        for i in self.items:
            if i.parent_id not in self.by_id:
                roll_up(i.code)
        return replace(self.result, items=[figures[i.code] for i in self.items])


def _general_figures(
    fiscal_year: int, half: int, scope: Scope, codes: Iterable[str] | None
) -> FigureSet:
    """Any scope: a few grouped queries per period and aggregation kind (GROUP BY item)."""
    frame = _Frame(fiscal_year, half, scope, catalog(fiscal_year, codes))
    figures, result, leaves = frame.figures, frame.result, frame.leaves
    imported, computed = frame.imported, frame.computed
    period, fy_period, prev_period = result.period, result.fy_period, result.prev_period
    q = scope.q()

    specs = [(i.pk, i.aggregation) for i in imported]
    half_rows = _aggregate(specs, period, q)
    fy_rows = half_rows if fy_period == period else _aggregate(specs, fy_period, q)
    prev_items = {
        i.code: i
        for i in Item.objects.filter(fiscal_year=fiscal_year - 1, code__in=[i.code for i in leaves])
    }
    # Compare like with like: last year's rows aggregate as this year's item does.
    prev_specs = [(prev_items[i.code].pk, i.aggregation) for i in imported if i.code in prev_items]
    prev_rows = _aggregate(prev_specs, prev_period, q)
    cum_rows = _cumulative(imported, period.last, q)

    for i in imported:
        f = figures[i.code]
        f.count, f.amount, f.as_of = half_rows.get((i.pk, None), (0, 0, None))
        f.fy_count, f.fy_amount, _ = fy_rows.get((i.pk, None), (0, 0, None))
        if i.code in prev_items:
            f.prev_count, f.prev_amount, _ = prev_rows.get(
                (prev_items[i.code].pk, None), (0, 0, None)
            )
        if i.aggregation == Aggregation.CUMULATIVE:
            f.cum_count, f.cum_amount = cum_rows.get((i.code, None), (0, 0))

    for i in computed:
        _fill_from_provider(figures[i.code], i, prev_items.get(i.code), result, scope)

    tree = TargetTree([i.pk for i in leaves], scope)
    selfs = _self_targets([i.pk for i in leaves], scope)
    for i in leaves:
        f = figures[i.code]
        f.target_count, f.target_amount = tree.value(i.pk, scope)
        f.self_target_count, f.self_target_amount = selfs.get(i.pk, (None, None))
    return frame.finish()


class _ItemRow(NamedTuple):
    """An Item's columns as a raw row (much cheaper than a model instance);
    `as_item()` makes the model instance that providers take."""

    id: int
    fiscal_year: int
    code: str
    name: str
    group: str
    unit: str
    aggregation: str
    cumulative_since: dt.date | None
    donation_rate: int | None
    parent_id: int | None
    sort_order: int
    description: str
    source: str

    @property
    def pk(self) -> int:
        return self.id

    def as_item(self) -> Item:
        return Item(**self._asdict())

    @classmethod
    def from_db(cls, row: Sequence[Any]) -> _ItemRow:
        """From a raw row: SQLite gives dates as text."""
        item = cls(*row)
        since = item.cumulative_since
        return (
            item._replace(cumulative_since=dt.date.fromisoformat(since))
            if isinstance(since, str)
            else item
        )


def _int(value: Any) -> int | None:
    """A raw SUM as an integer (PostgreSQL sums bigints as numeric)."""
    return None if value is None else int(value)


def _small_scope_figures(
    fiscal_year: int, half: int, scope: Scope, codes: Iterable[str] | None
) -> FigureSet:
    """A branch or a member: the same figures as `_general_figures` (tested equal)
    in three statements. The scope's rows are few, so they are read once
    through the scope's own index (result_branch_cover / result_member_month)
    grouped by month and item, and the half, the year to date, the previous
    year's half, snapshots and cumulative figures are derived in Python.
    (Through the item index a planner would read every member's rows of the
    period; the general path's per-period queries did so on SQLite.)"""
    # 1. This year's catalog, last year's, and every year's items of this
    # year's cumulative codes, in one statement.
    # (Raw SQL here and below: at a member's scale the ORM's compiling and
    # converting cost several times the statements themselves.)
    columns = ", ".join(connection.ops.quote_name(f) for f in _ItemRow._fields)
    item_table = Item._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {item_table} WHERE fiscal_year IN (%s, %s) OR code IN "
            f"(SELECT code FROM {item_table} WHERE fiscal_year = %s AND aggregation = %s) "
            "ORDER BY sort_order, code",
            [fiscal_year, fiscal_year - 1, fiscal_year, Aggregation.CUMULATIVE.value],
        )
        every = [_ItemRow.from_db(row) for row in cursor.fetchall()]
    frame = _Frame(
        fiscal_year, half, scope, _select([i for i in every if i.fiscal_year == fiscal_year], codes)
    )
    figures, result = frame.figures, frame.result
    period, fy_period, prev_period = result.period, result.fy_period, result.prev_period
    leaf_codes = {i.code for i in frame.leaves}
    prev_items = {
        i.code: i for i in every if i.fiscal_year == fiscal_year - 1 and i.code in leaf_codes
    }
    since = {
        i.code: fiscal.month_start(i.cumulative_since)
        for i in frame.imported
        if i.aggregation == Aggregation.CUMULATIVE and i.cumulative_since
    }
    cum_code_of = {i.id: i.code for i in every if i.code in since}

    # 2. The scope's results: one statement, grouped by month and item (and by
    # member for distinct-member items), every part a range on the scope's index.
    current = {i.id: i for i in frame.imported}
    previous = {prev_items[i.code].id: i for i in frame.imported if i.code in prev_items}
    distinct = [
        pk
        for pk, i in (*current.items(), *previous.items())
        if i.aggregation == Aggregation.DISTINCT_MEMBERS
    ]
    column = "branch_id" if scope.level == ScopeLevel.BRANCH else "member_id"
    scope_id = scope.branch_id if scope.level == ScopeLevel.BRANCH else scope.member_id
    member = (
        f"CASE WHEN item_id IN ({', '.join(['%s'] * len(distinct))}) THEN member_id END"
        if distinct
        else "NULL"
    )
    table = Result._meta.db_table
    part = (
        f"SELECT %s, month, item_id, {member}, SUM(count), SUM(amount), "
        "MAX(CASE WHEN count <> 0 THEN 1 ELSE 0 END) "
        f"FROM {table} WHERE {column} = %s AND month >= %s AND month <= %s {{items}}"
        "GROUP BY month, item_id, 4"
    )
    sql = [part.format(items=""), part.format(items="")]
    params: list[Any] = [0, *distinct, scope_id, fy_period.first, fy_period.last]
    params += [1, *distinct, scope_id, prev_period.first, prev_period.last]
    if since:
        ids = list(cum_code_of)
        # Unary plus: the scope's index, never the item index (which would read
        # every member's rows of these items over the years: SQLite chose it).
        sql.append(part.format(items=f"AND +item_id IN ({', '.join(['%s'] * len(ids))}) "))
        params += [2, *distinct, scope_id, min(since.values()), period.last, *ids]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(sql), params)
        rows = cursor.fetchall()

    # Per item: (count, amount) of the half and of the year to date, the
    # month sums of snapshot items, the members of distinct-member items.
    zero = (0, 0)
    half_sum: dict[int, tuple[int, int]] = defaultdict(lambda: zero)
    fy_sum: dict[int, tuple[int, int]] = defaultdict(lambda: zero)
    prev_sum: dict[int, tuple[int, int]] = defaultdict(lambda: zero)
    cum_sum: dict[str, tuple[int, int]] = defaultdict(lambda: zero)
    months: dict[tuple[int, int], dict[dt.date, tuple[int, int]]] = defaultdict(dict)
    members: dict[tuple[int, int], set] = defaultdict(set)
    dates: dict[Any, dt.date] = {}
    for tag, month, item_id, member_id, c, a, nonzero in rows:
        if month not in dates:
            dates[month] = month if isinstance(month, dt.date) else dt.date.fromisoformat(month)
        month = dates[month]
        c, a = int(c or 0), int(a or 0)
        if tag == 2:
            code = cum_code_of[item_id]
            if month >= since[code]:
                x, y = cum_sum[code]
                cum_sum[code] = (x + c, y + a)
            continue
        item = (current if tag == 0 else previous).get(item_id)
        if item is None:
            continue  # a total's own rows, or an item outside the catalog asked for
        how, pk = item.aggregation, item.id
        # keys: 0 the half, 1 the year to date, 2 the previous year's half
        keys = (2,) if tag == 1 else ((0, 1) if month >= period.first else (1,))
        for k in keys:
            if how == Aggregation.SNAPSHOT:
                x, y = months[(pk, k)].get(month, zero)
                months[(pk, k)][month] = (x + c, y + a)
                continue
            if how == Aggregation.DISTINCT_MEMBERS and nonzero and member_id is not None:
                members[(pk, k)].add(member_id)
            into = (half_sum, fy_sum, prev_sum)[k]
            x, y = into[pk]
            into[pk] = (x + c, y + a)

    def value(pk: int, k: int, how: str) -> tuple[int, int, dt.date | None]:
        if how == Aggregation.SNAPSHOT:
            by_month = months.get((pk, k))
            if not by_month:
                return 0, 0, None
            last = max(by_month)
            return *by_month[last], last
        c, a = (half_sum, fy_sum, prev_sum)[k].get(pk, zero)
        if how == Aggregation.DISTINCT_MEMBERS:
            c = len(members.get((pk, k), ()))
        return c, a, None

    for i in frame.imported:
        f = figures[i.code]
        f.count, f.amount, f.as_of = value(i.id, 0, i.aggregation)
        f.fy_count, f.fy_amount, _ = value(i.id, 1, i.aggregation)
        if i.code in prev_items:
            f.prev_count, f.prev_amount, _ = value(i.id, 2, i.aggregation)
        if i.aggregation == Aggregation.CUMULATIVE:
            f.cum_count, f.cum_amount = cum_sum.get(i.code, zero)

    for i in frame.computed:
        prev_item = prev_items.get(i.code)
        _fill_from_provider(
            figures[i.code],
            i.as_item(),
            None if prev_item is None else prev_item.as_item(),
            result,
            scope,
        )

    # 3. Targets: the scope's own allocated row, the sum of its members'
    # allocated rows (a branch without a row of its own) and the sum of its
    # members' self targets, in one grouped statement.
    levels = [ScopeLevel.MEMBER] + ([ScopeLevel.BRANCH] if column == "branch_id" else [])
    own_level = ScopeLevel.BRANCH if column == "branch_id" else ScopeLevel.MEMBER
    leaf_ids = [i.id for i in frame.leaves]
    targets: list[tuple] = []
    if leaf_ids:  # "IN ()" is an error on PostgreSQL (SQLite accepts it)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT item_id, kind, level, SUM(target_count), SUM(target_amount) "
                f"FROM {Target._meta.db_table} WHERE {column} = %s "
                f"AND level IN ({', '.join(['%s'] * len(levels))}) "
                f"AND item_id IN ({', '.join(['%s'] * len(leaf_ids))}) "
                "GROUP BY item_id, kind, level",
                [scope_id, *(str(level) for level in levels), *leaf_ids],
            )
            targets = cursor.fetchall()
    own: dict[int, Pair] = {}
    below: dict[int, Pair] = {}
    selfs: dict[int, Pair] = {}
    for item_id, kind, level, c, a in targets:
        pair = (_int(c), _int(a))
        if kind == TargetKind.SELF:
            if level == ScopeLevel.MEMBER:
                selfs[item_id] = pair
        elif level == own_level:
            own[item_id] = pair
        else:
            below[item_id] = pair
    for i in frame.leaves:
        f = figures[i.code]
        f.target_count, f.target_amount = _pick_pair(
            own.get(i.id), [below[i.id]] if i.id in below else []
        )
        f.self_target_count, f.self_target_amount = selfs.get(i.id, (None, None))
    return frame.finish()


def _fill_from_provider(
    f: ItemFigures, item: Item, prev_item: Item | None, result: FigureSet, scope: Scope
) -> None:
    if providers.get(item.source) is None:
        f.warning = unregistered_warning(item.source)
        result.warnings.append(f"{item.name}：{f.warning}")
        f.count = f.amount = f.fy_count = f.fy_amount = None
        return
    half = providers.compute(item.source, item, result.period, scope)
    f.count, f.amount = half.count, half.amount
    if result.fy_period == result.period:
        f.fy_count, f.fy_amount = f.count, f.amount
    else:
        fy = providers.compute(item.source, item, result.fy_period, scope)
        f.fy_count, f.fy_amount = fy.count, fy.amount
    if prev_item is not None:
        if providers.get(prev_item.source) is None:
            f.prev_count = f.prev_amount = None
        else:
            prev = providers.compute(prev_item.source, prev_item, result.prev_period, scope)
            f.prev_count, f.prev_amount = prev.count, prev.amount
    if item.aggregation == Aggregation.CUMULATIVE and item.cumulative_since:
        span = Period(fiscal.month_start(item.cumulative_since), result.period.last)
        cum = providers.compute(item.source, item, span, scope)
        f.cum_count, f.cum_amount = cum.count, cum.amount
    f.provider_trace_url = providers.trace_url(item.source, item, result.period, scope)


# --- series for charts -----------------------------------------------------------


@dataclass(frozen=True)
class MonthPoint:
    month: dt.date
    value: int | None  # fiscal-year-to-date figure at the end of this month, in the item's measure
    pace: int | None  # the target × months elapsed / 12 (truncated); None without a target


def monthly_progress(
    *, fiscal_year: int, half: int, code: str, scope: Scope | None = None
) -> list[MonthPoint]:
    """`_monthly_progress` through the cross-request cache (suishin.kpis.cache)."""
    from suishin.kpis import cache

    return cache.cached(
        "monthly_progress",
        _monthly_progress,
        int(fiscal_year),
        int(half),
        str(code),
        scope or Scope.council(),
    )


def _monthly_progress(fiscal_year: int, half: int, code: str, scope: Scope) -> list[MonthPoint]:
    """For the trend chart: month by month from April through the end of the
    half, the fiscal-year-to-date figure against the even pace that reaches the
    annual target in March (target × months / 12, truncated).

    Summed items take one query grouped by month (running totals in Python);
    distinct, snapshot and provider items are evaluated per month-prefix,
    because their year-to-date value is not a running sum.
    """
    scope = scope or Scope.council()
    fy_period = fiscal.year_to_date(fiscal_year, half)
    annual = compute_figures(fiscal_year=fiscal_year, half=half, scope=scope, codes=[code]).get(
        code
    )
    if annual is None:
        return []
    measure, target = annual.measure, annual.target_value
    items = catalog(fiscal_year, [code])
    parents = {i.parent_id for i in items}
    leaves = [i for i in items if i.pk not in parents]
    summed = [
        i
        for i in leaves
        if not i.source and i.aggregation in (Aggregation.SUM, Aggregation.CUMULATIVE)
    ]
    others = [
        i for i in leaves if i not in summed and not (i.source and providers.get(i.source) is None)
    ]
    monthly = _aggregate([(i.pk, i.aggregation) for i in summed], fy_period, scope.q(), by="month")
    per_month: dict[dt.date, int] = defaultdict(int)
    for (_, month), (c, a, _) in monthly.items():
        per_month[month] += a if measure == "amount" else c
    if not summed and not others:
        return []
    points, running = [], 0
    for n, month in enumerate(fy_period.months(), start=1):
        running += per_month.get(month, 0)
        value = running
        prefix = Period(fy_period.first, month)
        for i in others:
            if i.source:
                fig = providers.compute(i.source, i, prefix, scope)
                c, a = fig.count, fig.amount
            else:
                c, a, _ = _aggregate([(i.pk, i.aggregation)], prefix, scope.q()).get(
                    (i.pk, None), (0, 0, None)
                )
            value += a if measure == "amount" else c
        points.append(MonthPoint(month, value, None if target is None else target * n // 12))
    return points


def figures_by_block(
    *, fiscal_year: int, half: int, codes: Iterable[str]
) -> list[tuple[Any, FigureSet]]:
    """(block, the full figures of `codes` for that block) for every active
    block: one engine run per block. Exact but not cheap; the chart uses
    `block_figures`, which must agree with this (tested)."""
    from suishin.organisations.models import Block

    codes = list(codes)
    return [
        (
            block,
            compute_figures(
                fiscal_year=fiscal_year, half=half, scope=Scope.for_block(block), codes=codes
            ),
        )
        for block in Block.objects.filter(active=True).order_by("sort_order", "name")
    ]


@dataclass(frozen=True)
class BlockFigure:
    block_id: int
    name: str
    value: int | None  # fiscal-year-to-date, in the item's measure
    target: int | None

    @property
    def achievement_permille(self) -> int | None:
        return jpformat.achievement_permille(self.value, self.target)


def block_figures(*, fiscal_year: int, half: int, code: str) -> list[BlockFigure]:
    """`_block_figures` through the cross-request cache (suishin.kpis.cache)."""
    from suishin.kpis import cache

    return cache.cached("block_figures", _block_figures, int(fiscal_year), int(half), str(code))


def _block_figures(fiscal_year: int, half: int, code: str) -> list[BlockFigure]:
    """For the by-block chart: the fiscal-year-to-date figure and the annual
    allocated target of one item (a total: its rows summed) for every active
    block. One query grouped by (item, block), one target tree, and provider
    calls per block for computed items."""
    from suishin.organisations.models import Block

    items = catalog(fiscal_year, [code])
    head = next((i for i in items if i.code == code), None)
    if head is None:
        return []
    parents = {i.parent_id for i in items}
    leaves = [i for i in items if i.pk not in parents]
    imported = [i for i in leaves if not i.source]
    computed = [i for i in leaves if i.source and providers.get(i.source) is not None]
    fy_period = fiscal.year_to_date(fiscal_year, half)
    rows = _aggregate([(i.pk, i.aggregation) for i in imported], fy_period, Q(), by="block_id")
    tree = TargetTree([i.pk for i in leaves])
    council = [tree.council_value(i.pk) for i in leaves]
    target_count = _sum_none(c for c, _ in council)
    target_amount = _sum_none(a for _, a in council)
    by_amount = head.unit == MONEY_UNIT or (target_count is None and target_amount is not None)
    k = 1 if by_amount else 0
    out = []
    for block in Block.objects.filter(active=True).order_by("sort_order", "name"):
        value = sum(rows.get((i.pk, block.pk), (0, 0, None))[k] for i in imported)
        scope = Scope.for_block(block)
        for i in computed:
            fig = providers.compute(i.source, i, fy_period, scope)
            value += fig.amount if by_amount else fig.count
        target = _sum_none(tree.block_value(i.pk, block.pk)[k] for i in leaves)
        out.append(BlockFigure(block.pk, block.name, value, target))
    return out


# --- providers of this app -------------------------------------------------------


def self_target_members(
    item: Item, period: Period, scope: Scope, arg: str = ""
) -> providers.Figure:
    """Provider `kpis.self_target_members`: the number of distinct members inside
    the scope with at least one 自主 target in the item's fiscal year."""
    n = (
        Target.objects.filter(
            scope.q(), kind=TargetKind.SELF, fiscal_year=item.fiscal_year, member__isnull=False
        )
        .order_by()
        .values("member_id")
        .distinct()
        .count()
    )
    return providers.Figure(count=n, amount=0)


def self_target_members_trace_url(
    item: Item, period: Period, scope: Scope, arg: str = ""
) -> str | None:
    from urllib.parse import urlencode

    from django.urls import NoReverseMatch, reverse

    try:
        url = reverse("kpis:target_list")
    except NoReverseMatch:
        return None
    return (
        f"{url}?{urlencode({'fy': item.fiscal_year, 'kind': TargetKind.SELF, 'scope': scope.text})}"
    )
