from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from suishin import env


def test_language_and_time_zone():
    assert settings.LANGUAGE_CODE == "ja"
    assert settings.TIME_ZONE == "Asia/Tokyo"


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_when_file_backed(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    # The test database is in memory; check the settings a file database gets.
    code = (
        "import django,os;os.environ['DJANGO_SETTINGS_MODULE']='suishin.settings';django.setup();"
        "from django.db import connection;c=connection.cursor();c.execute('PRAGMA journal_mode');print(c.fetchone()[0])"
    )
    envvars = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"}
    out = subprocess.run([sys.executable, "-c", code], env=envvars, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "wal"


def test_env_bool_rejects_nonsense(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("X_FLAG", "perhaps")
    with pytest.raises(ImproperlyConfigured):
        env.env_bool("X_FLAG")
    monkeypatch.setenv("X_FLAG", "yes")
    assert env.env_bool("X_FLAG") is True


def test_a_bad_database_url_stops_start_up():
    code = "import os;os.environ['DJANGO_SETTINGS_MODULE']='suishin.settings';import django;django.setup()"
    envvars = {**os.environ, "DATABASE_URL": "mysql://x@y/z"}
    out = subprocess.run([sys.executable, "-c", code], env=envvars, capture_output=True, text=True)
    assert out.returncode != 0
    assert "DATABASE_URL" in out.stderr


@pytest.mark.django_db
def test_no_model_changes_are_missing_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_the_suishin_command_is_the_management_entry_point():
    exe = os.path.join(os.path.dirname(sys.executable), "suishin")
    out = subprocess.run([exe, "help"], capture_output=True, text=True, check=True)
    assert "demo" in out.stdout and "migrate" in out.stdout
