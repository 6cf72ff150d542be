"""Fixtures of the security tests: a private media root, one object of every
scoped kind on each side (branch 101 / member A0001 = "a", branch 201 /
member B0001 = "b"), and a database fingerprint to prove that a rejected file
wrote nothing: a per-table row hash (`db_fingerprint`) and a full text dump
compared byte for byte (`dump` / `assert_dump_unchanged`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.db import connection

from suishin.kpis import factories as kpi_factories
from suishin.kpis.models import Item


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def csv_bytes(rows: list[list[object]], encoding: str = "utf-8") -> bytes:
    import csv

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode(encoding)


# Tables whose rows are bookkeeping of the request, not domain data.
VOLATILE_TABLES = {"django_session"}


def db_fingerprint() -> dict[str, tuple[int, str]]:
    """Row count and SHA-256 of every row (ordered by primary key) of every
    table: two equal fingerprints mean a byte-for-byte identical database
    for our purposes (a portable stand-in for comparing two dumps)."""
    out: dict[str, tuple[int, str]] = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if table in VOLATILE_TABLES or model._meta.proxy or not model._meta.managed:
                continue
            if table in out:
                continue
            pk = model._meta.pk.column
            cursor.execute(
                f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY {connection.ops.quote_name(pk)}"
            )
            digest = hashlib.sha256()
            count = 0
            for row in cursor.fetchall():
                digest.update(repr(row).encode())
                count += 1
            out[table] = (count, digest.hexdigest())
    return out


def diff_fingerprints(before: dict, after: dict) -> list[str]:
    return sorted(t for t in set(before) | set(after) if before.get(t) != after.get(t))


# What `dump()` leaves out, and why. Only django_session: the web upload
# tests post through a logged-in test client, and Django rewrites the
# session row on a request (messages, session expiry refresh), which is
# bookkeeping of the request, not domain data. Lockout counters
# (accounts.LoginFailure) and job rows (django_tasks_db) are NOT excluded: a
# rejected file must not touch them either.
DUMP_EXCLUDE = ("sessions",)
_SQL_EXCLUDE = tuple(f'INSERT INTO "{t}" ' for t in VOLATILE_TABLES)


@dataclass(frozen=True)
class Dump:
    """The database as text: Django's `dumpdata` of every app (JSON,
    ordered by primary key) and, on SQLite, the connection's SQL dump
    (`iterdump()`: schema, every row, and sqlite_sequence, so even a
    consumed AUTOINCREMENT id shows)."""

    data: str
    sql: str | None


def dump() -> Dump:
    from django.core.management import call_command

    buf = io.StringIO()
    call_command("dumpdata", format="json", indent=1, exclude=list(DUMP_EXCLUDE), stdout=buf)
    sql = None
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        sql = "\n".join(
            line for line in connection.connection.iterdump() if not line.startswith(_SQL_EXCLUDE)
        )
    return Dump(buf.getvalue(), sql)


def _first_difference(name: str, before: str, after: str, context: int = 3, limit: int = 40) -> str:
    import difflib

    lines = list(
        difflib.unified_diff(
            before.splitlines(),
            after.splitlines(),
            fromfile=f"{name} before",
            tofile=f"{name} after",
            n=context,
            lineterm="",
        )
    )
    shown = "\n".join(lines[:limit])
    more = f"\n... ({len(lines) - limit} more diff lines)" if len(lines) > limit else ""
    return shown + more


def assert_dump_unchanged(before: Dump, note: str = "") -> Dump:
    """Byte-for-byte comparison of two dumps; on failure a unified diff of
    the first differing lines. Returns the new dump (equal to `before`)."""
    after = dump()
    problems = []
    if before.data != after.data:
        problems.append(_first_difference("dumpdata", before.data, after.data))
    if before.sql != after.sql:
        problems.append(_first_difference("iterdump", before.sql or "", after.sql or ""))
    if problems:
        head = "the database changed after a rejected file" + (f" ({note})" if note else "")
        pytest.fail(head + ":\n" + "\n\n".join(problems), pytrace=False)
    return after


@dataclass
class World:
    """Objects on each side: world.obj["member"]["a"] etc."""

    obj: dict[str, dict[str, Any]] = field(default_factory=dict)

    def put(self, kind: str, a: Any, b: Any | None = None) -> None:
        self.obj[kind] = {"a": a, "b": b if b is not None else a}


@pytest.fixture
def items(db) -> dict[str, Item]:
    """A small FY2024 catalog: ATM (plain), SVC_TOTAL with child SVC_MAIN."""
    total = kpi_factories.item("SVC_TOTAL", name="合計")
    return {
        "ATM": kpi_factories.item("ATM", name="ATM利用件数", donation_rate=1),
        "SVC_TOTAL": total,
        "SVC_MAIN": kpi_factories.item(
            "SVC_MAIN", name="メイン化", parent=total, donation_rate=100
        ),
    }


@pytest.fixture
def world(org, users, items) -> World:
    from suishin.activities import services as act
    from suishin.activities.models import Purpose, Theme, YearSetting
    from suishin.campaigns import services as camp
    from suishin.campaigns.demo_rules import APP_CONDITIONS
    from suishin.imports.services import import_file
    from suishin.meetings import services as meet
    from suishin.meetings.tests.factories import meeting

    w = World()
    w.put("block", org.block_a, org.block_b)
    w.put("branch", org.branch_a, org.branch_b)
    w.put("member", org.member_a, org.member_b)
    w.put("item", items["ATM"])
    w.put(
        "target",
        kpi_factories.target(items["ATM"], member=org.member_a, count=10),
        kpi_factories.target(items["ATM"], member=org.member_b, count=20),
    )
    batches = []
    for role, code in (("branch", "A0001"), ("other_branch", "B0001")):
        data = csv_bytes(
            [["年月", "会員コード", "項目コード", "件数"], ["2024-06", code, "ATM", "5"]]
        )
        outcome = import_file(
            kind="results", file=io.BytesIO(data), file_name=f"{code}.csv", actor=users[role]
        )
        assert outcome.ok, outcome.error_lines(5)
        batches.append(outcome.batch)
    w.put("batch", *batches)

    theme, _ = Theme.objects.get_or_create(name="新人説明会", defaults={"sort_order": 10})
    purpose, _ = Purpose.objects.get_or_create(
        name="資料・教材費", defaults={"per_site": False, "sort_order": 30}
    )
    YearSetting.objects.update_or_create(
        fiscal_year=2024, defaults={"budget_yen": 30_000_000, "cap_per_person_yen": 2_000}
    )
    w.put("theme", theme)
    w.put("purpose", purpose)
    w.put("year_setting", 2024)
    now = dt.datetime(2024, 6, 1, 10, tzinfo=dt.UTC)
    apps_ = [
        act.create_application(
            actor=None,
            member=m,
            session_date=dt.date(2024, 6, 20),
            theme=theme,
            is_web=False,
            sites=1,
            planned_participants=30,
            lines=[act.LineInput(purpose=purpose, quantity=1, unit_yen=50_000)],
            now=now,
        )
        for m in (org.member_a, org.member_b)
    ]
    w.put("application", *apps_)
    sessions = [
        act.record_session(
            actor=None,
            member=m,
            held_on=dt.date(2024, 5, 10),
            theme=theme,
            participants=12,
            now=now,
        )
        for m in (org.member_a, org.member_b)
    ]
    w.put("session", *sessions)

    m = meeting()
    section = meet.save_section(actor=None, meeting=m, kind="report", org_label="北海道労働金庫")
    agenda_item = meet.save_item(actor=None, section=section, title="上期遂行状況")
    w.put("meeting", m)
    w.put("section", section)
    w.put("agenda_item", agenda_item)

    campaign = camp.save_campaign(
        actor=users["secretariat"],
        code="APP001",
        name="ろうきんAPP（アップ）キャンペーン",
        starts_on=dt.date(2024, 10, 1),
        ends_on=dt.date(2025, 1, 31),
        conditions=APP_CONDITIONS,
        monthly_quota=3,
        total_quota=8,
        retention_until=dt.date(2025, 7, 31),
    )
    w.put("campaign", campaign)
    return w
