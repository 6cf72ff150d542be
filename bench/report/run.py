"""Benchmark: the half-year summary over a large history (bench/report/README.md).

    .venv/bin/python -m bench.report.run --db sqlite            # /tmp/suishin_bench_report.sqlite3
    .venv/bin/python -m bench.report.run --db postgres          # database suishin_bench_report on 127.0.0.1
    options: --members 60000 --items 100 --years 10 --per-month 2 --repeat 5 --keep

Builds a fresh database of its own (never the test database): 6 blocks, 100
branches, `--members` members, a catalog of `--items` items for each of
`--years` fiscal years (10 totals over 40 rows, distinct-member, snapshot and
cumulative items among them), allocated targets for 40 items at council
level and for every member (as the seed's 配分: council figures with member
targets under them; --member-targets-only drops the council's), and monthly results: every member reports `--per-month`
distinct random items each month of every year. Then it times, after one
warm-up run, the median of `--repeat` runs of:

* figures   suishin.kpis.queries.compute_figures for the council (the engine alone)
* json      the whole report (engine + narrative + every registered section) as JSON,
            and the same without the other apps' sections and JSON contributors
* html      the web page's report with its three charts (no HTTP), once with
            the charts' SVG memoised (a repeated view) and once drawn afresh
* block / member   the JSON report for one block and for one member

Money and counts are random; only the volume matters here.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SQLITE_PATH = Path(os.environ.get("SUISHIN_BENCH_SQLITE", "/tmp/suishin_bench_report.sqlite3"))
PG_NAME = os.environ.get("SUISHIN_BENCH_PG", "suishin_bench_report")
PG_SERVER = "postgres://postgres@127.0.0.1:5432"


def configure(db: str, *, fresh: bool) -> None:
    # These scripts time the engine itself: the cross-request figures cache
    # (suishin.kpis.cache) would turn every repeat into a cache hit.
    os.environ.setdefault("SUISHIN_FIGURES_CACHE", "0")
    if db == "sqlite":
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
    else:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [PG_NAME]
            ).fetchone()
            if exists and fresh:
                conn.execute(f'DROP DATABASE "{PG_NAME}"')
                exists = None
            if not exists:
                conn.execute(f'CREATE DATABASE "{PG_NAME}"')
        os.environ["DATABASE_URL"] = f"{PG_SERVER}/{PG_NAME}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "suishin.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def build(
    *,
    members: int,
    items: int,
    years: int,
    per_month: int,
    council_level_targets: bool = True,
    seed: int = 2024,
    branches: int = 100,
) -> dict:
    import datetime as dt

    from django.core.management import call_command
    from django.db import connection, transaction

    from suishin.core import fiscal
    from suishin.kpis.models import Aggregation, Item, Result, Target
    from suishin.organisations.models import Block, Branch, Member

    rng = random.Random(seed)
    call_command("migrate", verbosity=0, interactive=False)
    last_fy = 2024
    first_fy = last_fy - years + 1
    with transaction.atomic():
        blocks = Block.objects.bulk_create(Block(name=f"B{i}", sort_order=i) for i in range(6))
        n_branches = branches
        branches = Branch.objects.bulk_create(
            Branch(code=f"{i:03d}", name=f"店{i}", block=blocks[i % 6]) for i in range(n_branches)
        )
        Member.objects.bulk_create(
            (
                Member(code=f"M{i:06d}", name=f"会員{i}", branch=branches[i % n_branches])
                for i in range(members)
            ),
            batch_size=5000,
        )
        member_rows = list(
            Member.objects.values_list("pk", "code", "branch_id", "branch__block_id")
        )

        catalog: dict[int, list[Item]] = {}
        n_totals = max(1, items // 10)
        for fy in range(first_fy, last_fy + 1):
            totals = Item.objects.bulk_create(
                Item(
                    fiscal_year=fy,
                    code=f"T{t:02d}",
                    name=f"合計{t}",
                    group=f"区分{t}",
                    sort_order=t * 10 + 9,
                )
                for t in range(n_totals)
            )
            leaves = []
            for n in range(items - n_totals):
                how = Aggregation.SUM
                extra = {}
                if n % 20 == 1:
                    how = Aggregation.DISTINCT_MEMBERS
                elif n % 30 == 2:
                    how = Aggregation.SNAPSHOT
                elif n % 45 == 3:
                    how, extra = (
                        Aggregation.CUMULATIVE,
                        {"cumulative_since": dt.date(first_fy, 10, 1)},
                    )
                parent = totals[n % n_totals] if n < 4 * n_totals else None
                leaves.append(
                    Item(
                        fiscal_year=fy,
                        code=f"I{n:03d}",
                        name=f"項目{n}",
                        group=f"区分{n % n_totals}",
                        aggregation=how,
                        parent=parent,
                        sort_order=(n % n_totals) * 10 + n % 9,
                        donation_rate=n % 3 or None,
                        **extra,
                    )
                )
            catalog[fy] = totals + Item.objects.bulk_create(leaves)

    # 配分 as in the seed: the council's own target per item, and member
    # targets (会員分件数目標) under it for the block/branch/member reports.
    # (Committed apart: PostgreSQL creates no index while FK checks are pending.)
    targeted = [i for i in catalog[last_fy] if i.code < "I040" and i.code.startswith("I")]
    if council_level_targets:
        Target.objects.bulk_create(
            Target(
                fiscal_year=last_fy,
                item=item,
                level="council",
                scope_key="council",
                kind="allocated",
                target_count=25 * len(member_rows),
            )
            for item in targeted
        )
    saved = _drop_secondary_indexes(Target._meta.db_table)
    target_rows = (
        (last_fy, item.pk, "member", f"member:{code}", pk, br, bl, "allocated", rng.randint(1, 50))
        for item in targeted
        for pk, code, br, bl in member_rows
    )
    target_columns = [
        "fiscal_year",
        "item_id",
        "level",
        "scope_key",
        "member_id",
        "branch_id",
        "block_id",
        "kind",
        "target_count",
    ]
    _insert(Target, target_columns, target_rows)
    with connection.cursor() as cursor:
        for sql in saved:
            cursor.execute(sql)

    columns = [
        "month",
        "fiscal_year",
        "item_id",
        "level",
        "scope_key",
        "member_id",
        "branch_id",
        "block_id",
        "count",
        "amount",
    ]

    def rows():
        for fy in range(first_fy, last_fy + 1):
            leaf_ids = [i.pk for i in catalog[fy] if i.code.startswith("I")]
            for month in fiscal.fiscal_year_period(fy).months():
                for pk, code, br, bl in member_rows:
                    for item_id in rng.sample(leaf_ids, per_month):
                        yield (
                            month,
                            fy,
                            item_id,
                            "member",
                            f"member:{code}",
                            pk,
                            br,
                            bl,
                            rng.randint(0, 9),
                            rng.randint(0, 9) * 10000,
                        )

    started = time.perf_counter()
    # Bulk-load practice: drop the secondary indexes, load, rebuild them (the
    # unique constraint stays, so the data is still checked).
    saved = _drop_secondary_indexes(Result._meta.db_table)
    total = _insert(Result, columns, rows())
    with connection.cursor() as cursor:
        for sql in saved:
            cursor.execute(sql)
    # After a bulk load: statistics, and on PostgreSQL the visibility map that
    # index-only scans need (autovacuum would do it after a while in production).
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) kpis_result")
            cursor.execute("VACUUM (ANALYZE) kpis_target")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "results": total,
        "load_seconds": time.perf_counter() - started,
        "targets": len(targeted) * len(member_rows),
    }


def _drop_secondary_indexes(table: str) -> list[str]:
    """Drop the table's non-unique indexes; return the SQL that recreates them."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexdef NOT LIKE 'CREATE UNIQUE%%'",
                [table],
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL "
                "AND sql NOT LIKE 'CREATE UNIQUE%%'",
                [table],
            )
        found = cursor.fetchall()
        for name, _ in found:
            cursor.execute(f'DROP INDEX "{name}"')
    return [sql for _, sql in found]


