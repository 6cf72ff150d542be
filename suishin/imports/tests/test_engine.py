"""The engine's generic rules: headers, blanks, duplicates, atomicity, idempotence."""

from __future__ import annotations

import pytest
from django.core import serializers

from suishin.core.models import AuditEntry
from suishin.imports import registry
from suishin.imports.models import BatchStatus, ImportBatch
from suishin.imports.spec import RowError
from suishin.kpis.models import Result
from suishin.organisations.models import Block, Branch, Member, MemberHeadcount

RESULTS_HEADER = ["年月", "会員コード", "店番", "項目コード", "件数", "金額"]


def _dump() -> str:
    models = [Block, Branch, Member, MemberHeadcount, Result, ImportBatch, AuditEntry]
    return "".join(serializers.serialize("json", m.objects.order_by("pk")) for m in models)


# --- headers -------------------------------------------------------------------


def test_unknown_columns_are_reported_with_the_columns_that_exist(org, write, run):
    outcome = run("blocks", write("b.csv", [["ブロック名", "備考"], ["道南", "x"]]))
    assert outcome.error_lines() == [
        "行 1 列 備考: 列「備考」はこの取込では使えません（使える列: ブロック名、表示順）。"
    ]


def test_missing_required_columns_are_reported(org, catalog, write, run):
    outcome = run("results", write("r.csv", [["会員コード", "件数"], ["A0001", "1"]]))
    assert outcome.error_lines() == [
        "行 1 列 年月: 必須の列「年月」（month）がありません。",
        "行 1 列 項目コード: 必須の列「項目コード」（item_code）がありません。",
    ]


def test_a_column_given_twice_is_reported(org, write, run):
    outcome = run("blocks", write("b.csv", [["ブロック名", "block"], ["道南", "道南"]]))
    assert outcome.error_lines() == [
        "行 1 列 block: 列「ブロック名」が2回あります（「ブロック名」と「block」）。"
    ]


def test_headers_are_matched_after_nfkc_spaces_and_case(org, write, run):
    outcome = run(
        "branches",
        write("b.csv", [["店　番", "Branch_Name", "ＢＬＯＣＫ"], ["301", "函館支店", "石狩"]]),
    )
    assert outcome.ok, outcome.error_lines()
    assert Branch.objects.get(code="301").name == "函館支店"


def test_errors_name_the_column_as_the_file_does(org, catalog, write, run):
    outcome = run(
        "results",
        write(
            "r.csv",
            [["month", "member_code", "item_code", "count"], ["2024-09", "X999", "ATM_USE", "1"]],
        ),
    )
    assert outcome.error_lines() == [
        "行 2 列 member_code: 会員コード「X999」は登録されていません。"
    ]


def test_empty_header_cells_are_ignored_unless_a_row_uses_them(org, write, run):
    outcome = run(
        "blocks", write("b.csv", [["ブロック名", "", ""], ["道南", "", ""], ["道北", "", "メモ"]])
    )
    assert outcome.error_lines() == ["行 3 列 3列目: 見出しのない列に値があります。"]


def test_values_beyond_the_header_are_reported(org, write, run):
    outcome = run("blocks", write("b.csv", "ブロック名\r\n道南,余分\r\n"))
    assert outcome.error_lines() == ["行 2 列 2列目: 見出しのない列に値があります。"]


# --- rows ----------------------------------------------------------------------------


def test_required_values_are_reported_per_row(org, write, run):
    outcome = run(
        "branches",
        write(
            "b.csv",
            [["店番", "店名", "ブロック名"], ["", "函館支店", "石狩"], ["302", "　", "石狩"]],
        ),
    )
    assert outcome.error_lines() == [
        "行 2 列 店番: 店番を入力してください。",
        "行 3 列 店名: 店名を入力してください。",
    ]


def test_blank_rows_are_skipped_and_not_counted(org, write, run):
    outcome = run("blocks", write("b.csv", [["ブロック名"], [""], ["道南"], ["", ""]]))
    assert outcome.ok
    assert (outcome.rows_total, outcome.added) == (1, 1)


def test_every_problem_of_every_row_is_reported(org, catalog, write, run):
    outcome = run(
        "results",
        write(
            "r.csv",
            [
                RESULTS_HEADER,
                ["2024-13", "A0001", "", "ATM_USE", "x", ""],
                ["2024-09", "A0001", "", "ATM_USE", "1", "1.5"],
            ],
        ),
    )
    assert outcome.error_lines() == [
        "行 2 列 年月: 月は1から12で入力してください（2024-13）。",
        "行 2 列 件数: 数値で入力してください（x）。",
        "行 3 列 金額: 整数で入力してください（1.5）。",
    ]


def test_duplicate_keys_in_one_file_are_reported_with_the_first_line(org, catalog, write, run):
    outcome = run(
        "results",
        write(
            "r.csv",
            [
                RESULTS_HEADER,
                ["2024-09", "A0001", "", "ATM_USE", "1", ""],
                ["2024-08", "A0001", "", "ATM_USE", "1", ""],
                ["2024/9", "A0001", "101", "ATM_USE", "2", ""],
            ],
        ),
    )
    assert outcome.error_lines() == [
        "行 4 列 年月・会員コード・店番・項目コード: 年月・会員コード・店番・項目コードの組合せが 行 2 と重複しています。"
    ]


