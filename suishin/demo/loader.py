"""Loading the demo: the seed's FY2024 data, through the same importers that
process real files (suishin.imports), from files kept in the repository under
suishin/demo/data/. Loading twice changes nothing (the importers are
idempotent: an identical file is reported as unchanged).

Order: the data files of DEMO_FILES, then the demo users, then each app's own
demo step (`suishin/<app>/demo.py` with `load(log)`), in APP_STEPS order.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

# (import kind, file under DATA_DIR), in dependency order. Written by
# `python -m suishin.demo.generate` (docs/demo-data.md). members.csv holds the
# FY2023 and FY2024 headcounts; results need the catalog of every fiscal year
# they touch (items.csv: FY2017–FY2024). The members' 自主 targets are their
# own file (kind self_targets); the movement reports (movement_reports.csv) are
# recorded by suishin.selfservice.demo, an app step.
DEMO_FILES: list[tuple[str, str]] = [
    ("blocks", "blocks.csv"),
    ("branches", "branches.csv"),
    ("members", "members.csv"),
    ("items", "items.csv"),
    ("targets", "targets.csv"),
    ("self_targets", "self_targets.csv"),
    ("results", "results_history.csv"),
    ("results", "results_fy2023.csv"),
    ("results", "results_fy2024.csv"),
]

# Apps whose `demo.load(log)` runs after the files and users, in this order.
APP_STEPS = [
    "suishin.kpis",
    "suishin.programmes",
    "suishin.activities",
    "suishin.campaigns",
    "suishin.meetings",
    "suishin.reports",
    "suishin.selfservice",
]


def _app_steps() -> list[Callable[[Callable[[str], None]], None]]:
    steps = []
    for app in APP_STEPS:
        try:
            module = importlib.import_module(f"{app}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.demo":
                raise
            continue
        steps.append(module.load)
    return steps


def load_demo(log: Callable[[str], None] = print) -> None:
    from suishin.demo.users import DEMO_PASSWORD, ensure_demo_users
    from suishin.imports.services import import_path

    for kind, name in DEMO_FILES:
        result = import_path(kind=kind, path=DATA_DIR / name, actor=None)
        log(f"{kind:<16} {name:<32} {result.summary_line()}")
    users = ensure_demo_users()
    for step in _app_steps():
        step(log)
    log("")
    log("デモ利用者（パスワードはすべて同じ）:")
    for u in users:
        scope = (
            f" 店番{u.branch_code}"
            if u.branch_code
            else f" 会員{u.member_code}"
            if u.member_code
            else ""
        )
        log(f"  {u.username:<10} {u.display_name}{scope}")
    log(f"  パスワード: {DEMO_PASSWORD}")
