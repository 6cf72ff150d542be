from __future__ import annotations

import datetime as dt
import itertools

import pytest

from suishin.campaigns import services
from suishin.campaigns.demo_rules import APP_CONDITIONS
from suishin.campaigns.models import Campaign
from suishin.campaigns.tests.helpers import make_result
from suishin.kpis.models import Item

_codes = itertools.count(1)


@pytest.fixture
def make_app_campaign(db, users):
    def make(**overrides) -> Campaign:
        values = {
            "code": f"APP{next(_codes):03d}",
            "name": "ろうきんAPP（アップ）キャンペーン",
            "starts_on": dt.date(2024, 10, 1),
            "ends_on": dt.date(2025, 1, 31),
            "conditions": APP_CONDITIONS,
            "monthly_quota": 3,
            "total_quota": 8,
            "retention_until": dt.date(2025, 7, 31),
            **overrides,
        }
        return services.save_campaign(actor=users["secretariat"], **values)

    return make


@pytest.fixture
def app_campaign(make_app_campaign) -> Campaign:
    return make_app_campaign()


@pytest.fixture
def summer(org, users):
    item24 = Item.objects.create(
        fiscal_year=2024, code="SUMMER_DEPOSIT", name="サマーキャンペーン 定期・エース預金新規預入"
    )
    item23 = Item.objects.create(
        fiscal_year=2023, code="SUMMER_DEPOSIT", name="サマーキャンペーン（旧名）"
    )
    make_result(
        item24, dt.date(2024, 6, 1), member=org.member_a, count=10_000, amount=7_000_000_000
    )
    make_result(item24, dt.date(2024, 7, 1), member=org.member_b, count=8_591, amount=5_943_512_345)
    make_result(
        item24, dt.date(2024, 8, 1), member=org.member_a, count=999, amount=999_999_999
    )  # after the campaign
    make_result(item23, dt.date(2023, 6, 1), member=org.member_a, count=9_000, amount=3_000_000_000)
    make_result(item23, dt.date(2023, 7, 1), member=org.member_b, count=7_200, amount=2_210_000_000)
    return services.save_campaign(
        actor=users["secretariat"],
        code="SUMMER2024",
        name="2024サマーキャンペーン",
        starts_on=dt.date(2024, 6, 3),
        ends_on=dt.date(2024, 7, 31),
        result_item_codes=["SUMMER_DEPOSIT"],
    )
