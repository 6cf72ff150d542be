"""The period a page opens on when the user has not chosen one.

The council works on the half of its latest figures: in November 2024 the
bank's files run to September, and every page (dashboard, summary, self-service,
programmes, meetings) opens on FY2024 上期, not on the calendar's today. With no
results yet, it is the latest catalog up to this year, else this year.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Max
from django.utils import timezone

from suishin.core import fiscal


def latest_result_month() -> dt.date | None:
    from suishin.kpis.models import Result

    return Result.objects.aggregate(m=Max("month"))["m"]


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
