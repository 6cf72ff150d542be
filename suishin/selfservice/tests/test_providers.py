from __future__ import annotations

import datetime as dt

import pytest

from suishin.core import fiscal
from suishin.kpis import factories as f
from suishin.kpis import providers
from suishin.kpis.queries import compute_figures
from suishin.kpis.scope import Scope
from suishin.selfservice.models import MovementReport


def _report(member, kind, day):
    return MovementReport.objects.create(
        member=member, kind=kind, reported_on=day, fiscal_year=fiscal.fiscal_year_of(day)
    )


@pytest.fixture
def reports(org):
    _report(org.member_a, "policy", dt.date(2024, 5, 10))
    _report(org.member_a, "policy", dt.date(2024, 6, 1))  # same member twice: counted once
    _report(org.member_a2, "newsletter", dt.date(2024, 9, 30))
    _report(org.member_b, "policy", dt.date(2024, 10, 1))  # 下期
    _report(org.member_b, "committee", dt.date(2024, 4, 1))
    _report(org.member_a2, "committee", dt.date(2023, 9, 1))  # previous year


@pytest.mark.parametrize(
    ("arg", "half", "scope", "expected"),
    [
        ("policy", 1, "全体", 1),
        ("policy", 2, "全体", 1),
        ("newsletter", 1, "全体", 1),
        ("committee", 1, "全体", 1),
        ("publish", 1, "全体", 2),
        ("publish", 1, "石狩", 2),
        ("publish", 1, "201", 0),
        ("committee", 1, "上川", 1),
        ("policy", 1, "A0001", 1),
        ("other", 1, "全体", 0),
        ("nonsense", 1, "全体", 0),
    ],
)
def test_movement_provider_counts_distinct_members_in_period_and_scope(
    reports, arg, half, scope, expected
):
    item = f.item("POL", source=f"selfservice.movement:{arg}")
    figure = providers.compute(
        item.source, item, fiscal.half_period(2024, half), Scope.parse(scope)
    )
    assert figure == providers.Figure(count=expected, amount=0)


def test_engine_reads_movement_items_from_the_provider(reports):
    f.item("MOV_PUBLISH", source="selfservice.movement:publish", aggregation="distinct_members")
    figures = compute_figures(fiscal_year=2024, half=2, scope=Scope.council())
    item = figures.get("MOV_PUBLISH")
    assert (item.count, item.fy_count) == (1, 3)  # 下期: B0001 only; year: A0001, A0002, B0001
    assert item.provider_trace_url == "/self/movements/?fy=2024&kind=publish"


def test_demo_load_matches_imported_result_rows(org):
    from suishin.selfservice import demo

    items = {
        c: f.item(c, aggregation="distinct_members")
        for c in ("POLICY_MEMBERS", "NEWSLETTER_MEMBERS", "COMMITTEE_MEMBERS")
    }
    f.result(items["POLICY_MEMBERS"], "2024-05", member=org.member_a, count=1)
    f.result(items["POLICY_MEMBERS"], "2024-07", member=org.member_a, count=1)
    f.result(items["NEWSLETTER_MEMBERS"], "2024-06", member=org.member_b, count=1)
    f.result(items["COMMITTEE_MEMBERS"], "2024-04", member=org.member_a2, count=1)
    f.result(items["COMMITTEE_MEMBERS"], "2024-04", member=org.member_b, count=0)  # zero: no report
    demo.load(log=lambda _: None)
    demo.load(log=lambda _: None)  # idempotent
    assert sorted(MovementReport.objects.values_list("member__code", "kind", "reported_on")) == [
        ("A0001", "policy", dt.date(2024, 5, 1)),
        ("A0002", "committee", dt.date(2024, 4, 1)),
        ("B0001", "newsletter", dt.date(2024, 6, 1)),
    ]
    for code, arg in (
        ("POLICY_MEMBERS", "policy"),
        ("NEWSLETTER_MEMBERS", "newsletter"),
        ("COMMITTEE_MEMBERS", "committee"),
    ):
        for scope in ("全体", "石狩", "201"):
            imported = (
                compute_figures(fiscal_year=2024, half=1, scope=Scope.parse(scope), codes=[code])
                .get(code)
                .fy_count
            )
            provided = providers.compute(
                f"selfservice.movement:{arg}",
                items[code],
                fiscal.half_period(2024, 1),
                Scope.parse(scope),
            ).count
            assert provided == imported, (code, scope)


@pytest.mark.slow
def test_demo_provider_counts_equal_the_seed_counts(db):
    """The full demo: 103 / 84 / 491 / 187 from both the imported rows and the reports."""
    from suishin.demo.loader import load_demo

    load_demo(log=lambda _: None)
    period = fiscal.half_period(2024, 1)
    figures = compute_figures(fiscal_year=2024, half=1, scope=Scope.council())
    for code, arg, seed in (
        ("POLICY_MEMBERS", "policy", 103),
        ("NEWSLETTER_MEMBERS", "newsletter", 84),
        ("COMMITTEE_MEMBERS", "committee", 491),
        ("MOV_PUBLISH", "publish", 187),
    ):
        item = figures.get(code)
        assert item.count == seed
        assert (
            providers.compute(f"selfservice.movement:{arg}", None, period, Scope.council()).count
            == seed
        )
