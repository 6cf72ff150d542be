"""Benchmark 2 of issue #12: summaries over ten years next to a hand-written statement.

    .venv/bin/python -m bench.report.compare --db sqlite     # the database bench.report.run built
    .venv/bin/python -m bench.report.compare --db postgres
    options: --repeat 5, --half 1|2, --only branch,member, --explain (plans of the hot statements)

Uses the database that ``bench.report.run`` built (run it first; this script
never builds or changes data). For the council, one block, one branch and one
member it times, after a warm-up, the median of ``--repeat`` runs of:

* engine      ``kpis.queries.compute_figures`` (the figures cache off);
* report      the full JSON report (every registered section), as
              ``suishin report summary --format json`` writes it;
* reference   ONE hand-written SQL statement (CTEs, UNION ALL, conditional
              aggregation, GROUP BY) that yields the same figures as the
              engine: per item the half, the year to date and the previous
              year's half (snapshot items: the latest month with rows;
              distinct-member items: distinct members with a non-zero count),
              the cumulative figure since the item's start month over every
              year's item with that code, the scope's allocated target (its
              own row, else rolled up from the scopes inside it), the sum of
              self targets, and one level of totals;
* half-only   the earlier reference (half, previous half, distinct members
              only), printed for continuity.

Before timing, every figure of every item (13 per item: counts, amounts,
targets, as_of) is checked equal between the engine and the reference; a
difference stops the run. Ratios are against the same-figures reference.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

from bench.report.run import configure

# The same figures as the engine, in one statement (CTEs, UNION ALL, conditional
# aggregation; GROUP BY in every part): per leaf item of the year's catalog the
# half, the year to date and the previous year's half (the item with the same
# code one year earlier, aggregated as this year's item is), the cumulative
# figure since the item's start month over every year's item with that code,
# distinct members, snapshots (the latest month with rows), the allocated target
# rolled up member → branch → block → council (a scope's own row, else the sum
# of the scopes inside it) and the sum of self targets; then one level of totals.
REFERENCE = """
WITH cat AS (
  SELECT i.id, i.code, i.aggregation, i.parent_id, {month_start} AS since
  FROM kpis_item i
  WHERE i.fiscal_year = %(fy)s AND i.source = ''
    AND NOT EXISTS (SELECT 1 FROM kpis_item c WHERE c.parent_id = i.id)
),
prev AS (
  SELECT cat.id AS cid, cat.aggregation, p.id AS pid
  FROM cat JOIN kpis_item p ON p.fiscal_year = %(pfy)s AND p.code = cat.code
),
agg AS (
  SELECT r.item_id AS cid, 0 AS tag, r.month, SUM(r.count) AS c, SUM(r.amount) AS a
  FROM kpis_result r
  WHERE {item} IN (SELECT id FROM cat) AND r.month BETWEEN %(y1)s AND %(h2)s {scope}
  GROUP BY r.item_id, r.month
  UNION ALL
  SELECT prev.cid, 1, r.month, SUM(r.count), SUM(r.amount)
  FROM prev JOIN kpis_result r ON {item} = prev.pid
  WHERE r.month BETWEEN %(p1)s AND %(p2)s {scope}
  GROUP BY prev.cid, r.month
  UNION ALL
  SELECT cat.id, 2, x.month, SUM(x.c), SUM(x.a)
  FROM (
    SELECT r.item_id, r.month, SUM(r.count) AS c, SUM(r.amount) AS a
    FROM kpis_result r
    WHERE {item} IN (SELECT a.id FROM kpis_item a JOIN cat ON cat.code = a.code
                     WHERE cat.aggregation = 'cumulative')
      AND r.month >= (SELECT MIN(since) FROM cat WHERE aggregation = 'cumulative')
      AND r.month <= %(h2)s {scope}
    GROUP BY r.item_id, r.month
  ) x
  JOIN kpis_item a ON a.id = x.item_id
  JOIN cat ON cat.code = a.code AND cat.aggregation = 'cumulative' AND x.month >= cat.since
  GROUP BY cat.id, x.month
),
snap AS (
  SELECT cid,
         MAX(CASE WHEN tag = 0 AND month >= %(h1)s THEN month END) AS hm,
         MAX(CASE WHEN tag = 0 THEN month END) AS ym,
         MAX(CASE WHEN tag = 1 THEN month END) AS pm
  FROM agg WHERE tag < 2 GROUP BY cid
),
dist AS (
  SELECT cid,
         COUNT(DISTINCT CASE WHEN tag = 0 AND month >= %(h1)s THEN member_id END) AS h,
         COUNT(DISTINCT CASE WHEN tag = 0 THEN member_id END) AS y,
         COUNT(DISTINCT CASE WHEN tag = 1 THEN member_id END) AS p
  FROM (
    SELECT r.item_id AS cid, 0 AS tag, r.month, r.member_id
    FROM cat JOIN kpis_result r ON {item} = cat.id
    WHERE cat.aggregation = 'distinct_members' AND r.count <> 0
      AND r.month BETWEEN %(y1)s AND %(h2)s {scope}
    UNION ALL
    SELECT prev.cid, 1, r.month, r.member_id
    FROM prev JOIN kpis_result r ON {item} = prev.pid
    WHERE prev.aggregation = 'distinct_members' AND r.count <> 0
      AND r.month BETWEEN %(p1)s AND %(p2)s {scope}
  ) d
  GROUP BY cid
),
t AS (
  SELECT item_id, level, block_id, branch_id, target_count AS tc, target_amount AS ta
  FROM kpis_target
  WHERE kind = 'allocated' AND {target_item} IN (SELECT id FROM cat) {target_scope} {below}
),
br AS (
  SELECT item_id, block_id, branch_id,
         CASE WHEN MAX(CASE WHEN level = 'branch' THEN 1 END) = 1
              THEN MAX(CASE WHEN level = 'branch' THEN tc END)
              ELSE SUM(CASE WHEN level = 'member' THEN tc END) END AS tc,
         CASE WHEN MAX(CASE WHEN level = 'branch' THEN 1 END) = 1
              THEN MAX(CASE WHEN level = 'branch' THEN ta END)
              ELSE SUM(CASE WHEN level = 'member' THEN ta END) END AS ta
  FROM t WHERE level IN ('branch', 'member')
  GROUP BY item_id, block_id, branch_id
),
bl AS (
  SELECT item_id, block_id,
         CASE WHEN MAX(own) = 1 THEN MAX(CASE WHEN own = 1 THEN tc END)
              ELSE SUM(CASE WHEN own = 0 THEN tc END) END AS tc,
         CASE WHEN MAX(own) = 1 THEN MAX(CASE WHEN own = 1 THEN ta END)
              ELSE SUM(CASE WHEN own = 0 THEN ta END) END AS ta
  FROM (SELECT item_id, block_id, 1 AS own, tc, ta FROM t WHERE level = 'block'
        UNION ALL SELECT item_id, block_id, 0, tc, ta FROM br) x
  GROUP BY item_id, block_id
),
co AS (
  SELECT item_id,
         CASE WHEN MAX(own) = 1 THEN MAX(CASE WHEN own = 1 THEN tc END)
              ELSE SUM(CASE WHEN own = 0 THEN tc END) END AS tc,
         CASE WHEN MAX(own) = 1 THEN MAX(CASE WHEN own = 1 THEN ta END)
              ELSE SUM(CASE WHEN own = 0 THEN ta END) END AS ta
  FROM (SELECT item_id, 1 AS own, tc, ta FROM t WHERE level = 'council'
        UNION ALL SELECT item_id, 0, tc, ta FROM bl) x
  GROUP BY item_id
),
tgt AS ({target}),
selft AS (
  SELECT item_id, SUM(target_count) AS tc, SUM(target_amount) AS ta
  FROM kpis_target
  WHERE kind = 'self' AND level = 'member' AND {target_item} IN (SELECT id FROM cat) {target_scope}
  GROUP BY item_id
),
leaf AS (
  SELECT cat.code, cat.parent_id,
    CASE cat.aggregation
      WHEN 'distinct_members' THEN COALESCE(MAX(dist.h), 0)
      WHEN 'snapshot' THEN COALESCE(SUM(CASE WHEN agg.tag = 0 AND agg.month = snap.hm THEN agg.c END), 0)
      ELSE COALESCE(SUM(CASE WHEN agg.tag = 0 AND agg.month >= %(h1)s THEN agg.c END), 0) END AS count,
    CASE cat.aggregation
      WHEN 'snapshot' THEN COALESCE(SUM(CASE WHEN agg.tag = 0 AND agg.month = snap.hm THEN agg.a END), 0)
      ELSE COALESCE(SUM(CASE WHEN agg.tag = 0 AND agg.month >= %(h1)s THEN agg.a END), 0) END AS amount,
    CASE cat.aggregation
      WHEN 'distinct_members' THEN COALESCE(MAX(dist.y), 0)
      WHEN 'snapshot' THEN COALESCE(SUM(CASE WHEN agg.tag = 0 AND agg.month = snap.ym THEN agg.c END), 0)
      ELSE COALESCE(SUM(CASE WHEN agg.tag = 0 THEN agg.c END), 0) END AS fy_count,
    CASE cat.aggregation
      WHEN 'snapshot' THEN COALESCE(SUM(CASE WHEN agg.tag = 0 AND agg.month = snap.ym THEN agg.a END), 0)
      ELSE COALESCE(SUM(CASE WHEN agg.tag = 0 THEN agg.a END), 0) END AS fy_amount,
    CASE WHEN prev.pid IS NULL THEN NULL
      WHEN cat.aggregation = 'distinct_members' THEN COALESCE(MAX(dist.p), 0)
      WHEN cat.aggregation = 'snapshot' THEN COALESCE(SUM(CASE WHEN agg.tag = 1 AND agg.month = snap.pm THEN agg.c END), 0)
      ELSE COALESCE(SUM(CASE WHEN agg.tag = 1 THEN agg.c END), 0) END AS prev_count,
    CASE WHEN prev.pid IS NULL THEN NULL
      WHEN cat.aggregation = 'snapshot' THEN COALESCE(SUM(CASE WHEN agg.tag = 1 AND agg.month = snap.pm THEN agg.a END), 0)
      ELSE COALESCE(SUM(CASE WHEN agg.tag = 1 THEN agg.a END), 0) END AS prev_amount,
    CASE WHEN cat.aggregation = 'cumulative' THEN COALESCE(SUM(CASE WHEN agg.tag = 2 THEN agg.c END), 0) END AS cum_count,
    CASE WHEN cat.aggregation = 'cumulative' THEN COALESCE(SUM(CASE WHEN agg.tag = 2 THEN agg.a END), 0) END AS cum_amount,
    MAX(tgt.tc) AS target_count, MAX(tgt.ta) AS target_amount,
    MAX(selft.tc) AS self_target_count, MAX(selft.ta) AS self_target_amount,
    CASE WHEN cat.aggregation = 'snapshot' THEN MAX(snap.hm) END AS as_of
  FROM cat
  LEFT JOIN prev ON prev.cid = cat.id
  LEFT JOIN agg ON agg.cid = cat.id
  LEFT JOIN snap ON snap.cid = cat.id
  LEFT JOIN dist ON dist.cid = cat.id
  LEFT JOIN tgt ON tgt.item_id = cat.id
  LEFT JOIN selft ON selft.item_id = cat.id
  GROUP BY cat.id, cat.code, cat.parent_id, cat.aggregation, prev.pid
)
SELECT code, count, amount, fy_count, fy_amount, prev_count, prev_amount, cum_count,
       cum_amount, target_count, target_amount, self_target_count, self_target_amount, as_of
