"""Backups are consistent snapshots taken while people keep working, and a
restore into an empty database brings back every row."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

EXE = os.path.join(os.path.dirname(sys.executable), "suishin")

WRITER = """
import django, os, sys
os.environ['DJANGO_SETTINGS_MODULE'] = 'suishin.settings'
django.setup()
from suishin.organisations.models import Block, Branch, Member
from suishin.core import audit
from django.db import transaction
block = Block.objects.get_or_create(name='石狩')[0]
branch = Branch.objects.get_or_create(code='101', defaults={'name': '札幌中央店', 'block': block})[0]
for i in range(int(sys.argv[1])):
    with transaction.atomic():
        m = Member.objects.create(code=f'W{i:05d}', name=f'書込労働組合{i}', branch=branch)
        audit.record(actor=None, action='create', obj=m)
"""


def _suishin(env, *args, check=True):
    return subprocess.run([EXE, *args], env=env, capture_output=True, text=True, check=check)


def _rows(path: Path) -> dict[str, list[tuple]]:
    db = sqlite3.connect(path)
    try:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        return {t: sorted(db.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
    finally:
        db.close()


@pytest.mark.slow
def test_sqlite_backup_under_concurrent_writes_restores_every_row(tmp_path):
    live = tmp_path / "live.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{live}", "SUISHIN_VAR_DIR": str(tmp_path / "var")}
    _suishin(env, "migrate", "--no-input")
    writer = subprocess.Popen([sys.executable, "-c", WRITER, "3000"], env=env)
    try:
        time.sleep(1.0)
        backup_file = tmp_path / "backup.sqlite3"
        out = _suishin(env, "backup", str(backup_file))
        assert "バックアップしました" in out.stdout
    finally:
        assert writer.wait(timeout=120) == 0
    snapshot = _rows(backup_file)
    db = sqlite3.connect(backup_file)
    members = db.execute("SELECT COUNT(*) FROM organisations_member").fetchone()[0]
    audited = db.execute("SELECT COUNT(*) FROM core_auditentry WHERE action = 'create'").fetchone()[0]
    db.close()
    # A consistent snapshot: each member has its audit row (both written in one transaction).
    assert members == audited
    assert 0 < members
    # Restore into an empty database and find every row of the backup.
    empty = tmp_path / "restored.sqlite3"
    env2 = {**env, "DATABASE_URL": f"sqlite:///{empty}"}
    _suishin(env2, "restore", "--yes", str(backup_file))
    assert _rows(empty) == snapshot


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    bogus = tmp_path / "x.bak"
    bogus.write_bytes(b"not a database")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3", "SUISHIN_VAR_DIR": str(tmp_path / "var")}
    out = _suishin(env, "restore", "--yes", str(bogus), check=False)
    assert out.returncode != 0
    assert "バックアップではありません" in out.stderr


def test_restore_without_a_terminal_asks_for_yes(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3", "SUISHIN_VAR_DIR": str(tmp_path / "var")}
    out = subprocess.run([EXE, "restore", str(tmp_path / "b")], env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert out.returncode != 0
    assert "--yes" in out.stderr


@pytest.mark.django_db(transaction=True)
def test_postgresql_backup_and_restore_round_trip(tmp_path, org):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    from suishin.core import backup
    from suishin.organisations.models import Member

    dump = tmp_path / "db.dump"
    backup.backup(dump)
    assert dump.read_bytes()[:5] == b"PGDMP"
    before = sorted(Member.objects.values_list("code", "name", "branch__code"))
    Member.objects.filter(code="A0001").update(name="書き換え")
    Member.objects.create(code="NEW", name="後から追加", branch=org.branch_a)
    backup.restore(dump)
    connection.close()
    assert sorted(Member.objects.values_list("code", "name", "branch__code")) == before
