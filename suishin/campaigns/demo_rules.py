"""The seed's campaign definitions as data (used by demo.py, the tests and the docs).

ろうきんAPP（アップ）キャンペーン (seed, 2024年度第1回全道推進会議):
条件① 今年度中（2024年4月～2025年1月末）に新たにろうきんアプリを口座連携した方 → えらべるPay 500円分;
条件② 各月末時点でアプリと口座連携済み、かつ期間中にキャッシュレス決済サービス用口座に
アプリ登録口座を登録し、チャージまたは支払いした方 → えらべるPay 1,000円分;
いずれかの条件を満たし、アプリ内の応募フォームよりアンケート入力した方から毎月100名、合計400名.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

APP_CONDITIONS: dict[str, Any] = {
    "require": [{"fact": "survey_answered", "eq": True}],
    "tiers": [
        {
            "key": "c1",
            "label": "条件①",
            "prize": "えらべるPay 500円分",
            "prize_yen": 500,
            "all": [{"fact": "app_linked_on", "between": ["$fy_start", "$month_end"]}],
        },
        {
            "key": "c2",
            "label": "条件②",
            "prize": "えらべるPay 1,000円分",
            "prize_yen": 1000,
            "all": [
                {"fact": "linked_at_month_end", "eq": True},
                {"fact": "cashless_registered", "eq": True},
                {"fact": "charged_or_paid_in_window", "eq": True},
            ],
        },
    ],
}

CAMPAIGNS: list[dict[str, Any]] = [
    {
        "code": "MIRAI2024",
        "name": "2024“人生100年時代”未来設計スタートキャンペーン",
        "starts_on": dt.date(2024, 4, 1),
        "ends_on": dt.date(2025, 1, 31),
        "description": "組合員の「貯蓄」と「投資」のバランスに配慮し、財形貯蓄制度を「守りの資産」として周知する資産形成のキャンペーン。",
        "courses": [
            {"name": "ためるコース", "products": "「財形貯蓄」の新規契約または増額契約"},
            {
                "name": "運用するコース",
                "products": "「iDeCo」または「投資信託定時定額買付」の新規契約",
            },
        ],
        "result_item_codes": ["ZAIKEI_NEW", "IDECO_NEW", "TOSHIN_TEIJI"],
        "sort_order": 1,
    },
    {
        "code": "SUMMER2024",
        "name": "2024サマーキャンペーン",
        "starts_on": dt.date(2024, 6, 3),
        "ends_on": dt.date(2024, 7, 31),
        "description": "ろうきん運動の原点である「季節キャンペーン」。夏季一時金の定期・エース預金への預入。",
        "courses": [{"name": "定期・エース預金", "products": "定期預金・エース預金の新規預入"}],
        "result_item_codes": ["SUMMER_DEPOSIT"],
        "sort_order": 2,
    },
    {
        "code": "APP2024",
        "name": "ろうきんAPP（アップ）キャンペーン",
        "starts_on": dt.date(2024, 10, 1),
        "ends_on": dt.date(2025, 1, 31),
        "description": (
            "いずれかの利用条件を満たし、アプリ内の応募フォームよりアンケート入力した方から、"
            "抽選で毎月100名、合計400名に「えらべるPay」を進呈。"
        ),
        "courses": [
            {
                "name": "条件①",
                "products": "今年度中（2024年4月～2025年1月末）に新たにろうきんアプリを口座連携（えらべるPay 500円分）",
            },
            {
                "name": "条件②",
                "products": "各月末時点でアプリと口座連携済み、かつキャッシュレス決済サービス用口座にアプリ登録口座を登録し、"
                "チャージまたは支払い（えらべるPay 1,000円分）",
            },
        ],
        "result_item_codes": [],
        "conditions": APP_CONDITIONS,
        "monthly_quota": 100,
        "total_quota": 400,
        "allow_repeat_winners": False,
        "retention_until": dt.date(2025, 7, 31),
        "sort_order": 3,
    },
]
