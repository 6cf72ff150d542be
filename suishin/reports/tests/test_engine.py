"""Building the report: tables in the seed's layout, resolved narrative,
trace links, warnings instead of crashes, scope limits, definitions."""

from __future__ import annotations

import pytest

from suishin.core.errors import DomainError
from suishin.kpis import factories as kf
from suishin.kpis.models import Result
from suishin.kpis.scope import Scope
from suishin.reports import sections
from suishin.reports.definitions import BlockSpec, Definition, load_definition
from suishin.reports.engine import build_report
from suishin.reports.models import BlockKind, ChartKind
from suishin.reports.services import save_definition


def definition(*blocks: BlockSpec, title: str = "{report.period_label}推進活動総括") -> Definition:
    return Definition(2024, 1, title, list(blocks), saved=True)


def table_texts(report, index: int = 0):
    table = [t for _, t in report.tables()][index]
    return [c.label for c in table.columns], [[c.display for c in r.cells] for r in table.rows]


def test_the_deposit_loan_service_table_reads_like_the_seed(seed_catalog):
    report = build_report(
        fiscal_year=2024, half=1, definition=definition(BlockSpec(BlockKind.GROUP_TABLE, title="【預金・融資・各種サービス実績】", group="預金・融資・各種サービス"))
    )
    assert report.title == "2024年度上期推進活動総括"
    assert report.blocks[0].title == "【預金・融資・各種サービス実績】"
    headers, rows = table_texts(report)
    assert headers == ["No", "項目", "年間目標", "上期実績", "達成率"]
    assert rows == [
        ["①", "SVC_MAIN", "17,800", "11,180", "62.8%"],
        ["②", "SVC_DEPOSIT", "6,350", "3,708", "58.3%"],
        ["③", "SVC_LOAN", "15,131", "9,178", "60.6%"],
        ["④", "SVC_ASSET", "1,234", "1,617", "131.0%"],
        ["", "合計", "40,515", "25,683", "63.3%"],
    ]
    assert report.warnings == []


def test_tables_without_targets_name_the_units_and_totals_keep_a_shared_unit(seed_catalog):
    report = build_report(
        fiscal_year=2024, half=1,
        definition=definition(
            BlockSpec(BlockKind.GROUP_TABLE, group="ろうきん運動"),
            BlockSpec(BlockKind.GROUP_TABLE, group="NPO連携"),
        ),
    )
    assert table_texts(report, 0) == (
        ["No", "項目", "回数・会員数"],
        [["①", "学習会開催回数", "640回"], ["②", "議案書・機関紙への掲載会員数", "2会員"], ["", "合計", "642"]],
    )
    assert table_texts(report, 1) == (
        ["No", "項目", "件数"],
        [["①", "融資相談件数", "7件"], ["②", "NPO法人普通預金口座開設数", "10件"], ["", "合計", "17件"]],
    )


def test_a_value_label_and_previous_year_columns_on_request(seed_catalog):
    report = build_report(
        fiscal_year=2024, half=1,
        definition=definition(BlockSpec(BlockKind.GROUP_TABLE, group="生活設計", value_label="新規件数", show_prev=True)),
    )
    assert table_texts(report) == (["項目", "新規件数", "前年同期", "前年同期比"], [["エース預金新規件数", "522件", "372件", "+150件"]])


def test_cumulative_and_amount_columns_appear_when_items_have_them(seed_catalog):
    report = build_report(fiscal_year=2024, half=1, definition=definition(BlockSpec(BlockKind.GROUP_TABLE, group="奨学金借換ローン")))
    assert table_texts(report) == (
        ["項目", "件数", "金額", "累計", "累計金額"],
        [["奨学金借換ローン", "23件", "59百万円", "537件", "13億13百万円"]],
    )


