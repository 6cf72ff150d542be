"""Read the committed demo files with the csv module, and compute figures from
them under the catalog's rules, independently of the importer and the engine.

Rules (docs/report.md, docs/demo-catalog.md):
- sum: Σ count and Σ amount over the period's months;
- distinct_members: the number of distinct members with a non-zero count;
- snapshot: Σ count over the rows of the latest month of the period that has rows;
- cumulative: Σ over the months from the month of 累計起算日 through the period's
  last month, across fiscal years (items matched by code);
- 集計元 selfservice.movement:<kind>: the number of distinct members with a
  report of that kind (publish: policy or newsletter) in movement_reports.csv
  dated in the period.
"""

from __future__ import annotations

import csv
import functools
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from suishin.demo.loader import DATA_DIR

RESULT_FILES = ["results_history.csv", "results_fy2023.csv", "results_fy2024.csv"]


def read(name: str, directory: Path = DATA_DIR) -> list[dict[str, str]]:
    with open(directory / name, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@functools.cache
def table(name: str) -> tuple[dict[str, str], ...]:
    return tuple(read(name))


@dataclass(frozen=True)
class Row:
    month: str
    member: str
    branch: str
    item: str
    count: int
    amount: int
    file: str
    line: int


@functools.cache
def results() -> tuple[Row, ...]:
    rows = []
    for name in RESULT_FILES:
        for line, r in enumerate(table(name), start=2):
            rows.append(
                Row(
                    r["年月"],
                    r["会員コード"],
                    r["店番"],
                    r["項目コード"],
                    int(r["件数"]),
                    int(r["金額"]),
                    name,
                    line,
                )
            )
    return tuple(rows)


@functools.cache
def catalog() -> dict[tuple[int, str], dict[str, str]]:
    return {(int(r["年度"]), r["項目コード"]): r for r in table("items.csv")}


def half_months(fiscal_year: int) -> list[str]:
    return [f"{fiscal_year}-{m:02d}" for m in range(4, 10)]


@functools.cache
def _by_item() -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = defaultdict(list)
    for row in results():
        out[row.item].append(row)
    return out


def rows_of(item: str, months: list[str] | None = None) -> list[Row]:
    rows = _by_item().get(item, [])
    if months is None:
        return rows
    wanted = set(months)
    return [r for r in rows if r.month in wanted]


MOVEMENT_LABELS = {
    "policy": "大会議案書への方針化",
    "newsletter": "機関紙掲載",
    "committee": "職場推進委員会設置",
}
MOVEMENT_SOURCE = "selfservice.movement:"


@dataclass(frozen=True)
class Movement:
    member: str
    kind: str  # 報告の種類 as written
    day: str  # YYYY-MM-DD


@functools.cache
def movements() -> tuple[Movement, ...]:
    return tuple(
        Movement(r["会員コード"], r["報告の種類"], r["実施日"])
        for r in table("movement_reports.csv")
    )


def movement_members(arg: str, months: list[str]) -> set[str]:
    """Members with a report of kind `arg` (publish = policy or newsletter) in `months`."""
    kinds = ["policy", "newsletter"] if arg == "publish" else [arg]
    labels = {MOVEMENT_LABELS[k] for k in kinds}
    wanted = set(months)
    return {m.member for m in movements() if m.kind in labels and m.day[:7] in wanted}


def h1(item: str, fiscal_year: int) -> tuple[int, int]:
    """The 上期 figure (count, amount) under the item's aggregation in that year's catalog."""
    source = catalog()[(fiscal_year, item)]["集計元"]
    if source.startswith(MOVEMENT_SOURCE):
        arg = source.removeprefix(MOVEMENT_SOURCE)
        return len(movement_members(arg, half_months(fiscal_year))), 0
    aggregation = catalog()[(fiscal_year, item)]["集計方法"]
    rows = rows_of(item, half_months(fiscal_year))
    if aggregation == "distinct_members":
        return len({r.member for r in rows if r.count}), 0
    if aggregation == "snapshot":
        latest = max(r.month for r in rows)
        rows = [r for r in rows if r.month == latest]
    return sum(r.count for r in rows), sum(r.amount for r in rows)


def cumulative(item: str, through: str) -> tuple[int, int]:
    """From the month of the item's 累計起算日 through `through` (YYYY-MM), all years."""
    fiscal_year = int(through[:4]) if int(through[5:]) >= 4 else int(through[:4]) - 1
    since = catalog()[(fiscal_year, item)]["累計起算日"][:7]
    rows = [r for r in rows_of(item) if since <= r.month <= through]
    return sum(r.count for r in rows), sum(r.amount for r in rows)
