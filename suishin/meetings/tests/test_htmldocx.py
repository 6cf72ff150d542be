from __future__ import annotations

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from suishin.meetings.htmldocx import IMAGE_NOTE, append_html


def test_headings_paragraphs_marks_lists_and_skipped_classes():
    doc = Document()
    append_html(
        doc,
        '<article><header class="report-head"><h1>隠す見出し</h1><p>隠す</p></header>'
        "<h2>預金・融資</h2><p>上期は <strong>25,683件</strong> でした。<br>次の行</p>"
        "<ul><li>一つ目</li><li>二つ目</li></ul><script>alert(1)</script>"
        '<figure><img src="data:image/svg+xml;base64,AAAA" alt="グラフ"></figure></article>',
        skip_classes=frozenset({"report-head"}),
    )
    paragraphs = [(p.style.name, p.text) for p in doc.paragraphs]
    assert ("Heading 3", "預金・融資") in paragraphs
    assert ("Normal", "上期は 25,683件 でした。\n次の行") in paragraphs
    assert ("Normal", "・一つ目") in paragraphs and ("Normal", "・二つ目") in paragraphs
    assert ("Normal", IMAGE_NOTE) in paragraphs
    text = "\n".join(t for _, t in paragraphs)
    assert "隠す" not in text and "alert" not in text
    assert [r.text for p in doc.paragraphs for r in p.runs if r.bold] == ["25,683件"]


def test_tables_keep_colspan_numbers_right_aligned_and_bold_totals():
    doc = Document()
    append_html(
        doc,
        '<table><caption>【x】</caption><thead><tr><th>No</th><th>項目</th><th class="num">上期実績</th></tr></thead>'
        '<tbody><tr><td>①</td><td>メイン化</td><td class="num">11,180</td></tr>'
        '<tr class="total"><td colspan="2">合計</td><td class="num">25,683</td></tr></tbody></table>',
    )
    assert doc.paragraphs[0].text == "【x】" and doc.paragraphs[0].runs[0].bold
    table = doc.tables[0]
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["No", "項目", "上期実績"],
        ["①", "メイン化", "11,180"],
        ["合計", "合計", "25,683"],  # a merged cell reads the same in both grid columns
    ]
    assert table.rows[1].cells[2].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert all(r.bold for r in table.rows[2].cells[2].paragraphs[0].runs)
    assert all(r.bold for r in table.rows[0].cells[0].paragraphs[0].runs)
