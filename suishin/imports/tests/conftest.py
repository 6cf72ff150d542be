"""Fixtures for the import tests: a private media root, a small FY2024 catalog,
and helpers that write files in every format the engine reads."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from suishin.imports.services import import_file, import_path
from suishin.kpis.models import Aggregation, Item


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def catalog(db):
    """FY2024 (and FY2023) items: SVC_TOTAL is a total of SVC_MAIN and
    SVC_LOAN; ATM_USE is plain; MOV_STUDY is computed from another app."""
    items = {}
    for year in (2023, 2024):
        total = Item.objects.create(
            fiscal_year=year, code="SVC_TOTAL", name="合計", group="預金・融資・各種サービス"
        )
        items[(year, "SVC_TOTAL")] = total
        for n, code in enumerate(["SVC_MAIN", "SVC_LOAN"], start=1):
            items[(year, code)] = Item.objects.create(
                fiscal_year=year,
                code=code,
                name=code,
                parent=total,
                donation_rate=100,
                sort_order=n,
            )
        items[(year, "ATM_USE")] = Item.objects.create(
            fiscal_year=year, code="ATM_USE", name="ATM利用件数", donation_rate=1
        )
        items[(year, "MOV_STUDY")] = Item.objects.create(
            fiscal_year=year, code="MOV_STUDY", name="学習会開催回数", source="activities.sessions"
        )
        items[(year, "SCHOLAR")] = Item.objects.create(
            fiscal_year=year,
            code="SCHOLAR",
            name="奨学金借換ローン",
            aggregation=Aggregation.CUMULATIVE,
            cumulative_since=dt.date(2017, 10, 1),
        )
    return items


def csv_text(rows: list[list[object]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(
        [["" if c is None else c for c in row] for row in rows]
    )
    return buf.getvalue()


@pytest.fixture
def write(tmp_path):
    """write("a.csv", rows, encoding="utf-8") → Path; rows are lists of cells."""

    def _write(name: str, rows: list[list[object]] | str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / "in" / name
        path.parent.mkdir(exist_ok=True)
        if isinstance(rows, bytes):
            path.write_bytes(rows)
        elif isinstance(rows, str):
            path.write_bytes(rows.encode(encoding))
        else:
            path.write_bytes(csv_text(rows).encode(encoding))
        return path

    return _write


@pytest.fixture
def write_xlsx(tmp_path):
    """write_xlsx("a.xlsx", {"Sheet": rows, ...}) → Path (cells keep their Python types)."""

    def _write(name: str, sheets: dict[str, list[list[object]]]) -> Path:
        from openpyxl import Workbook

        wb = Workbook()
        wb.remove(wb.active)
        for title, rows in sheets.items():
            ws = wb.create_sheet(title)
            for row in rows:
                ws.append(row)
        path = tmp_path / "in" / name
        path.parent.mkdir(exist_ok=True)
        wb.save(path)
        return path

    return _write


@pytest.fixture
def run(db):
    """run(kind, path, actor=None, **kw) → ImportOutcome (never raises on a bad file)."""

    def _run(kind: str, path: Path, actor=None, **kw):
        return import_path(kind=kind, path=path, actor=actor, check=False, **kw)

    return _run


@pytest.fixture
def run_bytes(db):
    def _run(kind: str, data: bytes, file_name: str = "upload.csv", actor=None, **kw):
        return import_file(kind=kind, file=io.BytesIO(data), file_name=file_name, actor=actor, **kw)

    return _run
