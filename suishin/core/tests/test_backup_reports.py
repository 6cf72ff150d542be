"""A backup taken while files keep being imported restores into an empty
database with every report figure of the moment it was taken (issue 10).

How the expected figures are defined: a dataset is built through the import
services (blocks, branches, members, items, targets, results files), then a
writer process keeps importing results files, one numbered file per
transaction (w0000, w0001, …; each one replaces the figures of one (item,
month) pair, so almost every write changes the report). The backup is taken
in the middle of that stream. A consistent snapshot holds exactly the first
k writer files, with nothing half-written. The restored database must then
report exactly what a third database reports when it is built from scratch
with the same dataset and those same k files: the summary report's JSON
(the `suishin report summary --format json` path) is compared whole, for the
council and for a block, a branch and a member scope.

Runs against the database engine the suite runs on: SQLite files (online
backup API) or, with DATABASE_URL=postgres://…, three scratch PostgreSQL
databases (pg_dump / pg_restore) created and dropped by the test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

EXE = os.path.join(os.path.dirname(sys.executable), "suishin")

SCRIPT = r'''
import io, os, sys, time
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "suishin.settings"
django.setup()
from suishin.imports.services import import_file

SEED = [
    ("blocks", "ブロック名,表示順\r\n石狩,1\r\n上川,2\r\n"),
    ("branches", "店番,店名,ブロック名,表示順\r\n101,札幌中央店,石狩,1\r\n102,札幌北店,石狩,2\r\n201,旭川店,上川,3\r\n"),
    ("members",
     "会員コード,会員名,産別,店番,組合員数,年度\r\n"
     "A0001,札幌市職員労働組合,自治労,101,1200,2024\r\n"
     "A0002,北海道教職員組合札幌支部,日教組,102,800,2024\r\n"
     "B0001,旭川交通労働組合,私鉄総連,201,300,2024\r\n"),
    ("items",
     "年度,項目コード,項目名,区分,単位,集計方法,親項目コード,表示順\r\n"
     "2023,SVC_TOTAL,合計,各種サービス,件,sum,,1\r\n"
     "2023,SVC_MAIN,メイン化,各種サービス,件,sum,SVC_TOTAL,2\r\n"
     "2023,SVC_LOAN,ローン,各種サービス,件,sum,SVC_TOTAL,3\r\n"
     "2023,DEP,預金残高,預金,円,sum,,4\r\n"
     "2024,SVC_TOTAL,合計,各種サービス,件,sum,,1\r\n"
     "2024,SVC_MAIN,メイン化,各種サービス,件,sum,SVC_TOTAL,2\r\n"
     "2024,SVC_LOAN,ローン,各種サービス,件,sum,SVC_TOTAL,3\r\n"
     "2024,DEP,預金残高,預金,円,sum,,4\r\n"),
    ("targets",
     "年度,項目コード,対象,目標件数,目標金額\r\n"
     "2024,SVC_MAIN,全体,500,\r\n"
     "2024,SVC_MAIN,A0001,120,\r\n"
     "2024,SVC_LOAN,石狩,80,\r\n"
     "2024,DEP,101,,900000000\r\n"),
    ("results",
     "年月,会員コード,項目コード,件数,金額\r\n"
     "2023-06,A0001,SVC_MAIN,40,0\r\n"
     "2023-07,B0001,SVC_LOAN,7,0\r\n"
     "2023-08,A0002,DEP,0,120000000\r\n"
     "2024-04,A0001,SVC_MAIN,11,0\r\n"
     "2024-05,B0001,SVC_MAIN,5,0\r\n"
     "2024-06,A0002,SVC_LOAN,3,0\r\n"
     "2024-06,A0001,DEP,0,250000000\r\n"),
]

ITEMS = ("SVC_MAIN", "SVC_LOAN", "DEP")
MEMBERS = ("A0001", "A0002", "B0001")
MONTHS = ("2024-04", "2024-05", "2024-06", "2024-07", "2024-08", "2024-09", "2024-10")


def writer_file(i):
    """The i-th writer file: the figures of one (item, month) pair, for two members."""
    item = ITEMS[i % 3]
    month = MONTHS[(i // 3) % len(MONTHS)]
    rows = ["年月,会員コード,項目コード,件数,金額"]
    for j, member in enumerate((MEMBERS[i % 3], MEMBERS[(i + 1) % 3])):
        if item == "DEP":
            rows.append(f"{month},{member},{item},0,{(i + 1) * 1000 + j}")
        else:
            rows.append(f"{month},{member},{item},{i + 1 + j},0")
    return "\r\n".join(rows) + "\r\n"


def load(kind, text, name):
    outcome = import_file(kind=kind, file=io.BytesIO(text.encode()), file_name=name, actor=None)
    if not outcome.ok:
        sys.exit(f"{name}: " + "; ".join(outcome.error_lines(5)))


mode = sys.argv[1]
if mode == "seed":
    for kind, text in SEED:
        load(kind, text, f"{kind}.csv")
elif mode == "write":
    progress, stop = sys.argv[2], sys.argv[3]
    i = 0
    while not os.path.exists(stop) and i < 5000:
        load("results", writer_file(i), f"w{i:04d}.csv")
        i += 1
        with open(progress + ".tmp", "w") as fh:
            fh.write(str(i))
        os.replace(progress + ".tmp", progress)
elif mode == "replay":
    for kind, text in SEED:
        load(kind, text, f"{kind}.csv")
    for i in range(int(sys.argv[2])):
        load("results", writer_file(i), f"w{i:04d}.csv")
elif mode == "reports":
    # `suishin report summary --format json` for each scope, in one process.
    import json
    from django.core.management import call_command
    out = {}
    for scope in sys.argv[2:]:
        buf = io.StringIO()
        call_command("report", "summary", "--fiscal-year", "2024", "--half", "1",
                     "--scope", scope, "--format", "json", stdout=buf, stderr=io.StringIO())
        out[scope] = json.loads(buf.getvalue())
    print(json.dumps(out, ensure_ascii=False))
elif mode == "writes":
    from suishin.imports.models import ImportBatch
    names = sorted(ImportBatch.objects.filter(file_name__startswith="w").values_list("file_name", flat=True))
    print(" ".join(names))
'''

SCOPES = ("全体", "石狩", "101", "A0001")


class Databases:
    """Three scratch databases of the engine the suite runs on."""

    def __init__(self, tmp_path: Path):
        self.tmp = tmp_path
        self.vendor = connection.vendor
        self.created: list[str] = []
        self.prefix = f"suishin_bk_{uuid.uuid4().hex[:8]}"

    def url(self, name: str) -> str:
        if self.vendor == "sqlite":
            return f"sqlite:///{self.tmp / (name + '.sqlite3')}"
        s = connection.settings_dict
        auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
        host = s.get("HOST") or "127.0.0.1"
        port = s.get("PORT") or 5432
        return f"postgres://{auth}@{host}:{port}/{self.prefix}_{name}"

    def create(self, name: str) -> None:
        if self.vendor != "postgresql":
            return
        self._admin(f'CREATE DATABASE "{self.prefix}_{name}"')
        self.created.append(f"{self.prefix}_{name}")

    def drop_all(self) -> None:
        for db in self.created:
            self._admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')

    def _admin(self, sql: str) -> None:
        import psycopg

        s = connection.settings_dict
        with psycopg.connect(
            host=s.get("HOST") or "127.0.0.1",
            port=s.get("PORT") or 5432,
            user=s["USER"],
            password=s.get("PASSWORD") or None,
            dbname="postgres",
            autocommit=True,
        ) as conn:
            conn.execute(sql)

    def env(self, name: str) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": self.url(name),
            "SUISHIN_VAR_DIR": str(self.tmp / f"var-{name}"),
        }


def _run(env, *args, timeout=300) -> str:
    out = subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, f"{args[:3]} failed:\n{out.stdout[-2000:]}\n{out.stderr[-4000:]}"
    return out.stdout


def _reports(env, script: Path) -> dict[str, dict]:
    return json.loads(_run(env, sys.executable, str(script), "reports", *SCOPES))


@pytest.mark.slow
def test_a_backup_under_concurrent_imports_restores_every_report_figure(tmp_path):
    if connection.vendor not in ("sqlite", "postgresql"):
        pytest.skip(f"no backup for {connection.vendor}")
    script = tmp_path / "dataset.py"
    script.write_text(SCRIPT, encoding="utf-8")
    dbs = Databases(tmp_path)
    migrating = None
    try:
        for name in ("live", "restored", "expected"):
            dbs.create(name)
        live, restored, expected = dbs.env("live"), dbs.env("restored"), dbs.env("expected")
        # The expected database is prepared meanwhile (migrations take seconds).
        migrating = subprocess.Popen(
            [EXE, "migrate", "--no-input"],
            env=expected,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        _run(live, EXE, "migrate", "--no-input")
        _run(live, sys.executable, str(script), "seed")

        progress, stop = tmp_path / "progress", tmp_path / "stop"
        writer = subprocess.Popen(
            [sys.executable, str(script), "write", str(progress), str(stop)],
            env=live,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            deadline = time.monotonic() + 120
            while not (progress.exists() and int(progress.read_text() or 0) >= 5):
                assert writer.poll() is None, writer.communicate()
                assert time.monotonic() < deadline, "the writer made no progress"
                time.sleep(0.05)
            backup_file = tmp_path / "backup.bin"
            out = _run(live, EXE, "backup", str(backup_file))
            assert "バックアップしました" in out
            # Let the writer go on a little after the snapshot, then stop it.
            after = int(progress.read_text())
            while int(progress.read_text()) < after + 3 and writer.poll() is None:
                time.sleep(0.05)
        finally:
            stop.write_text("stop")
            _stdout, stderr = writer.communicate(timeout=120)
        assert writer.returncode == 0, stderr[-4000:]
        total = int(progress.read_text())

        _run(restored, EXE, "restore", "--yes", str(backup_file))
        names = _run(restored, sys.executable, str(script), "writes").split()
        k = len(names)
        # A consistent snapshot: exactly the first k writer files, each whole.
        assert names == [f"w{i:04d}.csv" for i in range(k)]
        assert 5 <= k < total, (k, total)

        assert migrating.wait(timeout=300) == 0, migrating.stderr.read()[-4000:]
        _run(expected, sys.executable, str(script), "replay", str(k))

        got, want = _reports(restored, script), _reports(expected, script)
        for scope in SCOPES:
            assert got[scope] == want[scope], f"report figures differ for {scope}"
        # The figures are real ones (not an empty report compared with another).
        figures = {i["code"]: i for i in got["全体"]["items"]}
        assert figures["SVC_MAIN"]["fy_count"] > 0 and figures["SVC_TOTAL"]["target_count"] > 0
    finally:
        if migrating is not None and migrating.poll() is None:
            migrating.kill()
            migrating.wait()
        dbs.drop_all()
