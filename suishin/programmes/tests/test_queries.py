"""Read side: donation estimate, allocation to recipients, disposable income, loan programmes."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suishin.core import fiscal
from suishin.kpis import providers
from suishin.kpis.models import ScopeLevel, Target, TargetKind
from suishin.kpis.scope import Scope
from suishin.programmes import queries, services
from suishin.programmes.models import ProgrammeYearSetting, RecipientChoice, Refinancing

from .conftest import add_result

H1_2024 = fiscal.half_period(2024, 1)
H1_2023 = fiscal.half_period(2023, 1)
APR, MAY, SEP = dt.date(2024, 4, 1), dt.date(2024, 5, 1), dt.date(2024, 9, 1)


def branch_scope(branch) -> Scope:
    return Scope.parse(branch.code)


# --- donations -------------------------------------------------------------------------------


def test_donation_estimate_is_the_sum_of_figure_times_rate(org, catalog, fake_sessions):
    items = catalog[2024]
    add_result(items["SVC_MAIN"], APR, member=org.member_a, count=10)  # 10 × 100
    add_result(items["SVC_MAIN"], MAY, member=org.member_b, count=5)  # 5 × 100
    add_result(items["ATM_USE"], APR, count=7_001)  # council-level, 7,001 × 1
    add_result(items["NO_RATE"], APR, member=org.member_a, count=999)  # no rate: no donation
    add_result(items["MOV_PUBLISH"], APR, member=org.member_a, count=1)  # distinct members: 2 × 500
    add_result(items["MOV_PUBLISH"], MAY, member=org.member_a, count=1)
    add_result(items["MOV_PUBLISH"], MAY, member=org.member_a2, count=1)
    fake_sessions.figures[(2024, "", "council")] = providers.Figure(count=3, amount=60)  # 3 sessions × 1,000
    assert queries.donation_estimate(2024, H1_2024, Scope.council()) == 1_000 + 500 + 7_001 + 1_000 + 3_000


def test_donation_estimate_filters_by_scope_and_period(org, catalog):
    items = catalog[2024]
    add_result(items["SVC_MAIN"], APR, member=org.member_a, count=10)
    add_result(items["SVC_MAIN"], APR, member=org.member_b, count=5)
    add_result(items["SVC_MAIN"], dt.date(2024, 10, 1), member=org.member_a, count=100)  # 下期
    add_result(items["ATM_USE"], APR, count=7_001)  # council level: in no branch
    assert queries.donation_estimate(2024, H1_2024, branch_scope(org.branch_a)) == 1_000
    assert queries.donation_estimate(2024, H1_2024, Scope.parse("A0001")) == 1_000
    assert queries.donation_estimate(2024, H1_2024, Scope.parse("上川")) == 500


def test_donation_rates_are_those_of_each_years_catalog(org, catalog):
    catalog[2023]["SVC_MAIN"].donation_rate = 50
    catalog[2023]["SVC_MAIN"].save()
    add_result(catalog[2024]["SVC_MAIN"], APR, member=org.member_a, count=10)
    add_result(catalog[2023]["SVC_MAIN"], dt.date(2023, 4, 1), member=org.member_a, count=10)
    summary = queries.donation_summary(2024, 1, Scope.council())
    assert (summary.yen, summary.prev_yen, summary.diff_yen) == (1_000, 500, 500)


def test_donation_summary_prints_the_seeds_style(org, catalog):
    add_result(catalog[2024]["ATM_USE"], APR, count=5_762_365)
    add_result(catalog[2023]["ATM_USE"], dt.date(2023, 4, 1), count=5_478_000)
    summary = queries.donation_summary(2024, 1, Scope.council())
    assert summary.display == "5,762千円（前年同期比+284千円）"


def test_a_missing_provider_is_reported_not_crashed(org, catalog, monkeypatch):
    monkeypatch.delitem(providers._PROVIDERS, "activities.sessions")
    add_result(catalog[2024]["ATM_USE"], APR, count=10)
    summary = queries.donation_summary(2024, 1, Scope.council())
    assert summary.yen == 10
    assert summary.missing_sources == ["MOV_STUDY MOV_STUDY"]


# --- allocation -------------------------------------------------------------------------------


def test_split_by_weight_uses_largest_remainders():
    assert queries.split_by_weight(100, [1, 1, 1]) == [34, 33, 33]
    assert queries.split_by_weight(10, [1, 2]) == [3, 7]  # 3.33 / 6.67 → the larger remainder gets the yen
    assert queries.split_by_weight(0, [1, 5]) == [0, 0]
    assert queries.split_by_weight(7, []) == []


@given(st.integers(min_value=0, max_value=10**12), st.lists(st.integers(min_value=1, max_value=1000), min_size=1, max_size=12))
def test_split_by_weight_always_sums_exactly_and_each_part_is_within_a_yen_of_its_share(amount, weights):
    parts = queries.split_by_weight(amount, weights)
    assert sum(parts) == amount
    total = sum(weights)
    for part, w in zip(parts, weights, strict=True):
        assert amount * w // total <= part <= amount * w // total + 1


def _recipients(users, org):
    s = users["secretariat"]
    food = services.save_recipient(actor=s, name="フードバンク札幌", kind="npo")
    kids = services.save_recipient(actor=s, name="こども食堂ネット", kind="npo")
    welfare = services.save_recipient(actor=s, name="旭川地域福祉会", kind="welfare")
    services.add_recipient_choice(actor=s, fiscal_year=2024, branch=org.branch_a, recipient=food, weight=2)
    services.add_recipient_choice(actor=s, fiscal_year=2024, branch=org.branch_a, recipient=kids, weight=1)
    services.add_recipient_choice(actor=s, fiscal_year=2024, branch=org.branch_b, recipient=welfare)
    return food, kids, welfare


def test_each_committees_amount_is_split_over_its_recipients(org, users, catalog):
    _recipients(users, org)
    add_result(catalog[2024]["SVC_MAIN"], APR, member=org.member_a, count=10)  # branch 101: 1,000
    add_result(catalog[2024]["ATM_USE"], APR, branch=org.branch_a, count=1)  # branch 101: +1 → 1,001
    add_result(catalog[2024]["SVC_MAIN"], APR, member=org.member_b, count=5)  # branch 201: 500
    add_result(catalog[2024]["ATM_USE"], APR, count=99)  # council level: belongs to no committee
    allocation = queries.donation_allocation(2024)
    got = [(r.recipient_name, r.branch_code, r.yen) for r in allocation.rows]
    # 1,001 × 2/3 = 667.33, × 1/3 = 333.67 → the larger remainder (こども食堂) gets the last yen
    assert got == [("こども食堂ネット", "101", 334), ("フードバンク札幌", "101", 667), ("旭川地域福祉会", "201", 500)]
    assert allocation.council_yen == 1_600 and allocation.unattributed_yen == 99
    assert all(c.unallocated_yen == 0 for c in allocation.committees)


def test_a_committee_without_recipients_keeps_its_amount_unallocated(org, users, catalog):
    add_result(catalog[2024]["SVC_MAIN"], APR, member=org.member_b, count=5)
    allocation = queries.donation_allocation(2024)
    [committee] = allocation.committees
    assert committee.branch_code == "201" and committee.generated_yen == 500 and committee.unallocated_yen == 500


def test_allocation_for_some_branches_does_not_reveal_the_council_total(org, users, catalog):
    _recipients(users, org)
    add_result(catalog[2024]["SVC_MAIN"], APR, member=org.member_b, count=5)
    allocation = queries.donation_allocation(2024, branches=[org.branch_a])
    assert allocation.council_yen is None and allocation.unattributed_yen is None
    assert {r.branch_code for r in allocation.rows} == {"101"}
    assert RecipientChoice.objects.count() == 3


# --- disposable income -----------------------------------------------------------------------


def _refi(org, users, *, month, member=None, yen=None, sumikitto=False):
    return services.create_refinancing(
        actor=users["bank"], month=month, member=member, product="マイプラン",
        bank_improvement_yen=yen, is_card_loan_in_sumikitto=sumikitto,
    )


def test_disposable_income_sums_improvements_with_year_on_year_and_progress(org, users, catalog):
    services.save_year_setting(actor=None, fiscal_year=2024, include_sumikitto_card_loans=True,
                               disposable_target_yen=1_000_000_000)
    _refi(org, users, month=APR, member=org.member_a, yen=600_000_000)
    _refi(org, users, month=SEP, member=org.member_b, yen=9_500_000)
    _refi(org, users, month=dt.date(2024, 10, 1), member=org.member_b, yen=1)  # 下期: not in H1
    _refi(org, users, month=dt.date(2023, 5, 1), member=org.member_a, yen=362_300_000)
    d = queries.disposable_income(2024, 1, Scope.council())
    assert (d.count, d.amount_yen, d.prev_count, d.prev_amount_yen) == (2, 609_500_000, 1, 362_300_000)
    assert d.display == "6億9百万円（前年同期比+2億47百万円）"
    assert d.progress == "60.9%" and d.progress_permille == 609


def test_sumikitto_card_loans_count_only_in_years_whose_setting_includes_them(org, users, catalog):
    services.save_year_setting(actor=None, fiscal_year=2024, include_sumikitto_card_loans=True,
                               disposable_target_yen=None)
    services.save_year_setting(actor=None, fiscal_year=2023, include_sumikitto_card_loans=False,
                               disposable_target_yen=None)
    _refi(org, users, month=APR, member=org.member_a, yen=1_000, sumikitto=True)
    _refi(org, users, month=dt.date(2023, 4, 1), member=org.member_a, yen=2_000, sumikitto=True)
    _refi(org, users, month=dt.date(2023, 4, 1), member=org.member_a, yen=30)
    d = queries.disposable_income(2024, 1, Scope.council())
    assert (d.amount_yen, d.prev_amount_yen) == (1_000, 30)
    assert d.includes_sumikitto
    ProgrammeYearSetting.objects.filter(fiscal_year=2024).update(include_sumikitto_card_loans=False)
    assert queries.disposable_income(2024, 1, Scope.council()).amount_yen == 0


def test_a_year_without_a_setting_excludes_sumikitto_card_loans(org, users, catalog):
    _refi(org, users, month=APR, member=org.member_a, yen=1_000, sumikitto=True)
    assert queries.disposable_income(2024, 1, Scope.council()).amount_yen == 0


def test_disposable_income_by_scope(org, users, catalog):
    _refi(org, users, month=APR, member=org.member_a, yen=100)
    _refi(org, users, month=APR, member=org.member_b, yen=20)
    _refi(org, users, month=APR, yen=3)  # council-level bank row
    assert queries.disposable_income(2024, 1, Scope.council()).amount_yen == 123
    assert queries.disposable_income(2024, 1, branch_scope(org.branch_a)).amount_yen == 100
    assert queries.disposable_income(2024, 1, Scope.parse("上川")).amount_yen == 20
    assert queries.disposable_income(2024, 1, Scope.parse("A0002")).amount_yen == 0


def test_the_council_target_falls_back_to_the_catalog_target(org, users, catalog):
    Target.objects.create(fiscal_year=2024, item=catalog[2024]["DISPOSABLE"], level=ScopeLevel.COUNCIL,
                          scope_key="council", kind=TargetKind.ALLOCATED, target_amount=800)
    _refi(org, users, month=APR, member=org.member_a, yen=400)
    d = queries.disposable_income(2024, 1, Scope.council())
    assert d.target_yen == 800 and d.progress == "50.0%"
    assert queries.disposable_income(2024, 1, branch_scope(org.branch_a)).progress == "－"


def test_the_refinancing_provider_gives_count_and_amount(org, users, catalog):
    _refi(org, users, month=APR, member=org.member_a, yen=100)
    _refi(org, users, month=MAY, member=org.member_a, yen=50)
    fig = providers.compute("programmes.refinancing", catalog[2024]["DISPOSABLE"], H1_2024, Scope.council())
    assert fig == providers.Figure(count=2, amount=150)


def test_study_sessions_on_the_theme_come_from_the_catalogs_study_item(org, users, catalog, fake_sessions):
    fake_sessions.figures[(2024, "可処分所得向上", "council")] = providers.Figure(count=355, amount=7_986)
    fake_sessions.figures[(2023, "可処分所得向上", "council")] = providers.Figure(count=256, amount=6_253)
    d = queries.disposable_income(2024, 1, Scope.council())
    assert d.study_display == "355件／7,986名（前年同期比+99件／+1,733名）"


def test_second_half_reports_the_fiscal_year_to_date(org, users, catalog):
    _refi(org, users, month=APR, member=org.member_a, yen=100)
    _refi(org, users, month=dt.date(2025, 3, 1), member=org.member_a, yen=20)
    d = queries.disposable_income(2024, 2, Scope.council())
    assert d.amount_yen == 120 and d.period == fiscal.Period(dt.date(2024, 4, 1), dt.date(2025, 3, 1))
    assert queries.as_of_label(d.period) == "2025年3月末時点"


def test_improvement_by_lender_groups_counted_records(org, users, catalog):
    services.create_refinancing(actor=None, month=APR, member=org.member_a, product="p",
                                previous_lender_type="consumer_finance", bank_improvement_yen=10)
    services.create_refinancing(actor=None, month=APR, member=org.member_a, product="p",
                                previous_lender_type="consumer_finance", bank_improvement_yen=5)
    services.create_refinancing(actor=None, month=APR, member=org.member_a, product="p",
                                previous_lender_type="other_bank", bank_improvement_yen=3)
    rows = queries.improvement_by_lender(H1_2024, Scope.council())
    assert [(r.label, r.count, r.yen) for r in rows] == [("消費者金融", 2, 15), ("他行", 1, 3)]
    assert Refinancing.objects.count() == 3


# --- loan programmes --------------------------------------------------------------------------


def test_loan_programmes_show_new_with_year_on_year_and_cumulative_since_start(org, catalog):
    from suishin.kpis.models import Item

    history = Item.objects.create(fiscal_year=2017, code="SCHOLAR_REFI", name="奨学金借換ローン",
                                  aggregation="cumulative", cumulative_since=dt.date(2017, 10, 1))
    add_result(history, dt.date(2017, 9, 1), count=99, amount=99)  # before the start: not counted
    add_result(history, dt.date(2017, 10, 1), count=481, amount=1_166_000_000)
    add_result(catalog[2023]["SCHOLAR_REFI"], dt.date(2023, 6, 1), member=org.member_a, count=33,
               amount=87_600_000)
    add_result(catalog[2024]["SCHOLAR_REFI"], dt.date(2024, 6, 1), member=org.member_a, count=23,
               amount=59_400_000)
    add_result(catalog[2024]["ZENRYOKU"], dt.date(2024, 6, 1), member=org.member_a, count=300)
    add_result(catalog[2023]["ZENRYOKU"], dt.date(2023, 6, 1), member=org.member_a, count=302)
    rows = {p.code: p for p in queries.loan_programmes(2024, 1, Scope.council())}
    refi = rows["SCHOLAR_REFI"]
    assert refi.new_display == "23件／59百万円（前年同期比▲10件／▲28百万円）"
    assert (refi.cumulative_count, refi.cumulative_amount) == (537, 1_313_000_000)
    assert refi.cumulative_display == "537件／13億13百万円（集計期間：2017年10月1日～2024年9月30日）"
    assert rows["ZENRYOKU"].new_display == "300件（前年同期比▲2件）"
    assert rows["ZENRYOKU"].cumulative_display is None
    assert rows["UNION_SCHOLAR"].in_catalog is False


def test_loan_programmes_respect_the_scope(org, catalog):
    add_result(catalog[2024]["SCHOLAR_PLUS"], dt.date(2024, 6, 1), member=org.member_a, count=2, amount=10)
    add_result(catalog[2024]["SCHOLAR_PLUS"], dt.date(2024, 6, 1), member=org.member_b, count=3, amount=20)
    rows = {p.code: p for p in queries.loan_programmes(2024, 1, branch_scope(org.branch_b))}
    assert (rows["SCHOLAR_PLUS"].count, rows["SCHOLAR_PLUS"].amount) == (3, 20)


@pytest.mark.parametrize(("day", "text"), [(dt.date(2017, 10, 1), "2017年10月1日"), (dt.date(2024, 9, 30), "2024年9月30日")])
def test_date_plain(day, text):
    assert queries.date_plain(day) == text
