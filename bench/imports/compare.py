"""Benchmark 1 of issue #12: the results import next to its references, in one run.

    .venv/bin/python -m bench.imports.compare                       # 1,000,000 rows; DIE on 20,000
    .venv/bin/python -m bench.imports.compare --rows 100000 --die-rows 5000

Same file, same table, same starting database (a copy of one database with
the masters loaded), each contender in its own process (peak RSS is its own):

* suishin     ``import_path(kind="results")`` — the product's import (parse,
              validate, provenance, before-images, audit, one transaction);
* floor       plain ``sqlite3`` ``executemany`` of the same rows into
              ``kpis_result`` after resolving the codes with dicts (no
              validation, no provenance, no idempotence: the floor);
* django-import-export  a ``ModelResource`` for ``Result`` (the code → id
              lookups done in ``before_import_row`` from preloaded dicts,
              ``import_id_fields`` = the unique key, so it upserts like
              suishin) — what a Django team would reach for. It runs on
              ``--die-rows`` rows (it is slow) and its rate is scaled.

``--small-rows`` also imports the first N rows with suishin (peak memory at
two file sizes: flat or not). Prints one JSON line per contender and then the
ratios. Not a test: nothing asserts a time. SQLite only (the floor is
sqlite3's).

Memory series (is the import's memory flat in the file size?):

    .venv/bin/python -m bench.imports.compare --sizes 100000,500000,1000000,2000000 --suishin-only

imports the first N rows of one file for each N, each into a fresh copy of
the same starting database and in its own process, and prints the peak RSS
(and SQLite's own peak) per size and the least-squares slope in MB per
million rows. ``--again`` also imports each file a second time (every row
unchanged: the path that remembers unchanged rows). The file has enough
members for the largest size (1,000 members give at most 1,200,000 rows).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from bench.imports.bench import ITEMS, MEMBERS, MONTHS, ROOT, generate, run_step

FLOOR = r"""
import csv, datetime as dt, json, resource, sqlite3, sys, time
db, path, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
started = time.monotonic(); cpu = time.process_time()
conn = sqlite3.connect(db, isolation_level=None)
# kpis_result's CHECK (month is the 1st) calls the function Django registers on its connections.
conn.create_function("django_date_extract", 2, lambda lookup, value: int(value[8:10]) if lookup == "day" else None,
                     deterministic=True)
members = {code: (pk, br, bl) for pk, code, br, bl in conn.execute(
    "SELECT m.id, m.code, m.branch_id, b.block_id FROM organisations_member m JOIN organisations_branch b ON b.id = m.branch_id")}
items = {(fy, code): pk for pk, fy, code in conn.execute("SELECT id, fiscal_year, code FROM kpis_item")}
sql = ("INSERT INTO kpis_result (month, fiscal_year, item_id, level, scope_key, member_id, branch_id, block_id, count, amount) "
       "VALUES (?, ?, ?, 'member', ?, ?, ?, ?, ?, ?)")
n = 0
batch = []
conn.execute("BEGIN")
with open(path, encoding="utf-8", newline="") as f:
    reader = csv.reader(f)
    next(reader)
    for month, member, _branch, item, count, amount in reader:
        if n >= limit:
            break
        y, m = int(month[:4]), int(month[5:7])
        fy = y if m >= 4 else y - 1
        pk, br, bl = members[member]
        batch.append((dt.date(y, m, 1).isoformat(), fy, items[(fy, item)], "member:" + member, pk, br, bl, int(count), int(amount)))
        n += 1
        if len(batch) == 10000:
            conn.executemany(sql, batch); batch.clear()
