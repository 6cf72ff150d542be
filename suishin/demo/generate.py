"""Deterministic generator of the demo data files under suishin/demo/data/.

    python -m suishin.demo.generate [--out DIR] [--check]

The files describe a synthetic 北海道 council (6 real block names, 36 fictional
店・出張所, about 1,100 fictional member unions) whose FY2024 上期 and FY2023 上期
figures are exactly the seed document's (docs/demo-catalog.md, docs/demo-data.md).
What is real: the seed's totals. What is invented: names, headcounts, and how
each total is spread over members, branches and months.

Invariants
- Same code, same bytes. Every random choice comes from `random.Random` seeded
  with a string (SHA-512 seeding, stable across Python versions) and only its
  `random()` method, combined with IEEE +,-,*,/ and integer arithmetic: no
  library distributions, no transcendental functions. The XLSX example is
  re-packed with fixed timestamps and without compression.
- Every figure of H1_FIGURES, CUMULATIVE_TOTALS and TARGETS is met exactly: units are
  scattered by weight, money is apportioned by largest remainder in whole
  units (1,000 or 10,000 yen).
- Composite items agree per member and month, as the seed's own numbers do
  (1,617 = 175 + 761 + 681; 15,477 = 10,244 + 5,158 + 75):
  SVC_ASSET = IDECO_NEW + TOSHIN_NEW + JGB_NEW; NONFACE = APP_CONTRACT +
  ECO_PASSBOOK + CONTACT_IB; SVC_DEPOSIT ≥ ZAIKEI_NEW + ACE_NEW; SVC_LOAN ≥
  the loan items; MOV_PUBLISH = POLICY_MEMBERS ∪ NEWSLETTER_MEMBERS (disjoint).
- Items whose figures come from other records (a `source`) and totals (items
  with children) get no result rows. The movement items (POLICY_MEMBERS,
  NEWSLETTER_MEMBERS, COMMITTEE_MEMBERS, MOV_PUBLISH) are computed from the
  unions' movement reports, written to movement_reports.csv; the members' 自主
  targets go to self_targets.csv (import kind self_targets).
"""

from __future__ import annotations

import argparse
import bisect
import csv
import datetime as dt
import io
import random
import re
import sys
import tempfile
import unicodedata
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from suishin.demo.spec import (
    ALLOCATED_ITEMS,
    BIG_CITIES,
    BLOCKS,
    BRANCH_ITEMS,
    BRANCHES,
    CATALOG,
    COMPOSITES,
    CUMULATIVE_TOTALS,
    FEDERATIONS,
    FLAT,
    FY_NOW,
    FY_PREV,
    H1_FIGURES,
    HISTORY,
    MEMBER_SUM_ITEMS,
    MONEY,
    NEW_MEMBERS_FY2024,
    RARE_STEMS,
    RETIREE_FEDERATIONS,
    SAPPORO_WARDS,
    SEASON,
    SELF_TARGET_MEMBERS,
    SORT_ORDER,
    STEMS,
    TARGETS,
)

SEED = "suishin-demo-2024"
DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass
class Member:
    code: str
    name: str
    federation: str
    branch: str  # 店番
    headcount: dict[int, int]  # fiscal year → 組合員数
    engagement: int  # per-mille activity factor (some unions push ろうきん harder)

    def exists(self, fiscal_year: int) -> bool:
        return fiscal_year in self.headcount


@dataclass
class Council:
    members: list[Member] = field(default_factory=list)

    def in_year(self, fiscal_year: int) -> list[Member]:
        return [m for m in self.members if m.exists(fiscal_year)]


# --------------------------------------------------------------------------
# Deterministic primitives.
# --------------------------------------------------------------------------


def rng_for(name: str) -> random.Random:
    """One independent stream per purpose, so changing one part of the data
    does not reshuffle every other part."""
    return random.Random(f"{SEED}:{name}")


