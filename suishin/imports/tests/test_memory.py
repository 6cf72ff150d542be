"""Memory of an import does not grow with the file (issue #12): what the
writer keeps across chunks, and how it asks for the rows a file replaces.
Structural checks only; bench/imports/README.md has the measured figures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from suishin.imports import registry
from suishin.imports.writer import Writer, _alternatives
from suishin.kpis.models import Result

RESULTS_HEADER = ["年月", "会員コード", "店番", "項目コード", "件数", "金額"]
MONTHS = ["2024-04", "2024-05", "2024-06"]


def _rows(members: list[str]) -> list[list[str]]:
    return [RESULTS_HEADER] + [
        [m, code, "", "ATM_USE", "1", ""] for m in MONTHS for code in members
    ]


def _temp_tables() -> list[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT relname FROM pg_class"
                " WHERE relpersistence = 't' AND relname LIKE 'suishin_unchanged_%%'"
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_temp_master WHERE name LIKE 'suishin_unchanged_%'"
            )
        return [r[0] for r in cursor.fetchall()]


def test_alternatives_distribute_or_over_and():
    a, b, c = Q(month=dt.date(2024, 4, 1)), Q(month=dt.date(2024, 5, 1)), Q(level="member")
    assert _alternatives(a | b) == [a, b]
    assert _alternatives((a | b) & c) == [a & c, b & c]
    assert _alternatives(~(a | b)) == [~(a | b)]
    assert _alternatives(a | b, limit=1) == [a | b]
    assert _alternatives(Q()) == [Q()]


def test_replacement_asks_for_each_month_on_its_own(org, catalog, write, run):
    """One OR over every (month, items) pair made SQLite keep the rowid of every
    matching row in memory (MULTI-INDEX OR): 24 MB for a million-row file."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL reads the candidates through a server-side cursor, which CaptureQueriesContext does not see")
    assert run("results", write("r1.csv", _rows(["A0001", "A0002"]))).ok
    with CaptureQueriesContext(connection) as queries:
        outcome = run("results", write("r2.csv", _rows(["A0001"])))
    assert outcome.ok, outcome.error_lines()
    assert (outcome.unchanged, outcome.removed) == (3, 3)
    assert set(Result.objects.values_list("member__code", flat=True)) == {"A0001"}
    reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and 'NOT ("kpis_result"."import_batch_id" =' in q["sql"]
    ]
    assert len(reads) == len(MONTHS)
    assert not [sql for sql in reads if " OR " in sql]


def test_unchanged_rows_spill_their_lines_and_leave_nothing_behind(
    org, catalog, write, run, monkeypatch
):
    monkeypatch.setattr(registry.get("results"), "chunk_size", 2)
    path = write("r.csv", _rows(["A0001", "A0002"]))
    assert run("results", path).ok
    kept: dict = {}
    close = Writer.close

    def spy(self: Writer) -> None:
        seen = self._unchanged[registry.get("results").table.label]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {seen.table}")
            kept["lines"] = cursor.fetchone()[0]
        kept["attrs"] = {
            name: value for name, value in vars(seen).items() if name not in ("bits", "connection")
        }
        kept["bits"] = len(seen.bits)
        close(self)

    monkeypatch.setattr(Writer, "close", spy)
    outcome = run("results", path)
    assert outcome.ok and outcome.unchanged == 6 and not outcome.written
    assert kept["lines"] == 6  # in the database, not in Python lists
    assert kept["attrs"]["other"] == {}
    assert all(not isinstance(v, (list, dict, set)) or not v for v in kept["attrs"].values())
    largest = Result.objects.order_by("-pk").values_list("pk", flat=True).first()
    assert kept["bits"] <= 2 * (largest // 8 + 1)
    assert _temp_tables() == []


def test_a_duplicate_of_an_unchanged_row_names_its_first_line(
    org, catalog, write, run, monkeypatch
):
    monkeypatch.setattr(registry.get("results"), "chunk_size", 2)
    rows = _rows(["A0001", "A0002"])
    assert run("results", write("r1.csv", rows)).ok
    outcome = run("results", write("r2.csv", [*rows, rows[3], rows[1]]))
    assert outcome.error_lines() == [
        "行 8 列 年月・会員コード・店番・項目コード: 年月・会員コード・店番・項目コードの組合せが 行 4 と重複しています。",
        "行 9 列 年月・会員コード・店番・項目コード: 年月・会員コード・店番・項目コードの組合せが 行 2 と重複しています。",
    ]
    assert _temp_tables() == []
