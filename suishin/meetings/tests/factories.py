"""Builders for meetings tests: the seed's meeting and agenda through the services."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from suishin.meetings import services
from suishin.meetings.models import Meeting

JST = ZoneInfo("Asia/Tokyo")


def jst(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=JST)


def meeting(name: str = "第1回全道推進会議", starts_at: dt.datetime | None = None, **kw) -> Meeting:
    fields = {
        "half": 1,
        "venue": "札幌ガーデンパレス",
        "room": "2階「丹頂」",
        "address": "札幌市中央区北1条西6丁目",
        "phone": "(011) 261-5311",
    }
    fields.update(kw)
    return services.save_meeting(
        actor=None, name=name, starts_at=starts_at or jst(2024, 11, 14, 14, 0), **fields
    ).obj


def seed_agenda(m: Meeting) -> None:
    """The seed's 議事次第 (the same structure the demo loads)."""
    s = services.save_section
    i = services.save_item
    s(actor=None, meeting=m, kind="opening", presenter_name="小倉", presenter_role="副議長")
    s(
        actor=None,
        meeting=m,
        kind="greeting",
        heading="全道推進会議挨拶",
        presenter_name="高倉",
        presenter_role="議長",
    )
    guest = s(actor=None, meeting=m, kind="guest", numbering="none")
    i(
        actor=None,
        section=guest,
        title="北海道労働金庫",
        presenter_name="杉山",
        presenter_role="理事長",
        kind="none",
    )
    bank = s(actor=None, meeting=m, kind="report", org_label="北海道労働金庫", questions=True)
    i(
        actor=None,
        section=bank,
        title="「2024年度事業計画 上期遂行状況」について",
        presenter_name="石川",
        presenter_role="専務理事",
    )
    i(
        actor=None,
        section=bank,
        title="「新長期ビジョン」「中期経営計画」骨格案（原案）について",
        presenter_name="石川",
        presenter_role="専務理事",
    )
    i(
        actor=None,
        section=bank,
        title="「共生社会の実現に向けた上期取組み報告」について",
        presenter_name="榎田",
        presenter_role="室長",
        presenter_org="地域共生推進室",
    )
    council = s(actor=None, meeting=m, kind="report", org_label="全道推進会議", questions=True)
    i(
        actor=None,
        section=council,
        title="2024年度 上期推進活動総括",
        presenter_name="紺野",
        presenter_role="事務局長",
        kind="summary",
    )
    deliberation = s(
        actor=None, meeting=m, kind="deliberation", org_label="全道推進会議", questions=True
    )
    i(
        actor=None,
        section=deliberation,
        title="2024年度下期推進活動方針（案）",
        presenter_name="紺野",
        presenter_role="事務局長",
        kind="policy",
    )
    i(
        actor=None,
        section=deliberation,
        title="今後の日程",
        presenter_name="紺野",
        presenter_role="事務局長",
        kind="schedule",
    )
    s(actor=None, meeting=m, kind="closing", presenter_name="小倉", presenter_role="副議長")