def test_duplicates_are_found_across_chunks(org, catalog, write, run, monkeypatch):
    spec = registry.get("results")
    monkeypatch.setattr(spec, "chunk_size", 2)
    rows = (
        [RESULTS_HEADER]
        + [["2024-09", "A0001", "", "ATM_USE", "1", ""]]
        + [[f"2024-0{m}", "A0002", "", "ATM_USE", "1", ""] for m in range(4, 9)]
        + [["2024-09", "A0001", "", "ATM_USE", "5", ""]]
    )
    outcome = run("results", write("r.csv", rows))
    assert outcome.error_lines() == [
        "行 8 列 年月・会員コード・店番・項目コード: 年月・会員コード・店番・項目コードの組合せが 行 2 と重複しています。"
    ]
    assert not Result.objects.exists()


def test_only_the_first_errors_are_kept_but_all_are_counted(org, catalog, write, run, settings):
    settings.SUISHIN_IMPORT_MAX_ERRORS = 3
    rows = [RESULTS_HEADER] + [["2024-09", f"X{i}", "", "ATM_USE", "1", ""] for i in range(10)]
    outcome = run("results", write("r.csv", rows))
    assert outcome.error_count == 10
    assert len(outcome.errors) == 3
    assert (
        outcome.status_line() == "取り込めません: 問題が 10件あります（何も書き込んでいません）。"
    )


# --- atomicity and idempotence ----------------------------------------------------------


def test_one_bad_row_writes_nothing_at_all(org, catalog, write, run, monkeypatch):
    monkeypatch.setattr(registry.get("results"), "chunk_size", 2)
    before = _dump()
    rows = [RESULTS_HEADER] + [
        [f"2024-0{m}", "A0001", "", "ATM_USE", "1", ""] for m in range(4, 10)
    ]
    rows.append(["2024-09", "B9999", "", "ATM_USE", "1", ""])
    outcome = run("results", write("r.csv", rows))
    assert outcome.error_lines() == [
        "行 8 列 会員コード: 会員コード「B9999」は登録されていません。"
    ]
    assert _dump() == before


def test_a_bad_members_file_writes_no_member_and_no_headcount(org, write, run):
    before = _dump()
    outcome = run(
        "members",
        write(
            "m.csv",
            [
                ["会員コード", "会員名", "店番", "組合員数"],
                ["C0001", "新しい組合", "101", "50"],
                ["C0002", "もうひとつの組合", "999", "60"],
            ],
        ),
    )
    assert not outcome.ok
    assert _dump() == before


def test_the_same_file_twice_changes_nothing_and_says_so(org, catalog, write, run):
    path = write(
        "r.csv",
        [
            RESULTS_HEADER,
            ["2024-09", "A0001", "", "ATM_USE", "1", ""],
            ["2024-09", "", "", "ATM_USE", "9", ""],
        ],
    )
    first = run("results", path)
    assert first.written and first.summary_line() == "追加 2行・変更 0行・変更なし 0行"
    before = _dump()
    second = run("results", path)
    assert second.ok and not second.written
    assert second.summary_line() == "追加 0行・変更 0行・変更なし 2行"
    assert second.status_line() == (
        f"変更はありません: 追加 0行・変更 0行・変更なし 2行（取込番号 #{first.batch.pk} と同じ内容です。何も書き込んでいません）"
    )
    assert _dump() == before


def test_a_dry_run_reports_the_changes_and_writes_nothing(org, catalog, write, run):
    before = _dump()
    outcome = run(
        "results",
        write("r.csv", [RESULTS_HEADER, ["2024-09", "A0001", "", "ATM_USE", "1,234", ""]]),
        dry_run=True,
    )
    assert outcome.ok and not outcome.written and outcome.batch is None
    assert (
        outcome.status_line() == "確認のみ（書き込んでいません）: 追加 1行・変更 0行・変更なし 0行"
    )
    [row] = outcome.preview
    assert (row.line, row.action_label, row.label) == (2, "追加", "2024年9月 A0001 ATM_USE")
    assert row.changes == [("件数", "", "1,234"), ("金額", "", "0")]
    assert _dump() == before


def test_an_applied_file_leaves_a_batch_and_one_audit_entry(org, catalog, write, run, users):
    outcome = run(
        "results",
        write("r.csv", [RESULTS_HEADER, ["2024-09", "A0001", "", "ATM_USE", "1", ""]]),
        actor=users["bank"],
    )
    batch = outcome.batch
    assert (batch.kind, batch.file_name, batch.uploaded_by, batch.status) == (
        "results",
        "r.csv",
        users["bank"],
        BatchStatus.APPLIED,
    )
    assert len(batch.sha256) == 64 and batch.size > 0 and batch.stored_file.startswith("imports/")
    assert (batch.rows_total, batch.rows_added) == (1, 1)
    entry = AuditEntry.objects.get(action="import")
    assert (
        entry.actor == users["bank"]
        and entry.after["added"] == 1
        and entry.object_pk == str(batch.pk)
    )


def test_row_error_formats():
    assert str(RowError(0, "", "", "壊れています。")) == "ファイル: 壊れています。"
    assert str(RowError(5, "会員コード", "X", "だめです。")) == "行 5 列 会員コード: だめです。"
    assert str(RowError(5, "", "", "だめです。")) == "行 5: だめです。"


def test_unknown_kind_is_a_domain_error(db):
    from suishin.core.errors import DomainError

    with pytest.raises(DomainError) as exc:
        registry.get("nope")
    assert exc.value.message.startswith(
        "取込の種類「nope」はありません（使える種類: blocks、branches、members、items、targets、results"
    )