FROM leaf
UNION ALL
SELECT p.code, SUM(count), SUM(amount), SUM(fy_count), SUM(fy_amount), SUM(prev_count),
       SUM(prev_amount), SUM(cum_count), SUM(cum_amount), SUM(target_count),
       SUM(target_amount), SUM(self_target_count), SUM(self_target_amount), NULL
FROM leaf JOIN kpis_item p ON p.id = leaf.parent_id
GROUP BY p.code
"""

# The reference's columns, in the order of its SELECT lists (the engine names them
# the same: kpis.queries.SUMMED_FIELDS plus as_of; kept here because they spell the SQL).
FIELDS = (
    "count",
    "amount",
    "fy_count",
    "fy_amount",
    "prev_count",
    "prev_amount",
    "cum_count",
    "cum_amount",
    "target_count",
    "target_amount",
    "self_target_count",
    "self_target_amount",
    "as_of",
)

# The previous reference (issue #12's first run): half, previous half and
# distinct members only. Printed for continuity; ratios are against REFERENCE.
HALF_ONLY = """
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

# The allocated target of the scope: its own row, else the roll-up (t holds
# only the rows inside the scope).
TARGET_OF = {
    "council": "SELECT item_id, tc, ta FROM co",
    "block": "SELECT item_id, tc, ta FROM bl WHERE block_id = %(id)s",
    "branch": "SELECT item_id, tc, ta FROM br WHERE branch_id = %(id)s",
    "member": "SELECT item_id, tc, ta FROM t",
}


