"""Value parsers for import columns: one place for every normalisation rule.

A parser takes the raw cell value (``str`` from a CSV; ``str``, ``int``,
``float``, ``datetime`` or ``bool`` from an XLSX cell; ``None`` for an empty
cell) and returns the clean Python value, or raises `ParseError` with a
Japanese message. Blank cells never reach a parser: the engine handles them
(see `is_blank`).

Rules (docs/imports.md "Values"):

* Numbers and codes are NFKC-normalised (full-width digits, commas and spaces
  become ASCII); names are kept exactly as typed (髙, 﨑 survive), only
  surrounding white space is removed.
* Numbers may carry thousands separators; ▲, △ and U+2212 mean minus, and
  only where the column allows negative values.
* Months: 2024-09, 2024/9, 2024.9, 2024年9月, 202409, 令和6年9月, R6.9, ㋿6年9月,
  平成/昭和 and 元年, a full date (its month is taken), Excel date cells and
  Excel serial numbers.
* Dates: 2024-09-01, 2024/9/1, 2024年9月1日（日）, 20240901, 令和元年5月1日,
  R1.5.1, Excel date cells and serials. An era date must lie inside its era:
  平成31年4月30日 is valid, 平成31年5月1日 is not (that day is 令和元年5月1日).

All arithmetic is on integers; a float cell is accepted as a whole number
only when it has no fractional part.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

Parser = Callable[[Any], Any]


class ParseError(ValueError):
    """A cell value that cannot be used; `message` is Japanese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- basic normalisation ---------------------------------------------------

_WHITESPACE = " \t\r\n\u3000\u00a0\ufeff"
_MINUS_SIGNS = "▲△\u2212\u2012\u2013\u2014\u2015\ufe63\uff0d-"


def is_blank(value: Any) -> bool:
    """None, '' and white space only (including the full-width space)."""
    return value is None or (isinstance(value, str) and not value.strip(_WHITESPACE))


