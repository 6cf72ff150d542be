from __future__ import annotations

import datetime as dt

import pytest

from suishin.core import fiscal
from suishin.kpis import factories as f
from suishin.kpis import providers
from suishin.kpis.models import Target
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


def test_demo_load_records_the_file_through_the_service_and_is_idempotent(org, tmp_path):
    from suishin.core.models import AuditEntry
    from suishin.selfservice import demo

    path = tmp_path / "movement_reports.csv"
    path.write_text(
        "会員コード,報告の種類,実施日,内容\n"
        "A0001,大会議案書への方針化,2024-05-08,議案書に掲載\n"
        "A0002,職場推進委員会設置,2024-09-15,委員会を設置\n"
        "B0001,機関紙掲載,2024-06-22,機関紙に掲載\n",
        encoding="utf-8-sig",
    )
    demo.load(log=lambda _: None, path=path)
    demo.load(log=lambda _: None, path=path)  # idempotent
    assert sorted(
        MovementReport.objects.values_list("member__code", "kind", "reported_on", "fiscal_year")
    ) == [
        ("A0001", "policy", dt.date(2024, 5, 8), 2024),
        ("A0002", "committee", dt.date(2024, 9, 15), 2024),
        ("B0001", "newsletter", dt.date(2024, 6, 22), 2024),
    ]
    assert AuditEntry.objects.filter(model="selfservice.MovementReport").count() == 3
    period = fiscal.half_period(2024, 1)
    for arg, scope, expected in (
        ("policy", "全体", 1),
        ("publish", "全体", 2),
        ("publish", "石狩", 1),
        ("committee", "101", 1),
        ("newsletter", "201", 1),
    ):
        got = providers.compute(f"selfservice.movement:{arg}", None, period, Scope.parse(scope))
        assert got.count == expected, (arg, scope)


def test_demo_load_refuses_an_unknown_member_or_kind(org, tmp_path):
    from suishin.core.errors import DomainError
    from suishin.selfservice import demo

    path = tmp_path / "movement_reports.csv"
    path.write_text(
        "会員コード,報告の種類,実施日,内容\nZ9999,機関紙掲載,2024-06-22,x\n", encoding="utf-8-sig"
    )
    with pytest.raises(DomainError, match="行 2"):
        demo.load(log=lambda _: None, path=path)
    assert not MovementReport.objects.exists()


@pytest.mark.slow
def test_demo_provider_counts_equal_the_seed_counts(db):
    """The full demo: 103 / 84 / 491 / 187 (FY2023: 98 / 79 / 486 / 177) computed
    by the engine from the movement reports through the providers."""
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
        assert item.source == f"selfservice.movement:{arg}"
        assert (
            providers.compute(f"selfservice.movement:{arg}", None, period, Scope.council()).count
            == seed
        )
    prev = compute_figures(fiscal_year=2023, half=1, scope=Scope.council())
    assert [
        prev.get(c).count
        for c in ("POLICY_MEMBERS", "NEWSLETTER_MEMBERS", "COMMITTEE_MEMBERS", "MOV_PUBLISH")
    ] == [98, 79, 486, 177]
    assert (
        Target.objects.filter(fiscal_year=2024, kind="self").values("member").distinct().count()
        == 676
    )
    assert figures.get("SELF_TARGET_MEMBERS").count == 676
