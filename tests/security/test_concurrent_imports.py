"""Two imports of the same scope at the same moment (issue 10).

Two threads import two different results files for the same (item, month)
pairs at once, through `import_file`, as the secretariat (replacement covers
the whole council). Afterwards the figures equal exactly one of the files
(no mixture of the two), the history has a batch for every import that
reported success, and an import that did not win got a clear Japanese
message — never an exception.

SQLite: the shared-cache in-memory *test* database reports a lock conflict
at once ("database table is locked") instead of waiting as the busy timeout
does on the file database, so the harness retries the whole call on that one
error (like suishin/activities/tests/test_concurrency.py). PostgreSQL never
raises it. Any other exception escaping `import_file` fails the test.
"""

from __future__ import annotations

import io
import threading
import time

import pytest
from django.conf import settings as django_settings
from django.db import OperationalError, connection, connections

from suishin.imports import writer as writer_module
from suishin.imports.models import BatchStatus, ImportBatch
from suishin.imports.services import import_file
from suishin.kpis.models import Result
from tests.security.conftest import csv_bytes

ON_POSTGRESQL = "postgresql" in django_settings.DATABASES["default"]["ENGINE"]

FILE_A = [
    ["年月", "会員コード", "項目コード", "件数", "金額"],
    ["2024-06", "A0001", "ATM", "5", "500"],
    ["2024-06", "A0002", "ATM", "7", "700"],
    ["2024-06", "B0001", "ATM", "9", "900"],
    ["2024-07", "A0001", "ATM", "1", "100"],
]
FILE_B = [
    ["年月", "会員コード", "項目コード", "件数", "金額"],
    ["2024-06", "A0001", "ATM", "50", "5000"],
    ["2024-06", "B0001", "ATM", "90", "9000"],
    ["2024-07", "A0002", "ATM", "2", "200"],
]


def figures_of(rows: list[list[str]]) -> set[tuple[str, str, int, int]]:
    return {(r[0], r[1], int(r[3]), int(r[4])) for r in rows[1:]}


def stored_figures() -> set[tuple[str, str, int, int]]:
    return {
        (f"{r.month:%Y-%m}", r.member.code, r.count, r.amount)
        for r in Result.objects.filter(item__code="ATM").select_related("member")
    }


def _import(name: str, data: bytes, actor, barrier: threading.Barrier, results: dict) -> None:
    try:
        barrier.wait(timeout=30)
        for _ in range(1000):
            try:
                outcome = import_file(
                    kind="results", file=io.BytesIO(data), file_name=f"{name}.csv", actor=actor
                )
            except OperationalError as exc:
                if "locked" not in str(exc) or connection.vendor != "sqlite":
                    raise
                time.sleep(0.01)
                continue
            results[name] = outcome
            return
        results[name] = "gave up"
    except Exception as exc:  # reported by the assertions
        results[name] = repr(exc)
    finally:
        connections.close_all()


def _race(users, monkeypatch, *, slow: bool) -> dict:
    if slow:
        # Widen the window between reading the existing rows and writing:
        # without serialisation both threads would decide "insert" here.
        existing = writer_module.Writer._existing

        def slow_existing(self, *args, **kwargs):
            found = existing(self, *args, **kwargs)
            time.sleep(0.3)
            return found

        monkeypatch.setattr(writer_module.Writer, "_existing", slow_existing)
    barrier = threading.Barrier(2)
    results: dict = {}
    threads = [
        threading.Thread(
            target=_import, args=(name, csv_bytes(rows), users["secretariat"], barrier, results)
        )
        for name, rows in (("A", FILE_A), ("B", FILE_B))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def _check(results: dict) -> None:
    assert set(results) == {"A", "B"}
    problems = {k: v for k, v in results.items() if not hasattr(v, "ok")}
    assert not problems, f"an exception escaped import_file: {problems}"
    won = [k for k, v in results.items() if v.ok and v.written]
    lost = [k for k, v in results.items() if not (v.ok and v.written)]
    for name in lost:
        assert results[name].errors, "an import that did not apply must say why"
        assert any(ch > "\u3000" for e in results[name].errors for ch in e.message)
    assert won, "at least one import must apply"
    final = stored_figures()
    assert final in (figures_of(FILE_A), figures_of(FILE_B)), (
        f"a mixture of both files: {sorted(final)}"
    )
    if len(won) == 2:
        # both applied in sequence: the later one's figures, the earlier batch superseded
        later = max(won, key=lambda k: results[k].batch.pk)
        assert final == figures_of(FILE_A if later == "A" else FILE_B)
        earlier = min(won, key=lambda k: results[k].batch.pk)
        assert (
            ImportBatch.objects.get(pk=results[earlier].batch.pk).status == BatchStatus.SUPERSEDED
        )
    assert ImportBatch.objects.filter(
        kind="results", status__in=[BatchStatus.APPLIED, BatchStatus.SUPERSEDED]
    ).count() == len(won)
    total_count = sum(f[2] for f in final)
    assert total_count == sum(r.count for r in Result.objects.filter(item__code="ATM"))


# Without the widened window the race does not always happen: non-strict on PostgreSQL.
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_imports_of_the_same_scope_leave_exactly_one_files_figures(
    items, users, monkeypatch
):
    _check(_race(users, monkeypatch, slow=False))


@pytest.mark.django_db(transaction=True)
def test_two_imports_racing_through_the_read_write_window_never_mix(items, users, monkeypatch):
    _check(_race(users, monkeypatch, slow=True))


@pytest.mark.django_db(transaction=True)
def test_the_same_file_imported_twice_at_once_is_applied_once(items, users, monkeypatch):
    barrier = threading.Barrier(2)
    results: dict = {}
    data = csv_bytes(FILE_A)
    threads = [
        threading.Thread(target=_import, args=(n, data, users["secretariat"], barrier, results))
        for n in ("A", "B")
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert all(hasattr(v, "ok") and v.ok for v in results.values()), results
    assert sorted(v.written for v in results.values()) == [False, True]
    assert stored_figures() == figures_of(FILE_A)
