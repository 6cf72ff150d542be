from __future__ import annotations

import datetime as dt

import pytest

from suishin.kpis.scope import Scope
from suishin.meetings import integration, services
from suishin.meetings.tests.factories import jst, meeting
from suishin.reports.sections import get_section

pytestmark = pytest.mark.django_db


def test_the_report_sections_are_registered():
    assert get_section("block_trainings").title == "ブロック別研修会"
    assert get_section("schedule").title == "今後の日程"


def test_block_sessions_section_lists_the_seed_table_and_counts_held_sessions(org):
    services.save_block_session(
        actor=None, block=org.block_b, date=dt.date(2024, 9, 28), city="旭川市"
    )
    services.save_block_session(
        actor=None, block=org.block_a, date=dt.date(2024, 11, 9), city="札幌市"
    )
    data = get_section("block_trainings").build(2024, 1, Scope.council())
    assert data.title == "【2024年度ブロック別研修会開催日・開催地一覧】"
    assert [c.label for c in data.tables[0].columns] == ["対象ブロック", "開催日", "開催地"]
    assert [[c.display for c in r.cells] for r in data.tables[0].rows] == [
        ["上川", "9月28日（土）", "旭川市"],
        ["石狩", "11月9日（土）", "札幌市"],
    ]
    assert data.values == {"count": 2, "held": 1, "planned": 1}


def test_a_block_report_lists_only_its_blocks_sessions(org):
    services.save_block_session(
        actor=None, block=org.block_b, date=dt.date(2024, 9, 28), city="旭川市"
    )
    services.save_block_session(
        actor=None, block=org.block_a, date=dt.date(2024, 11, 9), city="札幌市"
    )
    data = get_section("block_trainings").build(2024, 1, Scope.parse("石狩"))
    assert [r.cells[0].display for r in data.tables[0].rows] == ["石狩"]


def test_schedule_section_follows_the_meeting_that_reviews_the_half():
    meeting()  # reviews 2024 上期
    meeting(
        "第2回全道推進会議", starts_at=jst(2025, 2, 3, 15), venue="札幌ガーデンパレス", half=None
    )
    data = get_section("schedule").build(2024, 1, Scope.council())
    assert [[c.display for c in r.cells] for r in data.tables[0].rows] == [
        ["2025年2月3日（月）15時", "第2回全道推進会議", "札幌ガーデンパレス"]
    ]
    # no meeting reviews 2024 下期: everything after the end of the half in that year
    assert data.values == {"count": 1}
    assert get_section("schedule").build(2024, 2, Scope.council()).values == {"count": 0}


def test_the_report_stylesheet_loses_its_page_rules():
    css = "a { x: 1 }\n@page { size: A4; @bottom-center { content: 'x' } }\nb { y: 2 }\n@page :first { margin: 0 }"
    assert integration._without_page_rules(css) == "a { x: 1 }\n\nb { y: 2 }\n"
