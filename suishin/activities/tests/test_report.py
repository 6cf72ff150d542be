from __future__ import annotations

from suishin.activities import report
from suishin.kpis.scope import Scope
from suishin.reports.sections import get_section


def test_the_section_is_registered_with_the_report_engine():
    section = get_section("activity_expenses")
    assert section is not None and section.title == "職域活動費"


def test_the_section_gives_tables_sentences_and_values(make_application):
    make_application(state="paid", requested=30_000, theme="新人説明会")
    make_application(state="paid", requested=10_000, theme="資産形成")
    data = report.build(2024, 1, Scope.council())
    summary, themes = data.tables
    assert [c.display for c in summary.rows[3].cells] == ["活用金額", "40,000円", "0円", "+40千円"]
    assert [c.display for c in themes.rows[-1].cells] == [
        "合計",
        "2回",
        "60名",
        "40,000円",
    ] and themes.rows[-1].total
    assert data.values["paid"] == 40_000 and data.values["paid_diff"] == 40_000
    assert data.values["main_themes"] == "「新人説明会」「資産形成」"
    assert data.paragraphs[2].endswith("活用金額は 40,000円（前年同期比+40千円）となりました。")
