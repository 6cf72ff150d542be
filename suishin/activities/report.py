"""The 職域活動費 section of the half-year summary (suishin.reports).

Imported by ActivitiesConfig.ready() when the report engine is installed; the
figures come from queries.activity_expense_summary, the same function the
activities summary page uses, so the page and the report always agree.
"""

from __future__ import annotations

from typing import Any

from suishin.activities.queries import ActivityExpenseSummary, activity_expense_summary
from suishin.core import jpformat
from suishin.reports.sections import (
    Cell,
    CellKind,
    Column,
    Row,
    SectionData,
    Table,
    register_section,
)

SECTION_KEY = "activity_expenses"
TITLE = "職域活動費"


def _signed_money(n: int) -> Cell:
    return Cell(value=n, text=jpformat.signed_money(n, "sen"), kind=CellKind.YEN)


def summary_table(s: ActivityExpenseSummary) -> Table:
    columns = [
        Column("項目"),
        Column("今期", True),
        Column("前年同期", True),
        Column("前年同期比", True),
    ]
    rows = [
        Row(
            [
                Cell.of_text("職域活動費を活用した学習会"),
                Cell.count(s.sessions, "回"),
                Cell.count(s.prev_sessions, "回"),
                Cell.signed(s.sessions_diff, "回"),
            ]
        ),
        Row(
            [
                Cell.of_text("延べ出席者数"),
                Cell.count(s.attendees, "名"),
                Cell.count(s.prev_attendees, "名"),
                Cell.signed(s.attendees_diff, "名"),
            ]
        ),
        Row(
            [
                Cell.of_text("うちWEBを活用した学習会"),
                Cell.count(s.web_sessions, "回"),
                Cell.count(s.prev_web_sessions, "回"),
                Cell.signed(s.web_sessions_diff, "回"),
            ]
        ),
        Row(
            [
                Cell.of_text("活用金額"),
                Cell.money(s.paid_yen),
                Cell.money(s.prev_paid_yen),
                _signed_money(s.paid_diff_yen),
            ]
        ),
    ]
    notes = []
    if s.budget_yen is not None:
        notes.append(
            f"{s.fiscal_year}年度職域活動費: 年度予算 {jpformat.man_yen(s.budget_yen)}、"
            f"組合員1人当たり活用上限 {jpformat.yen(s.cap_per_person_yen)}"
        )
    return Table(columns=columns, rows=rows, title="職域活動費の活用", notes=notes)


def themes_table(s: ActivityExpenseSummary) -> Table:
    columns = [
        Column("テーマ（活用目的）"),
        Column("学習会", True),
        Column("出席者", True),
        Column("活用金額", True),
    ]
    rows = [
        Row(
            [
                Cell.of_text(t.theme),
                Cell.count(t.sessions, "回"),
                Cell.count(t.attendees, "名"),
                Cell.money(t.paid_yen),
            ]
        )
        for t in s.themes
    ]
    if rows:
        rows.append(
            Row(
                [
                    Cell.of_text("合計"),
                    Cell.count(s.sessions, "回"),
                    Cell.count(s.attendees, "名"),
                    Cell.money(s.paid_yen),
                ],
                total=True,
            )
        )
    return Table(columns=columns, rows=rows, title="テーマ（活用目的）別")


def section_values(s: ActivityExpenseSummary) -> dict[str, int | str | None]:
    """Named values for the narrative: {activity_expenses.paid|yen}, {activity_expenses.paid_diff|sen} ..."""
    return {
        "sessions": s.sessions,
        "attendees": s.attendees,
        "web_sessions": s.web_sessions,
        "paid": s.paid_yen,
        "prev_sessions": s.prev_sessions,
        "prev_attendees": s.prev_attendees,
        "prev_paid": s.prev_paid_yen,
        "sessions_diff": s.sessions_diff,
        "attendees_diff": s.attendees_diff,
        "paid_diff": s.paid_diff_yen,
        "budget": s.budget_yen,
        "cap_per_person": s.cap_per_person_yen,
        "main_themes": "".join(f"「{name}」" for name in s.main_themes()),
        "amount_text": s.amount_text,
    }


def build(fiscal_year: int, half: int, scope: Any) -> SectionData:
    s = activity_expense_summary(fiscal_year, half, scope)
    return SectionData(
        title=TITLE,
        tables=[summary_table(s), themes_table(s)],
        paragraphs=s.sentences(),
        values=section_values(s),
    )


register_section(SECTION_KEY, TITLE, build)