def pick(cumulative: list[int], rng: random.Random) -> int:
    """Index drawn with probability ∝ weight; `cumulative` holds running sums."""
    return bisect.bisect_right(cumulative, int(rng.random() * cumulative[-1]))


def running(weights: list[int]) -> list[int]:
    out, total = [], 0
    for w in weights:
        total += w
        out.append(total)
    return out


def apportion(total: int, weights: list[int]) -> list[int]:
    """Split `total` in proportion to integer weights, exactly (largest remainder,
    ties to the earlier index)."""
    s = sum(weights)
    if s <= 0:
        raise ValueError("apportion needs a positive weight")
    shares = [total * w // s for w in weights]
    rest = total - sum(shares)
    order = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % s), i))
    for i in order[:rest]:
        shares[i] += 1
    return shares


def noise(rng: random.Random, low: int = 500, high: int = 1500) -> int:
    """A per-mille factor uniform in [low, high)."""
    return low + int(rng.random() * (high - low))


def heavy(rng: random.Random) -> int:
    """A per-mille factor with a long right tail: mostly 0.4–1.2, a few up to 5.2."""
    return 400 + int(800 * rng.random()) + int(20 / (1.0 - 0.995 * rng.random()))


def months_between(first: str, last: str) -> list[str]:
    y, m = map(int, first.split("-"))
    out = []
    while True:
        key = f"{y:04d}-{m:02d}"
        out.append(key)
        if key == last:
            return out
        m += 1
        if m == 13:
            y, m = y + 1, 1


def h1_months(fiscal_year: int) -> list[str]:
    return months_between(f"{fiscal_year}-04", f"{fiscal_year}-09")


# --------------------------------------------------------------------------
# Members.
# --------------------------------------------------------------------------


def _short(muni: str) -> str:
    return muni[:-1] if muni[-1] in "市町村" else muni


def _normalised(name: str) -> str:
    return unicodedata.normalize("NFKC", name).replace(" ", "")


