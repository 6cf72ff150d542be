from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def figures(org):
    from suishin.kpis import factories as f

    loan = f.item("LOAN", name="住宅ローン", sort_order=1)
    dep = f.item("DEP", name="財形貯蓄", unit="円", sort_order=2)
    f.target(loan, member=org.member_a, count=10)
    f.target(loan, member=org.member_a2, count=20)
    f.target(loan, member=org.member_b, count=8)
    f.target(dep, member=org.member_b, amount=1_000_000)
    for month, member, count in (
        ("2024-05", org.member_a, 9),
        ("2024-06", org.member_a2, 4),
        ("2024-09", org.member_b, 7),
    ):
        f.result(loan, month, member=member, count=count)
    f.result(dep, "2024-08", member=org.member_b, amount=300_000)
    return loan


def test_secretariat_dashboard_shows_bars_with_the_pace_line(
    login, page, figures, users, shot, live_server
):
    login("alice")
    main = page.locator("main")
    expect(page.locator("h1")).to_contain_text("ダッシュボード 全道推進会議・2024年度上期")
    progress = page.locator("#progress-table")
    assert progress.get_by_role("img", name="達成率 52.6%（ペース 50.0%）").is_visible()
    assert page.locator("#block-table").get_by_role("img", name="石狩 達成率 43.3%").is_visible()
    assert "未達の見込み（▲400,000円）" in progress.inner_text()
    # the item selector redraws by-block and trend for another item, from the keyboard
    page.get_by_label("推進項目（ブロック別・月次推移・順位）").select_option(label="財形貯蓄")
    page.get_by_role("button", name="表示").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "item=DEP" in page.url
    assert "ブロック別の進捗：財形貯蓄" in main.inner_text()
    shot("dashboard-secretariat-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    shot("dashboard-secretariat-390")


def test_branch_user_sees_its_own_members_ranked(login, page, figures, users, shot, live_server):
    login("bob")
    rows = page.locator("#ranking-table tbody tr")
    expect(rows).to_have_count(2)
    assert rows.nth(0).inner_text().split("\t")[:3] == ["1", "A0001", "札幌市職員労働組合"]
    assert "北海道教職員組合札幌支部" in rows.nth(1).inner_text()
    assert "旭川交通労働組合" not in page.locator("main").inner_text()
    page.get_by_label("会員で絞り込み").fill("教職員")
    expect(page.locator("#ranking-table tbody tr:visible")).to_have_count(1)
    shot("dashboard-branch-1366")
