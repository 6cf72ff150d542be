"""Figure provider `selfservice.movement:<kind>`.

count = the number of distinct members inside the scope with at least one
MovementReport of that kind whose `reported_on` lies in the period; the
argument `publish` counts members with a policy OR a newsletter report
(議案書・機関紙への掲載会員数). amount is always 0. Scopes follow the members'
current branch and block (reports carry no snapshot columns).
"""

from __future__ import annotations

from suishin.core.fiscal import Period
from suishin.kpis.providers import Figure
from suishin.selfservice.models import MovementKind, MovementReport

PUBLISH = "publish"


def kinds_for(arg: str) -> list[str]:
    if arg == PUBLISH:
        return [MovementKind.POLICY, MovementKind.NEWSLETTER]
    if arg in MovementKind.values:
        return [arg]
    return []


def movement_members(item, period: Period, scope, arg: str = "") -> Figure:
    kinds = kinds_for(arg)
    if not kinds:
        return Figure(0, 0)
    n = (
        MovementReport.objects.filter(
            scope.member_q("member"),
            kind__in=kinds,
            reported_on__gte=period.start,
            reported_on__lte=period.end,
        )
        .order_by()
        .values("member_id")
        .distinct()
        .count()
    )
    return Figure(count=n, amount=0)


def movement_trace_url(item, period: Period, scope, arg: str = "") -> str | None:
    from urllib.parse import urlencode

    from django.urls import reverse

    return (
        f"{reverse('selfservice:movement_list')}?{urlencode({'fy': item.fiscal_year, 'kind': arg})}"
    )
