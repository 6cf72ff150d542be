"""The seed's own figures, formatted exactly as the seed prints them."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suishin.core import jpformat as f


@pytest.mark.parametrize(
    ("actual", "target", "expected"),
    [
        (3708, 6350, "58.3"),  # 58.39 truncates, never rounds up
        (9178, 15131, "60.6"),
        (25683, 40515, "63.3"),
        (1617, 1234, "131.0"),
        (11180, 17800, "62.8"),
        (15477, 21100, "73.3"),
        (2010, 2000, "100.5"),  # float arithmetic gives 100.4
        (29, 100, "29.0"),  # float arithmetic gives 28.9
        (0, 100, "0.0"),
    ],
)
def test_achievement_truncates_to_a_tenth_of_a_percent(actual, target, expected):
    assert f.achievement(actual, target) == expected
    assert f.rate(actual, target) == expected + "%"


@pytest.mark.parametrize("target", [None, 0])
def test_rate_without_target_is_a_dash(target):
    assert f.achievement(5, target) is None
    assert f.rate(5, target) == "－"


@given(st.integers(0, 10**12), st.integers(1, 10**12))
def test_achievement_equals_exact_truncated_fraction(actual, target):
    exact = Fraction(actual * 100, target)
    tenths = int(exact * 10)  # floor for non-negative
    assert f.achievement(actual, target) == f"{tenths // 10}.{tenths % 10}"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (609_000_000, "6億9百万円"),
        (609_999_999, "6億9百万円"),
        (1_313_000_000, "13億13百万円"),
        (34_900_000_000, "349億円"),
        (5_005_000_000, "50億5百万円"),
        (8_627_000_000, "86億27百万円"),
        (12_943_000_000, "129億43百万円"),
        (59_000_000, "59百万円"),
        (202_000_000, "2億2百万円"),
        (999_999, "0円"),
    ],
)
def test_oku_yen_truncates_below_hyakuman(value, expected):
    assert f.oku_yen(value) == expected


@pytest.mark.parametrize(
    ("value", "style", "expected"),
    [
        (247_000_000, "oku", "+2億47百万円"),
        (-28_000_000, "oku", "▲28百万円"),
        (-28_999_999, "oku", "▲28百万円"),  # truncation is toward zero
        (7_733_000_000, "oku", "+77億33百万円"),
        (284_000, "sen", "+284千円"),
        (2_824_500, "sen", "+2,824千円"),
        (1_500_000_000, "oku", "+15億円"),
    ],
)
def test_signed_money(value, style, expected):
    assert f.signed_money(value, style) == expected


def test_money_styles():
    assert f.yen(14_762_300) == "14,762,300円"
    assert f.sen_yen(5_762_999) == "5,762千円"
    assert f.man_yen(30_000_000) == "3,000万円"
    assert f.yen(None) == "－"


def test_signed_counts_use_plus_and_triangle():
    assert f.signed(150) == "+150"
    assert f.signed(-10, "件") == "▲10件"
    assert f.signed(2391, "件") == "+2,391件"
    assert f.signed(0) == "±0"


def test_numbers_use_separators_and_triangle_for_negatives():
    assert f.number(717841) == "717,841"
    assert f.number(-2) == "▲2"
    assert f.count(640, "回") == "640回"


def test_dates_print_as_the_seed_does():
    assert f.date_ja(dt.date(2024, 11, 14)) == "2024年11月14日（木）"
    assert f.month_day_ja(dt.date(2024, 9, 28)) == "9月28日（土）"
    assert f.month_day_ja(dt.date(2024, 10, 18)) == "10月18日（金）"
    assert f.datetime_hour_ja(dt.datetime(2025, 2, 3, 15, 0)) == "2025年2月3日（月）15時"
    assert f.date_ja(dt.date(2024, 10, 1)) == "2024年10月1日（火）"
    assert f.date_ja(dt.date(2025, 1, 31)) == "2025年1月31日（金）"
    assert f.month_end_ja(dt.date(2024, 9, 1)) == "2024年9月末"
