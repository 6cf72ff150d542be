"""The programmes' sections and JSON fields in the half-year summary."""

from __future__ import annotations

import datetime as dt
import json

from suishin.kpis import providers
from suishin.kpis.scope import Scope
from suishin.programmes import report, services

from .conftest import add_result

APR = dt.date(2024, 4, 1)


def _data(org, users, catalog, fake_sessions):
    services.save_year_setting(actor=None, fiscal_year=2024, include_sumikitto_card_loans=True,
                               disposable_target_yen=1_000_000_000)
    add_result(catalog[2024]["ATM_USE"], APR, count=5_762_365)
    add_result(catalog[2023]["ATM_USE"], dt.date(2023, 4, 1), count=5_478_000)
    services.create_refinancing(actor=None, month=APR, member=org.member_a, product="p", bank_improvement_yen=609_500_000)
    services.create_refinancing(actor=None, month=dt.date(2023, 4, 1), member=org.member_a, product="p",
                                bank_improvement_yen=362_300_000)
    fake_sessions.figures[(2024, "可処分所得向上", "council")] = providers.Figure(count=355, amount=7_986)
    fake_sessions.figures[(2023, "可処分所得向上", "council")] = providers.Figure(count=256, amount=6_253)
    add_result(catalog[2024]["ZENRYOKU"], dt.date(2024, 6, 1), member=org.member_a, count=300)
    add_result(catalog[2023]["ZENRYOKU"], dt.date(2023, 6, 1), member=org.member_a, count=302)


def test_the_donation_section_has_the_total_and_the_values(org, users, catalog, fake_sessions):
    _data(org, users, catalog, fake_sessions)
    data = report.build_donations(2024, 1, Scope.council())
    assert data.values == {"donation_yen": 5_762_365, "prev_donation_yen": 5_478_000, "donation_diff": 284_365}
    assert data.paragraphs == ["福祉団体への寄付見込額（2024年9月末時点）：5,762千円（前年同期比+284千円）"]
    total = data.tables[0].rows[-1]
    assert total.total and total.cells[-1].value == 5_762_365


def test_the_disposable_income_section_reads_like_the_seed(org, users, catalog, fake_sessions):
    _data(org, users, catalog, fake_sessions)
    data = report.build_disposable_income(2024, 1, Scope.council())
    assert data.paragraphs == [
        "可処分所得向上額（2024年9月末時点）",
        "【実績】6億9百万円（前年同期比+2億47百万円）",
        "年間目標 10億円に対する進捗 60.9%",
        "可処分所得向上運動に関する学習会開催実績（2024年9月末時点）",
        "【実績】355件／7,986名（前年同期比+99件／+1,733名）",
    ]
    assert data.values["disposable_diff"] == 247_200_000 and data.values["study_participants_diff"] == 1_733


def test_the_loan_section_prints_each_programme(org, users, catalog, fake_sessions):
    _data(org, users, catalog, fake_sessions)
    data = report.build_loan_programmes(2024, 1, Scope.council())
    assert "【実績】300件（前年同期比▲2件）" in data.paragraphs
    assert data.values["zenryoku_count_diff"] == -2


def test_the_sections_and_the_json_contributor_are_registered(db):
    from suishin.reports import sections

    assert {"donations", "disposable_income", "loan_programmes"} <= {s.key for s in sections.all_sections()}


def test_the_report_json_carries_donation_yen(org, users, catalog, fake_sessions):
    from suishin.reports.engine import build_report
    from suishin.reports.renderers.jsondoc import render_json

    _data(org, users, catalog, fake_sessions)
    doc = json.loads(render_json(build_report(fiscal_year=2024, half=1, links=False, charts=False)))
    assert (doc["donation_yen"], doc["prev_donation_yen"]) == (5_762_365, 5_478_000)
    disposable = next(i for i in doc["items"] if i["code"] == "DISPOSABLE")
    assert (disposable["count"], disposable["amount"]) == (1, 609_500_000)
