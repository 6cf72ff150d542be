from __future__ import annotations

import datetime as dt

from suishin.meetings.dates import day_warnings, holiday_name, holidays_between


def test_it_knows_real_japanese_holidays_from_the_holidays_package():
    assert holiday_name(dt.date(2024, 11, 23)) == "勤労感謝の日"
    assert holiday_name(dt.date(2024, 11, 4)) == "振替休日"
    assert holiday_name(dt.date(2024, 11, 14)) is None


def test_a_holiday_warning_names_the_holiday():
    assert day_warnings(dt.date(2024, 11, 23)) == [
        "2024年11月23日（土）は祝日（勤労感謝の日）です。"
    ]
    assert day_warnings(dt.date(2024, 11, 4)) == ["2024年11月4日（月）は祝日（振替休日）です。"]


def test_a_weekend_gets_its_own_warning():
    assert day_warnings(dt.date(2024, 9, 28)) == ["2024年9月28日（土）は土曜日です。"]
    assert day_warnings(dt.date(2024, 9, 29)) == ["2024年9月29日（日）は日曜日です。"]


def test_a_working_day_has_no_warning():
    assert day_warnings(dt.date(2024, 11, 14)) == []
    assert day_warnings(dt.date(2025, 2, 3)) == []


def test_holidays_between_spans_calendar_years():
    days = holidays_between(dt.date(2024, 12, 30), dt.date(2025, 1, 14))
    assert days == [(dt.date(2025, 1, 1), "元日"), (dt.date(2025, 1, 13), "成人の日")]
