"""Fixtures for the report tests: a small catalog that reproduces the seed's
tables (預金・融資・各種サービス, ろうきん運動, NPO連携) from member-level results."""

from __future__ import annotations

import datetime as dt

import pytest

from suishin.kpis import factories as kf
from suishin.kpis.models import Aggregation
from suishin.kpis.tests.test_queries import build_seed_svc
from suishin.reports import sections


@pytest.fixture
def seed_catalog(org):
    """FY2024 上期 (and FY2023 for 前年同期比): the seed's 預金・融資・各種サービス
    table, ろうきん運動 (640 回 + 187 会員 = 827), NPO連携 (7 + 10 = 17件),
    エース預金 (522, prev 372), 奨学金借換ローン (cumulative since 2017-10-01),
    可処分所得向上額 (money)."""
    build_seed_svc(org)
    members = [org.member_a, org.member_a2, org.member_b]
    mov = kf.item("MOV_TOTAL", name="合計", group="ろうきん運動", unit="", sort_order=200)
    study = kf.item("MOV_STUDY", name="学習会開催回数", group="ろうきん運動", unit="回", parent=mov, sort_order=201)
    pub = kf.item("MOV_PUBLISH", name="議案書・機関紙への掲載会員数", group="ろうきん運動", unit="会員",
                  aggregation=Aggregation.DISTINCT_MEMBERS, parent=mov, sort_order=202)
    kf.result(study, "2024-06", member=org.member_a, count=600)
    kf.result(study, "2024-07", member=org.member_b, count=40)
    for m in members[:2]:
        kf.result(pub, "2024-05", member=m, count=1)
    npo = kf.item("NPO_TOTAL", name="合計", group="NPO連携", sort_order=300)
    consult = kf.item("NPO_CONSULT", name="融資相談件数", group="NPO連携", parent=npo, sort_order=301)
    account = kf.item("NPO_ACCOUNT", name="NPO法人普通預金口座開設数", group="NPO連携", parent=npo, sort_order=302)
    kf.result(consult, "2024-04", member=org.member_a, count=7)
    kf.result(account, "2024-08", member=org.member_b, count=10)
    prev_ace = kf.item("ACE_NEW", fiscal_year=2023, name="エース預金新規件数", group="生活設計")
    ace = kf.item("ACE_NEW", name="エース預金新規件数", group="生活設計", sort_order=400)
    kf.result(prev_ace, "2023-06", member=org.member_a, count=372)
    kf.result(ace, "2024-06", member=org.member_a, count=522)
    since = dt.date(2017, 10, 1)
    old = kf.item("SCHOLAR_REFI", fiscal_year=2019, name="奨学金借換ローン", group="奨学金借換ローン",
                  aggregation=Aggregation.CUMULATIVE, cumulative_since=since)
    prev_sch = kf.item("SCHOLAR_REFI", fiscal_year=2023, name="奨学金借換ローン", group="奨学金借換ローン",
                       aggregation=Aggregation.CUMULATIVE, cumulative_since=since)
    sch = kf.item("SCHOLAR_REFI", name="奨学金借換ローン", group="奨学金借換ローン",
                  aggregation=Aggregation.CUMULATIVE, cumulative_since=since, sort_order=500)
    kf.result(old, "2019-05", member=org.member_a, count=481, amount=1_166_000_000)
    kf.result(prev_sch, "2023-07", member=org.member_a, count=33, amount=87_900_000)
    kf.result(sch, "2024-07", member=org.member_b, count=23, amount=59_500_000)
    prev_disp = kf.item("DISPOSABLE", fiscal_year=2023, name="可処分所得向上額", group="可処分所得向上", unit="円")
    disp = kf.item("DISPOSABLE", name="可処分所得向上額", group="可処分所得向上", unit="円", sort_order=600)
    kf.result(prev_disp, "2023-08", member=org.member_a, count=900, amount=362_100_000)
    kf.result(disp, "2024-08", member=org.member_a, count=1500, amount=609_400_000)
    kf.target(disp, amount=1_000_000_000)
    return org


@pytest.fixture
def fake_section():
    """A registered section 'test_sec' with a table and values; removed afterwards."""

    def build(fiscal_year, half, scope):
        table = sections.Table(
            columns=[sections.Column("項目"), sections.Column("金額", True)],
            rows=[sections.Row([sections.Cell.of_text("活用金額"), sections.Cell.money(14_762_300)])],
            title="職域活動費の活用",
        )
        return sections.SectionData(
            title="テスト集計",
            tables=[table],
            paragraphs=[f"{scope.label}の集計です。"],
            values={"paid": 14_762_300, "paid_diff": 2_824_300, "label": "テキスト"},
        )

    sections.register_section("test_sec", "テスト集計", build)
    yield build
    sections._SECTIONS.pop("test_sec", None)
