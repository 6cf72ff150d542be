"""`suishin import KIND FILE [--dry-run]`: exit status, stdout summary, stderr problems."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from suishin.imports.models import ImportBatch
from suishin.kpis.models import Result

H = ["年月", "会員コード", "店番", "項目コード", "件数", "金額"]


def _call(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_it_imports_and_prints_one_summary_line(catalog, org, write):
    code, out, err = _call(
        "results", str(write("r.csv", [H, ["2024-09", "A0001", "", "ATM_USE", "1", ""]]))
    )
    batch = ImportBatch.objects.get()
    assert (code, err) == (0, "")
    assert out == f"取り込みました: 追加 1行・変更 0行・変更なし 0行（取込番号 #{batch.pk}）\n"
    assert batch.uploaded_by is None


def test_the_second_run_says_nothing_changed(catalog, org, write):
    path = str(write("r.csv", [H, ["2024-09", "A0001", "", "ATM_USE", "1", ""]]))
    _call("results", path)
    code, out, _ = _call("results", path)
    assert code == 0
    assert out.startswith("変更はありません: 追加 0行・変更 0行・変更なし 1行（取込番号 #")


def test_dry_run_writes_nothing(catalog, org, write):
    code, out, _ = _call(
        "results",
        str(write("r.csv", [H, ["2024-09", "A0001", "", "ATM_USE", "1", ""]])),
        "--dry-run",
    )
    assert code == 0 and out == "確認のみ（書き込んでいません）: 追加 1行・変更 0行・変更なし 0行\n"
    assert not Result.objects.exists()


def test_a_rejected_file_exits_1_with_every_problem_on_stderr(catalog, org, write):
    rows = [H] + [["2024-09", f"X{i:03d}", "", "ATM_USE", "1", ""] for i in range(150)]
    code, out, err = _call("results", str(write("r.csv", rows)))
    lines = err.splitlines()
    assert code == 1 and out == ""
    assert lines[0] == "行 2 列 会員コード: 会員コード「X000」は登録されていません。"
    assert len(lines) == 101
    assert lines[-1] == "問題 全 150件（最初の 100件を表示）。何も書き込んでいません。"
    assert not Result.objects.exists()


def test_file_level_problems_are_printed_as_such(org, write):
    code, _, err = _call("blocks", str(write("e.csv", b"")))
    assert code == 1
    assert err.splitlines() == [
        "ファイル: ファイルが空です（0バイト）。",
        "問題 全 1件（最初の 1件を表示）。何も書き込んでいません。",
    ]


def test_user_option_applies_the_role_rules(catalog, users, write):
    code, _, err = _call(
        "results",
        str(write("r.csv", [H, ["2024-09", "B0001", "", "ATM_USE", "1", ""]])),
        "--user",
        "bob",
    )
    assert code == 1
    assert (
        err.splitlines()[0]
        == "行 2 列 会員コード: 会員コード「B0001」は貴店（店番101）の会員ではないため取り込めません。"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope", "__FILE__"], "取込の種類「nope」はありません"),
        (["results", "/no/such/file.csv"], "ファイル「/no/such/file.csv」がありません。"),
        (["results", "__FILE__", "--user", "nobody"], "利用者「nobody」は登録されていません。"),
        (["members", "__FILE__", "--user", "viewer"], "会員のファイルを取り込む権限がありません。"),
        (["results"], "種類とファイルを指定してください"),
    ],
)
def test_usage_errors_exit_2(users, write, args, message):
    path = str(write("x.csv", [["x"], ["y"]]))
    with pytest.raises(CommandError) as exc:
        call_command(
            "import",
            *[path if a == "__FILE__" else a for a in args],
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert exc.value.returncode == 2
    assert message in str(exc.value)


def test_list_shows_every_kind_and_its_columns(db):
    _, out, _ = _call("--list")
    assert "results  実績" in out and "    年月 / month（必須）" in out


def test_the_real_command_exits_1_with_problems_on_stderr(tmp_path):
    """Run the installed `suishin` entry point: the exit status is the contract."""
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"this is not a zip")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "SUISHIN_VAR_DIR": str(tmp_path / "var"),
    }
    suishin = Path(sys.executable).with_name("suishin")
    proc = subprocess.run(
        [str(suishin), "import", "blocks", str(bad)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.splitlines()[0].startswith(
        "ファイル: XLSX ファイルとして開けません（ZIP 形式ではありません）。"
    )
    usage = subprocess.run(
        [str(suishin), "import", "nope", str(bad)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert usage.returncode == 2 and "取込の種類「nope」はありません" in usage.stderr
