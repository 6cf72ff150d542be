"""Loading the demo: the seed's FY2024 data, through the same importers that
process real files (suishin.imports), from CSV files kept in the repository
under suishin/demo/data/. Loading twice changes nothing (the importers are
idempotent: an identical file is reported as unchanged)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

# (import kind, file under DATA_DIR), in dependency order. Later issues append
# their kinds (sessions, refinancings, campaign_entries, ...).
DEMO_FILES: list[tuple[str, str]] = [
    ("blocks", "blocks.csv"),
    ("branches", "branches.csv"),
    ("members", "members.csv"),
]

# Steps that are not file imports (users, meetings, narrative...), each a
# callable(log) run after the files. Apps add theirs.
EXTRA_STEPS: list[Callable[[Callable[[str], None]], None]] = []


def load_demo(log: Callable[[str], None] = print) -> None:
    from suishin.demo.users import ensure_demo_users
    from suishin.imports.services import import_path

    for kind, name in DEMO_FILES:
        path = DATA_DIR / name
        result = import_path(kind=kind, path=path, actor=None)
        log(f"{kind:<16} {name:<32} {result.summary_line()}")
    users = ensure_demo_users()
    for step in EXTRA_STEPS:
        step(log)
    log("")
    log("デモ利用者（パスワードはすべて同じ）:")
    from suishin.demo.users import DEMO_PASSWORD

    for u in users:
        scope = u.branch_code and f" 店番{u.branch_code}" or u.member_code and f" 会員{u.member_code}" or ""
        log(f"  {u.username:<10} {u.display_name}{scope}")
    log(f"  パスワード: {DEMO_PASSWORD}")
