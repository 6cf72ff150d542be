"""Deterministic national-scale data in the import contract (issue #12).

    .venv/bin/python -m bench.generate --out /tmp/suishin-national            # full scale
    .venv/bin/python -m bench.generate --out /tmp/suishin-small --scale 0.01  # 1 %
    .venv/bin/python -m bench.generate --out DIR --scale 0.01 --load          # and import it

Full scale (``--scale 1``) is 13 councils' worth of organisation: 78 blocks,
400 branches, 60,000 member unions, a catalog of 100 items for each of 10
fiscal years (FY2015–FY2024: 10 totals, 90 leaves under them, with
distinct-member, snapshot and cumulative items), and monthly results sparse at
about 3 % of the member × leaf item × month cells — about 19.4 million rows,
one file per fiscal year. Targets: the council's allocated target for 40 items
every year, and the member targets (会員分件数目標) of those items in the last
year (2.4 million rows). Study sessions: half the members hold an in-person
session each half-year (about 600,000 rows). Every 10th sum item has a
donation rate (寄付単価). ``--scale`` multiplies members,
branches and blocks (items and years stay, unless given).

Every file is CSV (UTF-8) with the Japanese headers of docs/imports.md, i.e.
exactly what ``suishin import KIND FILE`` and the web upload read. Activity-
expense applications have no import kind (they are made on the web form and
go through a state machine), so ``--load`` creates them with the ORM, as the
demo does, one per 20 members, approved, for the sessions' themes.

The same seed and arguments always give byte-identical files (``--check``
compares a fresh run with an existing directory).
"""

from __future__ import annotations

import argparse
import csv
import filecmp
import json
import random
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

FIRST_FY = 2015
FEDERATIONS = [
    "自治労",
    "UAゼンセン",
    "電機連合",
    "JAM",
    "基幹労連",
    "私鉄総連",
    "日教組",
    "情報労連",
]
THEMES = ["ライフプラン", "住宅ローン", "資産形成", "多重債務防止"]
SESSION_HEADER = [
    "開催日",
    "会員コード",
    "テーマ",
    "参加者数",
    "形式",
    "接続拠点数",
    "申請番号",
    "学習会名",
    "備考",
]


@dataclass
class Shape:
    members: int = 60_000
    branches: int = 400
    blocks: int = 78
    items: int = 100
    years: int = 10
    density: float = 0.03  # share of member × leaf item × month cells with a figure
    targeted_items: int = 40
    seed: int = 2024
    files: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def scaled(cls, scale: float, **overrides) -> Shape:
        blocks = max(1, round(78 * scale))
        shape = cls(
            members=max(1, round(60_000 * scale)),
            branches=max(blocks, round(400 * scale)),
            blocks=blocks,
        )
        for key, value in overrides.items():
            if value is not None:
                setattr(shape, key, value)
        shape.branches = max(shape.branches, shape.blocks)
        return shape

    @property
    def fiscal_years(self) -> list[int]:
        last = FIRST_FY + 10 - 1
        return list(range(last - self.years + 1, last + 1))


def _months(fy: int) -> list[str]:
    return [f"{fy + (m < 4)}-{m:02d}" for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)]


def _write(path: Path, header: list[str], rows) -> int:
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for row in rows:
            w.writerow(row)
            n += 1
    return n


