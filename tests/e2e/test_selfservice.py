from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def loan(org):
    from suishin.kpis import factories as f

    item = f.item("LOAN", name="住宅ローン", sort_order=1)
    f.target(item, member=org.member_a, count=10)
    f.result(item, "2024-05", member=org.member_a, count=4)
    return item


def test_member_officer_sets_a_self_target_and_sees_the_gap(
    login, page, loan, users, shot, live_server
):
    login("charlie")
    page.get_by_role("link", name="会員自主目標・運動報告").first.click()
    field = page.get_by_label("住宅ローンの自主目標（件）")
    field.fill("-2")
    page.get_by_role("button", name="自主目標を保存").click()
    expect(page.locator("#target-table")).to_contain_text(
        "「住宅ローン」の目標件数は0以上で入力してください（入力値 -2）。"
    )
    page.get_by_label("住宅ローンの自主目標（件）").fill("15")
    page.get_by_role("button", name="自主目標を保存").click()
    expect(page.locator("#target-table")).to_contain_text("15 ⇔ 10（+5）")
    shot("selfservice-targets-1366")
    page.get_by_role("link", name="運動報告を登録").click()
    page.get_by_label("報告の種類").select_option(label="機関紙掲載")
    page.get_by_label("実施日").fill("2024-06-15")
    page.get_by_label("内容").fill("機関紙6月号")
    page.get_by_role("button", name="登録する").click()
    expect(page.locator("#movement-table")).to_contain_text("機関紙6月号")
    shot("selfservice-movements-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    shot("selfservice-movements-390")
