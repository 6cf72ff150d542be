"""Approve an application: a branch committee writes and submits an
activity-expense application (職域活動費) for one of its members; the
secretariat approves it from the queue and sees the budget left go down, on
the queue and on the dashboard's budget card."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

BUDGET = 3_000_000


@pytest.fixture
def year(org, users):
    """This fiscal year's budget (set through the service) and the reference lists."""
    from suishin.activities import services
    from suishin.activities.models import Purpose, Theme
    from suishin.core import fiscal

    Theme.objects.get_or_create(name="新人説明会", defaults={"sort_order": 10})
    Purpose.objects.get_or_create(
        name="資料・教材費", defaults={"per_site": False, "sort_order": 30}
    )
    fy = fiscal.current_fiscal_year()
    services.save_year_setting(
        actor=users["secretariat"], fiscal_year=fy, budget_yen=BUDGET, cap_per_person_yen=2_000
    )
    return fy


def _session_day(fy: int) -> dt.date:
    """A day ahead (the session is planned), inside this fiscal year."""
    day = dt.date.today() + dt.timedelta(days=14)
    last = dt.date(fy + 1, 3, 31)
    return min(day, last)


def test_branch_submits_and_secretariat_approves_and_the_budget_left_changes(
    login, page, browser, year, shot, live_server
):
    # --- the branch committee (店番101) writes and submits -----------------------
    login("bob")
    page.goto(f"{live_server.url}/activities/applications/new/")
    expect(page.locator("h1")).to_contain_text("職域活動費の申請を作成")
    members = page.get_by_label("会員").locator("option")
    assert "旭川交通労働組合" not in " ".join(members.all_inner_texts())  # another branch's union
    page.get_by_label("会員").select_option(label="A0001 札幌市職員労働組合")
    page.get_by_label("開催予定日").fill(_session_day(year).isoformat())
    page.get_by_label("テーマ").select_option(label="新人説明会")
    page.get_by_label("学習会名").fill("新入組合員向けろうきん説明会")
    page.get_by_label("接続拠点数").fill("1")
    page.get_by_label("予定参加者数").fill("30")
    page.get_by_label("1行目の費目").select_option(label="資料・教材費")
    page.get_by_label("1行目の数量").fill("30")
    page.get_by_label("1行目の単価").fill("2,500")  # 75,000円 > 2,000円 × 30名
    page.get_by_role("button", name="保存して申請する").click()
    expect(page.locator("main")).to_contain_text("60,000円")  # the cap is named
    shot("activities-application-error-1366")
    page.get_by_label("1行目の単価").fill("1,500")  # 45,000円
    page.get_by_role("button", name="保存して申請する").click()
    expect(page.locator("main")).to_contain_text("申請中")
    expect(page.locator("main")).to_contain_text("45,000円")
    number = re.search(r"\d{4}-\d{4}", page.locator("h1").inner_text()).group()
    assert number == f"{year}-0001"
    shot("activities-application-submitted-1366")

    # --- the secretariat approves from the queue ----------------------------------
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="ja-JP")
    alice = context.new_page()
    from conftest import PASSWORD

    alice.goto(f"{live_server.url}/accounts/login/")
    alice.get_by_label("ユーザー名").fill("alice")
    alice.get_by_label("パスワード").fill(PASSWORD)
    alice.get_by_role("button", name="ログイン").click()
    budget_card = alice.locator(".card", has_text="職域活動費の予算残")
    expect(budget_card).to_contain_text("3,000,000円")
    alice.goto(f"{live_server.url}/activities/queue/")
    bar = alice.locator(".budget-card")
    expect(bar).to_contain_text("予算残額3,000,000円")
    expect(bar).to_contain_text("承認待ちの申請額45,000円")
    row = alice.locator("tr", has_text="札幌市職員労働組合")
    expect(row).to_contain_text("45,000円")
    expect(row).to_contain_text(number)
    row.get_by_role("textbox", name="の承認額").fill("40,000")
    row.get_by_role("button", name="承認").click()
    expect(alice.locator(".budget-card")).to_contain_text("予算残額2,960,000円")
    expect(alice.locator(".budget-card")).to_contain_text("承認待ちの申請額0円")
    expect(alice.locator("main")).to_contain_text("承認待ちの申請はありません。")
    alice.screenshot(path=str(_shots() / "activities-queue-approved-1366.png"), full_page=True)
    alice.goto(f"{live_server.url}/")
    expect(alice.locator(".card", has_text="職域活動費の予算残")).to_contain_text("2,960,000円")
    alice.set_viewport_size({"width": 390, "height": 844})
    alice.goto(f"{live_server.url}/activities/queue/")
    assert alice.evaluate("document.documentElement.scrollWidth") <= 400
    alice.screenshot(path=str(_shots() / "activities-queue-approved-390.png"), full_page=True)
    context.close()

    # --- the branch committee sees the approval ----------------------------------
    page.reload()
    expect(page.locator("main")).to_contain_text("承認済み")
    expect(page.locator("main")).to_contain_text("40,000円")

    from suishin.activities.models import Application, State
    from suishin.core.models import AuditEntry

    app = Application.objects.get()
    assert (app.state, app.requested_yen, app.approved_yen) == (State.APPROVED, 45_000, 40_000)
    actions = set(
        AuditEntry.objects.filter(
            model="activities.Application", object_pk=str(app.pk)
        ).values_list("action", flat=True)
    )
    assert "application.create" in actions and len(actions) >= 3  # created, submitted, approved


def _shots():
    from tests.e2e.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
