"""The report in JSON, XLSX, PDF and standalone HTML."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from suishin.kpis import factories as kf
from suishin.kpis.scope import Scope
from suishin.reports import renderers
from suishin.reports.definitions import BlockSpec, Definition
from suishin.reports.engine import build_report
from suishin.reports.models import BlockKind, ChartKind

ITEM_KEYS = {
    "code", "name", "group", "unit", "aggregation", "parent", "count", "amount", "fy_count", "fy_amount",
    "target_count", "target_amount", "self_target_count", "self_target_amount", "achievement",
    "prev_count", "prev_amount", "cum_count", "cum_amount", "as_of", "warning",
}

BLOCKS = [
    BlockSpec(BlockKind.NARRATIVE, title="# 総括", body="(1) 実績は{SVC_TOTAL.count}件、達成率{SVC_TOTAL.achievement}。"),
    BlockSpec(BlockKind.GROUP_TABLE, title="【預金・融資・各種サービス実績】", group="預金・融資・各種サービス"),
    BlockSpec(BlockKind.GROUP_TABLE, title="【NPOとの連携項目実績】", group="NPO連携", body="※ 注記です。"),
    BlockSpec(BlockKind.PAGE_BREAK),
    BlockSpec(BlockKind.CHART, title="項目別の達成率", chart=ChartKind.ITEMS),
]


def report(scope=None, **kw):
    return build_report(
        fiscal_year=2024, half=1, scope=scope, definition=Definition(2024, 1, "{report.period_label}推進活動総括", BLOCKS, True), links=False, **kw
    )


def test_json_has_the_documented_schema(seed_catalog):
    data = json.loads(renderers.render(report(charts=False), "json"))
    assert (data["fiscal_year"], data["half"], data["scope"], data["scope_label"]) == (2024, 1, "全体", "全道推進会議")
    assert data["period"] == {"first": "2024-04", "last": "2024-09"}
    items = {i["code"]: i for i in data["items"]}
    assert all(set(i) == ITEM_KEYS for i in data["items"])
    assert [i["code"] for i in data["items"]][:5] == ["SVC_MAIN", "SVC_DEPOSIT", "SVC_LOAN", "SVC_ASSET", "SVC_TOTAL"]
    deposit = items["SVC_DEPOSIT"]
    assert (deposit["count"], deposit["target_count"], deposit["target_amount"], deposit["achievement"]) == (3708, 6350, None, "58.3")
    total = items["SVC_TOTAL"]
    assert (total["count"], total["fy_count"], total["target_count"], total["achievement"], total["parent"]) == (25683, 25683, 40515, "63.3", None)
    assert items["SVC_MAIN"]["parent"] == "SVC_TOTAL"
    ace = items["ACE_NEW"]
    assert (ace["prev_count"], ace["target_count"], ace["achievement"], ace["self_target_count"]) == (372, None, None, None)
    assert (items["SCHOLAR_REFI"]["cum_count"], items["SCHOLAR_REFI"]["cum_amount"]) == (537, 1_313_400_000)
    assert items["MOV_STUDY"]["prev_count"] is None  # no FY2023 item with that code
    assert data["blocks"][0]["paragraphs"] == ["(1) 実績は25,683件、達成率63.3%。"]
    assert data["blocks"][1]["tables"][0]["rows"][-1] == {
        "total": True, "values": ["", "合計", 40515, 25683, 633], "texts": ["", "合計", "40,515", "25,683", "63.3%"],
    }


def test_json_for_a_member_has_only_its_figures(seed_catalog):
    data = json.loads(renderers.render(report(Scope.parse("B0001"), charts=False), "json"))
    assert (data["scope"], data["scope_level"], data["scope_label"]) == ("B0001", "member", "旭川交通労働組合")
    assert {i["code"]: i["count"] for i in data["items"]}["NPO_ACCOUNT"] == 10
    assert {i["code"]: i["count"] for i in data["items"]}["NPO_CONSULT"] == 0


def test_xlsx_has_a_sheet_per_section_with_numeric_cells(seed_catalog):
    kf.item("EVIL", name="=HYPERLINK(\"http://x\")", group="生活設計", sort_order=999)
    wb = load_workbook(io.BytesIO(renderers.render(report(charts=False), "xlsx")))
    assert wb.sheetnames == ["総括", "【預金・融資・各種サービス実績】", "【NPOとの連携項目実績】", "本文"]
    ws = wb["【預金・融資・各種サービス実績】"]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert rows[0] == ("No", "項目", "年間目標", "上期実績", "達成率")
    assert rows[2] == ("②", "SVC_DEPOSIT", 6350, 3708, 0.583)
    assert rows[5] == (None, "合計", 40515, 25683, 0.633)
    deposit = {c.column_letter: c for c in ws[5]}
    assert deposit["C"].data_type == "n" and deposit["C"].number_format == "#,##0;▲#,##0"
    assert deposit["E"].number_format == "0.0%"
    npo = list(wb["【NPOとの連携項目実績】"].iter_rows(min_row=4, values_only=True))
    assert npo[0] == ("①", "融資相談件数", 7)
    assert wb["【NPOとの連携項目実績】"]["C4"].number_format == '#,##0"件";▲#,##0"件"'
    summary = wb["総括"]
    header = [c.value for c in summary[4]]
    assert header[:6] == ["項目コード", "項目名", "区分", "単位", "集計方法", "上期件数"]
    by_code = {r[0]: r for r in summary.iter_rows(min_row=5, values_only=True)}
    assert by_code["DISPOSABLE"][6] == 609_400_000 and by_code["DISPOSABLE"][12] == 0.609
    assert by_code["EVIL"][1] == "'=HYPERLINK(\"http://x\")"  # a text cell, never a formula
    text = [r[0] for r in wb["本文"].iter_rows(values_only=True)]
    assert "(1) 実績は25,683件、達成率63.3%。" in text and "※ 注記です。" in text


def test_a_rate_cell_holds_the_truncated_value_not_the_exact_fraction(seed_catalog):
    wb = load_workbook(io.BytesIO(renderers.render(report(charts=False), "xlsx")))
    values = [r[4] for r in wb["【預金・融資・各種サービス実績】"].iter_rows(min_row=4, values_only=True)]
    assert values == [0.628, 0.583, 0.606, 1.31, 0.633]  # 3,708 / 6,350 = 0.58394… is stored as 0.583


def test_the_pdf_is_a4_with_the_japanese_font_embedded(seed_catalog, tmp_path):
    pdf = renderers.render(report(for_print=True), "pdf")
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    if shutil.which("pdffonts") is None:
        assert b"FontFile2" in pdf
        pytest.skip("poppler-utils is not installed: checked the embedded font stream only")
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
    assert re.search(r"Pages:\s+2", info)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    lines = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert lines and all("IPAexGothic" in line and " yes yes " in line for line in lines)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "2024年度上期推進活動総括" in text
    assert re.search(r"合計\s+40,515\s+25,683\s+63\.3%", text)
    assert re.search(r"1\s*/\s*2", text) and re.search(r"2\s*/\s*2", text)  # page numbers


def test_the_standalone_html_has_no_trace_links_and_prints_a4(seed_catalog):
    html = renderers.render(report(), "html").decode()
    assert "<h1 class=\"report-title\">2024年度上期推進活動総括</h1>" in html
    assert "/reports/trace/" not in html
    assert "size: A4 portrait" in html
    assert "data:image/svg+xml;base64," in html
    assert "http://" not in html.replace("http://www.w3.org", "")  # no external asset


def test_the_file_name_names_period_and_scope(seed_catalog):
    assert renderers.filename(report(Scope.parse("101"), charts=False), "pdf") == "2024年度上期推進活動総括_101.pdf"