def test_the_second_half_shows_the_year_to_date_column(seed_catalog):
    item = kf.item("NONFACE", name="非対面", group="非対面", sort_order=700)
    kf.target(item, count=21_100)
    kf.result(item, "2024-05", member=seed_catalog.member_a, count=15_477)
    kf.result(item, "2024-11", member=seed_catalog.member_a, count=2_000)
    report = build_report(fiscal_year=2024, half=2, definition=definition(BlockSpec(BlockKind.GROUP_TABLE, group="非対面")))
    assert table_texts(report) == (["項目", "年間目標", "下期実績", "年度累計", "達成率"], [["非対面", "21,100", "2,000", "17,477", "82.8%"]])


def test_the_narrative_quotes_computed_figures(seed_catalog):
    body = "\n".join([
        "預金・融資・各種サービス新規取引実績は{SVC_TOTAL.count}件（達成率{SVC_TOTAL.achievement}）",
        "【新規件数】{ACE_NEW.count}件（前年同期比{ACE_NEW.prev_diff}件）",
        "【実績】{DISPOSABLE.amount|oku}（前年同期比{DISPOSABLE.prev_amount_diff|oku}）目標{DISPOSABLE.target_amount|oku}",
        "【実績】{SCHOLAR_REFI.count}件／{SCHOLAR_REFI.amount|oku}（前年同期比{SCHOLAR_REFI.prev_diff}件／{SCHOLAR_REFI.prev_amount_diff|oku}）",
        "累計{SCHOLAR_REFI.cum_count}件／{SCHOLAR_REFI.cum_amount|oku}（集計期間：{SCHOLAR_REFI.cum_since}～{report.end}）",
        "ろうきん運動項目が{MOV_TOTAL.count}件（{report.end_month}時点、{report.scope}）",
    ])
    report = build_report(fiscal_year=2024, half=1, definition=definition(BlockSpec(BlockKind.NARRATIVE, body=body)))
    assert [p.text for p in report.blocks[0].paragraphs] == [
        "預金・融資・各種サービス新規取引実績は25,683件（達成率63.3%）",
        "【新規件数】522件（前年同期比+150件）",
        "【実績】6億9百万円（前年同期比+2億47百万円）目標10億円",
        "【実績】23件／59百万円（前年同期比▲10件／▲28百万円）",
        "累計537件／13億13百万円（集計期間：2017年10月1日～2024年9月30日）",
        "ろうきん運動項目が642件（2024年9月末時点、全道推進会議）",
    ]


def test_figures_link_to_their_trace_on_the_web_only(seed_catalog):
    spec = definition(BlockSpec(BlockKind.NARRATIVE, body="{ACE_NEW.count}"), BlockSpec(BlockKind.GROUP_TABLE, group="NPO連携"))
    web = build_report(fiscal_year=2024, half=1, scope=Scope.parse("石狩"), definition=spec)
    part = web.blocks[0].paragraphs[0].parts[0]
    assert part.href == "/reports/trace/?fy=2024&half=1&scope=%E7%9F%B3%E7%8B%A9&item=ACE_NEW&span=half"
    cells = [c for r in web.blocks[1].tables[0].rows for c in r.cells if c.href]
    assert cells and all("/reports/trace/" in c.href for c in cells)
    printed = build_report(fiscal_year=2024, half=1, definition=spec, links=False)
    assert printed.blocks[0].paragraphs[0].parts[0].href is None
    assert not [c for r in printed.blocks[1].tables[0].rows for c in r.cells if c.href]


def test_target_cells_link_to_the_target_list(seed_catalog):
    report = build_report(fiscal_year=2024, half=1, definition=definition(BlockSpec(BlockKind.GROUP_TABLE, group="預金・融資・各種サービス")))
    first_row = report.blocks[0].tables[0].rows[0].cells
    assert first_row[2].href == "/kpis/targets/?fy=2024&item=SVC_MAIN&scope=%E5%85%A8%E4%BD%93"


