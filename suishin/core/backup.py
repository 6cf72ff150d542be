"""Consistent backups while the system is in use.

SQLite: the online backup API (never a file copy, which can catch a
half-written page or miss the WAL). PostgreSQL: `pg_dump -Fc`, restored with
`pg_restore --clean`. Both produce one file; `restore` replaces the whole
database with it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection, connections

from suishin.core.errors import DomainError


def _pg_env_and_args(settings_dict: dict) -> tuple[dict[str, str], list[str]]:
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    args = []
    if settings_dict.get("HOST"):
        args += ["-h", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["-p", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["-U", str(settings_dict["USER"])]
    return env, args


def _require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise DomainError(f"{tool} が見つかりません。PostgreSQL のクライアントをインストールしてください。")
    return path


def backup(target: Path, *, using: str = "default") -> Path:
    conn = connections[using]
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if conn.vendor == "sqlite":
        conn.ensure_connection()
        tmp = target.with_suffix(target.suffix + ".part")
        if tmp.exists():
            tmp.unlink()
        dest = sqlite3.connect(tmp)
        try:
            # Copies a consistent snapshot page by page; writers may continue.
            conn.connection.backup(dest)
        finally:
            dest.close()
        tmp.replace(target)
        return target
    if conn.vendor == "postgresql":
        env, args = _pg_env_and_args(conn.settings_dict)
        cmd = [_require("pg_dump"), "-Fc", "--no-owner", *args, "-f", str(target), conn.settings_dict["NAME"]]
        result = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise DomainError(f"バックアップに失敗しました: {result.stderr.strip()}")
        return target
    raise DomainError(f"{conn.vendor} のバックアップには対応していません。")


def restore(source: Path, *, using: str = "default") -> None:
    source = Path(source)
    if not source.is_file():
        raise DomainError(f"バックアップファイル「{source}」が見つかりません。")
    conn = connections[using]
    if conn.vendor == "sqlite":
        with open(source, "rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                raise DomainError("指定されたファイルは SQLite のバックアップではありません。")
        conn.ensure_connection()
        src = sqlite3.connect(source)
        try:
            src.backup(conn.connection)
        finally:
            src.close()
        return
    if conn.vendor == "postgresql":
        with open(source, "rb") as fh:
            if fh.read(5) != b"PGDMP":
                raise DomainError("指定されたファイルは pg_dump -Fc のバックアップではありません。")
        env, args = _pg_env_and_args(conn.settings_dict)
        connection.close()
        cmd = [
            _require("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            *args,
            "-d",
            conn.settings_dict["NAME"],
            str(source),
        ]
        result = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise DomainError(f"復元に失敗しました: {result.stderr.strip()}")
        return
    raise DomainError(f"{conn.vendor} の復元には対応していません。")
