"""`suishin report summary ...` and the subcommand registry."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from suishin.reports import commands


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("report", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_json_goes_to_stdout(seed_catalog):
    out, _ = run("summary", "--fiscal-year", "2024", "--half", "1", "--format", "json")
    data = json.loads(out)
    assert (data["fiscal_year"], data["half"], data["scope"]) == (2024, 1, "全体")
    assert {i["code"]: i["achievement"] for i in data["items"]}["SVC_TOTAL"] == "63.3"


def test_a_scope_and_an_output_file(seed_catalog, tmp_path):
    target = tmp_path / "r.pdf"
    _, err = run("summary", "--fiscal-year", "2024", "--half", "1", "--scope", "石狩", "--format", "pdf", "-o", str(target))
    assert target.read_bytes().startswith(b"%PDF")
    assert f"{target} に出力しました" in err
    run("summary", "--fiscal-year", "2024", "--half", "1", "--scope", "A0001", "--format", "xlsx", "-o", str(tmp_path / "r.xlsx"))
    assert (tmp_path / "r.xlsx").read_bytes()[:2] == b"PK"
    out, _ = run("summary", "--fiscal-year", "2024", "--half", "1", "--format", "html")
    assert out.startswith("<!doctype html>") and "2024年度上期推進活動総括" in out


def test_an_unknown_scope_is_a_japanese_error(seed_catalog):
    with pytest.raises(CommandError) as exc:
        run("summary", "--fiscal-year", "2024", "--half", "1", "--scope", "どこか", "--format", "json")
    assert str(exc.value) == "対象「どこか」は、ブロック名・店番・会員コードのいずれにも見つかりません。"


def test_binary_formats_need_a_file_when_stdout_is_not_a_terminal_stream(seed_catalog):
    with pytest.raises(CommandError) as exc:
        run("summary", "--fiscal-year", "2024", "--half", "1", "--format", "xlsx")
    assert str(exc.value) == "XLSXは -o でファイルに出力してください。"


def test_warnings_go_to_stderr(seed_catalog):
    from suishin.kpis import factories as kf

    kf.item("MOV_WEB", name="WEB学習会", group="ろうきん運動", source="nowhere.sessions")
    _, err = run("summary", "--fiscal-year", "2024", "--half", "1", "--format", "json")
    assert "警告: WEB学習会：集計元「nowhere.sessions」が未登録のため表示できません" in err


def test_other_apps_add_subcommands(db):
    seen = {}

    def add_arguments(parser):
        parser.add_argument("--meeting", required=True)

    def handle(command, *, meeting, **options):
        seen["meeting"] = meeting
        command.stdout.write(f"会議 {meeting}")

    commands.register_subcommand("test_meeting", add_arguments, handle, help="テスト")
    try:
        out, _ = run("test_meeting", "--meeting", "2024-1")
    finally:
        commands._SUBCOMMANDS.pop("test_meeting")
    assert seen == {"meeting": "2024-1"} and out.strip() == "会議 2024-1"