def catalog(shape: Shape) -> tuple[list[list], list[str], list[str]]:
    """Item rows for every year; the leaf codes (results may name them) and the targeted codes."""
    n_totals = max(1, shape.items // 10)
    rows: list[list] = []
    leaves: list[str] = []
    targeted: list[str] = []
    first = shape.fiscal_years[0]
    for t in range(n_totals):
        rows.append([f"T{t:02d}", f"合計{t}", f"区分{t}", "件", "sum", "", "", "", t * 100 + 99])
    for n in range(shape.items - n_totals):
        code = f"I{n:03d}"
        how, since = "sum", ""
        if n % 20 == 1:
            how = "distinct_members"
        elif n % 30 == 2:
            how = "snapshot"
        elif n % 45 == 3:
            how, since = "cumulative", f"{first}-10-01"
        parent = f"T{n % n_totals:02d}" if n < 4 * n_totals else ""
        donation = (
            100 if how == "sum" and n % 10 == 5 else ""
        )  # 寄付単価: the donation estimate's items
        rows.append(
            [
                code,
                f"項目{n}",
                f"区分{n % n_totals}",
                "件",
                how,
                parent,
                since,
                donation,
                (n % n_totals) * 100 + n,
            ]
        )
        leaves.append(code)
        if len(targeted) < shape.targeted_items and how == "sum":
            targeted.append(code)
    header_rows = [
        [fy, code, name, group, unit, how, parent, since, donation, order]
        for fy in shape.fiscal_years
        for code, name, group, unit, how, parent, since, donation, order in rows
    ]
    return header_rows, leaves, targeted


def generate(out: Path, shape: Shape, *, progress=None) -> dict[str, object]:
    """Write every file into `out`; return a manifest (files, row counts, seconds)."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(shape.seed)
    started = time.perf_counter()
    counts: dict[str, int] = {}
    last_fy = shape.fiscal_years[-1]

    def log(name: str) -> None:
        if progress:
            progress(f"{name}: {counts[name]:,} rows ({time.perf_counter() - started:.0f}s)")

    blocks = [f"第{i + 1:02d}ブロック" for i in range(shape.blocks)]
    counts["blocks"] = _write(
        out / "blocks.csv", ["ブロック名", "表示順"], ([b, i + 1] for i, b in enumerate(blocks))
    )
    branches = [f"{i + 1:03d}" for i in range(shape.branches)]
    counts["branches"] = _write(
        out / "branches.csv",
        ["店番", "店名", "ブロック名", "表示順"],
        (
            [code, f"第{i + 1}支店", blocks[i % shape.blocks], i + 1]
            for i, code in enumerate(branches)
        ),
    )
    members = [f"K{i + 1:06d}" for i in range(shape.members)]
    counts["members"] = _write(
        out / "members.csv",
        ["会員コード", "会員名", "産別", "店番", "組合員数", "年度"],
        (
            [
                code,
                f"第{i + 1}労働組合",
                FEDERATIONS[i % len(FEDERATIONS)],
                branches[i % shape.branches],
                30 + (i * 37) % 2000,
                last_fy,
            ]
            for i, code in enumerate(members)
        ),
    )
    log("members")
    items, leaves, targeted = catalog(shape)
    counts["items"] = _write(
        out / "items.csv",
        [
            "年度",
            "項目コード",
            "項目名",
            "区分",
            "単位",
            "集計方法",
            "親項目コード",
            "累計起算日",
            "寄付単価",
            "表示順",
        ],
        items,
    )

    def targets():
        for fy in shape.fiscal_years:
            for code in targeted:
                yield [fy, code, "全体", 25 * shape.members, "", "配分"]
        for code in targeted:
            for member in members:
                yield [last_fy, code, member, rng.randint(1, 50), "", "配分"]

    counts["targets"] = _write(
        out / "targets.csv",
        ["年度", "項目コード", "対象", "目標件数", "目標金額", "種別"],
        targets(),
    )
    log("targets")

    # Sparse monthly results: each (member, month) reports k distinct leaf
    # items with k ~ Binomial(leaves, density) (drawn as a sum of a cheap
    # Poisson-like table), i.e. about `density` of the cells.
    mean = len(leaves) * shape.density
    weights = _poisson_table(mean)
    ks = list(range(len(weights)))
    results_total = 0
    for fy in shape.fiscal_years:
        name = f"results_{fy}"

        def rows(fy=fy):
            for month in _months(fy):
                draws = rng.choices(ks, weights, k=len(members))
                for member, k in zip(members, draws, strict=True):
                    if k:
                        for code in sorted(rng.sample(leaves, min(k, len(leaves)))):
                            count = rng.randint(1, 9)
                            yield [
                                month,
                                member,
                                "",
                                code,
                                count,
                                count * rng.choice((0, 10_000, 50_000)),
                            ]

        counts[name] = _write(
            out / f"{name}.csv",
            ["年月", "会員コード", "店番", "項目コード", "件数", "金額"],
            rows(),
        )
        results_total += counts[name]
        log(name)
    counts["results"] = results_total

    def sessions():
        for fy in shape.fiscal_years:
            for half_first in (f"{fy}-06", f"{fy}-11"):
                year, month = half_first.split("-")
                for i, member in enumerate(members):
                    if rng.random() < 0.5:
                        continue
                    day = 1 + (i * 7) % 28
                    yield [
                        f"{year}-{month}-{day:02d}",
                        member,
                        THEMES[i % len(THEMES)],
                        rng.randint(5, 60),
                        "対面",
                        1,
                        "",
                        f"学習会{i % 97}",
                        "",
                    ]

    counts["sessions"] = _write(out / "sessions.csv", SESSION_HEADER, sessions())
    log("sessions")
    manifest = {
        "shape": {k: v for k, v in asdict(shape).items() if k != "files"},
        "rows": counts,
        "seconds": round(time.perf_counter() - started, 1),
        "themes": THEMES,
    }
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return manifest


def _poisson_table(mean: float) -> list[float]:
    import math

    weights, k, p = [], 0, math.exp(-mean)
    while k < 3 * mean + 10:
        weights.append(p)
        k += 1
        p *= mean / k
    return weights


ORDER = ["blocks", "branches", "members", "items", "targets"]


def result_files(out: Path) -> list[Path]:
    return sorted(out.glob("results_*.csv"))


def load(out: Path, *, applications: bool = True, progress=None) -> list[dict]:
    """Import every file of `out` through the product's importers (Django must be set up).

    Themes (a settings page, no import kind) and applications (web form only)
    are created with the ORM first/last. Returns one summary per file."""
    from django.utils import timezone

    from suishin.activities.models import Theme
    from suishin.imports.services import import_path

    for i, name in enumerate(THEMES):
        Theme.objects.get_or_create(name=name, defaults={"sort_order": i})
    done = []
    paths = [out / f"{k}.csv" for k in ORDER] + result_files(out) + [out / "sessions.csv"]
    for path in paths:
        kind = "results" if path.name.startswith("results_") else path.stem
        started = time.perf_counter()
        outcome = import_path(kind=kind, path=path)  # a rejected file raises (ImportRejected)
        done.append(
            {
                "file": path.name,
                "rows": outcome.rows_total,
                "seconds": round(time.perf_counter() - started, 1),
            }
        )
        if progress:
            progress(json.dumps(done[-1], ensure_ascii=False))
    if applications:
        done.append({"applications": make_applications(now=timezone.now())})
    return done


def make_applications(*, now, every: int = 20) -> int:
    """Approved activity-expense applications, one per `every` members (ORM: no import kind)."""
    import datetime as dt

    from suishin.activities.models import Application, State, Theme
    from suishin.organisations.models import Member

    theme = Theme.objects.order_by("sort_order").first()
    members = list(Member.objects.order_by("code").values_list("pk", flat=True))
    rows = []
    fy = FIRST_FY + 9
    for n, pk in enumerate(members[::every], start=1):
        rows.append(
            Application(
                number=f"B{fy}-{n:05d}",
                fiscal_year=fy,
                member_id=pk,
                state=State.APPROVED,
                session_date=dt.date(fy, 7, 1 + n % 28),
                theme=theme,
                title=f"学習会{n}",
                planned_participants=20,
                requested_yen=20_000,
                approved_yen=20_000,
                approved_at=now,
                created_at=now,
                updated_at=now,
            )
        )
    Application.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--scale", type=float, default=1.0, help="1 = 60,000 members, 400 branches, 78 blocks"
    )
    parser.add_argument("--items", type=int, default=None)
    parser.add_argument("--years", type=int, default=None)
    parser.add_argument("--density", type=float, default=None)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument(
        "--check", action="store_true", help="regenerate into a temporary directory and compare"
    )
    parser.add_argument(
        "--load", action="store_true", help="then import the files (DATABASE_URL's database)"
    )
    args = parser.parse_args(argv)
    shape = Shape.scaled(
        args.scale, items=args.items, years=args.years, density=args.density, seed=args.seed
    )

    def say(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            generate(Path(tmp), shape)
            names = sorted(p.name for p in Path(tmp).glob("*.csv"))
            match, mismatch, errors = filecmp.cmpfiles(tmp, args.out, names, shallow=False)
            if mismatch or errors:
                raise SystemExit(f"differs: {mismatch + errors}")
            print(f"identical: {len(match)} files")
        return
    manifest = generate(args.out, shape, progress=say)
    print(json.dumps(manifest, ensure_ascii=False))
    if args.load:
        import os

        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "suishin.settings")
        os.environ.setdefault("SUISHIN_MAX_UPLOAD_BYTES", str(4 << 30))
        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        for line in load(args.out, progress=say):
            print(json.dumps(line, ensure_ascii=False))


if __name__ == "__main__":
    main()
