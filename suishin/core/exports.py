"""One base for every tabular export (CSV and XLSX).

Text cells that a spreadsheet would run as a formula (starting with = + - @,
tab or CR) are prefixed with a quote; numbers stay numeric cells, so a
negative number is never quoted. File names are ASCII-safe in the header
with the Japanese name in filename* (RFC 6266).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_filename(name: str) -> str:
    """Drop path separators and control characters; keep Japanese."""
    name = re.sub(r"[\\/:*?\"<>|\x00-\x1f\x7f]", "_", name).strip(" .")
    return name or "export"


def content_disposition(filename: str) -> str:
    filename = safe_filename(filename)
    ascii_name = filename.encode("ascii", "ignore").decode() or "export"
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", ascii_name)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with BOM so that Excel on Japanese Windows opens it correctly."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in headers])
    for row in rows:
        writer.writerow(["" if v is None else neutralise(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def xlsx_bytes(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_title: str = "データ",
    number_format: str = "#,##0;[Red]▲#,##0",
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = safe_filename(sheet_title)[:31]
    ws.append([neutralise(h) for h in headers])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF2F7")
    for row in rows:
        ws.append([neutralise(v) for v in row])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, bool):
                continue
            if isinstance(cell.value, int):
                cell.number_format = number_format
            elif isinstance(cell.value, (dt.date, dt.datetime)):
                cell.number_format = "yyyy/mm/dd"
    for col in ws.columns:
        width = max((len(str(c.value)) if c.value is not None else 0) for c in col)
        ws.column_dimensions[col[0].column_letter].width = min(max(8, width * 2 + 2), 60)
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export_response(
    filename_stem: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str
) -> HttpResponse:
    """fmt: 'csv' or 'xlsx'."""
    if fmt == "xlsx":
        body, mime, ext = xlsx_bytes(headers, rows, sheet_title=filename_stem), XLSX_MIME, "xlsx"
    else:
        body, mime, ext = csv_bytes(headers, rows), "text/csv; charset=utf-8", "csv"
    response = HttpResponse(body, content_type=mime)
    response["Content-Disposition"] = content_disposition(f"{filename_stem}.{ext}")
    return response