def build_council() -> Council:
    """Members per branch in 店番 order, then codes K00001.. in that order; the
    FY2024 newcomers get the codes after the last FY2023 member."""
    rng = rng_for("members")
    fed_cum = running([w for _, w, _ in FEDERATIONS])
    seen: set[str] = set()
    specs: list[tuple[str, str, str, int]] = []  # branch, name, federation, base size
    for code, _name, _block, munis, count in BRANCHES:
        for _ in range(count):
            specs.append((code, *_member_name(rng, munis, fed_cum, seen)))
    branch_codes = [b[0] for b in BRANCHES]
    branch_cum = running([b[4] for b in BRANCHES])
    for _ in range(NEW_MEMBERS_FY2024):
        code = branch_codes[pick(branch_cum, rng)]
        munis = next(b[3] for b in BRANCHES if b[0] == code)
        specs.append((code, *_member_name(rng, munis, fed_cum, seen)))

    council = Council()
    n_old = len(specs) - NEW_MEMBERS_FY2024
    for i, (branch, name, federation, size) in enumerate(specs):
        hc24 = max(10, min(9_000, size * heavy(rng) // 1000))
        headcount = {FY_NOW: hc24}
        if i < n_old:  # membership shrinks slowly: FY2023 a little larger
            headcount[FY_PREV] = max(10, hc24 * (1000 + int(rng.random() * 55) - 10) // 1000)
        council.members.append(
            Member(
                code=f"K{i + 1:05d}",
                name=name,
                federation=federation,
                branch=branch,
                headcount=headcount,
                engagement=noise(rng, 600, 1500),
            )
        )
    return council


def _member_name(
    rng: random.Random, munis: list[str], fed_cum: list[int], seen: set[str]
) -> tuple[str, str, int]:
    """A unique (as normalised) fictional union name, its 産別 and a base size."""
    muni_weights = [4] + [1] * (len(munis) - 1)  # the branch's own town first
    muni_cum = running(muni_weights)
    for _attempt in range(200):
        federation, _w, patterns = FEDERATIONS[pick(fed_cum, rng)]
        pattern, base = patterns[int(rng.random() * len(patterns))]
        muni = munis[pick(muni_cum, rng)]
        if "{city}" in pattern and not muni.endswith("市"):
            continue
        area = _short(muni)
        if muni == "札幌市":
            area = "札幌" + SAPPORO_WARDS[int(rng.random() * len(SAPPORO_WARDS))]
        stem = STEMS[int(rng.random() * len(STEMS))]
        roll = rng.random()
        if roll < 0.25:  # a local firm named after its town
            stem = _short(muni)
        elif roll < 0.27:
            stem = RARE_STEMS[int(rng.random() * len(RARE_STEMS))]
        name = pattern.format(muni=muni, city=muni, area=area, short=_short(muni), stem=stem)
        key = _normalised(name)
        if key in seen:
            continue
        seen.add(key)
        size = base
        if "{muni}" in pattern or "{city}" in pattern or "{short}" in pattern:
            if muni in BIG_CITIES:
                size = base * BIG_CITIES[muni]
            elif not muni.endswith("市"):
                size = max(10, base * 3 // 10)
        return name, federation, size
    raise RuntimeError("could not find a unique member name")


# --------------------------------------------------------------------------
# Results.
# --------------------------------------------------------------------------

Key = tuple[str, str, str, str]  # (month, item, level, code) level: member/branch/council


class Results:
    def __init__(self) -> None:
        self.cells: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
        # Movement reports: (fiscal year, member code, kind, date YYYY-MM-DD).
        self.movements: list[tuple[int, str, str, str]] = []

    def add(
        self, month: str, item: str, level: str, code: str, count: int = 0, amount: int = 0
    ) -> None:
        cell = self.cells[(month, item, level, code)]
        cell[0] += count
        cell[1] += amount


def member_weights(
    members: list[Member], fiscal_year: int, rng: random.Random, item: str
) -> list[int]:
    boost = {"RETIRE_FUNDS": RETIREE_FEDERATIONS}.get(item, {})
    return [
        max(
            1,
            m.headcount[fiscal_year]
            * m.engagement
            * noise(rng, 750, 1250)
            * boost.get(m.federation, 1)
            // 1_000_000,
        )
        for m in members
    ]


def scatter_units(
    n: int,
    members: list[Member],
    weights: list[int],
    months: list[str],
    season: list[int],
    rng: random.Random,
) -> list[tuple[str, str]]:
    """n units (loans, contracts...) as (member code, month), by member weight and season."""
    m_cum, s_cum = running(weights), running(season)
    return [(members[pick(m_cum, rng)].code, months[pick(s_cum, rng)]) for _ in range(n)]


def money(total: int, n: int, item: str, rng: random.Random) -> list[int]:
    """n amounts summing to `total`, each a whole number of units above the minimum."""
    unit, min_units, _ = MONEY[item]
    if total % unit:
        raise ValueError(f"{item}: {total} is not a multiple of {unit}")
    units = total // unit
    rest = units - n * min_units
    if rest < 0:
        raise ValueError(f"{item}: {total} too small for {n} items")
    shares = apportion(rest, [heavy(rng) for _ in range(n)])
    return [(min_units + s) * unit for s in shares]


def generate_results(council: Council) -> Results:
    results = Results()
    for fy in (FY_PREV, FY_NOW):
        _member_items(results, council, fy)
        _distinct_items(results, council, fy)
        _branch_items(results, council, fy)
        _council_items(results, fy)
    _history(results, council)
    return results


def _member_items(results: Results, council: Council, fy: int) -> None:
    members = council.in_year(fy)
    months = h1_months(fy)
    figures = H1_FIGURES[fy]
    for item in MEMBER_SUM_ITEMS:
        rng = rng_for(f"results:{fy}:{item}")
        count, amount = figures[item]
        parts = COMPOSITES.get(item)
        if parts:  # composite: the parts' cells, plus the rest scattered
            for (month, part, level, member), cell in list(results.cells.items()):
                if part in parts and level == "member" and month in months:
                    results.add(month, item, "member", member, cell[0])
            count -= sum(figures[p][0] for p in parts)
            if count < 0:
                raise ValueError(f"{item}: parts exceed the total in FY{fy}")
        pool = members
        if item == "UNION_SCHOLAR":  # 組合保証: 自治労 only
            pool = [m for m in members if m.federation == "自治労"]
        weights = member_weights(pool, fy, rng, item)
        hidden = MONEY.get(item, (0, 0, {}))[2].get(fy)
        n = hidden if hidden else count
        units = scatter_units(n, pool, weights, months, SEASON.get(item, FLAT), rng)
        amounts = [0] * n
        if item in MONEY and amount:  # UNION_SCHOLAR's amounts come from its cumulative pool
            amounts = money(amount, n, item, rng)
        for (code, month), yen in zip(units, amounts, strict=True):
            results.add(month, item, "member", code, 0 if hidden else 1, yen)


MOVEMENT_KINDS = {
    "POLICY_MEMBERS": "policy",
    "NEWSLETTER_MEMBERS": "newsletter",
    "COMMITTEE_MEMBERS": "committee",
}
# (報告の種類 as written in movement_reports.csv, 内容) per kind.
MOVEMENT_TEXT = {
    "policy": ("大会議案書への方針化", "定期大会の議案書にろうきん運動の方針を掲載"),
    "newsletter": ("機関紙掲載", "組合機関紙にろうきんの商品・サービスを掲載"),
    "committee": ("職場推進委員会設置", "職場推進委員会を設置"),
}


def _report_day(month: str, code: str) -> str:
    """A day of `month` (YYYY-MM) that depends only on the member code."""
    return f"{month}-{1 + int(code[1:]) * 7 % 28:02d}"


def _distinct_items(results: Results, council: Council, fy: int) -> None:
    """The movement items: one report per member and half (POLICY_MEMBERS,
    NEWSLETTER_MEMBERS) or per member as of the half's last month
    (COMMITTEE_MEMBERS)."""
    members = council.in_year(fy)
    months = h1_months(fy)
    figures = H1_FIGURES[fy]
    rng = rng_for(f"distinct:{fy}")
    weights = [max(1, m.headcount[fy] * m.engagement // 1000) for m in members]

    def choose(k: int, exclude: set[str], boost: set[str] = frozenset()) -> list[Member]:
        w = [
            0 if m.code in exclude else wt * (3 if m.code in boost else 1)
            for m, wt in zip(members, weights, strict=True)
        ]
        chosen: list[Member] = []
        for _ in range(k):
            i = pick(running(w), rng)
            chosen.append(members[i])
            w[i] = 0
        return chosen

    policy = choose(figures["POLICY_MEMBERS"][0], set())
    newsletter = choose(figures["NEWSLETTER_MEMBERS"][0], {m.code for m in policy})
    for item, chosen in (("POLICY_MEMBERS", policy), ("NEWSLETTER_MEMBERS", newsletter)):
        s_cum = running(SEASON.get(item, FLAT))
        for m in sorted(chosen, key=lambda m: m.code):
            month = months[pick(s_cum, rng)]
            results.movements.append((fy, m.code, MOVEMENT_KINDS[item], _report_day(month, m.code)))
    if figures["MOV_PUBLISH"][0] != len(policy) + len(newsletter):
        raise ValueError("MOV_PUBLISH must be POLICY_MEMBERS + NEWSLETTER_MEMBERS")
    # Committees persist: FY2024's are mostly FY2023's (weighted ×3), a few are new.
    previous = set()
    if fy == FY_NOW:
        previous = {code for (_fy, code, kind, _d) in results.movements if kind == "committee"}
    for m in sorted(choose(figures["COMMITTEE_MEMBERS"][0], set(), previous), key=lambda m: m.code):
        results.movements.append((fy, m.code, "committee", _report_day(months[-1], m.code)))


def _branch_sizes(council: Council, fy: int) -> list[int]:
    sizes = defaultdict(int)
    for m in council.in_year(fy):
        sizes[m.branch] += m.headcount[fy]
    return [sizes[b[0]] for b in BRANCHES]


def _branch_items(results: Results, council: Council, fy: int) -> None:
    months = h1_months(fy)
    sizes = _branch_sizes(council, fy)
    codes = [b[0] for b in BRANCHES]
    for item in BRANCH_ITEMS:
        rng = rng_for(f"branch:{fy}:{item}")
        total = H1_FIGURES[fy][item][0]
        season = SEASON.get(item, FLAT)
        if total >= 10_000:  # large counts: a smooth grid, apportioned exactly
            grid = [(b, mo) for b in range(len(codes)) for mo in range(len(months))]
            wb = [sizes[b] * noise(rng, 700, 1300) // 1000 for b in range(len(codes))]
            weights = [wb[b] * season[mo] * noise(rng, 900, 1100) // 1000 for b, mo in grid]
            for (b, mo), n in zip(grid, apportion(total, weights), strict=True):
                if n:
                    results.add(months[mo], item, "branch", codes[b], n)
        else:
            b_cum, s_cum = running([s * noise(rng) // 1000 + 1 for s in sizes]), running(season)
            for _ in range(total):
                results.add(months[pick(s_cum, rng)], item, "branch", codes[pick(b_cum, rng)], 1)
    # 年金受取口座数: a snapshot per branch and month, growing a little each month.
    rng = rng_for(f"branch:{fy}:PENSION_ACCOUNTS")
    end = apportion(
        H1_FIGURES[fy]["PENSION_ACCOUNTS"][0], [s * noise(rng) // 1000 + 1 for s in sizes]
    )
    for b, code in enumerate(codes):
        value = end[b]
        for month in reversed(months):
            results.add(month, "PENSION_ACCOUNTS", "branch", code, value)
            value = max(0, value - value * int(rng.random() * 8) // 1000)


def _council_items(results: Results, fy: int) -> None:
    rng = rng_for(f"council:{fy}:SITE_ACCESS")
    weights = [noise(rng, 800, 1200) for _ in range(6)]
    for month, n in zip(
        h1_months(fy), apportion(H1_FIGURES[fy]["SITE_ACCESS"][0], weights), strict=True
    ):
        results.add(month, "SITE_ACCESS", "council", "", n)


def _history(results: Results, council: Council) -> None:
    """The months of the cumulative items outside the two 上期 (FY2023's members)."""
    members = council.in_year(FY_PREV)
    for item, chunks in HISTORY.items():
        rng = rng_for(f"history:{item}")
        pool = (
            [m for m in members if m.federation == "自治労"] if item == "UNION_SCHOLAR" else members
        )
        weights = member_weights(pool, FY_PREV, rng, item)
        units: list[tuple[str, str]] = []
        for first, last, n in chunks:
            months = months_between(first, last)
            units += scatter_units(n, pool, weights, months, [noise(rng) for _ in months], rng)
        total_count, total_amount = CUMULATIVE_TOTALS[item]
        fixed_count = sum(H1_FIGURES[fy][item][0] for fy in (FY_PREV, FY_NOW))
        if total_count != fixed_count + len(units):
            raise ValueError(f"{item}: history does not add up to {total_count}")
        amounts = [0] * len(units)
        if total_amount:
            h1_amounts = [H1_FIGURES[fy][item][1] for fy in (FY_PREV, FY_NOW)]
            if all(h1_amounts):  # 上期 amounts fixed by the seed: the rest is history's
                amounts = money(total_amount - sum(h1_amounts), len(units), item, rng)
            else:  # one pool shared by every loan, 上期 included
                h1_units = [
                    (month, code)
                    for (month, it, level, code), cell in sorted(results.cells.items())
                    if it == item and level == "member"
                    for _ in range(cell[0])
                ]
                shares = money(total_amount, len(units) + len(h1_units), item, rng)
                amounts = shares[: len(units)]
                for (month, code), yen in zip(h1_units, shares[len(units) :], strict=True):
                    results.add(month, item, "member", code, 0, yen)
        for (code, month), yen in zip(units, amounts, strict=True):
            results.add(month, item, "member", code, 1, yen)


# --------------------------------------------------------------------------
# Targets.
# --------------------------------------------------------------------------


def generate_targets(council: Council) -> list[tuple[int, str, str, int | None, int | None, str]]:
    """(年度, 項目コード, 対象, 目標件数, 目標金額, 種別) rows: council targets, their
    allocation to branches (by 組合員数) and to members within each branch, then
    the members' own (自主) targets."""
    rows: list[tuple[int, str, str, int | None, int | None, str]] = []
    for fy in (FY_PREV, FY_NOW):
        members = council.in_year(fy)
        by_branch: dict[str, list[Member]] = defaultdict(list)
        for m in members:
            by_branch[m.branch].append(m)
        sizes = _branch_sizes(council, fy)
        allocated: dict[tuple[str, str], int] = {}
        member_rows, branch_rows = [], []
        for item, (count, amount) in TARGETS[fy].items():
            rows.append((fy, item, "全体", count, amount, "配分"))
            if item not in ALLOCATED_ITEMS:
                continue
            for (code, *_), share in zip(BRANCHES, apportion(count, sizes), strict=True):
                if share:
                    branch_rows.append((fy, item, code, share, None, "配分"))
                inside = by_branch[code]
                for m, n in zip(
                    inside, apportion(share, [m.headcount[fy] for m in inside]), strict=True
                ):
                    allocated[(m.code, item)] = n
                    if n:
                        member_rows.append((fy, item, m.code, n, None, "配分"))
        order = {code: i for i, code in enumerate(ALLOCATED_ITEMS)}
        rows += sorted(branch_rows, key=lambda r: (r[2], order[r[1]]))
        rows += sorted(member_rows, key=lambda r: (r[2], order[r[1]]))
        rows += _self_targets(members, fy, allocated)
    return rows


def _self_targets(members: list[Member], fy: int, allocated: dict[tuple[str, str], int]):
    """自主 targets of exactly SELF_TARGET_MEMBERS[fy] members (bigger, keener
    unions first), each for SVC_MAIN and some of the other allocated items,
    near their allocated share and never zero."""
    rng = rng_for(f"self-targets:{fy}")
    w = [max(1, m.headcount[fy] * m.engagement // 1000) for m in members]
    chosen: list[Member] = []
    for _ in range(SELF_TARGET_MEMBERS[fy]):
        i = pick(running(w), rng)
        chosen.append(members[i])
        w[i] = 0
    rows = []
    for m in sorted(chosen, key=lambda m: m.code):
        for item in ALLOCATED_ITEMS:
            if item != "SVC_MAIN" and rng.random() < 0.4:
                continue
            base = allocated.get((m.code, item), 0)
            value = base * noise(rng, 800, 1300) // 1000 if base else 1 + int(rng.random() * 3)
            rows.append((fy, item, m.code, max(1, value), None, "自主"))
    return rows


# --------------------------------------------------------------------------
# Files.
# --------------------------------------------------------------------------

ITEM_HEADER = [
    "年度",
    "項目コード",
    "項目名",
    "区分",
    "単位",
    "集計方法",
    "寄付単価",
    "親項目コード",
    "集計元",
    "累計起算日",
    "表示順",
]
RESULT_HEADER = ["年月", "会員コード", "店番", "項目コード", "件数", "金額"]
TARGET_HEADER = ["年度", "項目コード", "対象", "目標件数", "目標金額", "種別"]
SELF_TARGET_HEADER = ["年度", "会員コード", "項目コード", "自主目標"]
MOVEMENT_HEADER = ["会員コード", "報告の種類", "実施日", "内容"]
MEMBER_HEADER = ["会員コード", "会員名", "産別", "店番", "組合員数", "年度"]


def _csv_bytes(header: list[str], rows, encoding: str = "utf-8-sig") -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return buf.getvalue().encode(encoding)


def item_rows() -> list[list]:
    rows = []
    for fy in range(2017, FY_NOW + 1):
        for item in CATALOG:
            if fy < FY_PREV and not (item.aggregation == "cumulative" and item.first_year <= fy):
                continue
            rows.append(
                [
                    fy,
                    item.code,
                    item.name,
                    item.group,
                    item.unit,
                    item.aggregation,
                    item.rate,
                    item.parent,
                    item.source,
                    item.since,
                    SORT_ORDER[item.code],
                ]
            )
    return rows


def result_rows(results: Results, months: set[str]) -> list[list]:
    def sort_key(key: Key):
        month, item, level, code = key
        return (month, SORT_ORDER[item], {"council": 0, "branch": 1, "member": 2}[level], code)

    rows = []
    for key in sorted((k for k in results.cells if k[0] in months), key=sort_key):
        month, item, level, code = key
        count, amount = results.cells[key]
        if not count and not amount:
            continue
        member = code if level == "member" else ""
        branch = code if level == "branch" else ""
        rows.append([month, member, branch, item, count, amount])
    return rows


def build_files() -> dict[str, bytes]:
    """Every file, name → bytes (names relative to the data directory)."""
    council = build_council()
    results = generate_results(council)
    targets = generate_targets(council)
    files: dict[str, bytes] = {}
    files["blocks.csv"] = _csv_bytes(["ブロック名"], [[b] for b in BLOCKS])
    files["branches.csv"] = _csv_bytes(
        ["店番", "店名", "ブロック名"], [[c, n, b] for c, n, b, _, _ in BRANCHES]
    )
    files["members.csv"] = _csv_bytes(
        MEMBER_HEADER,
        [
            [m.code, m.name, m.federation, m.branch, m.headcount[fy], fy]
            for m in council.members
            for fy in sorted(m.headcount)
        ],
    )
    files["items.csv"] = _csv_bytes(ITEM_HEADER, item_rows())
    files["targets.csv"] = _csv_bytes(TARGET_HEADER, [r for r in targets if r[5] != "自主"])
    files["self_targets.csv"] = _csv_bytes(
        SELF_TARGET_HEADER,
        [
            [fy, scope, item, count]
            for fy, item, scope, count, _a, kind in targets
            if kind == "自主"
        ],
    )
    files["movement_reports.csv"] = _csv_bytes(
        MOVEMENT_HEADER,
        [
            [code, MOVEMENT_TEXT[kind][0], day, MOVEMENT_TEXT[kind][1]]
            for _fy, code, kind, day in sorted(results.movements, key=lambda m: (m[3], m[1], m[2]))
        ],
    )
    all_months = {k[0] for k in results.cells}
    h1 = {fy: set(h1_months(fy)) for fy in (FY_PREV, FY_NOW)}
    files["results_history.csv"] = _csv_bytes(
        RESULT_HEADER, result_rows(results, all_months - h1[FY_PREV] - h1[FY_NOW])
    )
    files["results_fy2023.csv"] = _csv_bytes(RESULT_HEADER, result_rows(results, h1[FY_PREV]))
    files["results_fy2024.csv"] = _csv_bytes(RESULT_HEADER, result_rows(results, h1[FY_NOW]))
    files["examples/results_sample_cp932.csv"] = results_sample_cp932(council)
    files["examples/targets_sample.xlsx"] = targets_sample_xlsx(targets)
    return files


# --------------------------------------------------------------------------
# Examples for the importers and the docs.
# --------------------------------------------------------------------------

_FULLWIDTH = str.maketrans("0123456789,", "０１２３４５６７８９，")


def results_sample_cp932(council: Council) -> bytes:
    """What a bank branch might send from Excel on Windows: CP932, Japanese
    headers, a 令和 month, full-width digits and commas, a quoted ASCII
    thousands separator, a full-width 店番, and ▲ for a net decrease
    (投信契約者増加数 within 預かり資産 can fall in a month). 2024年10月 (下期), so
    importing it into the demo adds figures without touching the 上期."""
    members = [m for m in council.in_year(FY_NOW) if m.branch == "007"][:4]
    rows = [
        ["令和6年10月", members[0].code, "", "SVC_MAIN", "１２".translate(_FULLWIDTH), "0"],
        ["令和6年10月", members[0].code, "", "SVC_DEPOSIT", "５", "0"],
        ["令和6年10月", members[1].code, "", "SVC_MAIN", "3", "0"],
        ["令和6年10月", members[1].code, "", "SVC_ASSET", "▲１", "0"],
        ["2024年10月", members[2].code, "", "SVC_LOAN", "２", "0"],
        ["2024年10月", members[2].code, "", "MORTGAGE", "0", "２８，５００，０００"],
        ["2024/10", members[3].code, "", "NONFACE", "７", "0"],
        ["2024/10", "", "００７", "ATM_USE", "２１，４０８", "0"],
        ["2024/10", "", "007", "CHARGE", "5,317", "0"],
        ["2024-10", "", "", "SITE_ACCESS", "９８７", "0"],
    ]
    return _csv_bytes(RESULT_HEADER, rows, encoding="cp932")


FIXED_TIME = dt.datetime(2024, 10, 1, 9, 0, 0)


def targets_sample_xlsx(targets) -> bytes:
    """The members' FY2024 自主 targets as the secretariat might collect them in
    Excel: every row of targets.csv of that year and kind, so importing it into
    the demo (as the secretariat or the bank) changes nothing: a targets file
    replaces all targets of the (item, 種別) pairs it contains. Codes are text
    cells, years and figures numeric cells with a thousands format."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "自主目標"
    ws.append(TARGET_HEADER)
    for fy, item, scope, count, amount, kind in targets:
        if fy == FY_NOW and kind == "自主":
            ws.append([fy, item, scope, count, amount, kind])
            ws.cell(row=ws.max_row, column=3).number_format = "@"
            ws.cell(row=ws.max_row, column=4).number_format = "#,##0"
    ws.column_dimensions["B"].width = 16
    ws.column_dimensions["C"].width = 10
    wb.properties.creator = "suishin demo"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    raw = io.BytesIO()
    wb.save(raw)
    return _repack_zip(raw.getvalue())


def _repack_zip(data: bytes) -> bytes:
    """The same archive with fixed timestamps and stored (uncompressed) entries,
    so the bytes do not depend on the clock or the zlib version."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst,
    ):
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.external_attr = 0o600 << 16
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\g<2>",
                    data,
                )
            dst.writestr(entry, data)
    return out.getvalue()


# --------------------------------------------------------------------------
# Command line.
# --------------------------------------------------------------------------


def write_files(out: Path) -> dict[str, bytes]:
    files = build_files()
    for name, data in files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m suishin.demo.generate", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--out", type=Path, default=DATA_DIR, help="output directory (default: suishin/demo/data)"
    )
    parser.add_argument(
        "--check", action="store_true", help="regenerate into a temporary directory and compare"
    )
    args = parser.parse_args(argv)
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            files = write_files(Path(tmp))
        stale = [name for name, data in files.items() if (args.out / name).read_bytes() != data]
        for name in stale:
            print(f"differs: {name}", file=sys.stderr)
        return 1 if stale else 0
    files = write_files(args.out)
    for name, data in sorted(files.items()):
        rows = f"{data.count(b'\n') - 1:>8,} rows" if name.endswith(".csv") else ""
        print(f"{name:<40} {len(data):>10,} bytes {rows}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
