"""The engine answers a branch or a member through its own path (one read of
the scope's rows, figures derived in Python): it must give the same FigureSet
as the general path, for any data."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suishin.kpis import factories as kf
from suishin.kpis import queries
from suishin.kpis.models import Aggregation, Item, Result, Target, TargetKind
from suishin.kpis.scope import Scope

# (code, aggregation this year, aggregation last year or None: no item last year)
LEAVES = [
    ("A", Aggregation.SUM, Aggregation.SUM),
    ("D", Aggregation.DISTINCT_MEMBERS, Aggregation.SUM),
    ("S", Aggregation.SNAPSHOT, Aggregation.SNAPSHOT),
    ("C", Aggregation.CUMULATIVE, Aggregation.SUM),
    ("N", Aggregation.SUM, None),
]
# 2022-04 .. 2025-03
MONTHS = [dt.date(2022 + (3 + n) // 12, (3 + n) % 12 + 1, 1) for n in range(36)]
# Few months, so that examples often have several rows in one half (snapshots, distinct members)
SOME_MONTHS = [MONTHS[n] for n in (7, 12, 14, 17, 20, 24, 25, 29, 30, 35)]

results = st.lists(
    st.tuples(
        st.sampled_from([c for c, _, _ in LEAVES] + ["T"]),  # T: a total's own (ignored) rows
        st.sampled_from(SOME_MONTHS),
        st.integers(0, 4),  # members 0..2, 3: branch-level row of branch_a, 4: of branch_b
        st.integers(0, 3),
        st.integers(0, 5),
    ),
    min_size=5,
    max_size=40,
)
counts = st.one_of(st.none(), st.integers(0, 50))
targets = st.lists(
    st.tuples(
        st.sampled_from([c for c, _, _ in LEAVES]),
        st.sampled_from(["m0", "m1", "m2", "branch_a", "branch_b", "block_a", "council"]),
        st.sampled_from([TargetKind.ALLOCATED, TargetKind.SELF]),
        counts,
        counts,
    ),
    max_size=12,
)


def _reset() -> None:
    # hypothesis reuses the test's database between examples
    Result.objects.all().delete()
    Target.objects.all().delete()
    Item.objects.filter(parent__isnull=False).delete()
    Item.objects.all().delete()


def _build(org, rows, target_rows, since_month: int) -> None:
    members = [org.member_a, org.member_a2, org.member_b]
    total = kf.item("T", sort_order=0)
    items = {"T": total}
    for n, (code, how, last_year) in enumerate(LEAVES):
        since = (
            {"cumulative_since": MONTHS[since_month] + dt.timedelta(days=9)}
            if how == Aggregation.CUMULATIVE
            else {}
        )
        items[code] = kf.item(
            code, aggregation=how, parent=total if n < 3 else None, sort_order=n + 1, **since
        )
        if last_year is not None:
            since = (
                {"cumulative_since": dt.date(2022, 4, 1)}
                if last_year == Aggregation.CUMULATIVE
                else {}
            )
            kf.item(code, fiscal_year=2023, aggregation=last_year, **since)
    kf.item("C", fiscal_year=2022)  # the cumulative figure spans every year's item "C"
    kf.item("T", fiscal_year=2023)
    by_year = {(i.fiscal_year, i.code): i for i in Item.objects.all()}
    seen = set()
    for code, month, who, count, amount in rows:
        fy = month.year if month.month >= 4 else month.year - 1
        item = by_year.get((fy, code))
        if item is None or (item.pk, month, who) in seen:
            continue
        seen.add((item.pk, month, who))
        if who < 3:
            kf.result(item, month, member=members[who], count=count, amount=amount * 1000)
        else:
            kf.result(
                item,
                month,
                branch=[org.branch_a, org.branch_b][who - 3],
                count=count,
                amount=amount,
            )
    scopes = {
        "m0": {"member": org.member_a},
        "m1": {"member": org.member_a2},
        "m2": {"member": org.member_b},
        "branch_a": {"branch": org.branch_a},
        "branch_b": {"branch": org.branch_b},
        "block_a": {"block": org.block_a},
        "council": {},
    }
    seen = set()
    for code, where, kind, count, amount in target_rows:
        if (code, where, kind) in seen or (kind == TargetKind.SELF and not where.startswith("m")):
            continue
        seen.add((code, where, kind))
        kf.target(items[code], kind=kind, count=count, amount=amount, **scopes[where])


def _assert_same(fast, general) -> None:
    assert fast.warnings == general.warnings
    assert [f.code for f in fast.items] == [f.code for f in general.items]
    for a, b in zip(fast.items, general.items, strict=True):
        assert a == b, a.code


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=results, target_rows=targets, since_month=st.integers(0, 35))
def test_the_small_scope_path_equals_the_general_path(org, rows, target_rows, since_month):
    _reset()
    _build(org, rows, target_rows, since_month)
    scopes = [Scope.parse(code) for code in ("101", "201", "A0001", "A0002", "B0001")]
    for scope in scopes:
        for half in (1, 2):
            for codes in (None, ["S", "C"]):
                fast = queries._small_scope_figures(2024, half, scope, codes)
                general = queries._general_figures(2024, half, scope, codes)
                _assert_same(fast, general)


def test_the_comparison_sees_every_kind_of_figure(org):
    """The property above compares real figures: one fixed example where every
    field is set and the fast path's answer is the expected one."""
    _reset()
    rows = [
        ("A", dt.date(2024, 5, 1), 0, 2, 1),
        ("A", dt.date(2023, 5, 1), 0, 1, 1),
        ("D", dt.date(2024, 6, 1), 0, 1, 0),
        ("D", dt.date(2024, 7, 1), 1, 3, 0),
        ("S", dt.date(2024, 6, 1), 0, 5, 0),
        ("S", dt.date(2024, 8, 1), 1, 7, 0),
        ("C", dt.date(2022, 12, 1), 0, 3, 0),
        ("C", dt.date(2024, 4, 1), 1, 1, 0),
    ]
    target_rows = [("A", "m0", TargetKind.ALLOCATED, 10, None), ("A", "m1", TargetKind.SELF, 4, 2)]
    _build(org, rows, target_rows, since_month=6)  # cumulative since 2022-10
    scope = Scope.parse("101")
    with CaptureQueriesContext(connection) as ctx:
        fast = queries._small_scope_figures(2024, 1, scope, None)
    assert len(ctx.captured_queries) == 3
    _assert_same(fast, queries._general_figures(2024, 1, scope, None))
    got = {
        code: (
            f.count,
            f.amount,
            f.prev_count,
            f.cum_count,
            f.target_count,
            f.self_target_count,
            f.as_of,
        )
        for code, f in ((f.code, f) for f in fast.items)
    }
    assert got["A"] == (2, 1000, 1, None, 10, 4, None)
    assert got["D"] == (2, 0, 0, None, None, None, None)
    assert got["S"] == (7, 0, 0, None, None, None, dt.date(2024, 8, 1))
    assert got["C"] == (1, 0, 0, 4, None, None, None)
    assert got["T"] == (11, 1000, 1, None, 10, 4, None)


