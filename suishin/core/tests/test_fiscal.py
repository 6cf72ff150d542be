from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suishin.core import fiscal
from suishin.core.fiscal import Half, Period


@pytest.mark.parametrize(
    ("day", "fy", "half"),
    [
        (dt.date(2024, 4, 1), 2024, Half.FIRST),
        (dt.date(2024, 9, 30), 2024, Half.FIRST),
        (dt.date(2024, 10, 1), 2024, Half.SECOND),
        (dt.date(2025, 3, 31), 2024, Half.SECOND),
        (dt.date(2025, 1, 1), 2024, Half.SECOND),
        (dt.date(2024, 3, 31), 2023, Half.SECOND),
    ],
)
def test_it_places_days_in_fiscal_year_and_half(day, fy, half):
    assert fiscal.fiscal_year_of(day) == fy
    assert fiscal.half_of(day) is half


def test_first_half_is_april_to_september():
    p = fiscal.half_period(2024, 1)
    assert (p.start, p.end) == (dt.date(2024, 4, 1), dt.date(2024, 9, 30))
    assert len(p.months()) == 6


def test_second_half_is_october_to_march_across_the_calendar_year():
    p = fiscal.half_period(2024, Half.SECOND)
    assert (p.start, p.end) == (dt.date(2024, 10, 1), dt.date(2025, 3, 31))
    assert p.months()[-1] == dt.date(2025, 3, 1)


def test_year_to_date_runs_from_april_through_the_end_of_the_half():
    assert fiscal.year_to_date(2024, 1) == Period(dt.date(2024, 4, 1), dt.date(2024, 9, 1))
    assert fiscal.year_to_date(2024, 2) == fiscal.fiscal_year_period(2024)


def test_same_period_last_year_is_the_same_months_one_year_earlier():
    assert fiscal.same_period_last_year(fiscal.half_period(2024, 1)) == fiscal.half_period(2023, 1)
    assert fiscal.same_period_last_year(fiscal.half_period(2024, 2)) == fiscal.half_period(2023, 2)


def test_month_end_handles_leap_years():
    assert fiscal.month_end(dt.date(2024, 2, 1)) == dt.date(2024, 2, 29)
    assert fiscal.month_end(dt.date(2025, 2, 1)) == dt.date(2025, 2, 28)


def test_labels_are_japanese():
    assert fiscal.label(2024) == "2024年度"
    assert fiscal.label(2024, 1) == "2024年度上期"
    assert fiscal.label(2024, 2) == "2024年度下期"


def test_period_rejects_bounds_that_are_not_month_starts():
    with pytest.raises(ValueError):
        Period(dt.date(2024, 4, 2), dt.date(2024, 9, 1))
    with pytest.raises(ValueError):
        Period(dt.date(2024, 9, 1), dt.date(2024, 4, 1))


def test_period_contains_days():
    p = fiscal.half_period(2024, 1)
    assert dt.date(2024, 9, 30) in p
    assert dt.date(2024, 10, 1) not in p


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_every_day_lies_in_its_fiscal_years_half(day):
    fy = fiscal.fiscal_year_of(day)
    assert day in fiscal.fiscal_year_period(fy)
    assert day in fiscal.half_period(fy, fiscal.half_of(day))


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 1)), st.integers(-240, 240))
def test_add_months_is_invertible(day, n):
    m = fiscal.month_start(day)
    assert fiscal.add_months(fiscal.add_months(m, n), -n) == m


def test_current_fiscal_year_follows_tokyo_time(settings):
    import time_machine

    # 2025-03-31 15:30 UTC is 2025-04-01 00:30 in Tokyo: already FY2025.
    with time_machine.travel(dt.datetime(2025, 3, 31, 15, 30, tzinfo=dt.UTC), tick=False):
        assert fiscal.current_fiscal_year() == 2025
    with time_machine.travel(dt.datetime(2025, 3, 31, 14, 30, tzinfo=dt.UTC), tick=False):
        assert fiscal.current_fiscal_year() == 2024
