"""Run a draw: the secretariat commits a seed, draws a month's winners of a
campaign whose entries came through the import engine, sees the winners and
the hashes, and verifies the draw."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

SEED = "e2e-draw-seed-2024-10-f3a9c1d7b2"
HEADER = "キャンペーンコード,年月,応募者ID,アプリ口座連携日,月末口座連携,キャッシュレス口座登録,チャージ・支払い,アンケート回答"


@pytest.fixture
def campaign(org, users, settings, tmp_path):
    from suishin.campaigns import services
    from suishin.campaigns.demo_rules import APP_CONDITIONS
    from suishin.imports.services import import_file

    settings.MEDIA_ROOT = tmp_path / "media"
    campaign = services.save_campaign(
        actor=users["secretariat"],
        code="APPE2E",
        name="ろうきんAPP（アップ）キャンペーン",
        starts_on=dt.date(2024, 10, 1),
        ends_on=dt.date(2025, 1, 31),
        conditions=APP_CONDITIONS,
        monthly_quota=3,
        total_quota=8,
    )
    lines = [HEADER]
    for n in range(1, 9):  # R001–R008 meet 条件② and answered the survey
        lines.append(f"APPE2E,2024-10,R{n:03d},,はい,はい,はい,はい")
    lines.append("APPE2E,2024-10,R009,,はい,はい,はい,いいえ")  # no survey: not eligible
    data = ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")
    outcome = import_file(
        kind="campaign_entries",
        file=io.BytesIO(data),
        file_name="entries.csv",
        actor=users["bank"],
    )
    assert outcome.ok, outcome.error_lines()
    return campaign


def test_secretariat_commits_runs_and_verifies_a_draw(login, page, campaign, shot, live_server):
    login("alice")
    page.get_by_role("link", name="キャンペーン・抽選").first.click()
    page.get_by_role("link", name="ろうきんAPP（アップ）キャンペーン").first.click()
    row = page.locator("tr", has_text="2024年10月")
    expect(row).to_contain_text("8")  # eligible
    row.get_by_role("link", name="未登録").click()
    expect(page.locator("h1")).to_contain_text("2024年10月 抽選")
    expect(page.locator("main")).to_contain_text("現在の抽選対象")
    expect(page.locator("main")).to_contain_text("8名")

    # 1. the commitment: SHA-256 of the seed, before the draw
    page.get_by_label("シード（空欄なら自動で作成）").fill("short")
    page.get_by_role("button", name="コミットメントを登録").click()
    expect(page.locator("main")).to_contain_text("シードは16文字以上にしてください")
    page.get_by_label("シード（空欄なら自動で作成）").fill(SEED)
    page.get_by_role("button", name="コミットメントを登録").click()
    commitment = hashlib.sha256(SEED.encode()).hexdigest()
    expect(page.locator("main")).to_contain_text(commitment)
    shot("draw-committed-1366")

    # 2. the draw: a wrong seed is refused, the committed one draws 3 of 8
    page.locator("input[name=seed]").fill(SEED + "x")
    page.get_by_role("button", name="抽選する").click()
    expect(page.locator("main")).to_contain_text("シードがコミットメントと一致しません。")
    page.locator("input[name=seed]").fill(SEED)
    page.get_by_role("button", name="抽選する").click()
    expect(page.locator("main")).to_contain_text("抽選しました。当選 3名。")
    winners = page.locator("main table").last.locator("tbody tr")
    expect(winners).to_have_count(3)
    ids = [winners.nth(i).locator("td").nth(1).inner_text() for i in range(3)]
    assert len(set(ids)) == 3 and all(i in {f"R{n:03d}" for n in range(1, 9)} for i in ids)
    expect(page.locator("main")).to_contain_text(SEED)  # the seed is revealed after the draw
    expect(page.locator("main")).to_contain_text("一覧のSHA-256")
    shot("draw-winners-1366")

    # 3. verify: the draw is reproduced from the record
    page.get_by_role("button", name="検証する").click()
    expect(page.locator("main")).to_contain_text("抽選結果を再現できました。")
    expect(page.locator("main")).to_contain_text("再現できました")
    shot("draw-verified-1366")

    from suishin.campaigns.models import Draw

    draw = Draw.objects.get(campaign=campaign, month=dt.date(2024, 10, 1))
    assert draw.commitment == commitment
    assert sorted(draw.winners.values_list("entrant_id", flat=True)) == sorted(ids)
    assert "R009" not in draw.eligible_ids

    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    shot("draw-verified-390")


def test_a_branch_committee_cannot_draw(login, page, campaign, live_server):
    login("bob")
    response = page.goto(f"{live_server.url}/campaigns/APPE2E/draws/2024-10/")
    body = page.locator("body").inner_text()
    assert response.status in (403, 404)  # the entrants of a campaign are not a branch's
    assert "コミットメントを登録" not in body and "抽選する" not in body
    assert "Traceback" not in body