def reference_sql(
    scope, *, fiscal_year: int = 2024, half: int = 1, sql: str = REFERENCE
) -> tuple[str, dict]:
    from django.db import connection

    from suishin.core import fiscal

    period = fiscal.half_period(fiscal_year, half)
    prev = fiscal.same_period_last_year(period)
    params = {
        "fy": fiscal_year,
        "pfy": fiscal_year - 1,
        "h1": period.first,
        "h2": period.last,
        "y1": fiscal.year_to_date(fiscal_year, half).first,
        "p1": prev.first,
        "p2": prev.last,
    }
    clause = target_clause = ""
    if scope.level == "block":
        clause, params["id"] = "AND r.block_id = %(id)s", scope.block_id
        target_clause = "AND block_id = %(id)s"
    elif scope.level == "branch":
        clause, params["id"] = "AND r.branch_id = %(id)s", scope.branch_id
        target_clause = "AND branch_id = %(id)s"
    elif scope.level == "member":
        clause, params["id"] = "AND r.member_id = %(id)s", scope.member_id
        target_clause = "AND level = 'member' AND member_id = %(id)s"
    month_start = (
        "date(i.cumulative_since, 'start of month')"
        if connection.vendor == "sqlite"
        else "CAST(date_trunc('month', i.cumulative_since) AS date)"
    )
    # Member rows only for the items whose scope has no row of its own (as
    # the engine: the council's own row makes 2.4 M member rows irrelevant).
    own = {
        "council": "level = 'council'",
        "block": "level = 'block' AND block_id = %(id)s",
        "branch": "level = 'branch' AND branch_id = %(id)s",
    }.get(scope.level)
    below = (
        ""
        if own is None
        else "AND (level <> 'member' OR item_id NOT IN (SELECT item_id FROM kpis_target "
        f"WHERE kind = 'allocated' AND {own}))"
    )
    text = sql.format(
        scope=clause,
        target_scope=target_clause,
        below=below,
        # A branch's or a member's rows through the scope's index, not the
        # item index (SQLite's choice otherwise: every member's rows of the item).
        item="+r.item_id" if scope.level in ("branch", "member") else "r.item_id",
        target_item="+item_id" if scope.level == "member" else "item_id",
        target=TARGET_OF[scope.level],
        month_start=month_start,
    )
    return text, params


