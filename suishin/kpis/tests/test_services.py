"""Catalog and target writes: rules, Japanese messages, audit entries."""

from __future__ import annotations

import datetime as dt

import pytest

from suishin.core.errors import DomainError
from suishin.core.models import AuditEntry
from suishin.kpis import factories as kf
from suishin.kpis import services
from suishin.kpis.models import Aggregation, Item, Target, TargetKind
from suishin.kpis.scope import Scope


def save(actor, **kw):
    base = {"fiscal_year": 2024, "code": "X", "name": "項目X"}
    base.update(kw)
    return services.save_item(actor=actor, **base)


def test_it_creates_an_item_and_records_it_in_the_audit_trail(users):
    item = save(users["secretariat"], code="ACE_NEW", name="エース預金新規件数", group="生活設計", donation_rate=100)
    assert Item.objects.get(fiscal_year=2024, code="ACE_NEW") == item
    entry = AuditEntry.objects.get(model="kpis.Item", object_pk=str(item.pk))
    assert entry.action == "create" and entry.after["code"] == "ACE_NEW" and entry.actor_label == "alice"


def test_it_rejects_a_duplicate_code_in_the_same_year_but_not_in_another(users):
    save(users["secretariat"], code="X")
    with pytest.raises(DomainError) as exc:
        save(users["secretariat"], code="X")
    assert exc.value.message == "項目コード「X」は2024年度の推進項目に既にあります。"
    assert exc.value.field == "code"
    save(users["secretariat"], code="X", fiscal_year=2025)


def test_it_rejects_codes_with_unusable_characters(users):
    with pytest.raises(DomainError) as exc:
        save(users["secretariat"], code="項目 1")
    assert exc.value.message == "項目コード「項目 1」に使えない文字があります。半角英数字・「_」・「-」で入力してください。"


def test_a_cumulative_item_needs_a_start_date(users):
    with pytest.raises(DomainError) as exc:
        save(users["secretariat"], aggregation=Aggregation.CUMULATIVE)
    assert exc.value.message == "集計方法が「累計」の項目には累計起算日を入力してください。"
    item = save(users["secretariat"], aggregation=Aggregation.CUMULATIVE, cumulative_since=dt.date(2017, 10, 1))
    assert item.cumulative_since == dt.date(2017, 10, 1)


def test_it_rejects_an_unregistered_source(users):
    with pytest.raises(DomainError) as exc:
        save(users["secretariat"], source="nowhere.sessions:テーマ")
    assert exc.value.message == "集計元「nowhere.sessions」は登録されていません。"
    assert save(users["secretariat"], source="kpis.self_target_members").source == "kpis.self_target_members"


def test_a_parent_must_be_of_the_same_year_and_not_a_descendant(users):
    actor = users["secretariat"]
    old_total = save(actor, code="T", fiscal_year=2023)
    with pytest.raises(DomainError) as exc:
        save(actor, code="A", parent=old_total)
    assert exc.value.message == "合計先「T」は2023年度の項目です。同じ2024年度の項目を選んでください。"
    total = save(actor, code="T")
    child = save(actor, code="A", parent=total)
    with pytest.raises(DomainError) as exc:
        services.save_item(actor=actor, item=total, fiscal_year=2024, code="T", name="合計", parent=child)
    assert exc.value.message == "合計先「A」は項目「T」自身またはその内訳のため、合計先にできません。"


def test_an_item_with_results_cannot_become_a_total(users, org):
    actor = users["secretariat"]
    leaf = kf.item("LEAF")
    kf.result(leaf, "2024-05", member=org.member_a, count=3)
    with pytest.raises(DomainError) as exc:
        save(actor, code="NEW", parent=leaf)
    assert exc.value.message == "合計先「LEAF」には取込済みの実績が1件あるため、合計項目にできません（合計は内訳から計算します）。"


