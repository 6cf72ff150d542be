"""Where the meetings app meets the reports engine (suishin/reports).

- `summary_body_html(fiscal_year, half)`: the council's half-year summary
  (推進活動総括) body from `suishin.reports.renderers.html.summary_body_html`,
  for embedding in the meeting document.
- `register()`: called from MeetingsConfig.ready(); adds the report sections
  "ブロック別研修会" (key "block_trainings", the key the reports
  demo definition quotes) and "今後の日程" (key "schedule")
  and the `suishin report meeting` subcommand.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from suishin.core import fiscal

SUMMARY_SOURCE = "suishin.reports.renderers.html.summary_body_html（推進活動総括の本文）"


def summary_body_html(fiscal_year: int, half: int) -> tuple[str, str] | None:
    """(html, source) of the council-wide summary; None if the engine has no HTML body."""
    from suishin.reports.renderers import html as report_html

    return report_html.summary_body_html(fiscal_year, half), SUMMARY_SOURCE


def _without_page_rules(css: str) -> str:
    """The report's stylesheet without its @page rules (the meeting document
    has its own page size, margins and page numbers)."""
    out, i = [], 0
    for match in re.finditer(r"@page\b[^{]*\{", css):
        if match.start() < i:
            continue
        out.append(css[i : match.start()])
        depth, j = 1, match.end()
        while j < len(css) and depth:
            depth += {"{": 1, "}": -1}.get(css[j], 0)
            j += 1
        i = j
    out.append(css[i:])
    return "".join(out)


def summary_css() -> str:
    """The summary body's stylesheet for the meeting document (no @page rules)."""
    from suishin.reports.renderers import html as report_html

    return _without_page_rules(report_html.report_css())


# --- report sections ---------------------------------------------------------------


def build_block_sessions(fiscal_year: int, half: int, scope: Any):
    """ブロック別研修会 of the fiscal year. Sessions are public council events;
    a block, branch or member report lists its own block's sessions."""
    from suishin.meetings import queries
    from suishin.reports.sections import Cell, Column, Row, SectionData, Table

    rows = queries.block_sessions(fiscal_year)
    block_id = getattr(scope, "block_id", None)
    if block_id is not None:
        from suishin.meetings.models import BlockSession

        keep = set(
            BlockSession.objects.filter(fiscal_year=fiscal_year, block_id=block_id).values_list(
                "pk", flat=True
            )
        )
        rows = [r for r in rows if r.pk in keep]
    end = fiscal.half_period(fiscal_year, half).end
    table = Table(  # no caption: the report block's title (or ours below) heads it
        columns=[Column("対象ブロック"), Column("開催日"), Column("開催地")],
        rows=[
            Row([Cell.of_text(r.block), Cell.of_text(r.date_label), Cell.of_text(r.city)])
            for r in rows
        ],
    )
    held = sum(1 for r in rows if r.date <= end)
    return SectionData(
        title=f"【{fiscal_year}年度ブロック別研修会開催日・開催地一覧】",
        tables=[table],
        values={"count": len(rows), "held": held, "planned": len(rows) - held},
    )


def _schedule_rows(fiscal_year: int, half: int):
    """今後の日程 as the meeting reviewing this half prints it; without such a
    meeting, the fiscal year's events after the end of the half."""
    from suishin.meetings import queries
    from suishin.meetings.models import Meeting

    meeting = (
        Meeting.objects.filter(review_year=fiscal_year, half=half).order_by("starts_at").first()
    )
    if meeting is not None:
        return queries.upcoming_after(meeting)
    end: dt.date = fiscal.half_period(fiscal_year, half).end
    return queries.schedule(fiscal_year, after=end)


def build_schedule(fiscal_year: int, half: int, scope: Any):
    """今後の日程 (public council events; the same for every scope)."""
    from suishin.reports.sections import Cell, Column, Row, SectionData, Table

    rows = _schedule_rows(fiscal_year, half)
    table = Table(
        columns=[Column("開催日時（予定）"), Column("会議名"), Column("開催場所")],
        rows=[
            Row([Cell.of_text(r.label), Cell.of_text(r.name), Cell.of_text(r.venue)]) for r in rows
        ],
    )
    return SectionData(title="今後の日程", tables=[table], values={"count": len(rows)})


BLOCK_SESSIONS_KEY = "block_trainings"
SCHEDULE_KEY = "schedule"


def register() -> None:
    from suishin.meetings import cli
    from suishin.reports import commands, sections

    sections.register_section(BLOCK_SESSIONS_KEY, "ブロック別研修会", build_block_sessions)
    sections.register_section(SCHEDULE_KEY, "今後の日程", build_schedule)
    commands.register_subcommand(
        "meeting",
        cli.add_meeting_arguments,
        cli.handle_meeting,
        help="会議の議案書（表紙・議事次第・総括・方針・日程）を作成します。",
    )
