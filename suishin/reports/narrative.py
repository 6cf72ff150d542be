"""The secretariat's narrative: plain text with a light markup and placeholders.

Markup, one paragraph per line (blank lines are ignored):

    # 見出し            a heading            ## 小見出し   a sub-heading
    <重点取組項目>      a sub-heading (as the seed writes them)
    【実績】…           a label line (bold)
    1. …                a numbered section line (bold)
    (1) … / ① … / ア. … a numbered paragraph (hanging indent)
    - …                 a bullet
    anything else       a paragraph

Placeholders put computed figures in the text, so no figure is ever typed:

    {CODE.field}  or  {CODE.field|format}

CODE is an item code of the report's fiscal year, `report` (the report's own
values: fiscal_year, half_label, period_label, start, end, end_month,
end_month_short, scope, prev_fiscal_year) or a section key (lower case; values of a registered
section, see suishin.reports.sections). Item fields are those of
suishin.kpis.queries.ItemFigures (count, amount, fy_count, fy_amount,
target_count, target_amount, self_target_count, prev_count, prev_amount,
prev_diff, prev_amount_diff, target_diff, target_amount_diff, cum_count,
cum_amount, achievement, name, unit, as_of, cum_since, donation_rate). Formats: num (default: 11,180),
raw (11180), yen (14,762,300円), sen (5,762千円), man (3,000万円), oku
(6億9百万円). A field ending in "_diff" prints with "+" or "▲".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from suishin.core import jpformat
from suishin.core.errors import DomainError

PLACEHOLDER_RE = re.compile(r"\{([A-Za-z][A-Za-z0-9_\-]*)\.([A-Za-z_]+)(?:\|([a-z_]+))?\}")

ITEM_NUMBER_FIELDS = (
    "count",
    "amount",
    "fy_count",
    "fy_amount",
    "target_count",
    "target_amount",
    "self_target_count",
    "self_target_amount",
    "prev_count",
    "prev_amount",
    "prev_diff",
    "prev_amount_diff",
    "target_diff",
    "target_amount_diff",
    "cum_count",
    "cum_amount",
)
ITEM_TEXT_FIELDS = ("achievement", "name", "unit", "as_of", "cum_since", "donation_rate")
ITEM_FIELDS = ITEM_NUMBER_FIELDS + ITEM_TEXT_FIELDS
REPORT_FIELDS = (
    "fiscal_year",
    "half_label",
    "period_label",
    "start",
    "end",
    "end_month",
    "end_month_short",
    "scope",
    "prev_fiscal_year",
)
FORMATS = ("num", "raw", "yen", "sen", "man", "oku")
REPORT_KEY = "report"

# Which figure a placeholder's link traces: the half, the year to date, the
# previous year's half, the cumulative span, or the targets.
FIELD_SPAN = {
    "count": "half",
    "amount": "half",
    "prev_diff": "half",
    "prev_amount_diff": "half",
    "fy_count": "fy",
    "fy_amount": "fy",
    "achievement": "fy",
    "target_diff": "fy",
    "target_amount_diff": "fy",
    "prev_count": "prev",
    "prev_amount": "prev",
    "cum_count": "cum",
    "cum_amount": "cum",
    "target_count": "targets",
    "target_amount": "targets",
    "self_target_count": "targets",
    "self_target_amount": "targets",
}

SECTION_RE = re.compile(r"^\d+[.．]\s")
NUMBERED_RE = re.compile(r"^(?:[(（]\s*\d+\s*[)）]|[①-⑳]|[ア-ン][.．]|\d+[.．]|[IVXivx]+[.．])")


@dataclass
class Part:
    text: str
    href: str | None = None
    figure: bool = False  # came from a placeholder


@dataclass
class Paragraph:
    style: str  # "p", "h3", "h4", "label", "section", "numbered", "bullet"
    parts: list[Part] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.parts)


def placeholders(body: str) -> list[tuple[str, str, str]]:
    """Every (key, field, format) quoted in `body`."""
    return [(m.group(1), m.group(2), m.group(3) or "") for m in PLACEHOLDER_RE.finditer(body or "")]


def is_section_key(key: str) -> bool:
    return key == key.lower()


def check_placeholders(body: str, *, codes: set[str], fiscal_year: int) -> None:
    """Raise DomainError for a placeholder that can never resolve: an unknown
    item code, field or format. Section keys (lower case) are accepted even
    when their app has not registered them yet; the report then warns."""
    for key, name, fmt in placeholders(body):
        quoted = "{" + f"{key}.{name}" + (f"|{fmt}" if fmt else "") + "}"
        if fmt and fmt not in FORMATS:
            raise DomainError(
                f"差し込み「{quoted}」の書式「{fmt}」は使えません（使える書式：{'・'.join(FORMATS)}）。"
            )
        if key == REPORT_KEY:
            if name not in REPORT_FIELDS:
                raise DomainError(f"差し込み「{quoted}」の「{name}」は報告書の値にありません（{'・'.join(REPORT_FIELDS)}）。")
        elif key in codes:
            if name not in ITEM_FIELDS:
                raise DomainError(f"差し込み「{quoted}」の「{name}」は項目の値にありません（{'・'.join(ITEM_FIELDS)}）。")
        elif not is_section_key(key):
            raise DomainError(f"差し込み「{quoted}」の項目コード「{key}」は{fiscal_year}年度の推進項目にありません。")


def format_number(value: int | None, name: str, fmt: str) -> str:
    if value is None:
        return jpformat.DASH
    signed = name.endswith("_diff")
    if fmt in ("yen", "sen", "man", "oku"):
        if signed:
            return jpformat.signed_money(value, fmt)
        return {"yen": jpformat.yen, "sen": jpformat.sen_yen, "man": jpformat.man_yen, "oku": jpformat.oku_yen}[fmt](value)
    if fmt == "raw":
        return str(value)
    return jpformat.signed(value) if signed else jpformat.number(value)


# resolve(key, field, format) -> (text, href or None, warning or "")
Resolve = Callable[[str, str, str], tuple[str, str | None, str]]


def render(body: str, resolve: Resolve, warnings: list[str] | None = None) -> list[Paragraph]:
    """Turn a narrative body into paragraphs with resolved placeholders."""
    out: list[Paragraph] = []
    for raw in (body or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        style, line = _style(line)
        parts: list[Part] = []
        pos = 0
        for m in PLACEHOLDER_RE.finditer(line):
            if m.start() > pos:
                parts.append(Part(line[pos : m.start()]))
            text, href, warning = resolve(m.group(1), m.group(2), m.group(3) or "")
            if warning and warnings is not None and warning not in warnings:
                warnings.append(warning)
            parts.append(Part(text, href, figure=True))
            pos = m.end()
        if pos < len(line):
            parts.append(Part(line[pos:]))
        out.append(Paragraph(style, parts))
    return out


def _style(line: str) -> tuple[str, str]:
    if line.startswith("## "):
        return "h4", line[3:].strip()
    if line.startswith("# "):
        return "h3", line[2:].strip()
    if line.startswith("- "):
        return "bullet", line[2:].strip()
    if (line.startswith("<") and line.endswith(">")) or (line.startswith("＜") and line.endswith("＞")):
        return "h4", line
    if line.startswith("【") and line.endswith("】"):
        return "label", line
    if SECTION_RE.match(line):
        return "section", line
    if NUMBERED_RE.match(line):
        return "numbered", line
    return "p", line
