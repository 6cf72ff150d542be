"""The seed's campaigns for the demo, with synthetic entrants and one real draw.

* 2024“人生100年時代”未来設計スタートキャンペーン, 2024サマーキャンペーン and
  ろうきんAPP（アップ）キャンペーン (suishin/campaigns/demo_rules.py); their
  results come from the kpis demo data (ZAIKEI_NEW, IDECO_NEW, TOSHIN_TEIJI,
  SUMMER_DEPOSIT).
* APP2024: 3,000 synthetic entrants for October 2024 and 3,200 for November
  (deterministic: every fact is derived from SHA-256 of the entrant number,
  not from `random`), imported through the real `campaign_entries` importer
  from a generated CSV file; October is committed and drawn with the public
  demo seed below, November only committed (try the draw page with its seed).

Idempotent: a campaign that exists (by code) is left as it is; the entry file
is byte-identical on every run, so the importer reports 変更はありません; a
month already committed or drawn is not touched again.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import tempfile
from collections.abc import Callable
from pathlib import Path

from suishin.campaigns import services
from suishin.campaigns.demo_rules import CAMPAIGNS
from suishin.campaigns.models import Campaign, Draw
from suishin.kpis.models import Item

APP_CODE = "APP2024"
# Demo seeds are public on purpose (docs/guide/07-campaigns.md): a real seed is secret until the draw.
DEMO_SEEDS = {
    dt.date(2024, 10, 1): "suishin-demo-APP2024-2024-10-8c1d5e",
    dt.date(2024, 11, 1): "suishin-demo-APP2024-2024-11-3fa07b",
}
DRAWN_MONTHS = (dt.date(2024, 10, 1),)
# Entrant numbers per month: 3,000 in October; November keeps 2,800 of them and adds 400 newcomers.
ENTRANTS = {dt.date(2024, 10, 1): range(1, 3001), dt.date(2024, 11, 1): range(201, 3401)}
NEWCOMERS_FROM = 3001
# Demo value so the demo can show personal data to the secretariat (the seed gives no retention period).
DEMO_RETENTION = dt.date(2031, 3, 31)

SURNAMES = "佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上 木村 林 斎藤 清水".split()
GIVEN = "陽菜 蓮 結衣 湊 美咲 大翔 葵 悠真 さくら 翔太 凛 陸 花子 健 真央 拓海 彩 颯太 莉子 直樹".split()
HEADER = [
    "キャンペーンコード",
    "年月",
    "応募者ID",
    "アプリ口座連携日",
    "月末口座連携",
    "キャッシュレス口座登録",
    "チャージ・支払い",
    "アンケート回答",
    "氏名",
    "連絡先",
]


def _u(n: int, salt: str, modulo: int = 10_000) -> int:
    """A deterministic pseudo-random number in [0, modulo) for entrant n."""
    return int.from_bytes(hashlib.sha256(f"{salt}:{n}".encode()).digest()[:8], "big") % modulo


def _link_date(n: int) -> dt.date | None:
    """Entrants 1..3000 link in FY2024 up to October (45%) or earlier (50%);
    3001..3400 are November newcomers who link in November."""
    if n >= NEWCOMERS_FROM:
        return dt.date(2024, 11, 1) + dt.timedelta(days=_u(n, "link-day", 30))
    roll = _u(n, "link")
    if roll < 4500:
        return dt.date(2024, 4, 1) + dt.timedelta(days=_u(n, "link-day", 214))
    if roll < 9500:
        return dt.date(2019, 10, 22) + dt.timedelta(days=_u(n, "link-day", 1622))
    return None


def entry_rows() -> list[list[str]]:
    """October: entrants 1..3000; November: 201..3400 (facts progress a little)."""
    rows = []
    for month, numbers in ENTRANTS.items():
        tag = f"{month:%Y-%m}"
        for n in numbers:
            linked = _link_date(n)
            at_end = linked is not None and _u(n, f"end-{tag}") < 9600
            cashless = _u(n, "cash") < (4200 if month.month == 10 else 4700)
            charged = cashless and _u(n, f"charge-{tag}") < 8000
            survey = _u(n, f"survey-{tag}") < 8800
            name = (
                SURNAMES[_u(n, "sur", 20)] + " " + GIVEN[_u(n, "given", 20)]
                if _u(n, "named") < 9000
                else ""
            )
            rows.append(
                [
                    APP_CODE,
                    tag,
                    f"R24{n:05d}",
                    linked.isoformat() if linked else "",
                    "はい" if at_end else "いいえ",
                    "はい" if cashless else "いいえ",
                    "はい" if charged else "いいえ",
                    "はい" if survey else "いいえ",
                    name,
                    f"r24{n:05d}@example.invalid" if name else "",
                ]
            )
    return rows


def _ensure_campaigns(log: Callable[[str], None]) -> None:
    known = set(Item.objects.values_list("code", flat=True))
    for spec in CAMPAIGNS:
        if Campaign.objects.filter(code=spec["code"]).exists():
            continue
        values = dict(spec)
        missing = [c for c in values.get("result_item_codes", []) if c not in known]
        if missing:
            log(
                f"campaigns        {spec['code']}: 推進項目にない実績項目コードを省きます: {'、'.join(missing)}"
            )
            values["result_item_codes"] = [c for c in values["result_item_codes"] if c in known]
        if values.get("conditions"):
            values["retention_until"] = DEMO_RETENTION
        services.save_campaign(actor=None, **values)
        log(f"campaigns        {spec['code']:<12} {spec['name']}")


def _import_entries(log: Callable[[str], None]) -> None:
    from suishin.imports.services import import_path

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"campaign_entries_{APP_CODE}.csv"
        with open(path, "w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f, lineterminator="\r\n")
            writer.writerow(HEADER)
            writer.writerows(entry_rows())
        outcome = import_path(kind="campaign_entries", path=path, actor=None)
    log(f"campaign_entries {path.name:<32} {outcome.summary_line()}")


def _draws(campaign: Campaign, log: Callable[[str], None]) -> None:
    for month, seed in DEMO_SEEDS.items():
        draw = Draw.objects.filter(campaign=campaign, month=month).first()
        if draw is None:
            services.commit_draw(actor=None, campaign=campaign, month=month, seed=seed)
            log(
                f"lottery          {APP_CODE} {month:%Y-%m} コミットメント登録（デモ用シード {seed}）"
            )
        if month in DRAWN_MONTHS and (draw is None or not draw.is_drawn):
            report = services.run_draw(actor=None, campaign=campaign, month=month, seed=seed)
            log(
                f"lottery          {APP_CODE} {month:%Y-%m} 抽選 当選 {len(report.winners)}名／対象 {report.eligible_count:,}名"
            )


def load(log: Callable[[str], None] = print) -> None:
    _ensure_campaigns(log)
    campaign = Campaign.objects.get(code=APP_CODE)
    _import_entries(log)
    _draws(campaign, log)