conn.executemany(sql, batch)
conn.execute("COMMIT")
print(json.dumps({"contender": "floor (sqlite3 executemany)", "rows": n,
    "seconds": round(time.monotonic() - started, 2), "cpu_seconds": round(time.process_time() - cpu, 2),
    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
"""

DIE = r"""
import csv, datetime as dt, json, resource, sys, time
import django
django.setup()
import tablib
from import_export import resources
from suishin.kpis.models import Item, Result
from suishin.organisations.models import Member
path, limit = sys.argv[1], int(sys.argv[2])
started = time.monotonic(); cpu = time.process_time()
members = {code: (pk, br, bl) for pk, code, br, bl in Member.objects.values_list("pk", "code", "branch_id", "branch__block_id")}
items = {(fy, code): pk for pk, fy, code in Item.objects.values_list("pk", "fiscal_year", "code")}

class ResultResource(resources.ModelResource):
    def before_import_row(self, row, **kwargs):
        y, m = int(row["month"][:4]), int(row["month"][5:7])
        fy = y if m >= 4 else y - 1
        code = row["member"]
        pk, br, bl = members[code]
        row.update(month=dt.date(y, m, 1), fiscal_year=fy, item=items[(fy, row["item"])], level="member",
                   scope_key="member:" + code, member=pk, branch=br, block=bl)

    class Meta:
        model = Result
        fields = ("month", "fiscal_year", "item", "level", "scope_key", "member", "branch", "block", "count", "amount")
        import_id_fields = ("item", "month", "scope_key")

# The file's columns under the model's names, plus the derived ones (filled per row).
headers = ["month", "member", "branch", "item", "count", "amount", "fiscal_year", "level", "scope_key", "block"]
dataset = tablib.Dataset(headers=headers)
with open(path, encoding="utf-8", newline="") as f:
    reader = csv.reader(f)
    next(reader)
    for n, row in enumerate(reader):
        if n >= limit:
            break
        dataset.append(row + ["", "", "", ""])
outcome = ResultResource().import_data(dataset, dry_run=False, use_transactions=True, raise_errors=True)
print(json.dumps({"contender": "django-import-export 4.4.3 (ModelResource)", "rows": len(dataset),
    "new": outcome.totals["new"], "seconds": round(time.monotonic() - started, 2),
    "cpu_seconds": round(time.process_time() - cpu, 2),
    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
"""


def _run(code: str, args: list[str], env: dict[str, str]) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, cwd=ROOT
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-5000:])
        raise SystemExit(proc.returncode)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return result


def _checkpoint(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def _copy(base: Path, target: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(base, target)
    return target


def _env(workdir: Path, db: Path, size: int) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "DJANGO_SETTINGS_MODULE": "suishin.settings",
        "SUISHIN_VAR_DIR": str(workdir / "var"),
        "SUISHIN_MAX_UPLOAD_BYTES": str(max(size * 2, 300 << 20)),
        "PYTHONPATH": str(ROOT),
    }


def _head(source: Path, target: Path, rows: int) -> Path:
    """The header and the first `rows` data rows of `source`."""
    with open(source, encoding="utf-8") as src, open(target, "w", encoding="utf-8") as dst:
        for n, line in enumerate(src):
            if n > rows:
                break
            dst.write(line)
    return target


def slope(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of (rows, MB) in MB per million rows."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    var = sum((x - mean_x) ** 2 for x, _ in points)
    if not var:
        return 0.0
    cov = sum((x - mean_x) * (y - mean_y) for x, y in points)
    return cov / var * 1_000_000


def memory_series(args: argparse.Namespace, sizes: list[int], base: Path, results: Path) -> None:
    size = results.stat().st_size
    series: dict[str, list[tuple[int, float]]] = {}
    for rows in sizes:
        path = _head(results, args.workdir / f"results_{rows}.csv", rows)
        db = _copy(base, args.workdir / "series.sqlite3")
        env = _env(args.workdir, db, size)
        steps = [("first import", "results")] + ([("again", "results")] if args.again else [])
        for name, step in steps:
            figure = run_step(env, step, str(path))
            series.setdefault(name, []).append((rows, figure["peak_rss_mb"]))
            if "sqlite_peak_mb" in figure:
                series.setdefault(f"{name}, SQLite", []).append((rows, figure["sqlite_peak_mb"]))
    summary = {
        name: {
            "peak_mb": {f"{rows:,}": mb for rows, mb in points},
            "slope_mb_per_million_rows": round(slope(points), 1),
        }
        for name, points in series.items()
    }
    print(json.dumps({"memory_series": summary, "load_average": os.getloadavg()}), flush=True)
    for name, figures in summary.items():
        peaks = "  ".join(f"{rows} rows: {mb} MB" for rows, mb in figures["peak_mb"].items())
        print(f"{name}: {peaks}  → {figures['slope_mb_per_million_rows']} MB per million rows")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--die-rows", type=int, default=20_000)
    parser.add_argument("--small-rows", type=int, default=0)
    parser.add_argument(
        "--sizes", default="", help="memory series: row counts, e.g. 100000,1000000"
    )
    parser.add_argument(
        "--again", action="store_true", help="memory series: import each file twice"
    )
    parser.add_argument(
        "--suishin-only", action="store_true", help="no comparison (with --sizes: the series only)"
    )
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/suishin-bench-compare"))
    args = parser.parse_args(argv)
    sizes = [int(n) for n in args.sizes.replace("_", "").split(",") if n.strip()]

    largest = max([args.rows, *sizes])
    members = max(MEMBERS, -(-largest // (ITEMS * len(MONTHS))))
    files = generate(args.workdir, largest, members=members)
    results = files["results"]
    size = results.stat().st_size
    base = args.workdir / "base.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{base}{suffix}").unlink(missing_ok=True)
    env = _env(args.workdir, base, size)
    print(json.dumps({"load_average": os.getloadavg(), "members": members}), flush=True)
    run_step(env, "migrate")
    for kind in ("blocks", "branches", "members", "items"):
        run_step(env, kind, str(files[kind]))
    _checkpoint(base)

    if sizes:
        memory_series(args, sizes, base, results)
    if args.suishin_only:
        return
    if largest > args.rows:
        results = _head(results, args.workdir / f"results_{args.rows}.csv", args.rows)

    figures: dict[str, dict] = {}
    db = _copy(base, args.workdir / "suishin.sqlite3")
    started = time.monotonic()
    figures["suishin"] = run_step(_env(args.workdir, db, size), "results", str(results))
    figures["suishin"]["rows"] = args.rows
    figures["suishin"]["wall"] = time.monotonic() - started
    if args.small_rows:
        small = _head(results, args.workdir / "results_small.csv", args.small_rows)
        db = _copy(base, args.workdir / "suishin_small.sqlite3")
        figures["suishin_small"] = run_step(_env(args.workdir, db, size), "results", str(small))

    db = _copy(base, args.workdir / "floor.sqlite3")
    figures["floor"] = _run(FLOOR, [str(db), str(results), str(args.rows)], env)

    db = _copy(base, args.workdir / "die.sqlite3")
    figures["die"] = _run(
        DIE, [str(results), str(min(args.die_rows, args.rows))], _env(args.workdir, db, size)
    )

    def rate(f: dict) -> float:
        return f["rows"] / f["seconds"]

    def cpu_rate(f: dict) -> float:
        return f["rows"] / max(f["cpu_seconds"], 1e-9)

    summary = {
        "rows": args.rows,
        "suishin_rows_per_s": round(rate(figures["suishin"])),
        "floor_rows_per_s": round(rate(figures["floor"])),
        "die_rows_per_s": round(rate(figures["die"])),
        "suishin_vs_floor_wall": round(rate(figures["floor"]) / rate(figures["suishin"]), 2),
        "suishin_vs_floor_cpu": round(cpu_rate(figures["floor"]) / cpu_rate(figures["suishin"]), 2),
        "die_vs_suishin_wall": round(rate(figures["suishin"]) / rate(figures["die"]), 1),
        "die_seconds_scaled_to_rows": round(args.rows / rate(figures["die"])),
        "peak_rss_mb": {k: v["peak_rss_mb"] for k, v in figures.items()},
        "load_average": os.getloadavg(),
    }
    print(json.dumps(summary, ensure_ascii=False), flush=True)
    print(
        f"suishin {summary['suishin_rows_per_s']:,} rows/s = floor / {summary['suishin_vs_floor_wall']} "
        f"(CPU: / {summary['suishin_vs_floor_cpu']}); django-import-export {summary['die_rows_per_s']:,} rows/s "
        f"(suishin is {summary['die_vs_suishin_wall']}× faster)"
    )


if __name__ == "__main__":
    main()
