from __future__ import annotations

import io
import re
import subprocess

import pytest
from docx import Document

from suishin.meetings import document, services
from suishin.meetings.document import build
from suishin.meetings.tests.factories import jst, meeting, seed_agenda

pytestmark = pytest.mark.django_db

POLICY = """\
# 重点取組項目
- 自主目標設定運動の取組み
  - 「**会員自主目標推進運動**」を設定します。
  - 次の商品を重点運動項目とします。
    [枠] 全道推進会議・重点運動項目
      - マイプランの取組み
      - 奨学金借換ローンの周知
# 共通取組み
- 生活防衛
  - 相談に対応します。
    | <フリーダイヤル> | 0120-380-931 |
"""


@pytest.fixture
def seed_meeting(monkeypatch):
    # The summary is the reports app's; here a fixed body stands in for it.
    from suishin.meetings import integration

    monkeypatch.setattr(
        integration,
        "summary_body_html",
        lambda fy, half: (
            '<article class="report"><header class="report-head"><h1>総括の見出し</h1></header>'
            "<section><h2>預金・融資・各種サービス実績</h2><p>上期の取組み。</p>"
            '<table class="report-table"><thead><tr><th>項目</th><th class="num">上期実績</th></tr></thead>'
            '<tbody><tr><td>預金</td><td class="num">3,708</td></tr><tr class="total"><td>合計</td><td class="num">25,683</td></tr></tbody></table>'
            "</section></article>",
            "テスト用の総括",
        ),
    )
    m = meeting()
    seed_agenda(m)
    meeting(
        "第2回全道推進会議", starts_at=jst(2025, 2, 3, 15), venue="札幌ガーデンパレス", half=None
    )
    services.save_policy(
        actor=None,
        fiscal_year=2024,
        half=2,
        intro="「つなぐプロジェクト」を基軸とします。",
        outline=POLICY,
    )
    return m


def test_the_body_follows_the_seeds_order_and_numbering(seed_meeting):
    doc = build(seed_meeting)
    assert doc.cover.title == "2024年度 第1回全道推進会議"
    assert doc.cover.when == "2024年11月14日（木）14:00～"
    assert doc.cover.place == "札幌ガーデンパレス 2階「丹頂」"
    assert doc.cover.address == "札幌市中央区北1条西6丁目 (011) 261-5311"
    assert [(s.org_label, s.label, [(i.number, i.kind) for i in s.items]) for s in doc.body] == [
        (
            "北海道労働金庫",
            "報告事項",
            [("I.", "attachment"), ("II.", "attachment"), ("III.", "attachment")],
        ),
        ("全道推進会議", "報告事項", [("I.", "summary")]),
        ("", "協議事項", [("I.", "policy"), ("II.", "schedule")]),
    ]
    schedule = doc.body[2].items[1].schedule
    assert [(r.label, r.name, r.venue) for r in schedule] == [
        ("2025年2月3日（月）15時", "第2回全道推進会議", "札幌ガーデンパレス")
    ]


def _text(html: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_html_has_cover_agenda_ditto_attachments_summary_policy_and_schedule(seed_meeting):
    html = document.render(seed_meeting, "html").decode()
    text = _text(html)
    for expected in [
        "2024年度 第1回全道推進会議",
        "開　会 小倉副議長",
        "&lt;来賓挨拶&gt;",
        "II. 「新長期ビジョン」「中期経営計画」骨格案（原案）について //",
        "III. 「共生社会の実現に向けた上期取組み報告」について 榎田室長 (地域共生推進室)",
        "～質　疑～",
        "～ 別添資料参照 ～",
        "預金・融資・各種サービス実績",
        "25,683",
        "I. 2024年度下期推進活動方針（案）",
        "1. 自主目標設定運動の取組み",
        "(2) 次の商品を重点運動項目とします。",
        "① マイプランの取組み",
        "0120-380-931",
        "2025年2月3日（月）15時 第2回全道推進会議 札幌ガーデンパレス",
        "以上",
    ]:
        assert expected in text, expected
    assert "<strong>会員自主目標推進運動</strong>" in html
    assert "総括の見出し" in html  # present, hidden by CSS: the item title is printed instead
    assert ".summary-body .report-head { display: none; }" in html
    assert (
        html.index("開　会")
        < html.index("～ 別添資料参照 ～")
        < html.index("預金・融資")
        < html.index("マイプラン")
        < html.index("第2回全道推進会議")
    )


def test_a_missing_policy_and_summary_print_a_labelled_notice():
    m = meeting()
    seed_agenda(m)
    html = document.render(m, "html").decode()
    assert "（2024年度下期の推進活動方針（案）はまだ作成されていません。）" in html


def test_the_pdf_is_a4_with_the_japanese_font_embedded(seed_meeting, tmp_path):
    pdf = document.render(seed_meeting, "pdf")
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "595.276 x 841.89 pts (A4)" in info
    fonts = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout
    ipa = [line for line in fonts.splitlines() if "IPAexGothic" in line]
    assert ipa and all(" yes yes yes " in line for line in ipa)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "議 事 次 第" in text or "議事次第" in text
    assert "第2回全道推進会議" in text and "① マイプランの取組み" in text


def test_the_docx_reads_back_with_headings_numbers_and_tables(seed_meeting):
    data = document.render(seed_meeting, "docx")
    doc = Document(io.BytesIO(data))
    paragraphs = [(p.style.name, p.text) for p in doc.paragraphs]
    assert ("Title", "2024年度 第1回全道推進会議") in paragraphs
    headings = [t for s, t in paragraphs if s.startswith("Heading")]
    assert headings[:5] == [
        "<報告事項>",
        "I. 「2024年度事業計画 上期遂行状況」について",
        "II. 「新長期ビジョン」「中期経営計画」骨格案（原案）について",
        "III. 「共生社会の実現に向けた上期取組み報告」について",
        "<報告事項>",
    ]
    assert "I. 2024年度下期推進活動方針（案）" in headings and "II. 今後の日程" in headings
    texts = [t for _, t in paragraphs]
    assert "1.\t自主目標設定運動の取組み" in texts
    assert "(1)\t「会員自主目標推進運動」を設定します。" in texts
    assert "～ 別添資料参照 ～" in texts and "以上" in texts
    assert "総括の見出し" not in "\n".join(texts)  # the summary's own header is left out
    # agenda, summary, box, phone table and schedule are real tables
    cells = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    assert ["II.", "「新長期ビジョン」「中期経営計画」骨格案（原案）について", "//"] in cells
    assert ["合計", "25,683"] in cells
    assert ["<フリーダイヤル>", "0120-380-931"] in cells
    assert ["2025年2月3日（月）15時", "第2回全道推進会議", "札幌ガーデンパレス"] in cells
    box = next(
        t for t in doc.tables if t.rows[0].cells[0].text.startswith("全道推進会議・重点運動項目")
    )
    assert "①\tマイプランの取組み" in box.rows[0].cells[0].text
    # bold run from **…**
    bold = [r.text for p in doc.paragraphs for r in p.runs if r.bold]
    assert "会員自主目標推進運動" in bold


def test_the_docx_names_ipaexgothic_as_east_asian_font(seed_meeting):
    doc = Document(io.BytesIO(document.render(seed_meeting, "docx")))
    fonts = doc.styles["Normal"].element.rPr.rFonts
    assert (
        fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
        == "IPAexGothic"
    )
    table = next(
        p for p in doc.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml"
    ).blob.decode()
    assert 'w:name="IPAexGothic"' in table and "ＭＳ 明朝" in table
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
