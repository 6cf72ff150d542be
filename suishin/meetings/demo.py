"""The seed's meetings for the demo: the FY2024 第1回全道推進会議 with its whole
議事次第, the 2024年度下期推進活動方針（案）, the three block sessions and the
第2回全道推進会議 of 今後の日程. Everything goes through services.py.

Idempotent: an object that already exists (by its natural key) is left as it
is, so running `suishin demo` twice changes nothing and never overwrites what
the secretariat edited. Blocks are looked up by name (the demo data files
create them); a missing block is skipped with a log line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from suishin.meetings import services
from suishin.meetings.models import BlockSession, Meeting, Policy
from suishin.organisations.models import Block

JST = ZoneInfo("Asia/Tokyo")
DATA = Path(__file__).resolve().parent / "data"

FIRST_MEETING = {
    "name": "第1回全道推進会議",
    "starts_at": dt.datetime(2024, 11, 14, 14, 0, tzinfo=JST),
    "half": 1,
    "venue": "札幌ガーデンパレス",
    "room": "2階「丹頂」",
    "address": "札幌市中央区北1条西6丁目",
    "phone": "(011) 261-5311",
}
SECOND_MEETING = {
    "name": "第2回全道推進会議",
    "starts_at": dt.datetime(2025, 2, 3, 15, 0, tzinfo=JST),
    "half": None,
    "venue": "札幌ガーデンパレス",
}

# (section fields, [item fields]) in the seed's order.
AGENDA: list[tuple[dict, list[dict]]] = [
    ({"kind": "opening", "presenter_name": "小倉", "presenter_role": "副議長"}, []),
    (
        {
            "kind": "greeting",
            "heading": "全道推進会議挨拶",
            "presenter_name": "高倉",
            "presenter_role": "議長",
        },
        [],
    ),
    (
        {"kind": "guest", "numbering": "none"},
        [
            {
                "title": "北海道労働金庫",
                "presenter_name": "杉山",
                "presenter_role": "理事長",
                "kind": "none",
            }
        ],
    ),
    (
        {"kind": "report", "org_label": "北海道労働金庫", "questions": True},
        [
            {
                "title": "「2024年度事業計画 上期遂行状況」について",
                "presenter_name": "石川",
                "presenter_role": "専務理事",
            },
            {
                "title": "「新長期ビジョン」「中期経営計画」骨格案（原案）について",
                "presenter_name": "石川",
                "presenter_role": "専務理事",
            },
            {
                "title": "「共生社会の実現に向けた上期取組み報告」について",
                "presenter_name": "榎田",
                "presenter_role": "室長",
                "presenter_org": "地域共生推進室",
            },
        ],
    ),
    (
        {"kind": "report", "org_label": "全道推進会議", "questions": True},
        [
            {
                "title": "2024年度 上期推進活動総括",
                "presenter_name": "紺野",
                "presenter_role": "事務局長",
                "kind": "summary",
            }
        ],
    ),
    (
        {"kind": "deliberation", "org_label": "全道推進会議", "questions": True},
        [
            {
                "title": "2024年度下期推進活動方針（案）",
                "presenter_name": "紺野",
                "presenter_role": "事務局長",
                "kind": "policy",
            },
            {
                "title": "今後の日程",
                "presenter_name": "紺野",
                "presenter_role": "事務局長",
                "kind": "schedule",
            },
        ],
    ),
    ({"kind": "closing", "presenter_name": "小倉", "presenter_role": "副議長"}, []),
]

BLOCK_SESSIONS = [
    ("上川", dt.date(2024, 9, 28), "旭川市"),
    ("道東", dt.date(2024, 10, 18), "釧路市"),
    ("石狩", dt.date(2024, 11, 9), "札幌市"),
]

POLICY_INTRO = (
    "「つなぐプロジェクト for SDGs」推進運動を基軸とし、ろうきん運動の原点である「預金結集」や"
    "「可処分所得向上運動」を進め、組合員との接点強化に資する各種取組みを行うことで、"
    "会員組合員ろうきんメインバンクNo.1への取組みを継続します。"
)


def _meeting(fields: dict, log: Callable[[str], None]) -> Meeting:
    existing = Meeting.objects.filter(
        name=fields["name"], starts_at__date=fields["starts_at"].date()
    ).first()
    if existing:
        log(f"meetings         {existing.title}: 登録済み")
        return existing
    saved = services.save_meeting(actor=None, **fields)
    log(f"meetings         {saved.obj.title}: 作成")
    return saved.obj


def load(log: Callable[[str], None] = print) -> None:
    first = _meeting(FIRST_MEETING, log)
    if not first.sections.exists():
        for section_fields, items in AGENDA:
            section = services.save_section(actor=None, meeting=first, **section_fields)
            for item_fields in items:
                services.save_item(actor=None, section=section, **item_fields)
        log(f"meetings         {first.title}: 議事次第（{len(AGENDA)}区分）を作成")
    _meeting(SECOND_MEETING, log)

    if not Policy.objects.filter(fiscal_year=2024, half=2).exists():
        outline = (DATA / "policy_2024_h2.txt").read_text(encoding="utf-8")
        policy = services.save_policy(
            actor=None, fiscal_year=2024, half=2, intro=POLICY_INTRO, outline=outline
        )
        log(f"meetings         {policy.display_title}: 作成（{policy.nodes.count()}項目）")

    for block_name, day, city in BLOCK_SESSIONS:
        block = Block.objects.filter(name=block_name).first()
        if block is None:
            log(
                f"meetings         ブロック別研修会 {block_name}: ブロック「{block_name}」がないため省略"
            )
            continue
        if BlockSession.objects.filter(block=block, date=day).exists():
            continue
        services.save_block_session(actor=None, block=block, date=day, city=city)
        log(f"meetings         ブロック別研修会 {block_name} {day:%Y-%m-%d} {city}: 作成")
