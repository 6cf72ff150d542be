"""CSV/XLSX exports of the campaign pages, through core.exports.

Invariant: personal data (氏名・連絡先) appears only when the caller passes
personal=True, which views do only for VIEW_PERSONAL_DATA holders who ask
for it explicitly; every other export is entrant ids only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

from suishin.campaigns.models import Campaign, Draw, EntrantPersonalData
from suishin.campaigns.queries import CampaignOverview, CampaignResults, EntryEvaluation
from suishin.core.exports import content_disposition, export_response


def personal_data(campaign: Campaign, entrant_ids: Iterable[str]) -> dict[str, EntrantPersonalData]:
    ids = list(entrant_ids)
    return {
        p.entrant_id: p
        for p in EntrantPersonalData.objects.filter(campaign=campaign, entrant_id__in=ids)
    }


def campaign_list(
    overviews: Sequence[CampaignOverview], fmt: str, *, with_draws: bool
) -> HttpResponse:
    """`with_draws`: entry and draw counts, for the roles that may see entrants."""
    headers = [
        "キャンペーンコード",
        "キャンペーン名",
        "開始日",
        "終了日",
        "毎月の当選者数",
        "当選者数の合計",
    ]
    if with_draws:
        headers += ["エントリー", "抽選済みの月", "当選者数"]

    def row(o: CampaignOverview) -> list:
        c = o.campaign
        out = [c.code, c.name, c.starts_on, c.ends_on, c.monthly_quota, c.total_quota]
        return out + [o.entries, o.draws_done, o.winners] if with_draws else out

    return export_response("キャンペーン一覧", headers, (row(o) for o in overviews), fmt)


def results(res: CampaignResults, fmt: str) -> HttpResponse:
    headers = [
        "対象",
        "項目コード",
        "項目名",
        "単位",
        "件数",
        "金額",
        "前年 件数",
        "前年 金額",
        "前年比 件数",
        "前年比 金額",
        "表記",
    ]
    rows = (
        [
            res.scope.label,
            r.code,
            r.name,
            r.unit,
            r.count,
            r.amount,
            r.prev_count,
            r.prev_amount,
            r.diff_count,
            r.diff_amount,
            res.row_text(r),
        ]
        for r in res.rows
    )
    return export_response(f"{res.campaign.name}_実績", headers, rows, fmt)


def entries(
    campaign: Campaign, evaluated: Sequence[EntryEvaluation], fmt: str, *, personal: bool
) -> HttpResponse:
    headers = ["年月", "応募者ID", "判定", "賞", "理由"]
    people = personal_data(campaign, [e.entry.entrant_id for e in evaluated]) if personal else {}
    if personal:
        headers += ["氏名", "連絡先"]

    def row(e: EntryEvaluation) -> list:
        tier = e.evaluation.tier
        out = [
            f"{e.entry.month:%Y-%m}",
            e.entry.entrant_id,
            "対象" if e.eligible else "対象外",
            tier.prize if tier else "",
            e.explanation,
        ]
        if personal:
            p = people.get(e.entry.entrant_id)
            out += [p.name if p else "", p.contact if p else ""]
        return out

    return export_response(f"{campaign.name}_応募者判定", headers, (row(e) for e in evaluated), fmt)


def winners(draw: Draw, fmt: str, *, personal: bool) -> HttpResponse:
    headers = ["抽選月", "順位", "応募者ID", "条件", "賞品", "賞品の金額（円）"]
    winners = list(draw.winners.order_by("rank"))
    people = personal_data(draw.campaign, [w.entrant_id for w in winners]) if personal else {}
    if personal:
        headers += ["氏名", "連絡先"]

    def row(w) -> list:
        out = [draw.month_key, w.rank, w.entrant_id, w.tier_label, w.prize, w.prize_yen]
        if personal:
            p = people.get(w.entrant_id)
            out += [p.name if p else "", p.contact if p else ""]
        return out

    return export_response(
        f"{draw.campaign.name}_{draw.month_key}_当選者", headers, (row(w) for w in winners), fmt
    )


def draw_record(draw: Draw) -> HttpResponse:
    """Everything needed to re-run a draw elsewhere (docs/campaigns.md "Verifying
    a draw yourself"): entrant ids only, never personal data."""
    record = {
        "campaign": draw.campaign.code,
        "month": draw.month_key,
        "algorithm": draw.algorithm,
        "commitment": draw.commitment,
        "committed_at": draw.committed_at.isoformat(),
        "seed": draw.seed,
        "quota": draw.quota,
        "eligible_digest": draw.eligible_digest,
        "eligible_ids": draw.eligible_ids,
        "excluded_earlier_winners": draw.excluded_ids,
        "winners": list(draw.winners.order_by("rank").values_list("entrant_id", flat=True)),
        "shortfall": draw.shortfall,
        "drawn_at": draw.drawn_at.isoformat() if draw.drawn_at else None,
    }
    body = json.dumps(record, ensure_ascii=False, indent=2).encode("utf-8")
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = content_disposition(
        f"draw_{draw.campaign.code}_{draw.month_key}.json"
    )
    return response
