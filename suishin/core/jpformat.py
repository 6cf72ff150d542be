"""Japanese number, money, rate and date formatting in the seed's style.

One module for every presentation rule, so the web page, PDF, XLSX and DOCX
all print a figure the same way. All arithmetic is on integers: money is
integer yen, rates are computed as integer per-mille, and every unit
conversion truncates (切り捨て) toward zero on the absolute value, with the
sign printed separately ("+" or "▲"). Negative numbers use ▲, never "-".
"""

from __future__ import annotations

import datetime as dt

DASH = "－"  # shown where a rate has no target (full-width hyphen-minus, as the seed prints)
MINUS = "▲"
WEEKDAYS = "月火水木金土日"

OKU = 100_000_000
HYAKUMAN = 1_000_000
MAN = 10_000
SEN = 1_000


# --- rates -----------------------------------------------------------------

def achievement_permille(actual: int | None, target: int | None) -> int | None:
    """actual / target in integer per-mille, truncated; None when no target.

    3,708 / 6,350 → 583 (58.3%). Floating point would give wrong answers for
    some exact values (2,010 / 2,000 → 100.4 instead of 100.5).
    """
    if actual is None or not target or target <= 0:
        return None
    permille = abs(actual) * 1000 // target
    return -permille if actual < 0 else permille


def permille_str(permille: int | None) -> str | None:
    """583 → '58.3'; None → None. The JSON form of an achievement."""
    if permille is None:
        return None
    sign = "-" if permille < 0 else ""
    p = abs(permille)
    return f"{sign}{p // 10}.{p % 10}"


def achievement(actual: int | None, target: int | None) -> str | None:
    """'58.3' (a string, for JSON) or None when there is no target."""
    return permille_str(achievement_permille(actual, target))


def rate(actual: int | None, target: int | None) -> str:
    """'58.3%' or '－' when the target is missing or zero."""
    value = achievement(actual, target)
    return DASH if value is None else f"{value}%"


# --- plain numbers -------------------------------------------------------

def number(n: int | None) -> str:
    """25683 → '25,683'; -10 → '▲10'; None → '－'."""
    if n is None:
        return DASH
    return f"{MINUS if n < 0 else ''}{abs(n):,}"


def signed(n: int, unit: str = "") -> str:
    """A year-on-year difference: +284 → '+284', -10 → '▲10', 0 → '±0'."""
    if n > 0:
        return f"+{n:,}{unit}"
    if n < 0:
        return f"{MINUS}{abs(n):,}{unit}"
    return f"±0{unit}"


def count(n: int | None, unit: str = "件") -> str:
    return DASH if n is None else f"{number(n)}{unit}"


# --- money -----------------------------------------------------------------

def _sign(n: int) -> str:
    return MINUS if n < 0 else ""


def yen(n: int | None) -> str:
    """14762300 → '14,762,300円'."""
    return DASH if n is None else f"{number(n)}円"


def sen_yen(n: int | None) -> str:
    """Thousands of yen, truncated: 5,762,365 → '5,762千円'."""
    if n is None:
        return DASH
    return f"{_sign(n)}{abs(n) // SEN:,}千円"


def man_yen(n: int | None) -> str:
    """Ten-thousands, truncated: 30,000,000 → '3,000万円'."""
    if n is None:
        return DASH
    return f"{_sign(n)}{abs(n) // MAN:,}万円"


def oku_yen(n: int | None) -> str:
    """億 and 百万, truncating below 百万.

    609,xxx,xxx → '6億9百万円'; 1,313,xxx,xxx → '13億13百万円';
    34,900,000,000 → '349億円'; 59,xxx,xxx → '59百万円'; 0 → '0円'.
    """
    if n is None:
        return DASH
    a = abs(n)
    oku, rest = divmod(a, OKU)
    hyakuman = rest // HYAKUMAN
    parts = []
    if oku:
        parts.append(f"{oku:,}億")
    if hyakuman:
        parts.append(f"{hyakuman}百万")
    if not parts:
        return "0円"
    return f"{_sign(n)}{''.join(parts)}円"


def signed_money(n: int, style: str = "oku") -> str:
    """A money difference with '+' / '▲': '+2億47百万円', '▲28百万円', '+284千円'."""
    fmt = {"oku": oku_yen, "sen": sen_yen, "man": man_yen, "yen": yen}[style]
    body = fmt(abs(n))
    if n > 0:
        return f"+{body}"
    if n < 0:
        return f"{MINUS}{body}"
    return f"±{body}"


# --- dates -----------------------------------------------------------------

def weekday(day: dt.date) -> str:
    return WEEKDAYS[day.weekday()]


def date_ja(day: dt.date | None) -> str:
    """'2024年11月14日（木）'."""
    if day is None:
        return DASH
    return f"{day.year}年{day.month}月{day.day}日（{weekday(day)}）"


def month_day_ja(day: dt.date | None) -> str:
    """'9月28日（土）'."""
    if day is None:
        return DASH
    return f"{day.month}月{day.day}日（{weekday(day)}）"


def datetime_hour_ja(moment: dt.datetime | None) -> str:
    """'2025年2月3日（月）15時' ('15時30分' when minutes are set)."""
    if moment is None:
        return DASH
    base = date_ja(moment.date())
    if moment.minute:
        return f"{base}{moment.hour}時{moment.minute}分"
    return f"{base}{moment.hour}時"


def month_ja(month: dt.date) -> str:
    """'2024年9月'."""
    return f"{month.year}年{month.month}月"


def month_end_ja(month: dt.date) -> str:
    """'2024年9月末'."""
    return f"{month.year}年{month.month}月末"


def date_plain_ja(day: dt.date | None) -> str:
    """'2024年9月30日' (no weekday; the seed's 集計期間 style)."""
    if day is None:
        return DASH
    return f"{day.year}年{day.month}月{day.day}日"