def test_the_fast_path_reads_every_item_column():
    """Items are read as raw rows into `_ItemRow`: a new Item field must be added there."""
    assert list(queries._ItemRow._fields) == [f.attname for f in Item._meta.concrete_fields]


def test_provider_items_are_answered_alike_on_both_paths(org):
    from suishin.kpis import providers

    def provide(item, period, scope, arg):
        assert isinstance(item, Item) and item.description == "説明"
        return providers.Figure(
            count=10 if period.first.year == 2024 else 4, amount=item.fiscal_year
        )

    providers.register("test.small", "テスト", provide)
    try:
        total = kf.item("P_TOTAL")
        kf.item("P", fiscal_year=2023, source="test.small:x", description="説明")
        kf.item("P", parent=total, source="test.small:x", description="説明")
        kf.item("Q", parent=total, source="nowhere.sessions")
        for text in ("101", "A0001"):
            scope = Scope.parse(text)
            fast = queries._small_scope_figures(2024, 1, scope, None)
            _assert_same(fast, queries._general_figures(2024, 1, scope, None))
            assert (fast["P"].count, fast["P"].prev_count, fast["P"].amount) == (10, 4, 2024)
            assert fast["Q"].count is None and fast.warnings
    finally:
        providers._PROVIDERS.pop("test.small", None)


def test_a_year_without_leaf_items_asks_no_empty_list(org):
    """A catalog of totals only (or none): PostgreSQL refuses "item_id IN ()",
    which SQLite accepts; the dashboard of a branch committee hit it."""
    kf.item("TOTAL_ONLY", fiscal_year=2030)
    for code in ("101", "A0001"):
        figures = queries.compute_figures(fiscal_year=2030, half=1, scope=Scope.parse(code))
        assert [f.code for f in figures.items] == ["TOTAL_ONLY"]
        assert figures.get("TOTAL_ONLY").count in (0, None)
    for code in ("101", "A0001"):
        assert queries.compute_figures(fiscal_year=2031, half=1, scope=Scope.parse(code)).items == []
