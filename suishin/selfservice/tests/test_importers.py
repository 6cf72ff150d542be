"""The `self_targets` import kind (会員自主目標) through the import engine."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied

from suishin.core.models import AuditEntry
from suishin.imports import registry
from suishin.imports.services import import_file, rollback_batch
from suishin.kpis import factories as f
from suishin.kpis.models import Aggregation, Target, TargetKind
from suishin.selfservice import services

HEADER = "年度,会員コード,項目コード,自主目標"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def items(db):
    total = f.item("SVC_TOTAL", name="合計")
    return {
        "SVC_TOTAL": total,
        "SVC_MAIN": f.item("SVC_MAIN", name="メイン化", parent=total, sort_order=1),
        "SVC_LOAN": f.item("SVC_LOAN", name="融資", parent=total, sort_order=2),
        "RETIRE": f.item("RETIRE_FUNDS", name="退職金結集金額", unit="円", sort_order=3),
        "STUDY": f.item("MOV_STUDY", name="学習会開催回数", source="activities.sessions"),
        "POLICY": f.item("POLICY_MEMBERS", name="方針化", aggregation=Aggregation.DISTINCT_MEMBERS),
        "MAIN_2023": f.item("SVC_MAIN", fiscal_year=2023, name="メイン化"),
    }


def run(text: str, actor, *, encoding="utf-8-sig", dry_run=False):
    return import_file(
        kind="self_targets",
        file=io.BytesIO(text.encode(encoding)),
        file_name="self_targets.csv",
        actor=actor,
        dry_run=dry_run,
    )


def stored():
    return sorted(
        Target.objects.filter(kind=TargetKind.SELF).values_list(
            "fiscal_year", "member__code", "item__code", "target_count", "target_amount"
        )
    )


GOOD = "\n".join(
    [
        HEADER,
        "2024,A0001,SVC_MAIN,120",
        '2024,A0001,RETIRE_FUNDS,"50,000,000"',
        "令和6年度,A0002,SVC_LOAN,８５",
        "2023,B0001,SVC_MAIN,30",
    ]
)


def test_the_kind_is_registered_for_branch_committees_too():
    spec = registry.get("self_targets")
    assert spec.label == "会員自主目標"
    assert spec.branch_scoped
    assert [c.header for c in spec.columns] == ["年度", "会員コード", "項目コード", "自主目標"]


def test_a_file_stores_member_self_targets_with_provenance_and_is_audited(org, users, items):
    outcome = run(GOOD, users["secretariat"])
    assert outcome.ok, outcome.error_lines()
    assert outcome.summary_line() == "追加 4行・変更 0行・変更なし 0行"
    assert stored() == [
        (2023, "B0001", "SVC_MAIN", 30, None),
        (2024, "A0001", "RETIRE_FUNDS", None, 50_000_000),  # 単位 円 → 目標金額
        (2024, "A0001", "SVC_MAIN", 120, None),
        (2024, "A0002", "SVC_LOAN", 85, None),
    ]
    rows = {t.source_row: t for t in Target.objects.filter(kind=TargetKind.SELF)}
    assert sorted(rows) == [2, 3, 4, 5]
    assert {t.import_batch_id for t in rows.values()} == {outcome.batch.pk}
    a2 = rows[4]
    assert (a2.level, a2.scope_key, a2.branch, a2.block) == (
        "member",
        "member:A0002",
        org.branch_a,
        org.branch_a.block,
    )
    entry = AuditEntry.objects.get(action="import")
    assert entry.after["added"] == 4


def test_the_same_file_twice_changes_nothing_and_a_dry_run_writes_nothing(org, users, items):
    preview = run(GOOD, users["bank"], dry_run=True)
    assert preview.ok and preview.added == 4
    assert not Target.objects.exists()
    run(GOOD, users["bank"])
    again = run(GOOD, users["bank"])
    assert again.ok and not again.has_changes and again.unchanged == 4
    assert len(stored()) == 4


def test_a_corrected_file_replaces_the_unions_it_names_and_rollback_restores_exactly(
    org, users, items
):
    # A self-target set on the web before any file: the file replaces it too.
    services.save_self_targets(
        actor=users["member"],
        member=org.member_a,
        fiscal_year=2024,
        values={items["SVC_LOAN"].pk: "7"},
    )
    first = run(GOOD, users["secretariat"])
    assert first.ok and first.removed == 1  # A0001's SVC_LOAN is not in the file
    before = sorted(
        Target.objects.values_list(
            "pk",
            "member__code",
            "item__code",
            "target_count",
            "target_amount",
            "import_batch_id",
            "source_row",
        )
    )
    corrected = "\n".join([HEADER, "2024,A0001,SVC_MAIN,130", "2024,A0001,SVC_LOAN,9"])
    outcome = run(corrected, users["secretariat"])
    assert outcome.ok, outcome.error_lines()
    assert (outcome.added, outcome.changed, outcome.removed) == (1, 1, 1)
    # A0001's 2024 targets are the file's; A0002 and B0001 (not in the file) keep theirs.
    assert stored() == [
        (2023, "B0001", "SVC_MAIN", 30, None),
        (2024, "A0001", "SVC_LOAN", 9, None),
        (2024, "A0001", "SVC_MAIN", 130, None),
        (2024, "A0002", "SVC_LOAN", 85, None),
    ]
    rollback_batch(actor=users["bank"], batch_id=outcome.batch.pk)
    after = sorted(
        Target.objects.values_list(
            "pk",
            "member__code",
            "item__code",
            "target_count",
            "target_amount",
            "import_batch_id",
            "source_row",
        )
    )
    assert after == before
    rollback_batch(actor=users["bank"], batch_id=first.batch.pk)
    assert stored() == [(2024, "A0001", "SVC_LOAN", 7, None)]  # the web-set target is back


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_written(org, users, items):
    bad = "\n".join(
        [
            HEADER,
            "2024,X9999,SVC_MAIN,10",
            "2024,A0001,NOPE,10",
            "2024,A0001,SVC_TOTAL,10",
            "2024,A0001,MOV_STUDY,10",
            "2024,A0001,POLICY_MEMBERS,1",
            "2024,A0001,SVC_MAIN,▲5",
            "2024,A0001,SVC_LOAN,たくさん",
            "2024,A0002,SVC_MAIN,",
            "2025,A0001,SVC_MAIN,10",
            "2024,A0001,SVC_MAIN,10",
            "2024,A0001,SVC_MAIN,11",
        ]
    )
    outcome = run(bad, users["secretariat"])
    assert not outcome.ok
    lines = outcome.error_lines()
    assert lines[:5] == [
        "行 2 列 会員コード: 会員コード「X9999」は登録されていません。",
        "行 3 列 項目コード: 項目コード「NOPE」は2024年度の推進項目に登録されていません。",
        "行 4 列 項目コード: 項目「SVC_TOTAL」（合計）は合計項目のため、自主目標は設定できません。",
        "行 5 列 項目コード: 項目「MOV_STUDY」（学習会開催回数）は集計元「activities.sessions」"
        "から計算される項目のため、自主目標は設定できません。",
        "行 6 列 項目コード: 項目「POLICY_MEMBERS」（方針化）は会員数を数える項目のため、"
        "自主目標は設定できません。",
    ]
    assert lines[5].startswith("行 7 列 自主目標: ")
    assert lines[6].startswith("行 8 列 自主目標: ")
    assert lines[7].startswith("行 9 列 自主目標: ")
    assert (
        lines[8]
        == "行 10 列 項目コード: 項目コード「SVC_MAIN」は2025年度の推進項目に登録されていません。"
    )
    assert lines[9].startswith("行 12 ")  # duplicate of row 11
    assert len(lines) == 10
    assert not Target.objects.exists()
    assert not AuditEntry.objects.filter(action="import").exists()


def test_a_branch_committee_imports_only_its_own_members(org, users, items):
    run("\n".join([HEADER, "2024,B0001,SVC_MAIN,44"]), users["secretariat"])
    outside = run(
        "\n".join([HEADER, "2024,A0001,SVC_MAIN,5", "2024,B0001,SVC_MAIN,5"]), users["branch"]
    )
    assert not outside.ok
    assert outside.error_lines() == [
        "行 3 列 会員コード: 会員コード「B0001」は貴店（店番101）の会員ではないため取り込めません。"
    ]
    own = run(
        "\n".join([HEADER, "2024,A0001,SVC_MAIN,5", "2024,A0002,SVC_LOAN,6"]), users["branch"]
    )
    assert own.ok, own.error_lines()
    assert own.batch.branch == org.branch_a
    assert stored() == [
        (2024, "A0001", "SVC_MAIN", 5, None),
        (2024, "A0002", "SVC_LOAN", 6, None),
        (2024, "B0001", "SVC_MAIN", 44, None),  # another branch's member: untouched
    ]


@pytest.mark.parametrize("role", ["member", "viewer"])
def test_member_officers_and_viewers_cannot_import(org, users, items, role):
    with pytest.raises(PermissionDenied):
        run(GOOD, users[role])
    assert not Target.objects.exists()


def test_the_file_and_the_self_service_page_store_the_same_targets(org, users, items):
    services.save_self_targets(
        actor=users["member"],
        member=org.member_a,
        fiscal_year=2024,
        values={items["SVC_MAIN"].pk: "120", items["RETIRE"].pk: "50,000,000"},
    )
    via_web = stored()
    Target.objects.all().delete()
    text = "\n".join([HEADER, "2024,A0001,SVC_MAIN,120", "2024,A0001,RETIRE_FUNDS,50000000"])
    assert run(text, users["secretariat"]).ok
    assert stored() == via_web


def test_the_members_with_self_targets_figure_counts_imported_targets(org, users, items):
    from suishin.core import fiscal
    from suishin.kpis import providers
    from suishin.kpis.scope import Scope

    run(GOOD, users["secretariat"])
    figure = providers.compute(
        "kpis.self_target_members", items["SVC_MAIN"], fiscal.half_period(2024, 1), Scope.council()
    )
    assert figure.count == 2  # A0001 and A0002 in FY2024 (B0001's is FY2023)
