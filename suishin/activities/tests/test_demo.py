"""The demo step reproduces the seed's figures from records created through the services."""

from __future__ import annotations

import datetime as dt
import random

import pytest
import time_machine
from django.utils import timezone

from suishin.activities import demo, queries
from suishin.activities.models import Application, State, StudySession
from suishin.core import fiscal
from suishin.kpis.scope import Scope
from suishin.organisations import factories


def test_split_and_deficits_are_exact_integers():
    rng = random.Random(1)
    parts = demo.split(1_035, 90, 5, rng)
    assert sum(parts) == 1_035 and min(parts) >= 5 and len(parts) == 90
    cuts = demo.deficits(parts, {0, 1}, 663_000, rng)
    assert sum(cuts) == 663_000 and cuts[0] == cuts[1] == 0
    assert all(c % 100 == 0 and c <= 1_000 * a for c, a in zip(cuts, parts, strict=True))


def test_a_small_plan_gives_exactly_the_planned_figures(catalog, org):
    plan = demo.HalfPlan(
        fiscal_year=2024,
        seed=5,
        web_theme="新人説明会",
        themes=(
            demo.ThemePlan("可処分所得向上", 6, 150, 3, 40, 61_300),
            demo.ThemePlan("新人説明会", 3, 120, 3, 120, 231_000),
        ),
    )
    themes = {t.name: t for t in catalog.themes.values()}
    purposes = {p.name: p for p in (catalog.venue, catalog.meals, catalog.materials)}
    with time_machine.travel(dt.datetime(2026, 1, 5, tzinfo=dt.UTC), tick=False):
        demo.load_half(
            plan,
            actor=None,
            members=[org.member_a, org.member_a2, org.member_b],
            themes=themes,
            purposes=purposes,
            log=lambda _: None,
        )
    s = queries.activity_expense_summary(2024, 1)
    assert (s.sessions, s.attendees, s.web_sessions, s.paid_yen) == (6, 160, 1, 292_300)
    h1 = fiscal.half_period(2024, 1)
    assert queries.session_figure(h1.start, h1.end, None, "可処分所得向上") == queries.Figure(
        6, 150
    )


@pytest.mark.slow
@time_machine.travel(dt.datetime(2026, 11, 29, 9, tzinfo=dt.UTC), tick=False)
def test_the_demo_reproduces_the_seed_and_loading_twice_changes_nothing(db):
    blocks = [factories.block(f"ブロック{i}") for i in range(3)]
    branches = [factories.branch(f"{i:03d}", block_obj=blocks[i % 3]) for i in range(6)]
    for i in range(60):
        factories.member(f"K{i:05d}", branch_obj=branches[i % 6])
    lines: list[str] = []
    demo.load(lines.append)

    s = queries.activity_expense_summary(2024, 1)
    assert (s.sessions, s.attendees, s.web_sessions, s.paid_yen) == (361, 8_485, 1, 14_762_300)
    assert s.prev_paid_yen == 11_938_000
    assert s.amount_text == "14,762,300円（前年同期比+2,824千円）"
    assert s.main_themes() == ["新人説明会", "若年層説明会", "住宅ローン等商品説明会", "資産形成"]
    h1 = fiscal.half_period(2024, 1)
    assert StudySession.objects.between(h1.start, h1.end).count() == 640
    assert queries.session_figure(h1.start, h1.end, None, "可処分所得向上") == queries.Figure(
        355, 7_986
    )
    assert queries.session_figure(h1.start, h1.end, None, "生活防衛") == queries.Figure(134, 2_987)
    prev = fiscal.half_period(2023, 1)
    assert StudySession.objects.between(prev.start, prev.end).count() == 600
    assert queries.session_figure(prev.start, prev.end, None, "可処分所得向上") == queries.Figure(
        256, 6_253
    )

    paid = Application.objects.filter(state=State.PAID, fiscal_year=2024)
    for app in paid:
        assert app.paid_yen <= min(app.approved_yen, 2_000 * app.actual_participants)
    web = paid.get(is_web=True)
    assert timezone.localdate(web.approved_at) < web.held_on
    assert Application.objects.filter(fiscal_year=2024).committed_total() <= 30_000_000

    # block scopes add up to the council
    total = sum(
        queries.activity_expense_summary(2024, 1, Scope.parse(b.name)).paid_yen for b in blocks
    )
    assert total == 14_762_300

    before = (StudySession.objects.count(), Application.objects.count())
    demo.load(lines.append)
    assert (StudySession.objects.count(), Application.objects.count()) == before