def reference(scope, *, fiscal_year: int = 2024, half: int = 1, sql: str = REFERENCE) -> list:
    from django.db import connection

    text, params = reference_sql(scope, fiscal_year=fiscal_year, half=half, sql=sql)
    with connection.cursor() as cursor:
        cursor.execute(text, params)
        return cursor.fetchall()


def _value(name: str, v):
    """The database's value as the engine's type (SQLite gives dates as text,
    PostgreSQL sums as Decimal)."""
    import datetime as dt

    if v is None:
        return None
    if name == "as_of":
        return v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v))
    return int(v)


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


def check_same_figures(scope, *, fiscal_year: int = 2024, half: int = 1) -> int:
    """Every figure of every imported item (leaves and totals) equal between the
    engine and the reference, else raise. Returns the number of figures compared."""
    from suishin.kpis.queries import compute_figures

    ref = {
        code: {n: _value(n, v) for n, v in zip(FIELDS, row, strict=True)}
        for code, *row in reference(scope, fiscal_year=fiscal_year, half=half)
    }
    figures = compute_figures(fiscal_year=fiscal_year, half=half, scope=scope)
    checked = 0
    for f in figures.items:
        if f.source:
            continue  # provider items: not in kpis_result (the benchmark has none)
        if f.code not in ref:
            raise SystemExit(f"the reference has no row for {f.code}")
        mine = {n: getattr(f, n) for n in FIELDS}
        if f.children:
            mine["as_of"] = None
        if mine != ref[f.code]:
            diff = {n: (mine[n], ref[f.code][n]) for n in FIELDS if mine[n] != ref[f.code][n]}
            raise SystemExit(f"figures differ for {f.code} (engine, reference): {diff}")
        checked += len(FIELDS)
    if not checked:
        raise SystemExit("nothing compared")
    return checked


