from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from suishin.meetings import ics, services
from suishin.meetings.tests.factories import jst, meeting, seed_agenda

pytestmark = pytest.mark.django_db


def _events(data: bytes) -> dict[str, object]:
    cal = Calendar.from_ical(data)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_a_meeting_calendar_parses_with_tokyo_time_and_a_vtimezone():
    m = meeting()
    seed_agenda(m)
    data = ics.meeting_calendar(m)
    cal = Calendar.from_ical(data)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Tokyo"]
    event = _events(data)[f"meeting-{m.pk}@suishin"]
    start = event.decoded("DTSTART")
    assert start == dt.datetime(2024, 11, 14, 14, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert event["DTSTART"].params["TZID"] == "Asia/Tokyo"
    assert event.decoded("DTEND") - start == dt.timedelta(hours=2)
    assert str(event["SUMMARY"]) == "2024年度 第1回全道推進会議"
    assert str(event["LOCATION"]) == "札幌ガーデンパレス 2階「丹頂」 札幌市中央区北1条西6丁目"
    description = str(event["DESCRIPTION"])
    assert "電話：(011) 261-5311" in description
    assert "  II. 「新長期ビジョン」「中期経営計画」骨格案（原案）について //" in description
    assert "終了時刻は未定です。" in description


def test_the_uid_is_stable_and_an_end_time_is_used_when_set():
    m = meeting(ends_at=jst(2024, 11, 14, 16, 30))
    first = _events(ics.meeting_calendar(m))
    second = _events(ics.meeting_calendar(m))
    assert list(first) == list(second) == [f"meeting-{m.pk}@suishin"]
    event = first[f"meeting-{m.pk}@suishin"]
    assert event.decoded("DTEND") == jst(2024, 11, 14, 16, 30)
    assert "終了時刻" not in str(event["DESCRIPTION"])


def test_the_fiscal_year_feed_holds_meetings_all_day_sessions_and_entries(org):
    m = meeting()
    other_year = meeting("第1回全道推進会議", starts_at=jst(2025, 11, 13, 14))
    s = services.save_block_session(
        actor=None, block=org.block_b, date=dt.date(2024, 9, 28), city="旭川市"
    ).obj
    e = services.save_schedule_entry(
        actor=None, name="役員会", starts_at=jst(2025, 1, 20, 10), venue="事務局"
    ).obj
    events = _events(ics.fiscal_year_calendar(2024))
    assert set(events) == {
        f"meeting-{m.pk}@suishin",
        f"block-session-{s.pk}@suishin",
        f"schedule-{e.pk}@suishin",
    }
    assert f"meeting-{other_year.pk}@suishin" not in events
    session = events[f"block-session-{s.pk}@suishin"]
    assert session.decoded("DTSTART") == dt.date(2024, 9, 28)  # all-day: a date, not a datetime
    assert session.decoded("DTEND") == dt.date(2024, 9, 29)
    assert str(session["SUMMARY"]) == "ブロック別研修会（上川ブロック）"
    assert str(session["LOCATION"]) == "旭川市"
    entry = events[f"schedule-{e.pk}@suishin"]
    assert entry.decoded("DTSTART") == jst(2025, 1, 20, 10)
    assert str(entry["LOCATION"]) == "事務局"


def test_the_feed_is_the_same_bytes_for_the_same_data():
    meeting()
    assert ics.fiscal_year_calendar(2024) == ics.fiscal_year_calendar(2024)
