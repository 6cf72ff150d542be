"""Catalog and result builders for the programmes tests (uses the root `org` fixture)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from suishin.kpis import providers
from suishin.kpis.models import Aggregation, Item, Result, ScopeLevel, scope_key
from suishin.kpis.providers import Figure


def make_item(fiscal_year: int, code: str, **kw) -> Item:
    defaults = {"name": code, "group": "テスト", "unit": "件", "aggregation": Aggregation.SUM}
    defaults.update(kw)
    return Item.objects.create(fiscal_year=fiscal_year, code=code, **defaults)


def add_result(item: Item, month: dt.date, *, member=None, branch=None, count: int = 0, amount: int = 0) -> Result:
    """A result at member level (member given), branch level (branch given) or council level."""
    if member is not None:
        level, key, branch_obj = ScopeLevel.MEMBER, scope_key("member", member.code), member.branch
    elif branch is not None:
        level, key, branch_obj = ScopeLevel.BRANCH, scope_key("branch", branch.code), branch
    else:
        level, key, branch_obj = ScopeLevel.COUNCIL, scope_key("council"), None
    return Result.objects.create(
        month=month,
        fiscal_year=month.year if month.month >= 4 else month.year - 1,
        item=item,
        level=level,
        scope_key=key,
        member=member,
        branch=branch_obj,
        block=branch_obj.block if branch_obj else None,
        count=count,
        amount=amount,
    )


@dataclass
class FakeSessions:
    """A stand-in for the activities app's study-session provider: figures by
    (fiscal year of the period, theme arg, scope key)."""

    figures: dict

    def __call__(self, item, period, scope, arg):
        return self.figures.get((period.first.year, arg, scope.key), Figure())


@pytest.fixture
def fake_sessions(monkeypatch):
    fake = FakeSessions({})
    monkeypatch.setitem(
        providers._PROVIDERS, "activities.sessions", providers.Provider("activities.sessions", "学習会（テスト）", fake)
    )
    return fake


@pytest.fixture
def catalog(db, fake_sessions):
    """FY2023 and FY2024 catalogs with the rated items of the donation rules."""
    out = {}
    for fy in (2023, 2024):
        total = make_item(fy, "SVC_TOTAL", sort_order=1)
        out[fy] = {
            "SVC_TOTAL": total,
            "SVC_MAIN": make_item(fy, "SVC_MAIN", parent=total, donation_rate=100, sort_order=2),
            "ATM_USE": make_item(fy, "ATM_USE", donation_rate=1, sort_order=3),
            "MOV_STUDY": make_item(fy, "MOV_STUDY", donation_rate=1000, source="activities.sessions", sort_order=4),
            "MOV_PUBLISH": make_item(
                fy, "MOV_PUBLISH", unit="会員", aggregation=Aggregation.DISTINCT_MEMBERS, donation_rate=500,
                sort_order=5,
            ),
            "NO_RATE": make_item(fy, "NO_RATE", sort_order=6),
            "DISPOSABLE": make_item(
                fy, "DISPOSABLE", unit="円", group="可処分所得向上", source="programmes.refinancing", sort_order=7
            ),
            "STUDY_DISPOSABLE": make_item(
                fy, "STUDY_DISPOSABLE", group="可処分所得向上", source="activities.sessions:可処分所得向上",
                sort_order=8,
            ),
            "SCHOLAR_REFI": make_item(
                fy, "SCHOLAR_REFI", group="奨学金借換ローン", aggregation=Aggregation.CUMULATIVE,
                cumulative_since=dt.date(2017, 10, 1), sort_order=9,
            ),
            "SCHOLAR_PLUS": make_item(fy, "SCHOLAR_PLUS", group="奨学金借換ローン", sort_order=10),
            "ZENRYOKU": make_item(fy, "ZENRYOKU", group="非正規", sort_order=11),
        }
    return out
