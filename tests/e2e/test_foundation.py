from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_each_role_signs_in_and_sees_its_menu(login, page, users, shot, live_server):
    login("alice")
    assert page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="組織").is_visible()
    assert page.get_by_role("link", name="監査記録").is_visible()
    shot("home-secretariat")
    page.get_by_role("button", name="ログアウト").click()
    login("charlie")
    nav = page.get_by_role("navigation", name="メインメニュー")
    assert nav.get_by_role("link", name="監査記録").count() == 0
    assert "会員担当" in page.locator(".role-badge").inner_text()


def test_a_branch_user_sees_only_its_own_members(login, page, org, users, shot, live_server):
    login("bob")
    page.get_by_role("link", name="組織").click()
    page.get_by_role("link", name="会員", exact=True).click()
    body = page.locator("main").inner_text()
    assert org.member_a.name in body
    assert org.member_b.name not in body
    shot("members-branch-user")
    page.goto(f"{live_server.url}/organisations/members/{org.member_b.pk}/")
    assert "ページが見つかりません" in page.locator("main").inner_text()


def test_member_list_filters_and_sorts_by_keyboard(login, page, org, users, live_server):
    login("alice")
    page.goto(f"{live_server.url}/organisations/branches/")
    page.get_by_label("絞り込み").fill("旭川")
    rows = page.locator("#branch-table tbody tr:visible")
    assert rows.count() == 1
    header = page.get_by_role("columnheader", name="店番")
    header.focus()
    page.keyboard.press("Enter")
    assert header.get_attribute("aria-sort") == "ascending"


def test_pages_fit_a_phone_width(browser, live_server, users):
    from conftest import PASSWORD

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ja-JP")
    pg = context.new_page()
    pg.goto(f"{live_server.url}/accounts/login/")
    pg.get_by_label("ユーザー名").fill("alice")
    pg.get_by_label("パスワード").fill(PASSWORD)
    pg.get_by_role("button", name="ログイン").click()
    pg.get_by_role("button", name="メニュー").click()
    assert pg.get_by_role("link", name="組織").is_visible()
    width = pg.evaluate("document.documentElement.scrollWidth")
    assert width <= 400
    context.close()