def nfkc(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip(_WHITESPACE)


def display(value: Any) -> str:
    """A cell value as it should be quoted back in a message."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d") if value.time() == dt.time() else value.isoformat(" ")
    return str(value).strip(_WHITESPACE)


# --- text and codes --------------------------------------------------------


def text(max_length: int | None = None) -> Parser:
    """A name or free text, kept exactly as typed (only surrounding blanks removed)."""

    def parse(value: Any) -> str:
        if isinstance(value, bool):
            raise ParseError("文字で入力してください。")
        result = display(value) if not isinstance(value, str) else value.strip(_WHITESPACE)
        if max_length is not None and len(result) > max_length:
            raise ParseError(
                f"{max_length}文字以内で入力してください（{len(result)}文字あります）。"
            )
        return result

    return parse


def code(max_length: int | None = None) -> Parser:
    """A code (店番, 会員コード, 項目コード): text after NFKC.

    A numeric spreadsheet cell becomes its integer text (7 → "7"); it is not
    zero-padded, so it matches a code "007" only if the code really is "7".
    """

    def parse(value: Any) -> str:
        if type(value) is str and value.isascii() and value.isprintable():
            result = value.strip()  # NFKC leaves printable ASCII as it is
        elif isinstance(value, bool):
            raise ParseError("コードを文字で入力してください。")
        elif isinstance(value, int):
            result = str(value)
        elif isinstance(value, float):
            result = str(int(value)) if value.is_integer() else repr(value)
        elif isinstance(value, (dt.date, dt.datetime)):
            raise ParseError(
                "コードが日付として保存されています。セルの書式を文字列にしてください。"
            )
        else:
            result = nfkc(str(value))
        if max_length is not None and len(result) > max_length:
            raise ParseError(
                f"{max_length}文字以内で入力してください（{len(result)}文字あります）。"
            )
        return result

    return parse


def choice(options: Mapping[str, str], label: str) -> Parser:
    """One of a fixed set: `options` maps every accepted spelling (compared
    after NFKC and case folding) to the stored value."""
    folded = {nfkc(k).casefold(): v for k, v in options.items()}
    shown = "、".join(dict.fromkeys(options.keys()))

    def parse(value: Any) -> str:
        key = nfkc(display(value)).casefold()
        if key not in folded:
            raise ParseError(f"{label}は {shown} のいずれかで入力してください。")
        return folded[key]

    return parse


# --- integers --------------------------------------------------------------

_UNIT_SUFFIXES = ("円", "件", "回", "名", "人", "会員", "団体", "口座", "口")
_INT_RE = re.compile(r"^[0-9]+$")


def parse_int_value(value: Any, *, allow_negative: bool) -> int:
    """The integer a cell holds: '1,234', '１，２３４', '▲5', '△5', '−5', '1,234円'.

    A float cell counts only when it is whole (12.0 → 12); '1.5' is refused.
    """
    if isinstance(value, bool):
        raise ParseError("数値で入力してください。")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ParseError("数値で入力してください。")
        if not value.is_integer():
            raise ParseError(f"整数で入力してください（{display(value)}）。")
        number = int(value)
    elif isinstance(value, (dt.date, dt.datetime)):
        raise ParseError("数値の列に日付が入っています。")
    else:
        number = _parse_int_text(str(value))
    if number < 0 and not allow_negative:
        raise ParseError(f"0以上の数を入力してください（{display(value)}）。")
    return number


def _parse_int_text(raw: str) -> int:
    if raw.isascii() and raw.isdigit() and len(raw) <= 18:
        return int(raw)  # the common case: plain digits
    s = nfkc(raw)
    negative = False
    if s.startswith("(") and s.endswith(")"):  # accounting style (1,234)
        negative, s = True, s[1:-1].strip()
    if s and s[0] in _MINUS_SIGNS:
        negative, s = not negative, s[1:].strip()
    elif s.startswith("+"):
        s = s[1:].strip()
    for suffix in _UNIT_SUFFIXES:
        if s.endswith(suffix):
            s = s[: -len(suffix)].strip()
            break
    s = s.replace(",", "").replace(" ", "").replace("_", "")
    if re.fullmatch(r"[0-9]+\.0+", s):
        s = s.split(".", 1)[0]
    if not _INT_RE.match(s):
        if re.fullmatch(r"[0-9]*\.[0-9]+", s):
            raise ParseError(f"整数で入力してください（{raw.strip(_WHITESPACE)}）。")
        raise ParseError(f"数値で入力してください（{raw.strip(_WHITESPACE)}）。")
    if len(s) > 18:
        raise ParseError(f"数値が大きすぎます（{raw.strip(_WHITESPACE)}）。")
    number = int(s)
    return -number if negative else number


def integer(
    *, allow_negative: bool = False, min_value: int | None = None, max_value: int | None = None
) -> Parser:
    """A whole number; negative only when `allow_negative`."""

    def parse(value: Any) -> int:
        number = parse_int_value(value, allow_negative=allow_negative)
        if min_value is not None and number < min_value:
            raise ParseError(f"{min_value:,}以上で入力してください（{display(value)}）。")
        if max_value is not None and number > max_value:
            raise ParseError(f"{max_value:,}以下で入力してください（{display(value)}）。")
        return number

    return parse


# --- Japanese eras ---------------------------------------------------------

# (name, first day, last day or None); ㋿ and ㍻ become 令和 / 平成 under NFKC.
ERAS: list[tuple[str, dt.date, dt.date | None]] = [
    ("令和", dt.date(2019, 5, 1), None),
    ("平成", dt.date(1989, 1, 8), dt.date(2019, 4, 30)),
    ("昭和", dt.date(1926, 12, 25), dt.date(1989, 1, 7)),
]
_ERA_LETTERS = {"R": "令和", "H": "平成", "S": "昭和"}
_ERA_BY_NAME = {name: (start, end) for name, start, end in ERAS}


def era_label(day: dt.date, *, with_day: bool = True) -> str:
    """dt.date(2019, 5, 1) → '令和元年5月1日' (the era in force that day)."""
    for name, start, end in ERAS:
        if day >= start and (end is None or day <= end):
            year = day.year - start.year + 1
            year_text = "元" if year == 1 else str(year)
            return f"{name}{year_text}年{day.month}月" + (f"{day.day}日" if with_day else "")
    return f"{day.year}年{day.month}月" + (f"{day.day}日" if with_day else "")


def _era_year(era: str, year_text: str) -> int:
    start, _ = _ERA_BY_NAME[era]
    n = 1 if year_text == "元" else int(year_text)
    if n < 1:
        raise ParseError(f"{era}{year_text}年は存在しません。")
    return start.year + n - 1


_ERA_NAMES = "|".join(_ERA_BY_NAME)
_ERA_RE = re.compile(
    rf"^(?P<era>{_ERA_NAMES}|[RHS])\s*(?P<year>元|[0-9]{{1,2}})\s*(?:年|[./\-])\s*(?P<month>[0-9]{{1,2}})"
    rf"(?:\s*(?:月|[./\-])\s*(?:(?P<day>[0-9]{{1,2}})\s*日?)?)?$",
    re.IGNORECASE,
)
_WESTERN_RE = re.compile(
    r"^(?P<year>[0-9]{4})\s*(?:年|[./\-])\s*(?P<month>[0-9]{1,2})"
    r"(?:\s*(?:月|[./\-])\s*(?:(?P<day>[0-9]{1,2})\s*日?)?)?$"
)
_COMPACT_RE = re.compile(r"^(?P<year>[0-9]{4})(?P<month>[0-9]{2})(?P<day>[0-9]{2})?$")
_WEEKDAY_RE = re.compile(r"\s*[（(][月火水木金土日](?:曜日?)?[)）]\s*$")
_TIME_RE = re.compile(r"[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?$")

EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_SERIAL_MIN = 61  # 1900-03-01: Excel's serials before it count a non-existent 1900-02-29
EXCEL_SERIAL_MAX = 2958465  # 9999-12-31


def excel_serial_to_date(serial: float) -> dt.date:
    """An Excel (1900 date system) serial number as a date; the time part is dropped."""
    whole = int(serial)
    if not EXCEL_SERIAL_MIN <= whole <= EXCEL_SERIAL_MAX:
        raise ParseError(f"日付のシリアル値として扱えない数です（{display(serial)}）。")
    return EXCEL_EPOCH + dt.timedelta(days=whole)


def _split(value: Any) -> tuple[str | None, int, int, int | None, str]:
    """Text → (era or None, year, month, day or None, cleaned text)."""
    s = nfkc(str(value))
    s = _WEEKDAY_RE.sub("", s)
    s = _TIME_RE.sub("", s).strip()
    if m := _ERA_RE.match(s):
        era = m["era"]
        era = _ERA_LETTERS.get(era.upper(), era)
        year = _era_year(era, m["year"])
        return era, year, int(m["month"]), int(m["day"]) if m["day"] else None, s
    if m := _WESTERN_RE.match(s) or _COMPACT_RE.match(s):
        return None, int(m["year"]), int(m["month"]), int(m["day"]) if m["day"] else None, s
    raise ParseError(f"日付として読めません（{s}）。")


def _check_era(era: str | None, first: dt.date, last: dt.date, shown: str) -> None:
    """The era must be in force on at least one day of [first, last]."""
    if era is None:
        return
    start, end = _ERA_BY_NAME[era]
    if last < start or (end is not None and first > end):
        right = era_label(first, with_day=first == last)
        raise ParseError(f"{shown}は存在しません（{right}です）。")


def _make_date(year: int, month: int, day: int, shown: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ParseError(f"日付として正しくありません（{shown}）。") from None


def month(value: Any) -> dt.date:
    """A month as the date of its first day."""
    if isinstance(value, bool):
        raise ParseError("年月として読めません。")
    if isinstance(value, dt.datetime):
        return dt.date(value.year, value.month, 1)
    if isinstance(value, dt.date):
        return value.replace(day=1)
    if isinstance(value, (int, float)):
        return _month_from_number(value)
    return _month_text(str(value))


@functools.lru_cache(maxsize=4096)
def _month_text(text: str) -> dt.date:
    """Months repeat on every row of a file: parsed once per spelling."""
    s = nfkc(text)
    if re.fullmatch(r"[0-9]+(\.0+)?", s):
        return _month_from_number(int(float(s)) if "." in s else int(s))
    era, year, month_no, day, shown = _split(s)
    if not 1 <= month_no <= 12:
        raise ParseError(f"月は1から12で入力してください（{shown}）。")
    first = dt.date(year, month_no, 1)
    if day is not None:
        the_day = _make_date(year, month_no, day, shown)
        _check_era(era, the_day, the_day, shown)
        return first
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    _check_era(era, first, last, shown)
    return first


def _month_from_number(number: float) -> dt.date:
    whole = int(number)
    if number == whole and 190001 <= whole <= 299912 and 1 <= whole % 100 <= 12:
        return dt.date(whole // 100, whole % 100, 1)  # 202409
    return excel_serial_to_date(number).replace(day=1)


def date(value: Any) -> dt.date:
    """A calendar day."""
    if isinstance(value, bool):
        raise ParseError("日付として読めません。")
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)):
        return _date_from_number(value)
    s = nfkc(str(value))
    if re.fullmatch(r"[0-9]{5}(\.[0-9]+)?", s):
        return excel_serial_to_date(float(s))
    era, year, month_no, day, shown = _split(s)
    if day is None:
        raise ParseError(f"日付は年月日で入力してください（{shown}）。")
    the_day = _make_date(year, month_no, day, shown)
    _check_era(era, the_day, the_day, shown)
    return the_day


def _date_from_number(number: float) -> dt.date:
    whole = int(number)
    if number == whole and 19000101 <= whole <= 29991231:
        s = str(whole)
        return _make_date(int(s[:4]), int(s[4:6]), int(s[6:]), s)
    return excel_serial_to_date(number)


# --- fiscal years ----------------------------------------------------------

FISCAL_YEAR_MIN = 1990
FISCAL_YEAR_MAX = 2100
_FY_ERA_RE = re.compile(
    rf"^(?P<era>{_ERA_NAMES}|[RHS])\s*(?P<year>元|[0-9]{{1,2}})\s*(?:年度|年)?$", re.IGNORECASE
)


def fiscal_year(value: Any) -> int:
    """2024, '2024', '2024年度', 'FY2024', '令和6年度', 'R6' → 2024."""
    if isinstance(value, bool):
        raise ParseError("年度は西暦の4桁で入力してください。")
    if isinstance(value, (int, float)):
        year = parse_int_value(value, allow_negative=False)
    else:
        s = nfkc(str(value))
        if m := _FY_ERA_RE.match(s):
            era = _ERA_LETTERS.get(m["era"].upper(), m["era"])
            year = _era_year(era, m["year"])
        else:
            s = re.sub(r"^(?:FY)\s*", "", s, flags=re.IGNORECASE)
            s = re.sub(r"\s*年度?$", "", s)
            if not re.fullmatch(r"[0-9]{4}", s):
                raise ParseError(f"年度は西暦の4桁で入力してください（{display(value)}）。")
            year = int(s)
    if not FISCAL_YEAR_MIN <= year <= FISCAL_YEAR_MAX:
        raise ParseError(
            f"年度は{FISCAL_YEAR_MIN}から{FISCAL_YEAR_MAX}の間で入力してください（{display(value)}）。"
        )
    return year
