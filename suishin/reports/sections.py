"""The tables of the report and the registry of sections contributed by other apps.

Every table in every format (web, PDF, XLSX, JSON) is a `Table` of `Cell`s:
a cell carries the raw integer (for XLSX and JSON) and the text the seed
would print (for the web and the PDF), so formatting happens once.

Other apps contribute sections (職域活動費, 寄付見込額・可処分所得, キャンペーン,
ブロック別研修会, 今後の日程 ...) in their AppConfig.ready():

    from suishin.reports.sections import SectionData, Table, Column, Cell, register_section

    def build(fiscal_year: int, half: int, scope) -> SectionData:
        ...
        return SectionData(title="職域活動費", tables=[table], values={"paid": 14_762_300, "paid_diff": 2_824_300})

    register_section("activity_expenses", "職域活動費", build)

`values` can be quoted in the narrative as {activity_expenses.paid|yen}; a
value whose name ends in "_diff" prints with "+" / "▲". Keys are lower case
(item codes are upper case), so the editor can tell them apart.

A JSON contributor adds keys to the JSON document (e.g. donation_yen):

    register_json_contributor("donations", lambda report, data: data.update(donation_yen=...))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from suishin.core import jpformat


class CellKind:
    TEXT = "text"
    INT = "int"  # a count (with an optional unit)
    YEN = "yen"  # integer yen; `text` carries the style (円, 千円, 億/百万円)
    PERMILLE = "permille"  # a rate in integer per-mille, shown truncated to 0.1%


@dataclass
class Cell:
    value: Any = None  # int for numbers, str for text, None for "－"
    text: str | None = None  # what the web/PDF prints; derived from value when None
    kind: str = CellKind.TEXT
    unit: str = ""  # printed after counts, and used in the XLSX number format
    href: str | None = None  # the trace link of a figure (web only)

    @classmethod
    def of_text(cls, text: str) -> Cell:
        return cls(value=text, text=text, kind=CellKind.TEXT)

    @classmethod
    def count(cls, n: int | None, unit: str = "", href: str | None = None) -> Cell:
        return cls(value=n, text=jpformat.count(n, unit) if n is not None else jpformat.DASH, kind=CellKind.INT, unit=unit, href=href)

    @classmethod
    def signed(cls, n: int | None, unit: str = "") -> Cell:
        return cls(value=n, text=jpformat.signed(n, unit) if n is not None else jpformat.DASH, kind=CellKind.INT, unit=unit)

    @classmethod
    def money(cls, n: int | None, style: str = "yen", href: str | None = None) -> Cell:
        fmt = {"yen": jpformat.yen, "sen": jpformat.sen_yen, "man": jpformat.man_yen, "oku": jpformat.oku_yen}[style]
        return cls(value=n, text=fmt(n), kind=CellKind.YEN, href=href)

    @classmethod
    def rate(cls, permille: int | None) -> Cell:
        text = jpformat.DASH if permille is None else f"{jpformat.permille_str(permille)}%"
        return cls(value=permille, text=text, kind=CellKind.PERMILLE)

    @property
    def display(self) -> str:
        if self.text is not None:
            return self.text
        if self.value is None:
            return jpformat.DASH
        if isinstance(self.value, int) and not isinstance(self.value, bool):
            return jpformat.number(self.value)
        return str(self.value)

    @property
    def numeric(self) -> bool:
        return self.kind != CellKind.TEXT


@dataclass
class Column:
    label: str
    numeric: bool = False


@dataclass
class Row:
    cells: list[Cell]
    total: bool = False


@dataclass
class Table:
    columns: list[Column]
    rows: list[Row]
    title: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass
class SectionData:
    """What a section contributes: a title, tables, paragraphs of text, named
    values for the narrative's placeholders, and warnings shown in the report."""

    title: str = ""
    tables: list[Table] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    values: dict[str, int | str | None] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


SectionBuilder = Callable[[int, int, Any], SectionData]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    build: SectionBuilder


_SECTIONS: dict[str, Section] = {}


def register_section(key: str, title: str, build: SectionBuilder) -> None:
    """Register a report section: `build(fiscal_year, half, scope)` → SectionData.

    `scope` is a suishin.kpis.scope.Scope; a section must only show what lies
    inside it (a member officer's report contains only their union).
    """
    _SECTIONS[key] = Section(key, title, build)


def get_section(key: str) -> Section | None:
    return _SECTIONS.get(key)


def all_sections() -> list[Section]:
    return list(_SECTIONS.values())


JsonContributor = Callable[[Any, dict], None]
_JSON_CONTRIBUTORS: dict[str, JsonContributor] = {}


def register_json_contributor(key: str, func: JsonContributor) -> None:
    """`func(report, data)` may add keys to the JSON document `data` (top level
    or inside `data["items"]`); `report` is a suishin.reports.engine.Report."""
    _JSON_CONTRIBUTORS[key] = func


def json_contributors() -> list[JsonContributor]:
    return list(_JSON_CONTRIBUTORS.values())
