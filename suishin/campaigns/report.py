"""The キャンペーン実績 section of the half-year summary (suishin.reports).

Imported by CampaignsConfig.ready(). Figures come from
queries.campaign_results — the function the campaign page uses — so the page
and the report agree. A campaign belongs to a report when it runs during the
fiscal year up to the end of the half; its results are counted through the
end of the half ("2024年9月末時点"). Draw figures are council-level records:
they are shown only in the council's report.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from suishin.campaigns.models import Campaign, Draw, DrawStatus
from suishin.campaigns.queries import campaign_results
from suishin.core import fiscal, jpformat
from suishin.kpis.models import ScopeLevel
from suishin.reports.sections import (
    Cell,
    CellKind,
    Column,
    Row,
    SectionData,
    Table,
    register_section,
)

SECTION_KEY = "campaigns"
TITLE = "キャンペーン実績"


def campaigns_in(fiscal_year: int, half: int) -> list[Campaign]:
    """Campaigns running between April of the fiscal year and the end of the half."""
    window = fiscal.year_to_date(fiscal_year, half)
    return list(
        Campaign.objects.filter(starts_on__lte=window.end, ends_on__gte=window.start).order_by(
            "starts_on", "sort_order"
        )
    )


def _period_text(c: Campaign) -> str:
    return f"{c.starts_on.month}月{c.starts_on.day}日～{c.ends_on.month}月{c.ends_on.day}日"


def _signed_money(n: int | None) -> Cell:
    if n is None:
        return Cell(value=None, kind=CellKind.YEN)
    return Cell(value=n, text=jpformat.signed_money(n), kind=CellKind.YEN)


def build(fiscal_year: int, half: int, scope: Any) -> SectionData:
    through = fiscal.half_period(fiscal_year, half).end
    data = SectionData(title=TITLE)
    columns = [
        Column("キャンペーン"),
        Column("期間"),
        Column("項目"),
        Column("件数", True),
        Column("金額", True),
        Column("前年比 件数", True),
        Column("前年比 金額", True),
    ]
    rows: list[Row] = []
    for campaign in campaigns_in(fiscal_year, half):
        results = campaign_results(campaign, scope, through=through)
        key = campaign.code.lower()
        if results.rows:
            running = campaign.ends_on > through
            as_of = f"、{jpformat.month_end_ja(results.window.last)}時点" if running else ""
            data.paragraphs.append(
                f"{campaign.name}（{_period_text(campaign)}{as_of}）：{results.text()}"
            )
            data.values[f"{key}_text"] = results.text()
        for r in results.rows:
            rows.append(
                Row(
                    [
                        Cell.of_text(campaign.name),
                        Cell.of_text(_period_text(campaign)),
                        Cell.of_text(r.name),
                        Cell.count(r.count, r.unit)
                        if r.shows_count
                        else Cell(value=None, kind=CellKind.INT),
                        Cell.money(r.amount, "oku")
                        if r.shows_amount
                        else Cell(value=None, kind=CellKind.YEN),
                        Cell.signed(r.diff_count, r.unit)
                        if r.shows_count
                        else Cell(value=None, kind=CellKind.INT),
                        _signed_money(r.diff_amount)
                        if r.shows_amount
                        else Cell(value=None, kind=CellKind.YEN),
                    ]
                )
            )
            item = r.code.lower()
            data.values[f"{key}_{item}_count"] = r.count
            data.values[f"{key}_{item}_amount"] = r.amount
            data.values[f"{key}_{item}_count_diff"] = r.diff_count
            data.values[f"{key}_{item}_amount_diff"] = r.diff_amount
    data.tables.append(Table(columns=columns, rows=rows, title="キャンペーン実績"))
    if getattr(scope, "level", ScopeLevel.COUNCIL) == ScopeLevel.COUNCIL:
        draws = _draw_table(fiscal_year, half, through)
        if draws.rows:
            data.tables.append(draws)
    return data


def _draw_table(fiscal_year: int, half: int, through: dt.date) -> Table:
    window = fiscal.year_to_date(fiscal_year, half)
    draws = (
        Draw.objects.filter(
            status=DrawStatus.DRAWN, month__gte=window.first, month__lte=window.last
        )
        .select_related("campaign")
        .order_by("campaign__starts_on", "month")
    )
    rows = [
        Row(
            [
                Cell.of_text(d.campaign.name),
                Cell.of_text(jpformat.month_ja(d.month)),
                Cell.count(len(d.eligible_ids), "名"),
                Cell.count(d.winners.count(), "名"),
                Cell.count(d.quota, "名"),
            ]
        )
        for d in draws
    ]
    columns = [
        Column("キャンペーン"),
        Column("抽選月"),
        Column("抽選対象", True),
        Column("当選", True),
        Column("当選枠", True),
    ]
    return Table(
        columns=columns,
        rows=rows,
        title="抽選",
        notes=["抽選は記録されたシードから誰でも再現できます（suishin lottery verify）。"],
    )


register_section(SECTION_KEY, TITLE, build)
