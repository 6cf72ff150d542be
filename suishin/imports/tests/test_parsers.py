from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suishin.imports import parsers as p
from suishin.imports.parsers import ParseError


def _error(parser, value) -> str:
    with pytest.raises(ParseError) as exc:
        parser(value)
    return exc.value.message


# --- integers ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1234", 1234),
        ("1,234", 1234),
        ("１，２３４", 1234),
        ("　１２　", 12),
        ("1 234", 1234),
        ("+7", 7),
        ("1,234円", 1234),
        ("12件", 12),
        ("10.0", 10),
        (12, 12),
        (12.0, 12),
        ("0", 0),
    ],
)
def test_it_reads_non_negative_integers(raw, expected):
    assert p.integer()(raw) == expected


@pytest.mark.parametrize("raw", ["▲5", "△5", "−5", "-5", "－5", "(5)", "▲ 5"])
def test_it_reads_every_minus_sign_where_negatives_are_allowed(raw):
    assert p.integer(allow_negative=True)(raw) == -5


@pytest.mark.parametrize("raw", ["▲5", "-5", -5, "△1,000"])
def test_it_refuses_negative_numbers_where_not_allowed(raw):
    assert _error(p.integer(), raw).startswith("0以上の数を入力してください（")


def test_it_quotes_the_value_in_the_negative_message():
    assert _error(p.integer(), "▲5") == "0以上の数を入力してください（▲5）。"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("abc", "数値で入力してください（abc）。"),
        ("1.5", "整数で入力してください（1.5）。"),
        (1.5, "整数で入力してください（1.5）。"),
        ("1.0.0", "数値で入力してください（1.0.0）。"),
        ("1,234千円", "数値で入力してください（1,234千円）。"),
        ("1" * 19, f"数値が大きすぎます（{'1' * 19}）。"),
        (True, "数値で入力してください。"),
        (dt.datetime(2024, 1, 1), "数値の列に日付が入っています。"),
    ],
)
def test_it_explains_what_is_not_an_integer(raw, message):
    assert _error(p.integer(allow_negative=True), raw) == message


def test_it_applies_bounds():
    assert _error(p.integer(max_value=100), "101") == "100以下で入力してください（101）。"
    assert _error(p.integer(min_value=5), "4") == "5以上で入力してください（4）。"


@given(
    st.integers(min_value=-(10**15), max_value=10**15),
    st.sampled_from(["▲", "△", "−", "-"]),
    st.booleans(),
)
def test_any_integer_survives_japanese_formatting(n, minus, full_width):
    text = f"{abs(n):,}"
    if full_width:
        text = text.translate(str.maketrans("0123456789,", "０１２３４５６７８９，"))
    if n < 0:
        text = minus + text
    assert p.integer(allow_negative=True)(text) == n


# --- codes and text ------------------------------------------------------------


def test_codes_are_text_and_never_padded():
    parse = p.code(10)
    assert parse("007") == "007"
    assert parse("００７") == "007"
    assert parse(" A0001　") == "A0001"
    assert parse(7) == "7"
    assert parse(7.0) == "7"


def test_a_code_stored_as_a_date_is_explained():
    assert (
        _error(p.code(), dt.datetime(2024, 1, 1))
        == "コードが日付として保存されています。セルの書式を文字列にしてください。"
    )


def test_names_keep_every_character_as_typed():
    name = "㈱髙﨑労働組合①　ＡＢＣ"
    assert p.text()("　" + name + " ") == name
    assert p.text()(name) != unicodedata.normalize("NFKC", name)


def test_text_length_is_limited():
    assert _error(p.text(3), "あいうえ") == "3文字以内で入力してください（4文字あります）。"


def test_choice_accepts_every_spelling_after_folding():
    parse = p.choice({"配分": "allocated", "allocated": "allocated", "自主": "self"}, "種別")
    assert parse("ALLOCATED") == "allocated"
    assert parse(" 自主 ") == "self"
    assert _error(parse, "x") == "種別は 配分、allocated、自主 のいずれかで入力してください。"


# --- months -------------------------------------------------------------------

SEPT_2024 = dt.date(2024, 9, 1)


@pytest.mark.parametrize(
    "raw",
    [
        "2024-09",
        "2024-9",
        "2024/9",
        "2024/09",
        "2024.9",
        "2024年9月",
        "2024 年 9 月",
        "２０２４年９月",
        "202409",
        202409,
        "令和6年9月",
        "令和６年９月",
        "R6.9",
        "r6/9",
        "R06-09",
        "㋿6年9月",
        "2024-09-15",
        "2024/9/30",
        "2024年9月1日",
        dt.date(2024, 9, 17),
        dt.datetime(2024, 9, 1, 0, 0),
        45536,
        45536.0,
        "45536",
        "2024-09-01 00:00:00",
    ],
)
def test_it_reads_every_month_spelling(raw):
    assert p.month(raw) == SEPT_2024


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("平成31年4月", dt.date(2019, 4, 1)),
        ("H31.4", dt.date(2019, 4, 1)),
        ("令和元年5月", dt.date(2019, 5, 1)),
        ("令和1年5月", dt.date(2019, 5, 1)),
        ("㍻元年1月", dt.date(1989, 1, 1)),
        ("昭和64年1月", dt.date(1989, 1, 1)),
        ("平成元年1月", dt.date(1989, 1, 1)),
    ],
)
def test_it_reads_era_months_at_the_boundaries(raw, expected):
    assert p.month(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("平成31年5月", "平成31年5月は存在しません（令和元年5月です）。"),
        ("令和元年4月", "令和元年4月は存在しません（平成31年4月です）。"),
        ("2024-13", "月は1から12で入力してください（2024-13）。"),
        ("九月", "日付として読めません（九月）。"),
        ("令和0年5月", "令和0年は存在しません。"),
        (True, "年月として読めません。"),
        (12, "日付のシリアル値として扱えない数です（12）。"),
    ],
)
def test_it_explains_impossible_months(raw, message):
    assert _error(p.month, raw) == message


