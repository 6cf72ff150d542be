from __future__ import annotations

import datetime as dt

from suishin.activities import queries
from suishin.activities.models import StudySession
from suishin.core import fiscal
from suishin.kpis import providers
from suishin.kpis.scope import Scope


def _session(org_member, theme, day, people, **kw):
    return StudySession.objects.create(
        held_on=day, member=org_member, theme=theme, participants=people, **kw
    )


def test_the_summary_counts_paid_applications_of_the_half_with_last_year(make_application, org):
    make_application(
        state="paid", session_date=dt.date(2024, 6, 20), planned=30, requested=60_000, actual=20
    )  # paid 40,000
    make_application(
        state="paid",
        session_date=dt.date(2024, 9, 30),
        planned=10,
        requested=15_000,
        actual=10,
        member=org.member_b,
    )
    make_application(state="held", session_date=dt.date(2024, 7, 1))  # not paid yet: not counted
    make_application(state="paid", session_date=dt.date(2024, 10, 1), requested=9_000)  # 下期
    make_application(state="paid", session_date=dt.date(2023, 6, 1), requested=20_000, planned=30)
    s = queries.activity_expense_summary(2024, 1)
    assert (s.sessions, s.attendees, s.web_sessions, s.paid_yen) == (2, 30, 0, 55_000)
    assert (s.prev_sessions, s.prev_paid_yen, s.paid_diff_yen) == (1, 20_000, 35_000)
    assert s.amount_text == "55,000円（前年同期比+35千円）"
    assert s.sentences()[0] == (
        "会員による職域活動費を活用した学習会は 2回、延べ 30名の出席となり、会員組合員との接点強化が図られました"
        "（内、WEB を活用した学習会は 0回となりました）。"
    )
    assert (
        s.sentences()[2]
        == "取組みの結果、職域活動費の活用が浸透し、活用金額は 55,000円（前年同期比+35千円）となりました。"
    )


def test_the_summary_of_a_scope_contains_only_its_members(make_application, org):
    make_application(state="paid", requested=10_000)
    make_application(state="paid", requested=7_000, member=org.member_b)
    assert queries.activity_expense_summary(2024, 1, Scope.parse("上川")).paid_yen == 7_000
    assert queries.activity_expense_summary(2024, 1, Scope.parse("101")).paid_yen == 10_000
    assert queries.activity_expense_summary(2024, 1, Scope.parse("B0001")).sessions == 1


def test_a_fall_in_use_prints_with_the_triangle(make_application):
    make_application(state="paid", session_date=dt.date(2023, 6, 1), requested=50_000)
    make_application(state="paid", session_date=dt.date(2024, 6, 1), requested=10_000)
    assert queries.activity_expense_summary(2024, 1).amount_text == "10,000円（前年同期比▲40千円）"


def test_themes_are_ranked_by_amount_used(make_application):
    make_application(state="paid", theme="資産形成", requested=10_000)
    make_application(state="paid", theme="新人説明会", requested=30_000)
    make_application(
        state="paid", theme="資産形成", requested=25_000, session_date=dt.date(2024, 7, 1)
    )
    s = queries.activity_expense_summary(2024, 1)
    assert [(t.theme, t.sessions, t.paid_yen) for t in s.themes] == [
        ("資産形成", 2, 35_000),
        ("新人説明会", 1, 30_000),
    ]
    assert s.sentences()[1] == "主に、「資産形成」「新人説明会」を目的とした活用となりました。"


def test_the_sessions_provider_counts_sessions_and_carries_participants_in_amount(catalog, org):
    _session(org.member_a, catalog.themes["生活防衛"], dt.date(2024, 4, 1), 10)
    _session(org.member_a, catalog.themes["可処分所得向上"], dt.date(2024, 9, 30), 20)
    _session(org.member_b, catalog.themes["生活防衛"], dt.date(2024, 5, 1), 5)
    _session(org.member_b, catalog.themes["生活防衛"], dt.date(2024, 10, 1), 99)  # 下期
    period = fiscal.half_period(2024, 1)
    assert providers.compute(
        "activities.sessions", None, period, Scope.council()
    ) == providers.Figure(3, 35)
    assert providers.compute(
        "activities.sessions:生活防衛", None, period, Scope.council()
    ) == providers.Figure(2, 15)
    assert providers.compute(
        "activities.sessions:生活防衛", None, period, Scope.parse("石狩")
    ) == providers.Figure(1, 10)
    assert providers.compute(
        "activities.sessions", None, period, Scope.parse("A0002")
    ) == providers.Figure(0, 0)


def test_the_expenses_provider_gives_funded_sessions_and_paid_yen(make_application):
    make_application(state="paid", requested=12_000)
    figure = providers.compute(
        "activities.expenses", None, fiscal.half_period(2024, 1), Scope.council()
    )
    assert figure == providers.Figure(1, 12_000)


def test_budget_status_holds_approved_until_paid_then_the_paid_amount(make_application):
    make_application(state="approved", requested=60_000)
    make_application(state="paid", requested=60_000, planned=30, actual=10)  # paid 20,000
    make_application(state="submitted", requested=5_000)
    b = queries.budget_status(2024)
    assert (b.committed_yen, b.paid_yen, b.pending_yen, b.remaining_yen) == (
        80_000,
        20_000,
        5_000,
        29_920_000,
    )
    assert (b.used_permille, b.bar_width(), b.used_percent_text) == (2, "0.2%", "0.2%")
    assert queries.budget_status(2031) is None
