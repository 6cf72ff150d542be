"""Benchmark: import a results file of N rows (default 1,000,000) in one pass.

    .venv/bin/python bench/imports/bench.py [--rows 1000000] [--workdir /tmp/suishin-bench]
        [--database-url sqlite:////tmp/suishin-bench/bench.sqlite3]

Generates the organisation, catalog and results files (deterministic), loads
the masters through the importers, then runs each measured step in its own
process so that its peak memory (ru_maxrss) is its own:

1. results, first import (every row added),
2. the identical file again (every row unchanged: nothing is written),
3. a corrected file (1 % of the figures changed) — upsert + before-images,
4. rollback of the corrected file.

Prints one JSON line per step; bench/imports/README.md records the method and
the numbers. Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MEMBERS = 1000
ITEMS = 50
MONTHS = [(2023 + (3 + i) // 12, (3 + i) % 12 + 1) for i in range(24)]  # 2023-04 .. 2025-03


def generate(workdir: Path, rows: int, members: int = MEMBERS) -> dict[str, Path]:
    """`members` × 50 items × 24 months rows at most (1,200,000 with the default)."""
    workdir.mkdir(parents=True, exist_ok=True)
    files = {
        k: workdir / f"{k}.csv"
        for k in ("blocks", "branches", "members", "items", "results", "results_fixed")
    }

    def write(path: Path, header: list[str], body) -> None:
        with open(path, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(header)
            w.writerows(body)

    blocks = ["石狩", "道央", "道南", "上川", "道北", "道東"]
    write(files["blocks"], ["ブロック名"], [[b] for b in blocks])
    write(
        files["branches"],
        ["店番", "店名", "ブロック名"],
        [[f"{i:03d}", f"第{i}支店", blocks[i % 6]] for i in range(1, 31)],
    )
    write(
        files["members"],
        ["会員コード", "会員名", "産別", "店番", "組合員数", "年度"],
        [
            [f"K{i:05d}", f"第{i}労働組合", "自治労", f"{i % 30 + 1:03d}", 100 + i, 2024]
            for i in range(1, members + 1)
        ],
    )
    write(
        files["items"],
        ["年度", "項目コード", "項目名", "集計方法"],
        [
            [fy, f"ITEM{j:02d}", f"項目{j}", "sum"]
            for fy in (2023, 2024)
            for j in range(1, ITEMS + 1)
        ],
    )
    header = ["年月", "会員コード", "店番", "項目コード", "件数", "金額"]

    def results(fixed: bool):
        n = 0
        for y, m in MONTHS:
            for i in range(1, members + 1):
                for j in range(1, ITEMS + 1):
                    if n >= rows:
                        return
                    count = (i * 7 + j * 13 + m) % 50
                    if fixed and n % 100 == 0:
                        count += 1
                    yield [f"{y}-{m:02d}", f"K{i:05d}", "", f"ITEM{j:02d}", count, count * 1000]
                    n += 1

    write(files["results"], header, results(False))
    write(files["results_fixed"], header, results(True))
    return files


def write_xlsx(source: Path, target: Path, rows: int) -> None:
    """The first `rows` data rows of the CSV as a workbook (dates as date cells)."""
    import datetime as dt

    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("実績")
    with open(source, encoding="utf-8") as f:
        reader = csv.reader(f)
        ws.append(next(reader))
        for n, (month, member, branch, item, count, amount) in enumerate(reader):
            if n >= rows:
                break
            year, mon = month.split("-")
            ws.append(
                [
                    dt.datetime(int(year), int(mon), 1),
                    member,
                    branch or None,
                    item,
                    int(count),
                    int(amount),
                ]
            )
    wb.save(target)


STEP = r"""
import json, os, resource, sys, time
import django
django.setup()
from django.core.management import call_command
from suishin.imports.services import import_path, rollback_batch
from suishin.imports.models import ImportBatch
step, arg = sys.argv[1], sys.argv[2]
started = time.monotonic()
cpu = time.process_time()
if step == "migrate":
    call_command("migrate", verbosity=0)
    result = {}
elif step == "results-dry":
    outcome = import_path(kind="results", path=arg, dry_run=True)
    result = {"summary": outcome.summary_line(), "written": outcome.written, "rows": outcome.rows_total}
elif step == "rollback":
    batch = ImportBatch.objects.filter(kind="results", status="applied").latest("pk")
    rollback_batch(actor=None, batch_id=batch.pk)
    result = {"batch": batch.pk}
else:
    outcome = import_path(kind=step, path=arg)
    result = {"summary": outcome.summary_line(), "written": outcome.written, "rows": outcome.rows_total}
result.update(step=step, file=os.path.basename(arg), seconds=round(time.monotonic() - started, 1),
              cpu_seconds=round(time.process_time() - cpu, 1),
              peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
# SQLite's own allocations (page cache, statements, sorters, RowSets), when the
# library ctypes finds is the one the sqlite3 module uses.
try:
    import ctypes, ctypes.util, sqlite3
    lib = ctypes.CDLL(ctypes.util.find_library("sqlite3"))
    lib.sqlite3_libversion.restype = ctypes.c_char_p
    lib.sqlite3_memory_highwater.restype = ctypes.c_int64
    if lib.sqlite3_libversion().decode() == sqlite3.sqlite_version:
        result["sqlite_peak_mb"] = round(lib.sqlite3_memory_highwater(0) / 2**20, 1)
except (OSError, TypeError, AttributeError):
    pass
print(json.dumps(result, ensure_ascii=False))
"""


def run_step(env: dict[str, str], step: str, arg: str = "") -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", STEP, step, arg], env=env, capture_output=True, text=True, cwd=ROOT
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(proc.returncode)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/suishin-bench"))
    parser.add_argument("--database-url", default=None)
    parser.add_argument(
        "--xlsx-rows",
        type=int,
        default=0,
        help="also read the first N rows as an XLSX file (dry run)",
    )
    args = parser.parse_args()
    if args.rows > MEMBERS * ITEMS * len(MONTHS):
        raise SystemExit(f"at most {MEMBERS * ITEMS * len(MONTHS):,} rows")
    db_url = args.database_url or f"sqlite:///{args.workdir / 'bench.sqlite3'}"
    if db_url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(db_url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    started = time.monotonic()
    files = generate(args.workdir, args.rows)
    size = files["results"].stat().st_size
    print(
        json.dumps(
            {
                "step": "generate",
                "rows": args.rows,
                "results_bytes": size,
                "seconds": round(time.monotonic() - started, 1),
            }
        ),
        flush=True,
    )
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "DJANGO_SETTINGS_MODULE": "suishin.settings",
        "SUISHIN_VAR_DIR": str(args.workdir / "var"),
        "SUISHIN_MAX_UPLOAD_BYTES": str(max(size * 2, 300 << 20)),
    }
    run_step(env, "migrate")
    for kind in ("blocks", "branches", "members", "items"):
        run_step(env, kind, str(files[kind]))
    run_step(env, "results", str(files["results"]))
    run_step(env, "results", str(files["results"]))
    run_step(env, "results", str(files["results_fixed"]))
    run_step(env, "rollback")
    if args.xlsx_rows:
        path = args.workdir / "results.xlsx"
        write_xlsx(files["results"], path, args.xlsx_rows)
        run_step(env, "results-dry", str(path))


if __name__ == "__main__":
    main()