def test_what_cannot_be_computed_prints_a_dash_and_a_warning(seed_catalog):
    kf.item("MOV_WEB", name="WEB学習会", group="ろうきん運動", source="nowhere.sessions", sort_order=250)
    body = "{nowhere_sec.value}／{MOV_WEB.count}／{report.end_month}"
    report = build_report(
        fiscal_year=2024, half=1,
        definition=definition(
            BlockSpec(BlockKind.NARRATIVE, body=body),
            BlockSpec(BlockKind.SECTION, section_key="campaigns_x"),
            BlockSpec(BlockKind.GROUP_TABLE, group="存在しない区分"),
        ),
    )
    assert report.blocks[0].paragraphs[0].text == "－／－／2024年9月末"
    assert report.warnings == [
        "WEB学習会：集計元「nowhere.sessions」が未登録のため表示できません",
        "差し込み「{nowhere_sec.value}」の集計元「nowhere_sec」が未登録のため表示できません",
        "差し込み「{MOV_WEB.count}」：集計元「nowhere.sessions」が未登録のため表示できません",
        "集計表「campaigns_x」が未登録のため表示できません",
        "区分「存在しない区分」の項目が2024年度の推進項目にありません",
    ]


def test_an_unregistered_provider_row_shows_a_dash_in_its_table(seed_catalog):
    kf.item("MOV_WEB", name="WEB学習会", group="ろうきん運動", unit="回", source="nowhere.sessions", sort_order=250)
    report = build_report(fiscal_year=2024, half=1, definition=definition(BlockSpec(BlockKind.GROUP_TABLE, group="ろうきん運動")))
    _, rows = table_texts(report)
    assert ["③", "WEB学習会", "－"] in rows
    assert rows[-1] == ["", "合計", "642"]
    assert "※ WEB学習会：集計元「nowhere.sessions」が未登録のため表示できません" in report.warnings


def test_sections_contribute_tables_paragraphs_and_values(seed_catalog, fake_section):
    report = build_report(
        fiscal_year=2024, half=1, scope=Scope.parse("101"),
        definition=definition(
            BlockSpec(BlockKind.SECTION, section_key="test_sec"),
            BlockSpec(BlockKind.NARRATIVE, body="活用金額は{test_sec.paid|yen}（前年同期比{test_sec.paid_diff|sen}）{test_sec.label}{test_sec.missing}"),
        ),
    )
    section = report.blocks[0]
    assert section.title == "テスト集計"
    assert [p.text for p in section.paragraphs] == ["札幌中央店の集計です。"]
    assert section.tables[0].rows[0].cells[1].display == "14,762,300円"
    assert report.blocks[1].paragraphs[0].text == "活用金額は14,762,300円（前年同期比+2,824千円）テキスト－"
    assert report.warnings == ["差し込み「{test_sec.missing}」の「missing」は集計表「test_sec」にありません"]


def test_a_failing_section_becomes_a_warning(seed_catalog):
    def broken(fy, half, scope):
        raise RuntimeError("boom")

    def refusing(fy, half, scope):
        raise DomainError("この期の予算が未登録です。")

    sections.register_section("broken_sec", "壊れた集計", broken)
    sections.register_section("refusing_sec", "予算", refusing)
    try:
        report = build_report(
            fiscal_year=2024, half=1,
            definition=definition(BlockSpec(BlockKind.SECTION, section_key="broken_sec"), BlockSpec(BlockKind.SECTION, section_key="refusing_sec")),
        )
    finally:
        sections._SECTIONS.pop("broken_sec")
        sections._SECTIONS.pop("refusing_sec")
    assert report.warnings == [
        "集計表「壊れた集計」の作成中にエラーが発生しました（管理者に連絡してください）",
        "集計表「予算」を作成できません：この期の予算が未登録です。",
    ]


def test_the_by_block_chart_is_only_in_the_councils_report(seed_catalog):
    spec = definition(
        BlockSpec(BlockKind.CHART, chart=ChartKind.ITEMS),
        BlockSpec(BlockKind.CHART, chart=ChartKind.BLOCKS, item_code="SVC_TOTAL"),
        BlockSpec(BlockKind.CHART, chart=ChartKind.TREND, item_code="SVC_TOTAL"),
    )
    council = build_report(fiscal_year=2024, half=1, definition=spec)
    assert [b.key for b in council.blocks] == ["items", "blocks", "trend"]
    assert all(b.chart_svg.startswith("<svg") for b in council.blocks)
    # 石狩: 17,120 / 27,006; 上川: 8,563 / 13,509 (two members of three, one of three)
    assert council.blocks[1].chart_alt == "ブロック別の達成率（合計）：石狩 63.3%、上川 63.3%"
    member = build_report(fiscal_year=2024, half=1, scope=Scope.parse("A0001"), definition=spec)
    assert [b.key for b in member.blocks] == ["items", "trend"]


