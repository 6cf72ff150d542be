"""The figures engine: every aggregation, the target roll-up rule, totals,
year-on-year, cumulative figures across years, scope filters, providers."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suishin.kpis import factories as kf
from suishin.kpis import providers
from suishin.kpis.models import Aggregation, Result, TargetKind
from suishin.kpis.queries import block_figures, compute_figures, figures_by_block, monthly_progress
from suishin.kpis.scope import Scope
from suishin.organisations import factories as of


def figures(code: str, scope: Scope | None = None, *, fy: int = 2024, half: int = 1):
    return compute_figures(fiscal_year=fy, half=half, scope=scope).get(code)


# --- sum and scopes ----------------------------------------------------------------


def test_sum_adds_the_half_and_the_year_to_date(org):
    it = kf.item("X")
    kf.result(it, "2024-04", member=org.member_a, count=3, amount=100)
    kf.result(it, "2024-09", member=org.member_b, count=4, amount=200)
    kf.result(it, "2024-10", member=org.member_a, count=10, amount=1000)  # 下期
    kf.result(it, "2025-03", member=org.member_a, count=20, amount=2000)
    h1 = figures("X")
    assert (h1.count, h1.amount, h1.fy_count, h1.fy_amount) == (7, 300, 7, 300)
    h2 = figures("X", half=2)
    assert (h2.count, h2.amount) == (30, 3000)
    assert (h2.fy_count, h2.fy_amount) == (37, 3300)  # April through March


def test_months_outside_the_fiscal_year_do_not_count(org):
    it = kf.item("X")
    kf.result(it, "2024-03", member=org.member_a, count=50)  # FY2023
    kf.result(it, "2024-10", member=org.member_a, count=60)  # 下期
    assert figures("X").count == 0


def test_scope_filters_by_block_branch_and_member(org):
    it = kf.item("X")
    kf.result(it, "2024-05", member=org.member_a, count=1)
    kf.result(it, "2024-05", member=org.member_a2, count=2)
    kf.result(it, "2024-05", member=org.member_b, count=4)
    kf.result(it, "2024-05", branch=org.branch_b, count=8)  # a branch-level figure
    kf.result(it, "2024-05", count=16)  # a council-level figure
    assert figures("X").count == 31
    assert figures("X", Scope.parse("石狩")).count == 3
    assert figures("X", Scope.parse("上川")).count == 12
    assert figures("X", Scope.parse("101")).count == 3
    assert figures("X", Scope.parse("201")).count == 12
    assert figures("X", Scope.parse("A0002")).count == 2


def test_results_stay_with_the_branch_they_had_when_recorded(org):
    it = kf.item("X")
    kf.result(it, "2024-05", member=org.member_a, count=5)
    org.member_a.branch = org.branch_b  # the member moves to another branch afterwards
    org.member_a.save()
    assert figures("X", Scope.parse("101")).count == 5
    assert figures("X", Scope.parse("201")).count == 0


# --- distinct members, snapshot, cumulative ----------------------------------------------


def test_distinct_members_counts_each_member_once_and_skips_zero_counts(org):
    it = kf.item("PUB", unit="会員", aggregation=Aggregation.DISTINCT_MEMBERS)
    kf.result(it, "2024-04", member=org.member_a, count=1)
    kf.result(it, "2024-07", member=org.member_a, count=3)  # same member again
    kf.result(it, "2024-05", member=org.member_a2, count=0)  # zero: not counted
    kf.result(it, "2024-06", member=org.member_b, count=2)
    kf.result(it, "2024-06", branch=org.branch_b, count=9)  # names no member: not a member
    assert figures("PUB").count == 2
    assert figures("PUB", Scope.parse("石狩")).count == 1
    assert figures("PUB", Scope.parse("A0002")).count == 0


def test_snapshot_takes_the_latest_month_summed_over_the_scope(org):
    it = kf.item("PENSION", aggregation=Aggregation.SNAPSHOT)
    kf.result(it, "2024-08", member=org.member_a, count=100)
    kf.result(it, "2024-09", member=org.member_a, count=110)
    kf.result(it, "2024-09", member=org.member_b, count=40)
    kf.result(it, "2024-10", member=org.member_a, count=999)  # after the half
    f = figures("PENSION")
    assert f.count == 150
    assert f.as_of == dt.date(2024, 9, 1)
    assert figures("PENSION", Scope.parse("石狩")).count == 110


def test_snapshot_uses_the_latest_month_that_has_rows(org):
    it = kf.item("PENSION", aggregation=Aggregation.SNAPSHOT)
    kf.result(it, "2024-06", member=org.member_a, count=70)
    kf.result(it, "2024-07", member=org.member_a, count=80)
    f = figures("PENSION")
    assert (f.count, f.as_of) == (80, dt.date(2024, 7, 1))


def test_cumulative_adds_every_year_since_the_start_date(org):
    since = dt.date(2017, 10, 1)
    old = kf.item("SCHOLAR", fiscal_year=2017, aggregation=Aggregation.CUMULATIVE, cumulative_since=since)
    mid = kf.item("SCHOLAR", fiscal_year=2020, aggregation=Aggregation.CUMULATIVE, cumulative_since=since)
    cur = kf.item("SCHOLAR", fiscal_year=2024, aggregation=Aggregation.CUMULATIVE, cumulative_since=since)
    kf.result(old, "2017-09", member=org.member_a, count=1000, amount=1)  # before the start: not counted
    kf.result(old, "2017-10", member=org.member_a, count=5, amount=50)
    kf.result(mid, "2020-06", member=org.member_b, count=7, amount=70)
    kf.result(cur, "2024-09", member=org.member_a, count=2, amount=20)
    kf.result(cur, "2024-10", member=org.member_a, count=100, amount=100)  # after the half
    f = figures("SCHOLAR")
    assert (f.count, f.amount) == (2, 20)  # the half alone
    assert (f.cum_count, f.cum_amount) == (14, 140)
    assert figures("SCHOLAR", Scope.parse("上川")).cum_count == 7


def test_cumulative_start_month_is_included_whole(org):
    it = kf.item("APP", aggregation=Aggregation.CUMULATIVE, cumulative_since=dt.date(2024, 5, 22))
    kf.result(it, "2024-04", member=org.member_a, count=1)
    kf.result(it, "2024-05", member=org.member_a, count=10)
    assert figures("APP").cum_count == 10
    assert figures("APP").count == 11


# --- totals ------------------------------------------------------------------------------


def test_a_total_is_the_sum_of_its_rows_and_ignores_its_own_results(org):
    total = kf.item("T", sort_order=9)
    a = kf.item("A", parent=total, sort_order=1)
    b = kf.item("B", parent=total, sort_order=2, unit="会員", aggregation=Aggregation.DISTINCT_MEMBERS)
    kf.result(a, "2024-05", member=org.member_a, count=640)
    kf.result(b, "2024-05", member=org.member_a, count=1)
    kf.result(b, "2024-06", member=org.member_b, count=1)
    kf.result(total, "2024-05", member=org.member_a, count=99999)  # never imported; ignored
    kf.target(a, count=1000)
    f = figures("T")
    assert f.is_total and f.children == ("A", "B")
    assert f.count == 642
    assert f.target_count == 1000
    assert f.achievement == "64.2"


def test_nested_totals_roll_up(org):
    top = kf.item("TOP")
    mid = kf.item("MID", parent=top)
    kf.item("LEAF1", parent=mid)
    leaf2 = kf.item("LEAF2", parent=mid)
    leaf3 = kf.item("LEAF3", parent=top)
    kf.result(leaf2, "2024-04", member=org.member_a, count=2)
    kf.result(leaf3, "2024-04", member=org.member_a, count=3)
    assert figures("MID").count == 2
    assert figures("TOP").count == 5
    assert figures("TOP").target_count is None


# --- year on year ----------------------------------------------------------------------


def test_previous_year_matches_items_by_code(org):
    prev = kf.item("ACE", fiscal_year=2023)
    cur = kf.item("ACE")
    kf.result(prev, "2023-06", member=org.member_a, count=372)
    kf.result(prev, "2023-12", member=org.member_a, count=1)  # 下期 of last year: not the same half
    kf.result(cur, "2024-06", member=org.member_a, count=522)
    f = figures("ACE")
    assert (f.prev_count, f.prev_diff) == (372, 150)


def test_previous_year_without_the_item_gives_none_and_with_it_zero(org):
    kf.item("NEW")
    kf.item("OLD", fiscal_year=2023)
    kf.item("OLD")
    assert figures("NEW").prev_count is None and figures("NEW").prev_diff is None
    assert figures("OLD").prev_count == 0


def test_previous_year_money_difference_is_signed(org):
    prev = kf.item("SCH", fiscal_year=2023, unit="円")
    cur = kf.item("SCH", unit="円")
    kf.result(prev, "2023-05", member=org.member_a, count=33, amount=87_900_000)
    kf.result(cur, "2024-05", member=org.member_a, count=23, amount=59_500_000)
    f = figures("SCH")
    assert f.prev_diff == -10
    assert f.prev_amount_diff == -28_400_000


# --- targets -----------------------------------------------------------------------------


def test_council_target_is_its_own_explicit_target(org):
    it = kf.item("X")
    kf.target(it, count=500)
    kf.target(it, member=org.member_a, count=7)  # ignored at council level: council has its own
    assert figures("X").target_count == 500
    assert figures("X", Scope.parse("A0001")).target_count == 7


def test_targets_without_an_explicit_one_sum_the_scopes_inside(org):
    it = kf.item("X")
    kf.target(it, member=org.member_a, count=10)
    kf.target(it, member=org.member_a2, count=20)
    kf.target(it, member=org.member_b, count=40)
    assert figures("X", Scope.parse("101")).target_count == 30
    assert figures("X", Scope.parse("石狩")).target_count == 30
    assert figures("X").target_count == 70
    kf.target(it, branch=org.branch_a, count=100)  # the branch's own target replaces its members' sum
    assert figures("X", Scope.parse("101")).target_count == 100
    assert figures("X").target_count == 140
    kf.target(it, block=org.block_b, count=1000)  # the block's own target
    assert figures("X", Scope.parse("上川")).target_count == 1000
    assert figures("X").target_count == 1100
    assert figures("X", Scope.parse("201")).target_count == 40


def test_an_explicit_target_row_is_taken_as_set_and_sums_go_per_measure(org):
    it = kf.item("X")
    kf.target(it, member=org.member_a, count=3)
    kf.target(it, member=org.member_b, count=4, amount=10)
    f = figures("X")
    assert (f.target_count, f.target_amount) == (7, 10)  # the sum, measure by measure
    kf.target(it, amount=5_000, count=None)  # the council's own row: only an amount
    f = figures("X")
    assert (f.target_count, f.target_amount) == (None, 5_000)
    assert (f.measure, f.achievement) == ("amount", "0.0")  # an amount-only target compares amounts


def test_targets_stay_with_the_branch_they_were_set_for(org):
    it = kf.item("X")
    kf.target(it, member=org.member_a, count=10)
    org.member_a.branch = org.branch_b  # moves after the targets were allocated
    org.member_a.save()
    assert figures("X", Scope.parse("101")).target_count == 10
    assert figures("X", Scope.parse("201")).target_count is None


def test_no_target_gives_none_and_a_dash(org):
    kf.item("X")
    f = figures("X")
    assert f.target_count is None and f.achievement is None and f.achievement_permille is None


def test_member_scope_has_only_its_own_target(org):
    it = kf.item("X")
    kf.target(it, branch=org.branch_a, count=100)
    assert figures("X", Scope.parse("A0001")).target_count is None


def test_self_targets_are_summed_separately_within_the_scope(org):
    it = kf.item("X")
    kf.target(it, count=1000)
    kf.target(it, member=org.member_a, count=5, kind=TargetKind.SELF)
    kf.target(it, member=org.member_b, count=6, kind=TargetKind.SELF)
    f = figures("X")
    assert (f.target_count, f.self_target_count) == (1000, 11)
    assert figures("X", Scope.parse("石狩")).self_target_count == 5
    assert figures("X", Scope.parse("A0002")).self_target_count is None


def test_achievement_uses_the_year_to_date_against_the_annual_target(org):
    it = kf.item("X")
    kf.target(it, count=6350)
    kf.result(it, "2024-05", member=org.member_a, count=3000)
    kf.result(it, "2024-11", member=org.member_a, count=708)
    assert figures("X").achievement == "47.2"
    assert figures("X", half=2).achievement == "58.3"  # 3,708 / 6,350 truncated


def test_money_items_compare_amounts(org):
    it = kf.item("MORTGAGE", unit="円")
    kf.target(it, amount=33_400_000_000)
    kf.result(it, "2024-06", member=org.member_a, count=120, amount=34_900_000_000)
    f = figures("MORTGAGE")
    assert f.measure == "amount"
    assert f.achievement == "104.4"
    assert f.target_amount_diff == 1_500_000_000


# --- providers ---------------------------------------------------------------------------


@pytest.fixture
def fake_provider():
    calls = []

    def provide(item, period, scope, arg):
        calls.append((item.fiscal_year, period, scope.key, arg))
        return providers.Figure(count=10 if period.first.year == 2024 else 4, amount=0)

    providers.register("test.fake", "テスト", provide)
    yield calls
    providers._PROVIDERS.pop("test.fake", None)


def test_provider_items_take_their_figures_from_the_provider(org, fake_provider):
    kf.item("S", fiscal_year=2023, source="test.fake:生活防衛")
    kf.item("S", source="test.fake:生活防衛")
    f = figures("S", Scope.parse("石狩"))
    assert (f.count, f.prev_count, f.prev_diff) == (10, 4, 6)
    assert all(arg == "生活防衛" and key == "block:石狩" for _, _, key, arg in fake_provider)


def test_an_unregistered_provider_gives_a_warning_not_a_crash(org):
    total = kf.item("MOV_TOTAL")
    kf.item("MOV_STUDY", parent=total, source="nowhere.sessions")
    pub = kf.item("MOV_PUBLISH", parent=total)
    kf.result(pub, "2024-05", member=org.member_a, count=187)
    result = compute_figures(fiscal_year=2024, half=1)
    f = result.get("MOV_STUDY")
    assert f.count is None and f.fy_count is None
    assert f.warning == "集計元「nowhere.sessions」が未登録のため表示できません"
    assert result.warnings == ["MOV_STUDY：集計元「nowhere.sessions」が未登録のため表示できません"]
    assert result.get("MOV_TOTAL").count == 187


def test_self_target_members_provider_counts_members_with_self_targets(org):
    a = kf.item("A")
    b = kf.item("B")
    kf.item("SELF_TARGET_MEMBERS", unit="会員", source="kpis.self_target_members")
    kf.target(a, member=org.member_a, count=1, kind=TargetKind.SELF)
    kf.target(b, member=org.member_a, count=1, kind=TargetKind.SELF)  # same member, other item
    kf.target(a, member=org.member_b, count=1, kind=TargetKind.SELF)
    kf.target(a, member=org.member_a2, count=9)  # allocated, not self
    assert figures("SELF_TARGET_MEMBERS").count == 2
    assert figures("SELF_TARGET_MEMBERS", Scope.parse("101")).count == 1


# --- the seed's table --------------------------------------------------------------------

SEED_SVC = [
    # code, annual target, H1 result (2024年度上期「預金・融資・各種サービス実績」)
    ("SVC_MAIN", 17_800, 11_180),
    ("SVC_DEPOSIT", 6_350, 3_708),
    ("SVC_LOAN", 15_131, 9_178),
    ("SVC_ASSET", 1_234, 1_617),
]


def build_seed_svc(org) -> None:
    """The seed's table from member-level monthly results spread over three
    members, and member-level targets (会員分件数目標) that sum to the council's."""
    total = kf.item("SVC_TOTAL", name="合計", group="預金・融資・各種サービス", sort_order=99)
    members = [org.member_a, org.member_a2, org.member_b]
    for n, (code, target, actual) in enumerate(SEED_SVC):
        it = kf.item(code, group="預金・融資・各種サービス", parent=total, sort_order=n, donation_rate=100)
        shares = [target // 3, target // 3, target - 2 * (target // 3)]
        for member, share in zip(members, shares, strict=True):
            kf.target(it, member=member, count=share)
        per_member = [actual // 3, actual // 3, actual - 2 * (actual // 3)]
        for member, value in zip(members, per_member, strict=True):
            for month in range(4, 10):
                monthly = value // 6 + (value % 6 if month == 9 else 0)
                kf.result(it, f"2024-{month:02d}", member=member, count=monthly)


def test_it_reproduces_the_seed_deposit_loan_service_table(org):
    build_seed_svc(org)
    fs = compute_figures(fiscal_year=2024, half=1)
    got = [(c, fs[c].target_count, fs[c].count, fs[c].achievement) for c, _, _ in SEED_SVC]
    assert got == [
        ("SVC_MAIN", 17_800, 11_180, "62.8"),
        ("SVC_DEPOSIT", 6_350, 3_708, "58.3"),
        ("SVC_LOAN", 15_131, 9_178, "60.6"),
        ("SVC_ASSET", 1_234, 1_617, "131.0"),
    ]
    total = fs["SVC_TOTAL"]
    assert (total.target_count, total.count, total.achievement) == (40_515, 25_683, "63.3")


def test_the_engine_runs_a_fixed_number_of_queries_whatever_the_number_of_members(
    org, django_assert_max_num_queries
):
    build_seed_svc(org)
    extra = kf.item("EXTRA", aggregation=Aggregation.DISTINCT_MEMBERS)
    for n in range(30):
        m = of.member(f"Z{n:04d}", branch_obj=org.branch_b)
        kf.result(extra, "2024-05", member=m, count=1)
        kf.target(extra, member=m, count=1)
    with django_assert_max_num_queries(12):
        compute_figures(fiscal_year=2024, half=1)


# --- charts' series ----------------------------------------------------------------------------


def test_monthly_progress_runs_the_year_to_date_against_the_pace(org):
    it = kf.item("X")
    kf.target(it, count=1200)
    kf.result(it, "2024-04", member=org.member_a, count=50)
    kf.result(it, "2024-06", member=org.member_b, count=70)
    points = monthly_progress(fiscal_year=2024, half=1, code="X")
    assert [p.value for p in points] == [50, 50, 120, 120, 120, 120]
    assert [p.pace for p in points] == [100, 200, 300, 400, 500, 600]


def test_figures_by_block_gives_each_blocks_achievement(org):
    it = kf.item("X")
    kf.target(it, member=org.member_a, count=100)
    kf.target(it, member=org.member_b, count=50)
    kf.result(it, "2024-05", member=org.member_a, count=25)
    kf.result(it, "2024-05", member=org.member_b, count=50)
    rows = [(block.name, fs.get("X").achievement) for block, fs in figures_by_block(fiscal_year=2024, half=1, codes=["X"])]
    assert rows == [("石狩", "25.0"), ("上川", "100.0")]


# --- properties --------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    counts=st.lists(st.tuples(st.integers(0, 2), st.integers(4, 9), st.integers(0, 10**9)), max_size=12),
    targets=st.lists(st.one_of(st.none(), st.integers(0, 10**9)), min_size=3, max_size=3),
)
def test_council_figures_are_the_sum_of_the_blocks(org, counts, targets):
    from suishin.kpis.models import Item

    Result.objects.filter(item__code="P").delete()  # hypothesis reuses the database between examples
    Item.objects.filter(code="P").delete()
    it = kf.item("P")
    members = [org.member_a, org.member_a2, org.member_b]
    seen = set()
    for who, month, value in counts:
        if (who, month) in seen:
            continue
        seen.add((who, month))
        kf.result(it, f"2024-{month:02d}", member=members[who], count=value)
    for member, value in zip(members, targets, strict=True):
        if value is not None:
            kf.target(it, member=member, count=value)
    council = figures("P")
    blocks = [fs.get("P") for _, fs in figures_by_block(fiscal_year=2024, half=1, codes=["P"])]
    assert council.count == sum(b.count for b in blocks)
    present = [b.target_count for b in blocks if b.target_count is not None]
    assert council.target_count == (sum(present) if present else None)


def test_block_figures_agree_with_the_engine_run_per_block(org):
    total = kf.item("T")
    a = kf.item("A", parent=total)
    b = kf.item("B", parent=total, aggregation=Aggregation.DISTINCT_MEMBERS)
    kf.target(a, member=org.member_a, count=100)
    kf.target(b, branch=org.branch_b, count=10)
    kf.target(a, block=org.block_b, count=7)
    kf.result(a, "2024-05", member=org.member_a, count=25)
    kf.result(a, "2024-11", member=org.member_a2, count=5)
    kf.result(b, "2024-06", member=org.member_b, count=3)
    kf.result(b, "2024-07", member=org.member_b, count=1)
    for half in (1, 2):
        fast = [(f.name, f.value, f.target, f.achievement_permille) for f in block_figures(fiscal_year=2024, half=half, code="T")]
        exact = [
            (block.name, fs.get("T").fy_value, fs.get("T").target_value, fs.get("T").achievement_permille)
            for block, fs in figures_by_block(fiscal_year=2024, half=half, codes=["T"])
        ]
        assert fast == exact
    assert fast == [("石狩", 30, 100, 300), ("上川", 1, 17, 58)]


def test_inside_a_memo_repeated_calls_run_no_query(org, django_assert_num_queries):
    from suishin.kpis.queries import figures_memo

    kf.result(kf.item("X"), "2024-05", member=org.member_a, count=3)
    with figures_memo():
        first = compute_figures(fiscal_year=2024, half=1)
        with django_assert_num_queries(0):
            again = compute_figures(fiscal_year=2024, half=1, scope=Scope.council())
        assert again is first
        assert compute_figures(fiscal_year=2024, half=1, scope=Scope.parse("石狩")) is not first
    assert compute_figures(fiscal_year=2024, half=1) is not first  # outside: computed afresh
