"""The fiscal calendar (年度・上期・下期).

Fiscal year N runs from 1 April N to 31 March N+1. 上期 (half 1) is
April–September, 下期 (half 2) is October–March. Months are represented by the
date of their first day. Every period is a closed range of whole months.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import IntEnum


class Half(IntEnum):
    FIRST = 1  # 上期
    SECOND = 2  # 下期

    @property
    def label(self) -> str:
        return "上期" if self is Half.FIRST else "下期"


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + (month.month - 1) + n
    return dt.date(index // 12, index % 12 + 1, 1)


def fiscal_year_of(day: dt.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def half_of(day: dt.date) -> Half:
    return Half.FIRST if 4 <= day.month <= 9 else Half.SECOND


def fiscal_year_start(fiscal_year: int) -> dt.date:
    return dt.date(fiscal_year, 4, 1)


def fiscal_year_end(fiscal_year: int) -> dt.date:
    return dt.date(fiscal_year + 1, 3, 31)


def month_end(month: dt.date) -> dt.date:
    return add_months(month_start(month), 1) - dt.timedelta(days=1)


@dataclass(frozen=True, order=True)
class Period:
    """A run of whole months: first month .. last month inclusive."""

    first: dt.date
    last: dt.date

    def __post_init__(self) -> None:
        if self.first.day != 1 or self.last.day != 1:
            raise ValueError("Period bounds are first-of-month dates")
        if self.last < self.first:
            raise ValueError("Period ends before it starts")

    @property
    def start(self) -> dt.date:
        return self.first

    @property
    def end(self) -> dt.date:
        """The last day of the period."""
        return month_end(self.last)

    def months(self) -> list[dt.date]:
        out, m = [], self.first
        while m <= self.last:
            out.append(m)
            m = add_months(m, 1)
        return out

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end

    def shifted_years(self, years: int) -> Period:
        return Period(add_months(self.first, 12 * years), add_months(self.last, 12 * years))


def fiscal_year_period(fiscal_year: int) -> Period:
    return Period(dt.date(fiscal_year, 4, 1), dt.date(fiscal_year + 1, 3, 1))


def half_period(fiscal_year: int, half: int | Half) -> Period:
    if Half(half) is Half.FIRST:
        return Period(dt.date(fiscal_year, 4, 1), dt.date(fiscal_year, 9, 1))
    return Period(dt.date(fiscal_year, 10, 1), dt.date(fiscal_year + 1, 3, 1))


def year_to_date(fiscal_year: int, half: int | Half) -> Period:
    """From April of the fiscal year through the end of the given half."""
    return Period(dt.date(fiscal_year, 4, 1), half_period(fiscal_year, half).last)


def same_period_last_year(period: Period) -> Period:
    """前年同期: the same months one fiscal year earlier."""
    return period.shifted_years(-1)


def label(fiscal_year: int, half: int | Half | None = None) -> str:
    """'2024年度' or '2024年度上期'."""
    if half is None:
        return f"{fiscal_year}年度"
    return f"{fiscal_year}年度{Half(half).label}"


def current_fiscal_year(today: dt.date | None = None) -> int:
    from django.utils import timezone

    return fiscal_year_of(today or timezone.localdate())
