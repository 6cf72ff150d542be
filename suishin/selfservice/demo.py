"""Demo movement reports that agree with the demo's imported movement counts.

The demo catalog imports POLICY_MEMBERS / NEWSLETTER_MEMBERS /
COMMITTEE_MEMBERS as member results (103, 84 and 491 members in FY2024 上期;
MOV_PUBLISH 187 = policy ∪ newsletter). `load(log)` creates one
MovementReport per (member, kind) for exactly the members that have a
non-zero result row of that item in FY2024, dated the first day of the
earliest such month, so that the provider `selfservice.movement:<kind>`
gives the same counts as the imported rows for every period and scope that
covers whole months. Loading twice changes nothing (existing (member, kind,
fiscal year) pairs are skipped).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.db.models import Min

from suishin.kpis.models import Result
from suishin.selfservice.models import MovementKind, MovementReport

FISCAL_YEAR = 2024
ITEM_KINDS = {
    "POLICY_MEMBERS": MovementKind.POLICY,
    "NEWSLETTER_MEMBERS": MovementKind.NEWSLETTER,
    "COMMITTEE_MEMBERS": MovementKind.COMMITTEE,
}
NOTES = {
    MovementKind.POLICY: "定期大会の議案書にろうきん運動の方針を掲載",
    MovementKind.NEWSLETTER: "組合機関紙にろうきんの商品・サービスを掲載",
    MovementKind.COMMITTEE: "職場推進委員会を設置",
}


@transaction.atomic
def load(log: Callable[[str], None] = print) -> None:
    existing = set(
        MovementReport.objects.filter(fiscal_year=FISCAL_YEAR).values_list("member_id", "kind")
    )
    rows = (
        Result.objects.filter(
            fiscal_year=FISCAL_YEAR,
            item__code__in=list(ITEM_KINDS),
            member__isnull=False,
            count__gt=0,
        )
        .values("member_id", "item__code")
        .annotate(first=Min("month"))
        .order_by("item__code", "member_id")
    )
    new = []
    for row in rows:
        kind = ITEM_KINDS[row["item__code"]]
        if (row["member_id"], kind) in existing:
            continue
        new.append(
            MovementReport(
                member_id=row["member_id"],
                fiscal_year=FISCAL_YEAR,
                kind=kind,
                reported_on=row["first"],
                note=NOTES[kind],
            )
        )
    MovementReport.objects.bulk_create(new, batch_size=500)
    log(f"運動報告: {len(new)}件を作成しました（{FISCAL_YEAR}年度）。")
