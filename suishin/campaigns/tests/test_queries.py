"""Campaign results (Σ kpis.Result in the window, 前年比) and eligibility summaries."""

from __future__ import annotations

import datetime as dt

from suishin.campaigns import queries, services
from suishin.campaigns.tests.helpers import NOV, OCT, SEED, cashless, make_result, not_charged, rows
from suishin.kpis.models import Item
from suishin.kpis.scope import Scope


def test_summer_campaign_results_print_as_the_seed_does(summer):
    results = queries.campaign_results(summer, Scope.council())
    (row,) = results.rows
    assert (row.count, row.amount, row.prev_count, row.prev_amount) == (
        18_591,
        12_943_512_345,
        16_200,
        5_210_000_000,
    )
    assert results.prev_label == "2023年度比"
    assert results.text() == "18,591件・129億43百万円（2023年度比+2,391件・+77億33百万円）"
    assert row.name == "サマーキャンペーン 定期・エース預金新規預入"


def test_results_follow_the_scope(summer, org):
    branch = queries.campaign_results(summer, Scope.parse("101"))
    assert branch.text() == "10,000件・70億円（2023年度比+1,000件・+40億円）"
    block = queries.campaign_results(summer, Scope.parse("上川"))
    assert block.text() == "8,591件・59億43百万円（2023年度比+1,391件・+37億33百万円）"
    member = queries.campaign_results(summer, Scope.parse("A0002"))
    assert member.text() == "0件・0円（2023年度比±0件・±0円）"


def test_results_can_stop_at_a_month(summer):
    june = queries.campaign_results(summer, through=dt.date(2024, 6, 30))
    assert june.rows[0].count == 10_000
    assert june.as_of == dt.date(2024, 6, 30)
    before = queries.campaign_results(summer, through=dt.date(2024, 5, 31))
    assert before.rows == () and before.window is None


def test_counts_only_items_and_no_previous_year(org, users):
    zaikei = Item.objects.create(fiscal_year=2024, code="ZAIKEI_NEW", name="財形新規件数")
    ideco = Item.objects.create(fiscal_year=2024, code="IDECO_NEW", name="iDeCo新規件数")
    make_result(zaikei, dt.date(2024, 5, 1), member=org.member_a, count=2_000)
    make_result(zaikei, dt.date(2024, 9, 1), count=266)
    make_result(ideco, dt.date(2024, 9, 1), count=175)
    campaign = services.save_campaign(
        actor=users["secretariat"],
        code="MIRAI",
        name="未来設計",
        starts_on=dt.date(2024, 4, 1),
        ends_on=dt.date(2025, 1, 31),
        result_item_codes=["ZAIKEI_NEW", "IDECO_NEW"],
    )
    results = queries.campaign_results(campaign, through=dt.date(2024, 9, 30))
    assert results.text() == "財形新規件数：2,266件／iDeCo新規件数：175件"
    assert all(r.prev_count is None for r in results.rows)


def test_month_summaries_count_eligible_entrants_by_tier_with_reasons(app_campaign, users):
    services.load_entries(
        actor=users["bank"],
        campaign=app_campaign,
        rows=rows(
            cashless("E1"),
            cashless("E2", app_linked_on="2024-10-05"),
            cashless(
                "L1",
                linked_at_month_end=False,
                cashless_registered=False,
                app_linked_on="2024-06-01",
            ),
            not_charged("N1"),
            not_charged("N2"),
            cashless("S1", survey=False),
        ),
    )
    services.load_entries(
        actor=users["bank"], campaign=app_campaign, rows=rows(cashless("E1", NOV))
    )
    services.commit_draw(actor=users["secretariat"], campaign=app_campaign, month=OCT, seed=SEED)
    services.run_draw(actor=users["secretariat"], campaign=app_campaign, month=OCT, seed=SEED)
    summaries = queries.month_summaries(app_campaign)
    assert [s.month_key for s in summaries] == ["2024-10", "2024-11", "2024-12", "2025-01"]
    october = summaries[0]
    assert (october.entries, october.eligible, october.not_eligible) == (6, 3, 3)
    assert october.by_tier == (("条件①", 1), ("条件②", 2))
    assert october.top_reasons[0] == (
        "条件①を満たしていません：ろうきんアプリの口座連携がありません／条件②を満たしていません：期間中のチャージ・支払いがありません",
        2,
    )
    assert october.draw.is_drawn and october.winners == 3
    assert (summaries[1].entries, summaries[1].draw, summaries[2].entries) == (1, None, 0)


def test_the_pool_excludes_earlier_winners_and_keeps_code_point_order(app_campaign, users):
    services.load_entries(
        actor=users["bank"],
        campaign=app_campaign,
        rows=rows(cashless("b"), cashless("B"), cashless("あ")),
    )
    pool = queries.eligible_pool(app_campaign, OCT)
    assert pool.eligible == ("B", "b", "あ")
    assert pool.entries == 3 and pool.excluded == ()


def test_the_report_section_shows_the_campaigns_of_the_half(summer, app_campaign):
    from suishin.campaigns import report
    from suishin.reports.sections import get_section

    assert get_section("campaigns").title == "キャンペーン実績"
    data = report.build(2024, 1, Scope.council())
    assert data.paragraphs == [
        "2024サマーキャンペーン（6月3日～7月31日）：18,591件・129億43百万円（2023年度比+2,391件・+77億33百万円）"
    ]
    (table,) = data.tables
    assert [c.display for c in table.rows[0].cells] == [
        "2024サマーキャンペーン",
        "6月3日～7月31日",
        "サマーキャンペーン 定期・エース預金新規預入",
        "18,591件",
        "129億43百万円",
        "+2,391件",
        "+77億33百万円",
    ]
    assert data.values["summer2024_summer_deposit_count"] == 18_591
    assert data.values["summer2024_summer_deposit_amount_diff"] == 7_733_512_345
    assert report.campaigns_in(2024, 2)[-1] == app_campaign  # the APP campaign belongs to 下期


def test_a_running_campaign_is_reported_as_of_the_end_of_the_half(org, users):
    from suishin.campaigns import report

    zaikei = Item.objects.create(fiscal_year=2024, code="ZAIKEI_NEW", name="財形新規件数")
    make_result(zaikei, dt.date(2024, 9, 1), member=org.member_a, count=2_266)
    make_result(zaikei, dt.date(2024, 10, 1), member=org.member_a, count=5)
    services.save_campaign(
        actor=users["secretariat"],
        code="MIRAI",
        name="未来設計",
        starts_on=dt.date(2024, 4, 1),
        ends_on=dt.date(2025, 1, 31),
        result_item_codes=["ZAIKEI_NEW"],
    )
    assert report.build(2024, 1, Scope.council()).paragraphs == [
        "未来設計（4月1日～1月31日、2024年9月末時点）：2,266件"
    ]
    member_report = report.build(2024, 1, Scope.parse("A0002"))
    assert member_report.paragraphs == ["未来設計（4月1日～1月31日、2024年9月末時点）：0件"]
