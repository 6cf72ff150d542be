"""Campaign pages: who sees what, the draw page steps, exports without personal data."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from suishin.campaigns import lottery, services
from suishin.campaigns.models import Campaign, Draw, DrawStatus
from suishin.campaigns.services import EntryRow
from suishin.campaigns.tests.helpers import OCT, SEED, cashless, not_charged, rows

DURING_CAMPAIGN = dt.datetime(2024, 11, 15, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def drawn(app_campaign, users):
    """October loaded (with personal data) and drawn."""
    with time_machine.travel(DURING_CAMPAIGN):
        entries = [
            EntryRow(
                i + 2,
                f"E{i}",
                OCT,
                cashless(f"E{i}").facts,
                name=f"応募者{i}",
                contact=f"0{i}0-0000",
            )
            for i in range(1, 6)
        ]
        services.load_entries(
            actor=users["bank"], campaign=app_campaign, rows=[*entries, not_charged("N1", line=9)]
        )
    services.commit_draw(actor=users["secretariat"], campaign=app_campaign, month=OCT, seed=SEED)
    services.run_draw(actor=users["secretariat"], campaign=app_campaign, month=OCT, seed=SEED)
    return app_campaign


def draw_url(campaign, month="2024-10"):
    return reverse("campaigns:draw", kwargs={"code": campaign.code, "month": month})


@pytest.mark.parametrize("role", ["secretariat", "bank", "viewer", "branch"])
def test_campaign_roles_see_the_list_and_the_detail(client_for, app_campaign, role):
    c = client_for(role)
    assert app_campaign.name in c.get(reverse("campaigns:index")).content.decode()
    body = c.get(reverse("campaigns:detail", args=[app_campaign.code])).content.decode()
    assert "条件②" in body and "えらべるPay 1,000円分" in body


def test_member_officers_have_no_campaign_pages(client_for, app_campaign):
    c = client_for("member")
    assert c.get(reverse("campaigns:index")).status_code == 403
    assert c.get(reverse("campaigns:detail", args=[app_campaign.code])).status_code == 403


def test_branch_users_see_neither_entrants_nor_draws(client_for, drawn):
    c = client_for("branch")
    body = c.get(reverse("campaigns:detail", args=[drawn.code])).content.decode()
    assert "月別の応募状況" not in body
    assert c.get(reverse("campaigns:entries", args=[drawn.code])).status_code == 403
    assert c.get(draw_url(drawn)).status_code == 403
    assert c.get(draw_url(drawn) + "?export=csv").status_code == 403


def test_the_detail_page_counts_eligible_entrants_per_month(client_for, drawn):
    body = client_for("viewer").get(reverse("campaigns:detail", args=[drawn.code])).content.decode()
    assert "月別の応募状況と抽選" in body
    assert (
        "条件①を満たしていません：ろうきんアプリの口座連携がありません／条件②を満たしていません：期間中のチャージ・支払いがありません（1名）"
        in body
    )
    assert "抽選済み" in body


def test_unknown_campaigns_and_months_answer_404(client_for, app_campaign):
    c = client_for("secretariat")
    assert c.get(reverse("campaigns:detail", args=["NOPE"])).status_code == 404
    assert c.get(draw_url(app_campaign, "2025-03")).status_code == 404
    assert c.get(draw_url(app_campaign, "garbage")).status_code == 404


def test_entries_page_explains_each_entrant(client_for, drawn):
    body = (
        client_for("bank")
        .get(reverse("campaigns:entries", args=[drawn.code]) + "?status=not")
        .content.decode()
    )
    assert "N1" in body and "E1" not in body
    assert "期間中のチャージ・支払いがありません" in body
    assert "応募者1" not in body  # no personal data for the bank


def test_only_the_secretariat_sees_personal_data(client_for, drawn):
    body = (
        client_for("secretariat")
        .get(reverse("campaigns:entries", args=[drawn.code]))
        .content.decode()
    )
    assert "応募者1" in body and "010-0000" in body
    for role in ("bank", "viewer"):
        c = client_for(role)
        assert (
            "応募者1" not in c.get(reverse("campaigns:entries", args=[drawn.code])).content.decode()
        )
        assert (
            "応募者"
            not in c.get(draw_url(drawn) + "?export=csv&personal=1")
            .content.decode("utf-8-sig")
            .split("\r\n", 1)[1]
        )


def test_winners_export_has_no_personal_data_for_other_roles(client_for, drawn):
    response = client_for("viewer").get(draw_url(drawn) + "?export=xlsx&personal=1")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    assert header == ["抽選月", "順位", "応募者ID", "条件", "賞品", "賞品の金額（円）"]
    assert sheet.max_row == 4  # header + 3 winners
    assert sheet.cell(2, 2).value == 1 and isinstance(sheet.cell(2, 6).value, int)


def test_the_secretariat_may_export_winners_with_personal_data(client_for, drawn):
    csv = (
        client_for("secretariat")
        .get(draw_url(drawn) + "?export=csv&personal=1")
        .content.decode("utf-8-sig")
    )
    assert csv.splitlines()[0] == "抽選月,順位,応募者ID,条件,賞品,賞品の金額（円）,氏名,連絡先"
    assert "応募者" in csv


def test_the_secretariat_commits_then_draws_on_the_page(client_for, app_campaign, users):
    services.load_entries(
        actor=users["bank"], campaign=app_campaign, rows=rows(cashless("E1"), cashless("E2"))
    )
    c = client_for("secretariat")
    response = c.post(draw_url(app_campaign), {"action": "commit", "seed": SEED})
    assert response.status_code == 302
    assert Draw.objects.get().commitment == lottery.commitment(SEED)
    wrong = c.post(draw_url(app_campaign), {"action": "draw", "seed": "this-is-not-the-seed"})
    assert "シードがコミットメントと一致しません。" in wrong.content.decode()
    assert Draw.objects.get().status == DrawStatus.COMMITTED
    body = c.post(draw_url(app_campaign), {"action": "draw", "seed": SEED}).content.decode()
    assert "抽選対象が当選枠より少ないため、対象者全員が当選しました（不足 1名）。" in body
    assert Draw.objects.get().status == DrawStatus.DRAWN


def test_a_generated_seed_is_shown_once_and_not_stored(client_for, app_campaign):
    body = (
        client_for("secretariat")
        .post(draw_url(app_campaign), {"action": "commit"})
        .content.decode()
    )
    assert "自動で作成したシード（この画面でだけ表示します）" in body
    draw = Draw.objects.get()
    assert draw.seed == ""
    assert draw.commitment in body


def test_commit_errors_appear_next_to_the_field(client_for, app_campaign):
    body = (
        client_for("secretariat")
        .post(draw_url(app_campaign), {"action": "commit", "seed": "short"})
        .content.decode()
    )
    assert "シードは16文字以上にしてください" in body
    assert not Draw.objects.exists()


@pytest.mark.parametrize("role", ["bank", "viewer"])
def test_other_roles_may_not_commit_or_draw(client_for, app_campaign, role):
    c = client_for(role)
    assert c.post(draw_url(app_campaign), {"action": "commit", "seed": SEED}).status_code == 403
    assert not Draw.objects.exists()


def test_anyone_who_sees_draws_may_verify_them(client_for, drawn):
    body = client_for("viewer").post(draw_url(drawn), {"action": "verify"}).content.decode()
    assert "抽選結果を再現できました。" in body
    assert Draw.objects.get().last_verified_ok is True


def test_the_secretariat_creates_a_campaign_with_conditions(client_for, org):
    response = client_for("secretariat").post(
        reverse("campaigns:create"),
        {
            "code": "APPX",
            "name": "アプリキャンペーン",
            "starts_on": "2024-10-01",
            "ends_on": "2025-01-31",
            "courses": "条件①：新規連携\n条件②：キャッシュレス",
            "monthly_quota": "100",
            "total_quota": "400",
            "conditions": '{"require": [{"fact": "survey_answered", "eq": true}]}',
        },
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get(code="APPX")
    assert campaign.courses == [
        {"name": "条件①", "products": "新規連携"},
        {"name": "条件②", "products": "キャッシュレス"},
    ]
    assert campaign.conditions == {"require": [{"fact": "survey_answered", "eq": True}]}


def test_bad_conditions_are_reported_next_to_the_field(client_for, org):
    c = client_for("secretariat")
    base = {"code": "BAD", "name": "x", "starts_on": "2024-10-01", "ends_on": "2024-10-31"}
    body = c.post(reverse("campaigns:create"), {**base, "conditions": "{oops"}).content.decode()
    assert "応募条件をJSONとして読めません（1行目 2文字目）。" in body
    body = c.post(
        reverse("campaigns:create"),
        {**base, "conditions": '{"require": [{"fact": "age", "eq": 1}]}'},
    ).content.decode()
    assert "require[0]：項目「age」は使えません。" in body
    assert not Campaign.objects.filter(code="BAD").exists()


@pytest.mark.parametrize("role", ["bank", "viewer", "branch"])
def test_only_the_secretariat_edits_campaigns(client_for, app_campaign, role):
    assert (
        client_for(role).get(reverse("campaigns:edit", args=[app_campaign.code])).status_code == 403
    )


def test_the_campaign_list_exports(client_for, app_campaign):
    csv = (
        client_for("viewer")
        .get(reverse("campaigns:index") + "?export=csv")
        .content.decode("utf-8-sig")
    )
    assert csv.splitlines()[1].startswith(
        f"{app_campaign.code},ろうきんAPP（アップ）キャンペーン,2024-10-01,2025-01-31,3,8"
    )


def test_branch_users_see_their_own_branch_results_by_default(client_for, summer):
    c = client_for("branch")
    body = c.get(reverse("campaigns:detail", args=[summer.code])).content.decode()
    assert "10,000件・70億円（2023年度比+1,000件・+40億円）" in body
    assert "18,591件" not in body
    assert c.get(reverse("campaigns:detail", args=[summer.code]) + "?scope=201").status_code == 404
    assert (
        c.get(
            reverse("campaigns:detail", args=[summer.code]) + "?scope=全体&export=csv"
        ).status_code
        == 404
    )


def test_council_results_and_their_export(client_for, summer):
    c = client_for("viewer")
    body = c.get(reverse("campaigns:detail", args=[summer.code])).content.decode()
    assert "18,591件・129億43百万円（2023年度比+2,391件・+77億33百万円）" in body
    csv = c.get(
        reverse("campaigns:detail", args=[summer.code]) + "?scope=全体&export=csv"
    ).content.decode("utf-8-sig")
    assert csv.splitlines()[1] == (
        "全道推進会議,SUMMER_DEPOSIT,サマーキャンペーン 定期・エース預金新規預入,件,18591,12943512345,16200,5210000000,"
        '2391,7733512345,"18,591件・129億43百万円（2023年度比+2,391件・+77億33百万円）"'
    )


def test_the_draw_record_lets_anyone_reproduce_the_draw_with_an_independent_implementation(
    client_for, drawn
):
    """An auditor's re-implementation from docs/campaigns.md alone (no suishin code)."""
    import hashlib
    import json

    record = json.loads(client_for("viewer").get(draw_url(drawn) + "?export=json").content)
    assert hashlib.sha256(record["seed"].encode()).hexdigest() == record["commitment"]
    assert (
        hashlib.sha256("\n".join(record["eligible_ids"]).encode()).hexdigest()
        == record["eligible_digest"]
    )

    def ticket(entrant: str) -> bytes:
        parts = (record["seed"], record["campaign"], record["month"], entrant)
        return hashlib.sha256(b"\x00".join(p.encode() for p in parts)).digest()

    order = sorted(record["eligible_ids"], key=lambda e: (ticket(e), e))
    assert order[: record["quota"]] == record["winners"]
    assert "応募者" not in json.dumps(record, ensure_ascii=False)


def test_the_campaign_list_export_of_a_branch_user_has_no_entrant_counts(client_for, drawn):
    csv = (
        client_for("branch")
        .get(reverse("campaigns:index") + "?export=csv")
        .content.decode("utf-8-sig")
    )
    assert (
        csv.splitlines()[0]
        == "キャンペーンコード,キャンペーン名,開始日,終了日,毎月の当選者数,当選者数の合計"
    )
