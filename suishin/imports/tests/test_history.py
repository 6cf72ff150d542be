"""Replacement by corrected files, the history, exact rollback, and role rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from suishin.core.errors import DomainError
from suishin.core.models import AuditEntry
from suishin.imports.models import BatchStatus, ImportBatch
from suishin.imports.services import allowed_specs, rollback_batch
from suishin.kpis.models import Item, Result, Target
from suishin.organisations.models import Member, MemberHeadcount

H = ["年月", "会員コード", "店番", "項目コード", "件数", "金額"]
FILE_A = [
    H,
    ["2024-09", "A0001", "", "SVC_MAIN", "10", "100"],
    ["2024-09", "A0002", "", "SVC_MAIN", "5", "0"],
    ["2024-09", "A0001", "", "ATM_USE", "3", "0"],
    ["2024-09", "B0001", "", "ATM_USE", "7", "0"],
]
FILE_A_CORRECTED = [
    H,
    ["2024-09", "A0001", "", "ATM_USE", "3", "0"],  # unchanged (another line now)
    ["2024-09", "A0001", "", "SVC_MAIN", "12", "100"],  # changed
    ["2024-09", "B0001", "", "SVC_MAIN", "1", "0"],  # added; A0002 SVC_MAIN is gone: removed
    ["2024-09", "B0001", "", "ATM_USE", "7", "0"],  # unchanged
]


def _figures() -> list[tuple]:
    return list(
        Result.objects.order_by("pk").values_list(
            "pk",
            "month",
            "item_id",
            "scope_key",
            "member_id",
            "branch_id",
            "block_id",
            "count",
            "amount",
            "import_batch_id",
            "source_row",
        )
    )


@pytest.fixture
def first(org, catalog, write, run):
    outcome = run("results", write("a.csv", FILE_A))
    assert outcome.written
    return outcome.batch


def test_a_corrected_file_replaces_the_figures_of_its_items_and_months(first, write, run):
    outcome = run("results", write("a2.csv", FILE_A_CORRECTED))
    assert (outcome.added, outcome.changed, outcome.unchanged, outcome.removed) == (1, 1, 2, 1)
    assert outcome.summary_line() == "追加 1行・変更 1行・変更なし 2行・削除 1行"
    corrected = outcome.batch
    got = {
        (r.scope_key, r.item.code): (r.count, r.import_batch_id, r.source_row)
        for r in Result.objects.select_related("item")
    }
    # Unchanged figures keep the provenance of the file that first delivered them.
    assert got == {
        ("member:A0001", "ATM_USE"): (3, first.pk, 4),
        ("member:A0001", "SVC_MAIN"): (12, corrected.pk, 3),
        ("member:B0001", "SVC_MAIN"): (1, corrected.pk, 4),
        ("member:B0001", "ATM_USE"): (7, first.pk, 5),
    }
    first.refresh_from_db()
    assert first.status == BatchStatus.APPLIED  # it still states two of the figures
    assert corrected.replaces == first
    assert list(corrected.confirms.all()) == [first]
    assert corrected.rows_removed == 1


def test_a_file_that_replaces_every_figure_supersedes_the_earlier_one(first, write, run):
    rows = [H] + [[m, c, b, i, str(int(n) + 1), a] for m, c, b, i, n, a in FILE_A[1:]]
    corrected = run("results", write("all.csv", rows)).batch
    first.refresh_from_db()
    assert first.status == BatchStatus.SUPERSEDED
    assert corrected.replaces == first


def test_other_months_and_items_are_not_touched(first, write, run):
    run("results", write("aug.csv", [H, ["2024-08", "A0001", "", "SVC_MAIN", "1", "0"]]))
    run("results", write("sep.csv", [H, ["2024-09", "A0001", "", "ATM_USE", "4", "0"]]))
    # September ATM_USE was replaced (B0001's row removed); SVC_MAIN of September and August stay.
    got = {
        (r.month.month, r.scope_key, r.item.code): r.count
        for r in Result.objects.select_related("item")
    }
    assert got == {
        (8, "member:A0001", "SVC_MAIN"): 1,
        (9, "member:A0001", "SVC_MAIN"): 10,
        (9, "member:A0002", "SVC_MAIN"): 5,
        (9, "member:A0001", "ATM_USE"): 4,
    }
    first.refresh_from_db()
    assert first.status == BatchStatus.APPLIED  # it still owns the SVC_MAIN rows


def test_rolling_back_the_corrected_file_restores_the_first_exactly(first, write, run, users):
    after_first = _figures()
    corrected = run("results", write("a2.csv", FILE_A_CORRECTED)).batch
    assert _figures() != after_first
    rollback_batch(actor=users["secretariat"], batch_id=corrected.pk)
    assert _figures() == after_first
    corrected.refresh_from_db()
    first.refresh_from_db()
    assert (corrected.status, corrected.rolled_back_by, first.status) == (
        BatchStatus.ROLLED_BACK,
        users["secretariat"],
        BatchStatus.APPLIED,
    )
    assert corrected.rolled_back_at is not None
    entry = AuditEntry.objects.get(action="import_rollback")
    assert entry.object_pk == str(corrected.pk) and entry.actor == users["secretariat"]
    assert entry.after["restored_batches"] == [first.pk]


def test_rolling_back_the_first_file_leaves_nothing(first, users):
    rollback_batch(actor=users["bank"], batch_id=first.pk)
    assert not Result.objects.exists()


def test_a_batch_under_a_later_one_cannot_be_rolled_back_first(first, write, run, users):
    later = run("results", write("a2.csv", FILE_A_CORRECTED)).batch
    with pytest.raises(DomainError) as exc:
        rollback_batch(actor=users["secretariat"], batch_id=first.pk)
    assert exc.value.message == (
        f"取込番号 #{first.pk} の行は、その後の取込番号 #{later.pk} で変更されています。"
        f"先に取込番号 #{later.pk} を取り消してください。"
    )
    partial = run(
        "results",
        write(
            "sep.csv",
            [
                H,
                ["2024-09", "A0001", "", "SVC_MAIN", "99", "0"],
                ["2024-09", "B0001", "", "SVC_MAIN", "1", "0"],
            ],
        ),
    ).batch
    later.refresh_from_db()
    assert later.status == BatchStatus.APPLIED  # it still states B0001's figure
    with pytest.raises(DomainError) as exc:
        rollback_batch(actor=users["secretariat"], batch_id=later.pk)
    assert exc.value.message == (
        f"取込番号 #{later.pk} の行は、その後の取込番号 #{partial.pk} で変更されています。"
        f"先に取込番号 #{partial.pk} を取り消してください。"
    )


def test_a_batch_whose_figures_a_later_file_restates_cannot_be_rolled_back_first(
    first, write, run, users
):
    # The later file repeats every figure of the first and adds one: nothing of
    # the first is changed, but removing it would remove figures the later file states.
    later = run(
        "results", write("more.csv", FILE_A + [["2024-09", "A0002", "", "ATM_USE", "1", "0"]])
    ).batch
    assert list(later.confirms.all()) == [first]
    with pytest.raises(DomainError) as exc:
        rollback_batch(actor=users["secretariat"], batch_id=first.pk)
    assert f"その後の取込番号 #{later.pk}" in exc.value.message
    rollback_batch(actor=users["secretariat"], batch_id=later.pk)
    rollback_batch(actor=users["secretariat"], batch_id=first.pk)
    assert not Result.objects.exists()


def test_a_superseded_batch_cannot_be_rolled_back(first, write, run, users):
    rows = [H] + [[m, c, b, i, str(int(n) + 1), a] for m, c, b, i, n, a in FILE_A[1:]]
    run("results", write("all.csv", rows))
    with pytest.raises(DomainError) as exc:
        rollback_batch(actor=users["secretariat"], batch_id=first.pk)
    assert exc.value.message == f"取込番号 #{first.pk} は差し替え済みのため、取り消せません。"


def test_a_rolled_back_batch_cannot_be_rolled_back_again(first, users):
    rollback_batch(actor=users["secretariat"], batch_id=first.pk)
    with pytest.raises(DomainError) as exc:
        rollback_batch(actor=users["secretariat"], batch_id=first.pk)
    assert exc.value.message == f"取込番号 #{first.pk} は取消済みのため、取り消せません。"


def test_chains_roll_back_in_reverse_order(first, write, run, users):
    snapshots = [_figures()]
    batches = [first]
    for n in (20, 30):
        batches.append(
            run(
                "results",
                write(f"r{n}.csv", [H, ["2024-09", "A0001", "", "SVC_MAIN", str(n), "0"]]),
            ).batch
        )
        snapshots.append(_figures())
    for batch, expected in zip(reversed(batches[1:]), reversed(snapshots[:-1]), strict=True):
        rollback_batch(actor=users["secretariat"], batch_id=batch.pk)
        assert _figures() == expected


@pytest.mark.parametrize("role", ["branch", "viewer", "member"])
def test_only_secretariat_and_bank_may_roll_back(first, users, role):
    with pytest.raises(PermissionDenied):
        rollback_batch(actor=users[role], batch_id=first.pk)


# --- masters ---------------------------------------------------------------------------


def test_a_members_file_rolls_back_to_the_earlier_names_and_headcounts(org, write, run, users):
    outcome = run(
        "members",
        write(
            "m.csv",
            [
                ["会員コード", "会員名", "産別", "店番", "組合員数", "年度"],
                ["A0001", "改名した組合", "自治労", "101", "1300", "2024"],
                ["C0001", "新しい組合", "", "201", "50", "2024"],
            ],
        ),
    )
    assert (outcome.added, outcome.changed) == (1, 1)
    rollback_batch(actor=users["secretariat"], batch_id=outcome.batch.pk)
    org.member_a.refresh_from_db()
    assert org.member_a.name == "札幌市職員労働組合"
    assert MemberHeadcount.objects.get(member=org.member_a, fiscal_year=2024).headcount == 1200
    assert not Member.objects.filter(code="C0001").exists()


def test_an_added_member_with_figures_cannot_be_rolled_back(org, catalog, write, run, users):
    batch = run(
        "members",
        write("m.csv", [["会員コード", "会員名", "店番"], ["C0001", "新しい組合", "201"]]),
    ).batch
    run("results", write("r.csv", [H, ["2024-09", "C0001", "", "ATM_USE", "1", "0"]]))
    with pytest.raises(DomainError) as exc:
        rollback_batch(actor=users["secretariat"], batch_id=batch.pk)
    assert exc.value.message.startswith(
        f"取込番号 #{batch.pk} で追加したデータが、ほかのデータから使われているため取り消せません（"
    )
    assert Member.objects.filter(code="C0001").exists()


def test_an_items_file_with_new_parents_and_children_rolls_back(db, write, run, users):
    batch = run(
        "items",
        write(
            "i.csv",
            [
                ["年度", "項目コード", "項目名", "親項目コード"],
                ["2024", "T", "合計", ""],
                ["2024", "C1", "子1", "T"],
                ["2024", "C2", "子2", "T"],
            ],
        ),
    ).batch
    rollback_batch(actor=users["secretariat"], batch_id=batch.pk)
    assert not Item.objects.exists()


def test_a_later_master_change_blocks_rolling_back_an_earlier_one(org, write, run, users):
    first = run(
        "members", write("m1.csv", [["会員コード", "会員名", "店番"], ["A0001", "名前1", "101"]])
    ).batch
    second = run(
        "members", write("m2.csv", [["会員コード", "会員名", "店番"], ["A0001", "名前2", "101"]])
    ).batch
    with pytest.raises(DomainError) as exc:
        rollback_batch(actor=users["secretariat"], batch_id=first.pk)
    assert f"その後の取込番号 #{second.pk}" in exc.value.message


# --- targets replacement -------------------------------------------------------------------

T = ["年度", "項目コード", "対象", "目標件数", "目標金額", "種別"]


def test_a_targets_file_replaces_the_item_and_kind_pairs_it_contains(
    org, catalog, write, run, users
):
    run(
        "targets",
        write(
            "t1.csv",
            [
                T,
                ["2024", "SVC_MAIN", "全体", "100", "", "配分"],
                ["2024", "SVC_MAIN", "101", "60", "", "配分"],
                ["2024", "SVC_MAIN", "A0001", "5", "", "自主"],
                ["2024", "ATM_USE", "全体", "1000", "", "配分"],
            ],
        ),
    )
    outcome = run("targets", write("t2.csv", [T, ["2024", "SVC_MAIN", "全体", "110", "", "配分"]]))
    assert (outcome.changed, outcome.removed) == (1, 1)
    got = {
        (t.item.code, t.scope_key, t.kind): t.target_count
        for t in Target.objects.select_related("item")
    }
    assert got == {
        ("SVC_MAIN", "council", "allocated"): 110,
        ("SVC_MAIN", "member:A0001", "self"): 5,
        ("ATM_USE", "council", "allocated"): 1000,
    }
    rollback_batch(actor=users["bank"], batch_id=outcome.batch.pk)
    assert Target.objects.count() == 4


# --- branch committees ---------------------------------------------------------------------


def test_a_branch_committee_imports_results_of_its_own_members_only(first, write, run, users):
    outcome = run(
        "results",
        write(
            "r.csv",
            [
                H,
                ["2024-09", "A0001", "", "SVC_MAIN", "11", "0"],
                ["2024-09", "B0001", "", "SVC_MAIN", "1", "0"],
                ["2024-09", "", "101", "ATM_USE", "1", "0"],
                ["2024-09", "", "", "ATM_USE", "1", "0"],
            ],
        ),
        actor=users["branch"],
    )
    assert outcome.error_lines() == [
        "行 3 列 会員コード: 会員コード「B0001」は貴店（店番101）の会員ではないため取り込めません。",
        "行 4 列 会員コード: 店推進委員会の取込では会員コードが必要です（貴店の会員の実績だけを取り込めます）。",
        "行 5 列 会員コード: 店推進委員会の取込では会員コードが必要です（貴店の会員の実績だけを取り込めます）。",
    ]


def test_a_branch_committee_replaces_only_its_own_branch_rows(first, write, run, users, org):
    outcome = run(
        "results",
        write("r.csv", [H, ["2024-09", "A0001", "", "SVC_MAIN", "11", "0"]]),
        actor=users["branch"],
    )
    assert (outcome.changed, outcome.removed) == (1, 1)  # A0002 (branch 101) removed
    got = {(r.scope_key, r.item.code): r.count for r in Result.objects.select_related("item")}
    assert got == {
        ("member:A0001", "SVC_MAIN"): 11,
        ("member:A0001", "ATM_USE"): 3,
        ("member:B0001", "ATM_USE"): 7,
    }
    batch = outcome.batch
    assert (batch.branch, batch.scope_key, batch.uploaded_by) == (
        org.branch_a,
        "branch:101",
        users["branch"],
    )
    assert (batch.period_first, batch.period_last) == (dt.date(2024, 9, 1), dt.date(2024, 9, 1))


def test_a_branch_committee_imports_member_targets_of_its_branch(org, catalog, write, run, users):
    outcome = run(
        "targets",
        write(
            "t.csv",
            [
                T,
                ["2024", "SVC_MAIN", "A0002", "5", "", "自主"],
                ["2024", "SVC_MAIN", "B0001", "5", "", "自主"],
                ["2024", "SVC_MAIN", "101", "5", "", "配分"],
            ],
        ),
        actor=users["branch"],
    )
    assert outcome.error_lines() == [
        "行 3 列 対象: 会員コード「B0001」は貴店（店番101）の会員ではないため取り込めません。",
        "行 4 列 対象: 店推進委員会は自店の会員の目標だけを取り込めます（対象「101」）。",
    ]


@pytest.mark.parametrize("kind", ["blocks", "branches", "members", "items"])
def test_a_branch_committee_may_not_import_master_data(org, write, users, kind):
    from suishin.imports.services import import_path

    with pytest.raises(PermissionDenied):
        import_path(kind=kind, path=write("x.csv", [["x"], ["y"]]), actor=users["branch"])


@pytest.mark.parametrize("role", ["member", "viewer"])
@pytest.mark.parametrize("kind", ["blocks", "results", "targets"])
def test_members_and_viewers_may_import_nothing(org, write, users, role, kind):
    from suishin.imports.services import import_path

    with pytest.raises(PermissionDenied):
        import_path(kind=kind, path=write("x.csv", [["x"], ["y"]]), actor=users[role])
    assert not ImportBatch.objects.exists()


def test_allowed_kinds_per_role(users):
    kinds = {role: [s.kind for s in allowed_specs(users[role])] for role in users}
    assert kinds["secretariat"][:6] == [
        "blocks",
        "branches",
        "members",
        "items",
        "targets",
        "results",
    ]
    assert kinds["bank"][:6] == kinds["secretariat"][:6]
    assert kinds["branch"][:2] == ["targets", "results"]
    assert kinds["member"] == kinds["viewer"] == []
