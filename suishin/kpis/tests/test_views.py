"""Catalog and target pages: who may see and change what."""

from __future__ import annotations

import pytest
from django.urls import reverse

from suishin.kpis import factories as kf
from suishin.kpis.models import Item, Target, TargetKind


def test_every_figure_role_sees_the_catalog(client_for, org):
    kf.item("SVC_MAIN", name="メイン化（給振・年金・公振・クレジット）")
    for role in ("secretariat", "bank", "viewer", "branch", "member"):
        body = client_for(role).get(reverse("kpis:item_list") + "?fy=2024").content.decode()
        assert "メイン化（給振・年金・公振・クレジット）" in body


def test_the_catalog_exports_in_the_import_files_columns(client_for, org):
    total = kf.item("SVC_TOTAL", name="合計")
    kf.item("SVC_MAIN", name="メイン化", parent=total, donation_rate=100)
    csv = client_for("viewer").get(reverse("kpis:item_list") + "?fy=2024&export=csv").content.decode("utf-8-sig")
    lines = csv.splitlines()
    assert lines[0] == "年度,項目コード,項目名,区分,単位,集計方法,寄付単価,累計起算日,合計先,集計元,表示順"
    assert "2024,SVC_MAIN,メイン化,テスト区分,件,sum,100,,SVC_TOTAL,,0" in lines


def test_the_secretariat_adds_an_item_and_errors_show_next_to_the_field(client_for, org):
    c = client_for("secretariat")
    url = reverse("kpis:item_create") + "?fy=2024"
    data = {"fy": 2024, "code": "ACE_NEW", "name": "エース預金新規件数", "group": "生活設計", "unit": "件",
            "aggregation": "sum", "sort_order": 1, "source": ""}
    assert c.post(url, data).status_code == 302
    response = c.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert '<p class="field-error" role="alert">項目コード「ACE_NEW」は2024年度の推進項目に既にあります。</p>' in body


def test_an_item_with_a_provider_condition_is_saved_as_key_and_argument(client_for, org):
    c = client_for("secretariat")
    data = {"fy": 2024, "code": "SELF", "name": "会員自主目標設定会員数", "unit": "会員", "aggregation": "sum",
            "sort_order": 0, "source": "kpis.self_target_members", "source_arg": "x"}
    c.post(reverse("kpis:item_create"), data)
    assert Item.objects.get(code="SELF").source == "kpis.self_target_members:x"


@pytest.mark.parametrize("role", ["bank", "viewer", "branch", "member"])
def test_only_the_secretariat_changes_the_catalog_and_targets(client_for, org, role):
    item = kf.item("X")
    t = kf.target(item, count=5)
    c = client_for(role)
    assert c.get(reverse("kpis:item_create")).status_code == 403
    assert c.post(reverse("kpis:item_delete", args=[item.pk])).status_code == 403
    assert c.post(reverse("kpis:target_create"), {"fy": 2024, "item": item.pk, "scope": "全体", "kind": "allocated", "target_count": 1}).status_code == 403
    assert c.post(reverse("kpis:target_delete", args=[t.pk])).status_code == 403
    assert Item.objects.filter(pk=item.pk).exists() and Target.objects.count() == 1


def test_deleting_an_item_with_results_shows_the_reason(client_for, org):
    item = kf.item("X", name="項目X")
    kf.result(item, "2024-05", member=org.member_a, count=1)
    c = client_for("secretariat")
    response = c.post(reverse("kpis:item_delete", args=[item.pk]), follow=True)
    assert "項目「X 項目X」には実績が1件あるため削除できません。" in response.content.decode()


def test_copy_catalog_from_the_empty_year_page(client_for, org):
    kf.item("X", fiscal_year=2024)
    c = client_for("secretariat")
    body = c.get(reverse("kpis:item_list") + "?fy=2025").content.decode()
    assert "推進項目をコピー" in body
    c.post(reverse("kpis:catalog_copy"), {"from_year": 2024, "to_year": 2025})
    assert Item.objects.filter(fiscal_year=2025, code="X").exists()


def test_the_secretariat_sets_a_target_by_typing_the_scope(client_for, org):
    item = kf.item("X")
    c = client_for("secretariat")
    url = reverse("kpis:target_create") + "?fy=2024"
    response = c.post(url, {"fy": 2024, "item": item.pk, "scope": "A0001", "kind": "self", "target_count": 5})
    assert response.status_code == 302
    t = Target.objects.get()
    assert (t.scope_key, t.kind, t.target_count) == ("member:A0001", TargetKind.SELF, 5)
    response = c.post(url, {"fy": 2024, "item": item.pk, "scope": "どこにもない", "kind": "allocated", "target_count": 5})
    assert "対象「どこにもない」は、ブロック名・店番・会員コードのいずれにも見つかりません。" in response.content.decode()


def test_scoped_users_see_only_their_own_targets(client_for, org):
    item = kf.item("X")
    kf.target(item, member=org.member_a, count=11)
    kf.target(item, member=org.member_b, count=22)
    kf.target(item, count=999)
    body = client_for("branch").get(reverse("kpis:target_list") + "?fy=2024").content.decode()
    assert "member:A0001" not in body  # shown as a plain code
    assert ">11<" in body and ">22<" not in body and ">999<" not in body
    body = client_for("member").get(reverse("kpis:target_list") + "?fy=2024&export=csv").content.decode("utf-8-sig")
    assert "A0001" in body and "B0001" not in body
    assert client_for("member").get(reverse("kpis:target_list") + "?fy=2024&scope=B0001").status_code == 404


def test_the_target_list_filters_by_scope_inside(client_for, org):
    item = kf.item("X")
    kf.target(item, member=org.member_a, count=11)
    kf.target(item, member=org.member_b, count=22)
    body = client_for("viewer").get(reverse("kpis:target_list") + "?fy=2024&scope=石狩").content.decode()
    assert ">11<" in body and ">22<" not in body
