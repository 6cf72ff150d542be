from __future__ import annotations

import datetime as dt

import pytest

from suishin.meetings import queries, services
from suishin.meetings.tests.factories import jst, meeting, seed_agenda

pytestmark = pytest.mark.django_db


def _printed(blocks):
    return [
        (
            b.label,
            b.org_label,
            b.presenter,
            [(ln.number, ln.presenter, ln.presenter_org) for ln in b.lines],
        )
        for b in blocks
    ]


def test_the_agenda_prints_ditto_marks_and_org_labels_as_the_seed_does():
    m = meeting()
    seed_agenda(m)
    assert _printed(queries.agenda(m)) == [
        ("開会", "", "小倉副議長", []),
        ("全道推進会議挨拶", "", "高倉議長", []),
        ("来賓挨拶", "", "", [("", "杉山理事長", "")]),
        (
            "報告事項",
            "北海道労働金庫",
            "",
            [("I.", "石川専務理事", ""), ("II.", "//", ""), ("III.", "榎田室長", "地域共生推進室")],
        ),
        ("報告事項", "全道推進会議", "", [("I.", "紺野事務局長", "")]),
        # same organisation as the section above: not printed again; a new section repeats the name
        ("協議事項", "", "", [("I.", "紺野事務局長", ""), ("II.", "//", "")]),
        ("閉会", "", "小倉副議長", []),
    ]


def test_an_item_without_presenter_never_prints_ditto():
    m = meeting()
    section = services.save_section(actor=None, meeting=m, kind="report")
    services.save_item(actor=None, section=section, title="a")
    services.save_item(actor=None, section=section, title="b")
    assert [ln.presenter for ln in queries.agenda(m)[0].lines] == ["", ""]


def test_block_sessions_are_listed_in_date_order_with_the_seed_dates(org):
    services.save_block_session(
        actor=None, block=org.block_a, date=dt.date(2024, 11, 9), city="札幌市"
    )
    services.save_block_session(
        actor=None, block=org.block_b, date=dt.date(2024, 9, 28), city="旭川市"
    )
    services.save_block_session(
        actor=None, block=org.block_b, date=dt.date(2025, 9, 27), city="旭川市"
    )
    rows = queries.block_sessions(2024)
    assert [(r.block, r.date_label, r.city) for r in rows] == [
        ("上川", "9月28日（土）", "旭川市"),
        ("石狩", "11月9日（土）", "札幌市"),
    ]


def test_the_schedule_merges_meetings_and_entries_after_a_date():
    first = meeting()
    meeting("第2回全道推進会議", starts_at=jst(2025, 2, 3, 15), venue="札幌ガーデンパレス")
    services.save_schedule_entry(
        actor=None, name="役員会", starts_at=jst(2024, 12, 10, 10, 30), venue="事務局"
    )
    services.save_schedule_entry(actor=None, name="翌年度の会議", starts_at=jst(2025, 5, 20, 13))
    rows = queries.schedule(2024, after=dt.date(2024, 11, 14))
    assert [(r.label, r.name, r.venue) for r in rows] == [
        ("2024年12月10日（火）10時30分", "役員会", "事務局"),
        ("2025年2月3日（月）15時", "第2回全道推進会議", "札幌ガーデンパレス"),
    ]
    assert [r.name for r in queries.schedule(2024)][0] == "第1回全道推進会議"
    assert [r.name for r in queries.schedule(2024, after=first.starts_at)][0] == "役員会"


def test_the_documents_schedule_is_the_year_after_the_meeting():
    first = meeting()
    meeting("第2回全道推進会議", starts_at=jst(2025, 2, 3, 15))
    services.save_schedule_entry(actor=None, name="翌年度の会議", starts_at=jst(2025, 5, 20, 13))
    services.save_schedule_entry(actor=None, name="二年後", starts_at=jst(2026, 5, 20, 13))
    services.save_schedule_entry(actor=None, name="過去", starts_at=jst(2024, 6, 1, 13))
    assert [r.name for r in queries.upcoming_after(first)] == ["第2回全道推進会議", "翌年度の会議"]


def test_a_meeting_deliberates_the_policy_of_the_next_half():
    services.save_policy(actor=None, fiscal_year=2024, half=2, outline="- a\n")
    services.save_policy(actor=None, fiscal_year=2025, half=1, outline="- b\n")
    assert queries.meeting_policy(meeting(half=1)).half == 2
    second = meeting("第2回全道推進会議", starts_at=jst(2025, 2, 3, 15), half=2)
    assert queries.meeting_policy(second).fiscal_year == 2025
    assert queries.meeting_policy(meeting("臨時", half=None)) is None
