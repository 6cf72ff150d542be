"""The period a page opens on when the user has not chosen one.

The council works on the half of its latest figures: in November 2024 the
bank's files run to September, and every page (dashboard, summary, self-service,
programmes, meetings) opens on FY2024 上期, not on the calendar's today. With no
results yet, it is the latest catalog up to this year, else this year.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from suishin.core import fiscal


def _month_bounds() -> tuple[dt.date | None, tuple[tuple[int, int], ...]]:
    """(latest month with results, every (fiscal year, half) with results, newest first).

    Never a scan of the results: per item, its first and its last month are two
    index seeks on `result_figures_cover` (item, month, …), and the halves an
    item has results in are exactly the halves of those two months when both
    lie in one fiscal year (an item belongs to one year's catalog; a year has
    two halves). An item whose results span fiscal years is read month by
    month. `MAX(month)` / `DISTINCT month` over the table read every one of
    its rows (21.6 M at national scale: seconds per page, bench/RESULTS.md)."""
    from suishin.kpis.models import Item, Result

    months = Result.objects.filter(item=OuterRef("pk")).order_by()
    rows = (
        Item.objects.order_by()
        .annotate(
            first=Subquery(months.order_by("month").values("month")[:1]),
            last=Subquery(months.order_by("-month").values("month")[:1]),
        )
        .values_list("pk", "first", "last")
    )
    latest: dt.date | None = None
    halves: set[tuple[int, int]] = set()
    for item_id, first, last in rows:
        if first is None:
            continue
        latest = last if latest is None or last > latest else latest
        if fiscal.fiscal_year_of(first) == fiscal.fiscal_year_of(last):
            spread = (first, last)
        else:
            spread = Result.objects.filter(item_id=item_id).order_by().values_list("month", flat=True).distinct()
        halves.update((fiscal.fiscal_year_of(m), int(fiscal.half_of(m))) for m in spread)
    return latest, tuple(sorted(halves, reverse=True))


def month_bounds() -> tuple[dt.date | None, tuple[tuple[int, int], ...]]:
    """`_month_bounds()`, from the figures cache while the data is unchanged."""
    from suishin.kpis.cache import cached

    return cached("month_bounds", _month_bounds)


def latest_result_month() -> dt.date | None:
    return month_bounds()[0]


def result_halves() -> tuple[tuple[int, int], ...]:
    """Every (fiscal year, half) that has results, newest first."""
    return month_bounds()[1]


def working_period(today: dt.date | None = None) -> tuple[int, int]:
    """(fiscal year, half) of the latest month with results; today's when there are none."""
    month = latest_result_month() or today or timezone.localdate()
    return fiscal.fiscal_year_of(month), int(fiscal.half_of(month))


def working_fiscal_year(today: dt.date | None = None) -> int:
    """The fiscal year of the latest results, else the latest catalog up to this year, else this year."""
    from suishin.kpis.models import Item

    latest = latest_result_month()
    if latest:
        return fiscal.fiscal_year_of(latest)
    current = fiscal.current_fiscal_year(today)
    fy = Item.objects.filter(fiscal_year__lte=current).aggregate(v=Max("fiscal_year"))["v"]
    return fy or current