def explain(scope, *, half: int = 1) -> str:
    from django.db import connection

    sql, params = reference_sql(scope, half=half)
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        return "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())


def explain_engine(scope, top: int = 3, *, half: int = 1) -> str:
    """EXPLAIN the engine's `top` slowest statements for this scope."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from suishin.kpis.queries import compute_figures

    with CaptureQueriesContext(connection) as ctx:
        compute_figures(fiscal_year=2024, half=half, scope=scope)
    slowest = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:top]
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    out = [
        f"engine: {len(ctx.captured_queries)} statements, "
        f"{sum(float(q['time']) for q in ctx.captured_queries):.4f} s in execute"
    ]
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
    parser.add_argument("--half", type=int, choices=[1, 2], default=1)
    parser.add_argument("--only", default="council,block,branch,member", help="scopes to run")
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args(argv)
    configure(args.db, fresh=False)

    from django.db import connection

    from suishin.kpis.models import Result
    from suishin.kpis.queries import compute_figures
    from suishin.reports import renderers
    from suishin.reports.engine import build_report

    fy, half = 2024, args.half
    print(
        f"database: {connection.vendor} ({connection.settings_dict['NAME']}), {Result.objects.count():,} results"
    )
    print(json.dumps({"load_average": os.getloadavg()}))
    only = set(args.only.split(","))
    for label, scope in scopes():
        if label not in only:
            continue
        checked = check_same_figures(scope, fiscal_year=fy, half=half)

        def engine(scope=scope):
            return compute_figures(fiscal_year=fy, half=half, scope=scope)

        def report(scope=scope, label=label):
            report = build_report(
                fiscal_year=fy,
                half=half,
                scope=None if label == "council" else scope,
                links=False,
                charts=False,
            )
            return renderers.render(report, "json")

        ref = timed(lambda scope=scope: reference(scope, fiscal_year=fy, half=half), args.repeat)
        old = timed(
            lambda scope=scope: reference(scope, fiscal_year=fy, half=half, sql=HALF_ONLY),
            args.repeat,
        )
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
                    "half_only_reference_s": round(old, 4),
                    "figures_checked_equal": checked,
                }
            ),
            flush=True,
        )
        if args.explain:
            print(f"--- reference plan ({label})\n{explain(scope, half=half)}")
            print(f"--- engine plans ({label})\n{explain_engine(scope, half=half)}")
    print(json.dumps({"load_average": os.getloadavg()}))


if __name__ == "__main__":
    main()