def test_it_refuses_to_delete_an_item_with_results_or_rows(users, org):
    actor = users["secretariat"]
    total = kf.item("T", name="合計")
    leaf = kf.item("L", name="内訳", parent=total)
    kf.result(leaf, "2024-05", member=org.member_a, count=3)
    with pytest.raises(DomainError) as exc:
        services.delete_item(actor=actor, item=leaf)
    assert exc.value.message == "項目「L 内訳」には実績が1件あるため削除できません。"
    with pytest.raises(DomainError) as exc:
        services.delete_item(actor=actor, item=total)
    assert exc.value.message == "項目「T 合計」は1項目の合計先のため削除できません。先に内訳の合計先を外してください。"
    spare = kf.item("S")
    services.delete_item(actor=actor, item=spare)
    assert not Item.objects.filter(code="S").exists()
    assert AuditEntry.objects.filter(model="kpis.Item", action="delete").count() == 1


def test_copying_a_catalog_keeps_parents_and_sources(users):
    actor = users["secretariat"]
    total = kf.item("T", fiscal_year=2024, name="合計")
    kf.item("A", fiscal_year=2024, parent=total, donation_rate=100, sort_order=3)
    kf.item("S", fiscal_year=2024, source="kpis.self_target_members")
    assert services.copy_catalog(actor=actor, from_year=2024, to_year=2025) == 3
    copied = Item.objects.get(fiscal_year=2025, code="A")
    assert copied.parent.code == "T" and copied.parent.fiscal_year == 2025
    assert (copied.donation_rate, copied.sort_order) == (100, 3)
    assert Item.objects.get(fiscal_year=2025, code="S").source == "kpis.self_target_members"
    with pytest.raises(DomainError) as exc:
        services.copy_catalog(actor=actor, from_year=2024, to_year=2025)
    assert exc.value.message == "2025年度には既に推進項目が3件あります。コピーは項目のない年度にだけ行えます。"


def test_it_saves_a_member_target_with_the_members_branch_and_block(users, org):
    item = kf.item("X")
    t = services.save_target(actor=users["secretariat"], item=item, scope=Scope.parse("A0001"), target_count=12)
    assert (t.level, t.scope_key, t.branch_id, t.block_id, t.member_id) == (
        "member", "member:A0001", org.branch_a.pk, org.block_a.pk, org.member_a.pk,
    )
    assert AuditEntry.objects.filter(model="kpis.Target", action="create").count() == 1


def test_target_rules(users, org):
    actor = users["secretariat"]
    total = kf.item("T", name="合計")
    leaf = kf.item("L", name="メイン化", parent=total)
    with pytest.raises(DomainError) as exc:
        services.save_target(actor=actor, item=total, scope=Scope.council(), target_count=5)
    assert exc.value.message == "「合計」は合計項目のため目標を設定できません。目標は内訳の項目に設定してください（合計の目標は内訳の合計です）。"
    with pytest.raises(DomainError) as exc:
        services.save_target(actor=actor, item=leaf, scope=Scope.council())
    assert exc.value.message == "目標件数か目標金額のどちらかを入力してください。"
    with pytest.raises(DomainError) as exc:
        services.save_target(actor=actor, item=leaf, scope=Scope.council(), target_count=-1)
    assert exc.value.message == "目標件数は0以上で入力してください（入力値 -1）。"
    with pytest.raises(DomainError) as exc:
        services.save_target(actor=actor, item=leaf, scope=Scope.parse("101"), kind=TargetKind.SELF, target_count=1)
    assert exc.value.message == "自主目標は会員ごとに設定します。対象「札幌中央店」は会員ではありません。"
    services.save_target(actor=actor, item=leaf, scope=Scope.council(), target_count=17_800)
    with pytest.raises(DomainError) as exc:
        services.save_target(actor=actor, item=leaf, scope=Scope.council(), target_count=1)
    assert exc.value.message == "「メイン化」の全道推進会議への配分目標は既に登録されています。一覧から編集してください。"


def test_changing_and_deleting_a_target_is_audited(users, org):
    actor = users["secretariat"]
    item = kf.item("X")
    t = services.save_target(actor=actor, item=item, scope=Scope.council(), target_count=10)
    services.save_target(actor=actor, target=t, item=item, scope=Scope.council(), target_count=20)
    entry = AuditEntry.objects.get(model="kpis.Target", action="update")
    assert (entry.before["target_count"], entry.after["target_count"]) == (10, 20)
    services.delete_target(actor=actor, target=t)
    assert not Target.objects.exists()
    assert AuditEntry.objects.filter(model="kpis.Target", action="delete").exists()
