"""The XLSX workbook: a sheet with every item's figures, a sheet per table
block or section, and a sheet with the narrative.

Numbers are numeric cells with number formats (never text): counts
`#,##0"件";▲#,##0"件"`, yen `#,##0"円";▲#,##0"円"`, rates as the truncated
fraction (583‰ → 0.583) formatted `0.0%`, so the cell shows the same 58.3% as
the page. Text cells that a spreadsheet would run as a formula are quoted.
"""

from __future__ import annotations

import io
import re

from suishin.core.exports import neutralise
from suishin.core.fiscal import Half
from suishin.reports.sections import Cell, CellKind, Table

INT_FORMAT = "#,##0;▲#,##0"
YEN_FORMAT = '#,##0"円";▲#,##0"円"'
RATE_FORMAT = "0.0%"
DASH = "－"


def int_format(unit: str = "") -> str:
    if not unit:
        return INT_FORMAT
    u = unit.replace('"', "")
    return f'#,##0"{u}";▲#,##0"{u}"'


def rate_value(permille: int) -> float:
    """The truncated rate as a fraction: 583 → 0.583 (shows 58.3% with 0.0%)."""
    return permille / 1000


def _sheet_title(wb, wanted: str) -> str:
    title = re.sub(r"[\[\]:*?/\\]", "", wanted).strip("'") or "表"
    title = title[:31]
    base, n = title, 2
    while title in wb.sheetnames:
        suffix = f"({n})"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    return title


def _write_cell(ws, row: int, col: int, cell: Cell):
    target = ws.cell(row=row, column=col)
    if cell.kind == CellKind.TEXT or cell.value is None or isinstance(cell.value, str):
        target.value = neutralise(cell.display if cell.kind != CellKind.TEXT else (cell.value or ""))
        return target
    if cell.kind == CellKind.PERMILLE:
        target.value = rate_value(cell.value)
        target.number_format = RATE_FORMAT
    elif cell.kind == CellKind.YEN:
        target.value = cell.value
        target.number_format = YEN_FORMAT
    else:
        target.value = cell.value
        target.number_format = int_format(cell.unit)
    return target


def _write_table(ws, table: Table, start_row: int) -> int:
    from openpyxl.styles import Alignment, Font, PatternFill

    row = start_row
    if table.title:
        ws.cell(row=row, column=1, value=neutralise(table.title)).font = Font(bold=True)
        row += 1
    for col, column in enumerate(table.columns, start=1):
        c = ws.cell(row=row, column=col, value=neutralise(column.label))
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="EEF2F7")
        c.alignment = Alignment(horizontal="center")
    row += 1
    for r in table.rows:
        for col, cell in enumerate(r.cells, start=1):
            written = _write_cell(ws, row, col, cell)
            if r.total:
                written.font = Font(bold=True)
        row += 1
    for note in table.notes:
        ws.cell(row=row, column=1, value=neutralise(note))
        row += 1
    return row + 1


def _widths(ws) -> None:
    for col in ws.columns:
        width = max((len(str(c.value)) if c.value is not None else 0) for c in col)
        ws.column_dimensions[col[0].column_letter].width = min(max(10, width * 2 + 2), 70)


def _summary_sheet(ws, report) -> None:
    from openpyxl.styles import Font

    half = Half(report.half).label
    ws.append([neutralise(report.title)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([f"対象：{report.scope.label}", f"集計期間：{report.period_text}"])
    ws.append([])
    headers = [
        "項目コード", "項目名", "区分", "単位", "集計方法",
        f"{half}件数", f"{half}金額", "年度累計件数", "年度累計金額",
        "年間目標件数", "年間目標金額", "自主目標件数", "達成率",
        "前年同期件数", "前年同期金額", "累計件数", "累計金額", "注記",
    ]
    ws.append(headers)
    header_row = ws.max_row
    for c in ws[header_row]:
        c.font = Font(bold=True)
    formats = [None] * 5 + [INT_FORMAT, YEN_FORMAT, INT_FORMAT, YEN_FORMAT, INT_FORMAT, YEN_FORMAT, INT_FORMAT, RATE_FORMAT,
                            INT_FORMAT, YEN_FORMAT, INT_FORMAT, YEN_FORMAT, None]
    for f in report.figures.items:
        p = f.achievement_permille
        values = [
            f.code, f.name, f.group, f.unit, f.aggregation,
            f.count, f.amount, f.fy_count, f.fy_amount,
            f.target_count, f.target_amount, f.self_target_count, None if p is None else rate_value(p),
            f.prev_count, f.prev_amount, f.cum_count, f.cum_amount, f.warning,
        ]
        ws.append([neutralise(v) if isinstance(v, str) else v for v in values])
        for cell, fmt in zip(ws[ws.max_row], formats, strict=True):
            if fmt and cell.value is not None:
                cell.number_format = fmt
    ws.freeze_panes = ws.cell(row=header_row + 1, column=3)


def render_xlsx(report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "総括"
    _summary_sheet(ws, report)
    _widths(ws)

    for block in report.blocks:
        if not block.tables:
            continue
        sheet = wb.create_sheet(_sheet_title(wb, block.title or block.key or "表"))
        row = 1
        if block.title:
            sheet.cell(row=1, column=1, value=neutralise(block.title)).font = Font(bold=True, size=12)
            row = 3
        for table in block.tables:
            row = _write_table(sheet, table, row)
        for p in block.notes:
            sheet.cell(row=row, column=1, value=neutralise(p.text))
            row += 1
        _widths(sheet)

    text = wb.create_sheet("本文")
    text.column_dimensions["A"].width = 110
    for block in report.blocks:
        paras = list(block.paragraphs) + list(block.notes)
        if block.title:
            text.append([neutralise(block.title)])
            text.cell(row=text.max_row, column=1).font = Font(bold=True)
        for p in paras:
            text.append([neutralise(p.text)])
            text.cell(row=text.max_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    if report.warnings:
        text.append([])
        text.append(["表示できない数値・表"])
        for w in report.warnings:
            text.append([neutralise(w)])

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