def test_charts_without_targets_say_so(org):
    kf.item("X")
    report = build_report(fiscal_year=2024, half=1, definition=definition(BlockSpec(BlockKind.CHART, chart=ChartKind.ITEMS)))
    assert report.blocks[0].chart_svg is None
    assert report.blocks[0].paragraphs[0].text == "グラフにする目標・実績がありません。"


def test_a_half_without_a_definition_gets_a_table_per_group(seed_catalog):
    d = load_definition(2024, 1)
    assert not d.saved and d.copied_from == ""
    groups = [b.group for b in d.blocks if b.kind == BlockKind.GROUP_TABLE]
    assert groups == ["預金・融資・各種サービス", "ろうきん運動", "NPO連携", "生活設計", "奨学金借換ローン", "可処分所得向上"]
    report = build_report(fiscal_year=2024, half=1, charts=False)
    assert report.title == "2024年度上期推進活動総括"
    assert not report.definition_saved


def test_a_new_half_starts_as_a_copy_of_the_previous_one(seed_catalog, users):
    blocks = [BlockSpec(BlockKind.NARRATIVE, title="# 総括", body="{report.period_label}の実績は{SVC_TOTAL.count}件、年度累計{SVC_TOTAL.fy_count}件です。")]
    save_definition(actor=users["secretariat"], fiscal_year=2024, half=1, title="上期の表題", blocks=blocks)
    d = load_definition(2024, 2)
    assert (d.saved, d.copied_from, d.title, d.blocks) == (False, "2024年度上期", "2024年度下期推進活動総括", blocks)
    report = build_report(fiscal_year=2024, half=2, charts=False)
    assert report.blocks[0].paragraphs[0].text == "2024年度下期の実績は0件、年度累計25,683件です。"


def test_json_contributors_may_add_keys(seed_catalog):
    from suishin.reports.renderers.jsondoc import report_json

    sections.register_json_contributor("test", lambda report, data: data.update(donation_yen=123))
    try:
        data = report_json(build_report(fiscal_year=2024, half=1, charts=False))
    finally:
        sections._JSON_CONTRIBUTORS.pop("test")
    assert data["donation_yen"] == 123


@pytest.mark.parametrize("scope_text", ["石狩", "101", "A0001"])
def test_a_scoped_report_has_only_the_scopes_figures(seed_catalog, scope_text):
    report = build_report(fiscal_year=2024, half=1, scope=Scope.parse(scope_text), charts=False)
    council = build_report(fiscal_year=2024, half=1, charts=False)
    assert report.figures["SVC_TOTAL"].count < council.figures["SVC_TOTAL"].count
    rows = Result.objects.filter(Scope.parse(scope_text).q(), item__parent__code="SVC_TOTAL", month__year=2024)
    assert report.figures["SVC_TOTAL"].count == sum(r.count for r in rows)


def test_a_providers_amount_never_shows_as_yen(seed_catalog):
    from suishin.kpis import providers

    providers.register("test.sessions", "テスト学習会", lambda item, period, scope, arg: providers.Figure(count=640, amount=14_000))
    try:
        kf.item("MOV_WEB", name="学習会（記録）", group="ろうきん運動", unit="回", source="test.sessions", sort_order=250)
        report = build_report(fiscal_year=2024, half=1, definition=definition(BlockSpec(BlockKind.GROUP_TABLE, group="ろうきん運動")))
    finally:
        providers._PROVIDERS.pop("test.sessions")
    headers, rows = table_texts(report)
    assert headers == ["No", "項目", "回数・会員数"]  # 14,000 participants are not 14,000円
    assert rows[2] == ["③", "学習会（記録）", "640回"]
