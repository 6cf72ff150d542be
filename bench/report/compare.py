"""Benchmark 2 of issue #12: summaries over ten years next to a hand-written GROUP BY.

    .venv/bin/python -m bench.report.compare --db sqlite     # the database bench.report.run built
    .venv/bin/python -m bench.report.compare --db postgres
    options: --repeat 5, --explain (print the plans of the hot queries)

Uses the database that ``bench.report.run`` built (run it first; this script
never builds or changes data). For the council, one block, one branch and one
member it times, after a warm-up, the median of ``--repeat`` runs of:

* engine      ``kpis.queries.compute_figures`` (half, year to date, previous
              year's half, cumulative since the item's start, targets rolled up);
* report      the full JSON report (every registered section), as
              ``suishin report summary --format json`` writes it;
* reference   ONE hand-written SQL statement over the same rows: per item
              code, the half's count and amount, the previous year's half,
              and the distinct reporting members — conditional aggregation
              with one GROUP BY, the least a hand-made summary must read.

and prints each with its ratio to the reference measured in the same run.
The reference computes fewer figures (no targets, no cumulative figures, no
snapshot rule, no roll-up into totals): the ratio is the price of those plus
the ORM.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

from bench.report.run import configure

REFERENCE = """
SELECT i.code,
       SUM(CASE WHEN r.month >= %(h1)s THEN r.count ELSE 0 END),
       SUM(CASE WHEN r.month >= %(h1)s THEN r.amount ELSE 0 END),
       SUM(CASE WHEN r.month <= %(p2)s THEN r.count ELSE 0 END),
       SUM(CASE WHEN r.month <= %(p2)s THEN r.amount ELSE 0 END),
       COUNT(DISTINCT CASE WHEN r.month >= %(h1)s AND r.count <> 0 THEN r.member_id END)
FROM kpis_result r JOIN kpis_item i ON i.id = r.item_id
WHERE ((r.month BETWEEN %(h1)s AND %(h2)s) OR (r.month BETWEEN %(p1)s AND %(p2)s)) {scope}
GROUP BY i.code
"""


def reference_sql(scope) -> tuple[str, dict]:
    import datetime as dt

    params = {
        "h1": dt.date(2024, 4, 1),
        "h2": dt.date(2024, 9, 1),
        "p1": dt.date(2023, 4, 1),
        "p2": dt.date(2023, 9, 1),
    }
    clause = ""
    if scope.level == "block":
        clause, params["id"] = "AND r.block_id = %(id)s", scope.block_id
    elif scope.level == "branch":
        clause, params["id"] = "AND r.branch_id = %(id)s", scope.branch_id
    elif scope.level == "member":
        clause, params["id"] = "AND r.member_id = %(id)s", scope.member_id
    return REFERENCE.format(scope=clause), params


def reference(scope) -> list:
    from django.db import connection

    sql, params = reference_sql(scope)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def timed(fn, repeat: int) -> float:
    fn()
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def scopes() -> list:
    from suishin.kpis.scope import Scope
    from suishin.organisations.models import Block, Branch, Member

    return [
        ("council", Scope.council()),
        ("block", Scope.for_block(Block.objects.order_by("sort_order", "pk").first())),
        ("branch", Scope.parse(Branch.objects.order_by("code").first().code)),
        ("member", Scope.parse(Member.objects.order_by("code").first().code)),
    ]


def check_same_figures(scope) -> int:
    """The engine's half figures equal the reference's for every summed item (else raise)."""
    from suishin.kpis.models import Aggregation
    from suishin.kpis.queries import compute_figures

    ref = {code: row for code, *row in reference(scope)}
    figures = compute_figures(fiscal_year=2024, half=1, scope=scope)
    checked = 0
    for f in figures.items:
        if f.children or f.aggregation != Aggregation.SUM:
            continue
        c, a, pc, pa, _ = ref.get(f.code, (0, 0, 0, 0, 0))
        if (f.count, f.amount, f.prev_count or 0, f.prev_amount or 0) != (c, a, pc, pa):
            raise SystemExit(
                f"figures differ for {f.code}: {(f.count, f.amount, f.prev_count, f.prev_amount)} != {(c, a, pc, pa)}"
            )
        checked += 1
    return checked


def explain(scope) -> str:
    from django.db import connection

    sql, params = reference_sql(scope)
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        return "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())


def explain_engine(scope, top: int = 3) -> str:
    """EXPLAIN the engine's `top` slowest statements for this scope."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from suishin.kpis.queries import compute_figures

    with CaptureQueriesContext(connection) as ctx:
        compute_figures(fiscal_year=2024, half=1, scope=scope)
    slowest = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:top]
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    out = [f"engine: {len(ctx.captured_queries)} statements"]
    with connection.cursor() as cursor:
        for q in slowest:
            out.append(f"-- {q['time']}s: {q['sql'][:300]}")
            cursor.execute(prefix + q["sql"])
            out.extend(" ".join(str(c) for c in row) for row in cursor.fetchall())
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args(argv)
    configure(args.db, fresh=False)

    from django.db import connection

    from suishin.kpis.models import Result
    from suishin.kpis.queries import compute_figures
    from suishin.reports import renderers
    from suishin.reports.engine import build_report

    print(
        f"database: {connection.vendor} ({connection.settings_dict['NAME']}), {Result.objects.count():,} results"
    )
    print(json.dumps({"load_average": os.getloadavg()}))
    for label, scope in scopes():
        checked = check_same_figures(scope)

        def engine(scope=scope):
            return compute_figures(fiscal_year=2024, half=1, scope=scope)

        def report(scope=scope, label=label):
            report = build_report(
                fiscal_year=2024,
                half=1,
                scope=None if label == "council" else scope,
                links=False,
                charts=False,
            )
            return renderers.render(report, "json")

        ref = timed(lambda scope=scope: reference(scope), args.repeat)
        eng = timed(engine, args.repeat)
        rep = timed(report, args.repeat)
        print(
            json.dumps(
                {
                    "scope": label,
                    "reference_s": round(ref, 4),
                    "engine_s": round(eng, 4),
                    "report_s": round(rep, 4),
                    "engine_vs_reference": round(eng / ref, 2),
                    "report_vs_reference": round(rep / ref, 2),
                    "items_checked_equal": checked,
                }
            ),
            flush=True,
        )
        if args.explain:
            print(f"--- reference plan ({label})\n{explain(scope)}")
            print(f"--- engine plans ({label})\n{explain_engine(scope)}")
    print(json.dumps({"load_average": os.getloadavg()}))


if __name__ == "__main__":
    main()
