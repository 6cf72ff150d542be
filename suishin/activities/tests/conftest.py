"""Fixtures of the activities tests. Reference rows are created here (get_or_create)
rather than taken from the seed migration, because transactional tests flush
the database and would take migration data with them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from suishin.activities import services
from suishin.activities.models import Purpose, Theme, YearSetting


@dataclass
class Catalog:
    themes: dict[str, Theme]
    venue: Purpose  # per connection site
    meals: Purpose  # per connection site
    materials: Purpose  # not per site
    fy2024: YearSetting


THEMES = [
    "可処分所得向上",
    "生活防衛",
    "資産形成",
    "新人説明会",
    "若年層説明会",
    "住宅ローン等商品説明会",
]


@pytest.fixture
def catalog(db) -> Catalog:
    themes = {}
    for i, name in enumerate(THEMES, start=1):
        themes[name], _ = Theme.objects.get_or_create(name=name, defaults={"sort_order": i * 10})
    venue, _ = Purpose.objects.get_or_create(
        name="会場・設備（接続拠点ごと）", defaults={"per_site": True, "sort_order": 10}
    )
    meals, _ = Purpose.objects.get_or_create(
        name="弁当代・懇親会（接続拠点ごと）", defaults={"per_site": True, "sort_order": 20}
    )
    materials, _ = Purpose.objects.get_or_create(
        name="資料・教材費", defaults={"per_site": False, "sort_order": 30}
    )
    fy2024, _ = YearSetting.objects.update_or_create(
        fiscal_year=2024, defaults={"budget_yen": 30_000_000, "cap_per_person_yen": 2_000}
    )
    YearSetting.objects.update_or_create(
        fiscal_year=2023, defaults={"budget_yen": 30_000_000, "cap_per_person_yen": 2_000}
    )
    return Catalog(themes=themes, venue=venue, meals=meals, materials=materials, fy2024=fy2024)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    """An aware moment on a given day (Asia/Tokyo)."""
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


@pytest.fixture
def make_application(catalog, org):
    """make_application(requested=..., planned=..., state="approved", ...) through the services."""

    def build(
        *,
        member=None,
        session_date: dt.date = dt.date(2024, 6, 20),
        theme: str = "新人説明会",
        is_web: bool = False,
        sites: int = 1,
        planned: int = 30,
        requested: int = 50_000,
        state: str = "draft",
        approved: int | None = None,
        actual: int | None = None,
        actor=None,
        created: dt.date | None = None,
    ):
        created = created or session_date - dt.timedelta(days=20)
        app = services.create_application(
            actor=actor,
            member=member or org.member_a,
            session_date=session_date,
            theme=catalog.themes[theme],
            is_web=is_web,
            sites=sites,
            planned_participants=planned,
            lines=[services.LineInput(purpose=catalog.materials, quantity=1, unit_yen=requested)],
            now=at(created),
        )
        order = ["draft", "submitted", "approved", "held", "paid"]
        target = order.index(state)
        if target >= 1:
            app = services.submit(
                actor=None, application=app, now=at(created + dt.timedelta(days=1))
            )
        if target >= 2:
            app = services.approve(
                actor=None,
                application=app,
                approved_yen=approved,
                now=at(created + dt.timedelta(days=2)),
            )
        if target >= 3:
            app = services.report_held(
                actor=None,
                application=app,
                actual_participants=actual or planned,
                receipts_total_yen=requested,
                now=at(session_date + dt.timedelta(days=1)),
            )
        if target >= 4:
            app = services.mark_paid(
                actor=None, application=app, now=at(session_date + dt.timedelta(days=10))
            )
        return app

    return build
