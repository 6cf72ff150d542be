"""The six kinds of SPEC.md's file contract: what they store and every row message."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from suishin.kpis.models import Aggregation, Item, Result, ScopeLevel, Target, TargetKind
from suishin.organisations.models import Block, Branch, Member, MemberHeadcount

RESULTS_HEADER = ["年月", "会員コード", "店番", "項目コード", "件数", "金額"]
TARGETS_HEADER = ["年度", "項目コード", "対象", "目標件数", "目標金額", "種別"]
ITEMS_HEADER = [
    "年度",
    "項目コード",
    "項目名",
    "区分",
    "単位",
    "集計方法",
    "寄付単価",
    "親項目コード",
    "累計起算日",
]


def _errors(run, write, kind, rows, **kw):
    outcome = run(kind, write(f"{kind}.csv", rows), **kw)
    return outcome.error_lines()


# --- blocks, branches ---------------------------------------------------------


def test_blocks_are_added_and_ordered_by_the_file(db, write, run):
    outcome = run("blocks", write("b.csv", [["ブロック名"], ["石狩"], ["道央"], ["道南"]]))
    assert outcome.added == 3
    assert list(Block.objects.values_list("name", "sort_order")) == [
        ("石狩", 1),
        ("道央", 2),
        ("道南", 3),
    ]


def test_a_branch_needs_a_known_block(org, write, run):
    assert _errors(
        run, write, "branches", [["店番", "店名", "ブロック名"], ["401", "釧路支店", "道東"]]
    ) == [
        "行 2 列 ブロック名: ブロック「道東」は登録されていません（先にブロックを取り込んでください）。"
    ]


def test_a_branch_can_move_to_another_block(org, write, run):
    outcome = run(
        "branches", write("b.csv", [["店番", "店名", "ブロック名"], ["101", "札幌中央店", "上川"]])
    )
    assert (outcome.changed, outcome.added) == (1, 0)
    assert Branch.objects.get(code="101").block == org.block_b
    [row] = outcome.preview
    assert ("ブロック", "石狩", "上川") in row.changes


# --- members --------------------------------------------------------------------


def test_members_keep_codes_names_and_headcounts_per_year(org, write, run):
    outcome = run(
        "members",
        write(
            "m.csv",
            [
                ["会員コード", "会員名", "産別", "店番", "組合員数", "年度"],
                ["C0001", "㈱髙﨑交通労働組合", "私鉄総連", "201", "１，２００", "2024"],
                ["C0001", "㈱髙﨑交通労働組合", "私鉄総連", "201", "1150", "令和5年度"],
            ],
        ),
    )
    assert outcome.ok, outcome.error_lines()
    member = Member.objects.get(code="C0001")
    assert (member.name, member.federation, member.branch) == (
        "㈱髙﨑交通労働組合",
        "私鉄総連",
        org.branch_b,
    )
    assert dict(member.headcounts.values_list("fiscal_year", "headcount")) == {
        2024: 1200,
        2023: 1150,
    }


@time_machine.travel(dt.datetime(2025, 3, 31, 12, tzinfo=dt.UTC))
def test_headcount_year_defaults_to_the_current_fiscal_year(org, write, run):
    run(
        "members",
        write(
            "m.csv",
            [
                ["会員コード", "会員名", "店番", "組合員数"],
                ["A0001", org.member_a.name, "101", "1300"],
            ],
        ),
    )
    assert MemberHeadcount.objects.get(member=org.member_a, fiscal_year=2024).headcount == 1300


@time_machine.travel(dt.datetime(2025, 4, 1, 12, tzinfo=dt.UTC))
def test_headcount_year_turns_over_on_the_first_of_april(org, write, run):
    run(
        "members",
        write(
            "m.csv",
            [
                ["会員コード", "会員名", "店番", "組合員数"],
                ["A0001", org.member_a.name, "101", "1300"],
            ],
        ),
    )
    assert MemberHeadcount.objects.get(member=org.member_a, fiscal_year=2025).headcount == 1300


def test_member_rows_are_validated(org, write, run):
    assert _errors(
        run,
        write,
        "members",
        [
            ["会員コード", "会員名", "店番", "組合員数", "年度"],
            ["C0001", "組合", "999", "10", "2024"],
            ["C0002", "組合", "101", "▲10", "2024"],
            ["C0003", "組合", "101", "10", "2024"],
            ["C0003", "別の名前", "101", "10", "2023"],
            ["C0004", "組合", "101", "10", "2024"],
            ["C0004", "組合", "101", "11", "2024"],
        ],
    ) == [
        "行 2 列 店番: 店番「999」は登録されていません。",
        "行 3 列 組合員数: 0以上の数を入力してください（▲10）。",
        "行 5 列 会員コード: 会員コード「C0003」の会員名・産別・店番が 行 4 と異なります。",
        "行 7 列 会員コード: 会員コード・年度の組合せが 行 6 と重複しています。",
    ]


def test_a_member_moving_branch_is_a_change(org, write, run):
    outcome = run(
        "members",
        write(
            "m.csv",
            [
                ["会員コード", "会員名", "産別", "店番"],
                ["A0001", org.member_a.name, "自治労", "201"],
            ],
        ),
    )
    assert outcome.changed == 1
    org.member_a.refresh_from_db()
    assert org.member_a.branch == org.branch_b


# --- items ------------------------------------------------------------------------


def test_items_with_parents_in_any_order(db, write, run):
    outcome = run(
        "items",
        write(
            "i.csv",
            [
                ITEMS_HEADER,
                [
                    "2024",
                    "SVC_MAIN",
                    "メイン化",
                    "預金・融資・各種サービス",
                    "件",
                    "sum",
                    "100",
                    "SVC_TOTAL",
                    "",
                ],
                ["2024", "SVC_TOTAL", "合計", "預金・融資・各種サービス", "件", "", "", "", ""],
                [
                    "2024",
                    "SCHOLAR",
                    "奨学金借換ローン",
                    "奨学金借換ローン",
                    "件",
                    "累計",
                    "",
                    "",
                    "平成29年10月1日",
                ],
                [
                    "2024",
                    "PUBLISH",
                    "掲載会員数",
                    "ろうきん運動",
                    "会員",
                    "distinct_members",
                    "500",
                    "",
                    "",
                ],
            ],
        ),
    )
    assert outcome.ok, outcome.error_lines()
    main = Item.objects.get(fiscal_year=2024, code="SVC_MAIN")
    assert main.parent.code == "SVC_TOTAL" and main.donation_rate == 100 and main.sort_order == 1
    scholar = Item.objects.get(code="SCHOLAR")
    assert (scholar.aggregation, scholar.cumulative_since) == (
        Aggregation.CUMULATIVE,
        dt.date(2017, 10, 1),
    )
    assert Item.objects.get(code="PUBLISH").aggregation == Aggregation.DISTINCT_MEMBERS


def test_item_parent_may_come_from_the_existing_catalog(catalog, write, run):
    outcome = run(
        "items",
        write(
            "i.csv",
            [
                ITEMS_HEADER,
                ["2024", "SVC_ASSET", "預かり資産", "", "件", "", "100", "SVC_TOTAL", ""],
            ],
        ),
    )
    assert outcome.ok
    assert Item.objects.get(code="SVC_ASSET").parent == catalog[(2024, "SVC_TOTAL")]


def test_item_rows_are_validated(catalog, write, run):
    assert _errors(
        run,
        write,
        "items",
        [
            ITEMS_HEADER,
            ["2024", "A", "累計なのに起算日なし", "", "件", "cumulative", "", "", ""],
            ["2024", "B", "自分が親", "", "件", "", "", "B", ""],
            ["2024", "C", "親がない", "", "件", "", "", "NOPE", ""],
            ["2024", "D", "循環1", "", "件", "", "", "E", ""],
            ["2024", "E", "循環2", "", "件", "", "", "D", ""],
            ["2024", "F", "集計方法が変", "", "件", "average", "", "", ""],
            ["2024", "G", "単価が負", "", "件", "", "-1", "", ""],
            ["24", "H", "年度が変", "", "件", "", "", "", ""],
        ],
    ) == [
        "行 2 列 累計起算日: 集計方法が累計（cumulative）の項目には累計起算日を入力してください。",
        "行 3 列 親項目コード: 親項目コードに自分自身は指定できません。",
        "行 4 列 親項目コード: 親項目コード「NOPE」は2024年度の推進項目にも、このファイルにもありません。",
        "行 5 列 親項目コード: 親項目コードが循環しています。",
        "行 6 列 親項目コード: 親項目コードが循環しています。",
        "行 7 列 集計方法: 集計方法は sum、合計、distinct_members、会員数、snapshot、時点残高、時点、cumulative、累計 のいずれかで入力してください。",
        "行 8 列 寄付単価: 0以上の数を入力してください（-1）。",
        "行 9 列 年度: 年度は西暦の4桁で入力してください（24）。",
    ]
    assert not Item.objects.filter(code__in=list("ABCDEFGH")).exists()


def test_an_item_file_updates_the_catalog_in_place(catalog, write, run):
    outcome = run(
        "items",
        write(
            "i.csv",
            [
                ITEMS_HEADER,
                ["2024", "ATM_USE", "ATM利用件数（改）", "ATM利用", "件", "", "2", "", ""],
            ],
        ),
    )
    assert outcome.changed == 1
    item = Item.objects.get(fiscal_year=2024, code="ATM_USE")
    assert (item.name, item.donation_rate) == ("ATM利用件数（改）", 2)


# --- targets ------------------------------------------------------------------------


def test_targets_at_every_level(org, catalog, write, run):
    outcome = run(
        "targets",
        write(
            "t.csv",
            [
                TARGETS_HEADER,
                ["2024", "SVC_MAIN", "全体", "17,800", "", "配分"],
                ["2024", "SVC_MAIN", "石狩", "9,000", "", ""],
                ["2024", "SVC_MAIN", "101", "5,000", "", "allocated"],
                ["2024", "SVC_MAIN", "A0001", "120", "", "自主"],
                ["2024", "ATM_USE", "council", "", "1,000,000,000", ""],
            ],
        ),
    )
    assert outcome.ok, outcome.error_lines()
    got = {
        (t.scope_key, t.kind): (
            t.level,
            t.block_id,
            t.branch_id,
            t.member_id,
            t.target_count,
            t.target_amount,
        )
        for t in Target.objects.all()
    }
    item = catalog[(2024, "SVC_MAIN")]
    assert got[("council", TargetKind.ALLOCATED)][:4] == (ScopeLevel.COUNCIL, None, None, None)
    assert got[("block:石狩", TargetKind.ALLOCATED)][:4] == (
        ScopeLevel.BLOCK,
        org.block_a.pk,
        None,
        None,
    )
    assert got[("branch:101", TargetKind.ALLOCATED)][:4] == (
        ScopeLevel.BRANCH,
        org.block_a.pk,
        org.branch_a.pk,
        None,
    )
    assert got[("member:A0001", TargetKind.SELF)] == (
        ScopeLevel.MEMBER,
        org.block_a.pk,
        org.branch_a.pk,
        org.member_a.pk,
        120,
        None,
    )
    assert Target.objects.get(item=item, scope_key="council").target_count == 17800
    assert Target.objects.get(item=catalog[(2024, "ATM_USE")]).target_amount == 1_000_000_000
    assert set(Target.objects.values_list("source_row", flat=True)) == {2, 3, 4, 5, 6}


def test_target_rows_are_validated(org, catalog, write, run):
    assert _errors(
        run,
        write,
        "targets",
        [
            TARGETS_HEADER,
            ["2024", "NOPE", "全体", "1", "", ""],
            ["2024", "SVC_TOTAL", "全体", "1", "", ""],
            ["2024", "SVC_MAIN", "全体", "", "", ""],
            ["2024", "SVC_MAIN", "どこか", "1", "", ""],
            ["2024", "SVC_MAIN", "全体", "▲1", "", ""],
            ["2024", "SVC_MAIN", "全体", "1", "", "その他"],
            ["2022", "SVC_MAIN", "全体", "1", "", ""],
        ],
    ) == [
        "行 2 列 項目コード: 項目コード「NOPE」は2024年度の推進項目に登録されていません。",
        "行 3 列 項目コード: 項目「SVC_TOTAL」は合計項目のため、目標は取り込めません。",
        "行 4 列 目標件数: 目標件数または目標金額を入力してください。",
        "行 5 列 対象: 対象「どこか」は、ブロック名・店番・会員コードのいずれにも見つかりません。",
        "行 6 列 目標件数: 0以上の数を入力してください（▲1）。",
        "行 7 列 種別: 種別は 配分、allocated、自主、self、self-set のいずれかで入力してください。",
        "行 8 列 項目コード: 項目コード「SVC_MAIN」は2022年度の推進項目に登録されていません。",
    ]


def test_targets_may_be_set_for_computed_items(org, catalog, write, run):
    outcome = run(
        "targets", write("t.csv", [TARGETS_HEADER, ["2024", "MOV_STUDY", "全体", "600", "", ""]])
    )
    assert outcome.ok


# --- results ------------------------------------------------------------------------


def test_results_at_member_branch_and_council_level(org, catalog, write, run):
    outcome = run(
        "results",
        write(
            "r.csv",
            [
                RESULTS_HEADER,
                ["2024-09", "A0001", "101", "SVC_MAIN", "12", "3,500,000"],
                ["令和6年9月", "", "201", "ATM_USE", "１，０００", ""],
                ["2024年9月", "", "", "ATM_USE", "", "▲500"],
                ["2025/3", "B0001", "", "ATM_USE", "△2", ""],
            ],
        ),
    )
    assert outcome.ok, outcome.error_lines()
    member = Result.objects.get(scope_key="member:A0001")
    assert (
        member.level,
        member.member,
        member.branch,
        member.block,
        member.count,
        member.amount,
        member.fiscal_year,
    ) == (ScopeLevel.MEMBER, org.member_a, org.branch_a, org.block_a, 12, 3_500_000, 2024)
    assert member.item == catalog[(2024, "SVC_MAIN")] and member.month == dt.date(2024, 9, 1)
    branch = Result.objects.get(scope_key="branch:201")
    assert (branch.level, branch.member, branch.branch, branch.block, branch.count) == (
        ScopeLevel.BRANCH,
        None,
        org.branch_b,
        org.block_b,
        1000,
    )
    council = Result.objects.get(scope_key="council")
    assert (council.level, council.branch, council.count, council.amount) == (
        ScopeLevel.COUNCIL,
        None,
        0,
        -500,
    )
    march = Result.objects.get(month=dt.date(2025, 3, 1))
    assert (march.fiscal_year, march.item, march.count) == (2024, catalog[(2024, "ATM_USE")], -2)


def test_the_item_is_looked_up_in_the_months_fiscal_year(org, catalog, write, run):
    run(
        "results",
        write(
            "r.csv",
            [
                RESULTS_HEADER,
                ["2024-03", "A0001", "", "ATM_USE", "1", ""],
                ["2024-04", "A0001", "", "ATM_USE", "1", ""],
            ],
        ),
    )
    assert dict(Result.objects.values_list("month", "item__fiscal_year")) == {
        dt.date(2024, 3, 1): 2023,
        dt.date(2024, 4, 1): 2024,
    }


def test_result_rows_are_validated(org, catalog, write, run):
    assert _errors(
        run,
        write,
        "results",
        [
            RESULTS_HEADER,
            ["2019-04", "A0001", "", "ATM_USE", "1", ""],
            ["2024-09", "X999", "", "ATM_USE", "1", ""],
            ["2024-09", "", "", "SVC_TOTAL", "1", ""],
            ["2024-09", "", "", "MOV_STUDY", "1", ""],
            ["2024-09", "", "", "NOPE", "1", ""],
            ["2024-09", "", "", "ATM_USE", "", ""],
            ["2024-09", "A0001", "201", "SVC_MAIN", "1", ""],
            ["2024-09", "", "999", "ATM_USE", "1", ""],
            ["2024-09", "", "", "ATM_USE", "数件", ""],
        ],
    ) == [
        "行 2 列 年月: 2019年4月は、推進項目が登録されている年度に含まれません。",
        "行 3 列 会員コード: 会員コード「X999」は登録されていません。",
        "行 4 列 項目コード: 項目「SVC_TOTAL」は合計項目のため、実績は取り込めません。",
        "行 5 列 項目コード: 項目「MOV_STUDY」は集計元「activities.sessions」から計算される項目のため、実績は取り込めません。",
        "行 6 列 項目コード: 項目コード「NOPE」は2024年度の推進項目に登録されていません。",
        "行 7 列 件数: 件数または金額を入力してください。",
        "行 8 列 店番: 会員コード「A0001」の店番は「101」です（ファイルの店番は「201」）。",
        "行 9 列 店番: 店番「999」は登録されていません。",
        "行 10 列 件数: 数値で入力してください（数件）。",
    ]


def test_a_numeric_branch_code_is_not_padded_but_the_message_hints(org, catalog, write_xlsx, run):
    Branch.objects.create(code="007", name="小樽支店", block=org.block_a)
    path = write_xlsx(
        "r.xlsx", {"S": [["年月", "店番", "項目コード", "件数"], ["2024-09", 7, "ATM_USE", 1]]}
    )
    assert run("results", path).error_lines() == [
        "行 2 列 店番: 店番「7」は登録されていません。（「007」のことであれば、セルの書式を文字列にして入力してください）"
    ]


def test_a_result_keeps_the_branch_the_member_had_at_import_time(org, catalog, write, run):
    run("results", write("r.csv", [RESULTS_HEADER, ["2024-09", "A0001", "", "ATM_USE", "1", ""]]))
    org.member_a.branch = org.branch_b
    org.member_a.save()
    row = Result.objects.get()
    assert (row.branch, row.block) == (org.branch_a, org.block_a)


@pytest.mark.parametrize("kind", ["blocks", "branches", "members", "items", "targets", "results"])
def test_every_kind_has_a_sample_that_names_only_its_columns(kind):
    from suishin.imports import registry

    spec = registry.get(kind)
    keys = {c.key for c in spec.columns}
    assert spec.sample and all(set(row) <= keys for row in spec.sample)


def test_self_targets_in_a_targets_file_replace_only_the_members_it_names(org, catalog, write, run):
    first = [
        TARGETS_HEADER,
        ["2024", "SVC_MAIN", "A0001", "120", "", "自主"],
        ["2024", "SVC_MAIN", "B0001", "80", "", "自主"],
        ["2024", "ATM_USE", "A0001", "", "5,000", "自主"],
    ]
    assert run("targets", write("t1.csv", first)).ok
    # A union's corrected file: A0001 keeps SVC_MAIN only; B0001 is not in the file.
    outcome = run(
        "targets",
        write("t2.csv", [TARGETS_HEADER, ["2024", "SVC_MAIN", "A0001", "130", "", "自主"]]),
    )
    assert outcome.ok, outcome.error_lines()
    got = {
        (t.item.code, t.scope_key): t.target_count
        for t in Target.objects.filter(kind=TargetKind.SELF).select_related("item")
    }
    assert got == {
        ("SVC_MAIN", "member:A0001"): 130,
        ("SVC_MAIN", "member:B0001"): 80,
        ("ATM_USE", "member:A0001"): None,
    }


def test_a_self_target_must_name_a_member(org, catalog, write, run):
    outcome = run(
        "targets", write("t.csv", [TARGETS_HEADER, ["2024", "SVC_MAIN", "101", "5", "", "自主"]])
    )
    assert outcome.error_lines() == [
        "行 2 列 対象: 自主目標は会員ごとに設定します。対象「101」は会員ではありません。"
    ]
    assert not Target.objects.exists()