# --- dates --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-09-01", dt.date(2024, 9, 1)),
        ("2024/9/1", dt.date(2024, 9, 1)),
        ("2024年11月14日（木）", dt.date(2024, 11, 14)),
        ("2024年11月14日(木曜日)", dt.date(2024, 11, 14)),
        ("20240901", dt.date(2024, 9, 1)),
        (20240901, dt.date(2024, 9, 1)),
        ("令和元年5月1日", dt.date(2019, 5, 1)),
        ("㋿元年5月1日", dt.date(2019, 5, 1)),
        ("R1.5.1", dt.date(2019, 5, 1)),
        ("平成31年4月30日", dt.date(2019, 4, 30)),
        ("令和2年2月29日", dt.date(2020, 2, 29)),
        ("令和6年9月1日", dt.date(2024, 9, 1)),
        ("R6.9.1", dt.date(2024, 9, 1)),
        (45536, dt.date(2024, 9, 1)),
        (45536.75, dt.date(2024, 9, 1)),
        ("45536", dt.date(2024, 9, 1)),
        (61, dt.date(1900, 3, 1)),
        (dt.datetime(2017, 10, 1, 12, 30), dt.date(2017, 10, 1)),
        (dt.date(2017, 10, 1), dt.date(2017, 10, 1)),
    ],
)
def test_it_reads_every_date_spelling(raw, expected):
    assert p.date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("平成31年5月1日", "平成31年5月1日は存在しません（令和元年5月1日です）。"),
        ("令和元年4月30日", "令和元年4月30日は存在しません（平成31年4月30日です）。"),
        ("令和3年2月29日", "日付として正しくありません（令和3年2月29日）。"),
        ("2023-02-29", "日付として正しくありません（2023-02-29）。"),
        ("2024-09", "日付は年月日で入力してください（2024-09）。"),
        (60, "日付のシリアル値として扱えない数です（60）。"),
        ("きのう", "日付として読めません（きのう）。"),
    ],
)
def test_it_explains_impossible_dates(raw, message):
    assert _error(p.date, raw) == message


def test_era_label_names_the_era_in_force():
    assert p.era_label(dt.date(2019, 4, 30)) == "平成31年4月30日"
    assert p.era_label(dt.date(2019, 5, 1)) == "令和元年5月1日"
    assert p.era_label(dt.date(2024, 9, 1), with_day=False) == "令和6年9月"


def _era_text(day: dt.date) -> str:
    return p.era_label(day)


@given(st.dates(min_value=dt.date(1927, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_any_date_round_trips_through_every_spelling(day):
    spellings = [
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
        day.strftime("%Y%m%d"),
        _era_text(day),
        _era_text(day).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
        (day - dt.date(1899, 12, 30)).days,
    ]
    for text in spellings:
        assert p.date(text) == day, text


@given(st.dates(min_value=dt.date(1927, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_any_month_round_trips(day):
    first = day.replace(day=1)
    for text in (
        f"{day.year}-{day.month:02d}",
        f"{day.year}/{day.month}",
        f"{day.year}年{day.month}月",
        day.strftime("%Y%m"),
        p.era_label(first, with_day=False),
        day,
    ):
        assert p.month(text) == first, text


@given(st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2019, 12, 31)))
def test_in_2019_each_day_belongs_to_exactly_one_era(day):
    heisei = f"平成31年{day.month}月{day.day}日"
    reiwa = f"令和元年{day.month}月{day.day}日"
    valid, invalid = (heisei, reiwa) if day <= dt.date(2019, 4, 30) else (reiwa, heisei)
    assert p.date(valid) == day
    with pytest.raises(ParseError):
        p.date(invalid)


# --- fiscal years ----------------------------------------------------------------


@pytest.mark.parametrize(
    "raw", ["2024", 2024, 2024.0, "２０２４", "2024年度", "FY2024", "令和6年度", "R6", "r6年度"]
)
def test_it_reads_fiscal_years(raw):
    assert p.fiscal_year(raw) == 2024


def test_it_reads_gannen_fiscal_years():
    assert p.fiscal_year("令和元年度") == 2019
    assert p.fiscal_year("平成31年度") == 2019


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("24", "年度は西暦の4桁で入力してください（24）。"),
        ("3000", "年度は1990から2100の間で入力してください（3000）。"),
        ("来年", "年度は西暦の4桁で入力してください（来年）。"),
    ],
)
def test_it_explains_bad_fiscal_years(raw, message):
    assert _error(p.fiscal_year, raw) == message


# --- blanks ------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [None, "", " ", "\u3000", "\t"])
def test_blank_cells_are_recognised(raw):
    assert p.is_blank(raw)


@pytest.mark.parametrize("raw", [0, "0", "x", False])
def test_values_are_not_blank(raw):
    assert not p.is_blank(raw)