def _insert(model, columns: list[str], rows) -> int:
    """Raw bulk insert (COPY on PostgreSQL); returns the number of rows."""
    from django.db import connection, transaction

    table = model._meta.db_table
    total = 0
    if connection.vendor == "postgresql":
        with (
            transaction.atomic(),
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
                total += 1
        return total
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    batch: list[tuple] = []
    with transaction.atomic(), connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) == 50_000:
                cursor.executemany(sql, batch)
                total += len(batch)
                batch.clear()
        cursor.executemany(sql, batch)
        total += len(batch)
    return total


def timed(fn, repeat: int) -> tuple[float, float]:
    fn()  # warm-up: imports, caches, the database's page cache
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs), min(runs)


def measure(repeat: int) -> list[tuple[str, float, float]]:
    from suishin.kpis.queries import compute_figures
    from suishin.kpis.scope import Scope
    from suishin.organisations.models import Block, Member
    from suishin.reports import charts, renderers, sections
    from suishin.reports.engine import build_report

    block = Scope.for_block(Block.objects.order_by("sort_order").first())
    member = Scope.parse(Member.objects.order_by("code").first().code)

    def clear_charts():
        charts._achievement_bars.cache_clear()
        charts._trend_lines.cache_clear()

    def json_report(scope=None):
        return renderers.render(
            build_report(fiscal_year=2024, half=1, scope=scope, links=False, charts=False), "json"
        )

    def without_other_apps():
        """The same report with no section or JSON contributor of another app."""
        saved = dict(sections._SECTIONS), dict(sections._JSON_CONTRIBUTORS)
        sections._SECTIONS.clear()
        sections._JSON_CONTRIBUTORS.clear()
        try:
            return json_report()
        finally:
            sections._SECTIONS.update(saved[0])
            sections._JSON_CONTRIBUTORS.update(saved[1])

    cases = [
        ("figures (council)", lambda: compute_figures(fiscal_year=2024, half=1)),
        ("json report, no other app (council)", without_other_apps),
        ("json report (council)", json_report),
        (
            "html report, charts memoised (council)",
            lambda: renderers.render(build_report(fiscal_year=2024, half=1), "html"),
        ),
        (
            "html report, charts drawn (council)",
            lambda: (
                clear_charts(),
                renderers.render(build_report(fiscal_year=2024, half=1), "html"),
            ),
        ),
        ("json report (block)", lambda: json_report(block)),
        ("json report (member)", lambda: json_report(member)),
    ]
    return [(label, *timed(fn, repeat)) for label, fn in cases]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--members", type=int, default=60_000)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--branches", type=int, default=100)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument(
        "--per-month", type=int, default=2, help="distinct items each member reports per month"
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--keep", action="store_true", help="reuse the database built by an earlier run"
    )
    parser.add_argument(
        "--member-targets-only",
        action="store_true",
        help="no council-level targets: the council sums 60,000 members' targets",
    )
    args = parser.parse_args(argv)

    configure(args.db, fresh=not args.keep)
    if args.keep:
        from suishin.kpis.models import Result, Target

        info = {
            "results": Result.objects.count(),
            "load_seconds": 0.0,
            "targets": Target.objects.filter(level="member").count(),
        }
    else:
        info = build(
            members=args.members,
            items=args.items,
            years=args.years,
            per_month=args.per_month,
            council_level_targets=not args.member_targets_only,
            branches=args.branches,
        )
    from django.db import connection

    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    if not args.keep:
        print(
            f"data: {args.members:,} members, {args.items} items × {args.years} years, {args.per_month} items/member/month"
        )
    print(
        f"      {info['results']:,} results, {info['targets']:,} member targets, loaded in {info['load_seconds']:.0f}s"
    )
    for label, median, best in measure(args.repeat):
        print(f"{label:<36} median {median:6.3f}s   best {best:6.3f}s")


if __name__ == "__main__":
    main()
