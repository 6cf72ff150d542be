"""One table per catalog group, in the seed's layout.

Columns follow what the group's items have:

* targets present → 年間目標 / 上期実績 (下期実績 and 年度累計 in the second half) / 達成率,
  numbers without units, as the seed's 預金・融資・各種サービス table;
* no targets → one value column named after the units (件数, 回数・会員数 …),
  numbers with their unit ("717,841件"), as the seed's ATM and NPO tables;
* a 金額 column when an imported counted item also has an amount (a
  provider's amount is not necessarily yen), a 累計 column for
  cumulative items, 前年同期 / 前年同期比 columns on request.

Rows are numbered ①②… when there is more than one; totals come last and
print a unit only when all their rows share it (827 vs "17件").
"""

from __future__ import annotations

from collections.abc import Callable

from suishin.core import jpformat
from suishin.core.fiscal import Half
from suishin.kpis.queries import FigureSet, ItemFigures
from suishin.reports.sections import Cell, CellKind, Column, Row, Table

UNIT_HEADERS = {"件": "件数", "回": "回数", "名": "人数", "人": "人数", "会員": "会員数", "団体": "団体数", "円": "金額"}
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

Href = Callable[[str, str], "str | None"]


def _no_href(code: str, span: str) -> None:
    return None


def value_header(items: list[ItemFigures]) -> str:
    labels: list[str] = []
    for f in items:
        label = UNIT_HEADERS.get(f.unit, "件数" if not f.unit else f"{f.unit}数")
        if label not in labels:
            labels.append(label)
    return "・".join(labels) or "件数"


def _unit_of(f: ItemFigures, rows: list[ItemFigures]) -> str:
    """A total prints a unit only when all its rows share one."""
    if not f.is_total:
        return f.unit
    units = {r.unit for r in rows if r.parent_code == f.code}
    return units.pop() if len(units) == 1 else ""


def _yen_amounts(f: ItemFigures) -> bool:
    """A counted item whose amount column holds yen: imported (no provider),
    not a money item itself (its value column already is the amount)."""
    return not f.is_money and not f.source and not f.is_total


def _measure_cell(f: ItemFigures, value: int | None, *, unit: str, href: str | None = None) -> Cell:
    if f.is_money:
        return Cell.money(value, "oku", href=href)
    return Cell.count(value, unit, href=href)


def _diff_cell(f: ItemFigures, value: int | None, unit: str) -> Cell:
    if value is None:
        return Cell(value=None, kind=CellKind.YEN if f.is_money else CellKind.INT)
    if f.is_money:
        return Cell(value=value, text=jpformat.signed_money(value, "oku"), kind=CellKind.YEN)
    return Cell.signed(value, unit)


def group_table(
    figures: FigureSet,
    group: str,
    *,
    title: str = "",
    value_label: str = "",
    show_prev: bool = False,
    href: Href = _no_href,
) -> Table | None:
    items = [f for f in figures.items if f.group == group]
    if not items:
        return None
    rows_items = [f for f in items if not f.is_total]
    totals = [f for f in items if f.is_total]
    with_targets = any(f.has_target for f in items)
    second_half = figures.half == Half.SECOND
    # Imported amounts are yen by the file contract; a provider's amount may be
    # anything (study sessions put participants there), so it never shows as 金額.
    has_amount = any(_yen_amounts(f) and (f.amount or f.prev_amount or f.target_amount) for f in items)
    has_cum = any(f.cum_count is not None for f in items)
    numbered = len(rows_items) > 1
    half_label = Half(figures.half).label

    columns = ([Column("No")] if numbered else []) + [Column("項目")]
    if with_targets:
        columns += [Column("年間目標", True), Column(f"{half_label}実績", True)]
        if second_half:
            columns.append(Column("年度累計", True))
        columns.append(Column("達成率", True))
    else:
        columns.append(Column(value_label or value_header(rows_items or items), True))
    if has_amount:
        columns.append(Column("金額", True))
    if has_cum:
        columns.append(Column("累計", True))
        if has_amount:
            columns.append(Column("累計金額", True))
    if show_prev:
        columns += [Column("前年同期", True), Column("前年同期比", True)]

    rows: list[Row] = []
    notes: list[str] = []
    for n, f in enumerate(rows_items + totals):
        unit = "" if with_targets else _unit_of(f, items)
        cells: list[Cell] = []
        if numbered:
            cells.append(Cell.of_text("" if f.is_total else CIRCLED[n] if n < len(CIRCLED) else str(n + 1)))
        cells.append(Cell.of_text(f.name))
        if with_targets:
            target = f.target_value
            cells.append(_measure_cell(f, target, unit="", href=href(f.code, "targets") if target is not None else None))
            cells.append(_measure_cell(f, f.value, unit="", href=href(f.code, "half")))
            if second_half:
                cells.append(_measure_cell(f, f.fy_value, unit="", href=href(f.code, "fy")))
            cells.append(Cell.rate(f.achievement_permille))
        else:
            cells.append(_measure_cell(f, f.value, unit=unit, href=href(f.code, "half")))
        if has_amount:
            if _yen_amounts(f):
                cells.append(Cell.money(f.amount, "oku", href=href(f.code, "half")))
            else:
                cells.append(Cell(None, kind=CellKind.YEN))
        if has_cum:
            if f.cum_count is None:
                cells.append(Cell(None, kind=CellKind.INT))
                if has_amount:
                    cells.append(Cell(None, kind=CellKind.YEN))
            else:
                cum_value = f.cum_amount if f.is_money else f.cum_count
                cells.append(_measure_cell(f, cum_value, unit=unit, href=href(f.code, "cum")))
                if has_amount:
                    cells.append(Cell.money(f.cum_amount, "oku", href=href(f.code, "cum")) if _yen_amounts(f) else Cell(None, kind=CellKind.YEN))
        if show_prev:
            prev = f.prev_amount if f.is_money else f.prev_count
            diff = f.prev_amount_diff if f.is_money else f.prev_diff
            cells.append(_measure_cell(f, prev, unit=unit, href=href(f.code, "prev") if prev is not None else None))
            cells.append(_diff_cell(f, diff, unit))
        rows.append(Row(cells, total=f.is_total))
        if f.warning and not f.is_total:
            notes.append(f"※ {f.name}：{f.warning}")
    return Table(columns=columns, rows=rows, title=title, notes=notes)
