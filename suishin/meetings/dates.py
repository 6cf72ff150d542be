"""Japanese public holidays and the warnings shown when an event is set on one.

The holiday calendar comes from the maintained `holidays` package (its Japan
calendar knows 振替休日 and 国民の休日 and is updated when the law changes),
never from a hand-kept list. A warning never blocks saving: meetings are
sometimes held on a Saturday on purpose (the seed's block sessions are).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

from suishin.core.jpformat import date_ja


@lru_cache(maxsize=64)
def _calendar(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("JP", years=year, language="ja")


def holiday_name(day: dt.date) -> str | None:
    """'勤労感謝の日' for 2024-11-23, '振替休日' for 2024-11-04, None on a working day."""
    return _calendar(day.year).get(day)


def day_warnings(day: dt.date) -> list[str]:
    """Warnings for an event on `day`: a public holiday, or else a weekend.

    2024-11-23 → ['2024年11月23日（土）は祝日（勤労感謝の日）です。']
    2024-11-16 → ['2024年11月16日（土）は土曜日です。']
    """
    name = holiday_name(day)
    if name:
        return [f"{date_ja(day)}は祝日（{name}）です。"]
    if day.weekday() == 5:
        return [f"{date_ja(day)}は土曜日です。"]
    if day.weekday() == 6:
        return [f"{date_ja(day)}は日曜日です。"]
    return []


def holidays_between(first: dt.date, last: dt.date) -> list[tuple[dt.date, str]]:
    """Every public holiday in [first, last], in date order (for calendars and hints)."""
    out: list[tuple[dt.date, str]] = []
    for year in range(first.year, last.year + 1):
        out.extend((d, n) for d, n in _calendar(year).items() if first <= d <= last)
    return sorted(out)
