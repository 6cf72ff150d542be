"""The committed demo files sum to every seed figure of docs/demo-catalog.md.

The expected numbers are typed here from the seed document, not imported from
the generator, so a change of the generator that breaks a figure fails here.
"""

from __future__ import annotations

import pytest

from suishin.core import jpformat
from suishin.demo.tests.datafiles import catalog, cumulative, h1, half_months, rows_of

# FY2024 上期 counts printed by the seed (tables and narrative).
SEED_COUNTS_FY2024 = {
    "SVC_MAIN": 11_180,
    "SVC_DEPOSIT": 3_708,
    "SVC_LOAN": 9_178,
    "SVC_ASSET": 1_617,
    "ATM_USE": 717_841,
    "CHARGE": 168_524,
    "NONFACE": 15_477,
    "MOV_PUBLISH": 187,
    "NPO_CONSULT": 7,
    "NPO_ACCOUNT": 10,
    "CONTACT_IB": 75,
    "CONTACT_PAYROLL": 35,
    "CONTACT_QR": 22_928,
    "CONTACT_UC": 4,
    "SCHOLAR_REFI": 23,
    "SCHOLAR_PLUS": 20,
    "ZENRYOKU": 300,
    "ZAIKEI_NEW": 2_266,
    "IDECO_NEW": 175,
    "TOSHIN_TEIJI": 1_559,
    "ACE_NEW": 522,
    "TOSHIN_NEW": 761,
    "JGB_NEW": 681,
    "SUMMER_DEPOSIT": 18_591,
    "APP_CONTRACT": 10_244,
    "ECO_PASSBOOK": 5_158,
    "YOUNG_PACK": 646,
    "DEBT_CONSULT": 963,
    "POLICY_MEMBERS": 103,
    "NEWSLETTER_MEMBERS": 84,
    "COMMITTEE_MEMBERS": 491,
    "SITE_ACCESS": 5_817,
    "PENSION_ACCOUNTS": 27_198,
}

# The seed's 前年同期比 for counts: FY2024 − FY2023.
SEED_COUNT_DIFFS = {
    "SCHOLAR_REFI": "▲10",
    "SCHOLAR_PLUS": "+12",
    "ZENRYOKU": "▲2",
    "ACE_NEW": "+150",
    "SUMMER_DEPOSIT": "+2,391",
    "ECO_PASSBOOK": "+736",
    "YOUNG_PACK": "+15",
}

# Computed figures that come from other apps' records (used as constants here).
MOV_STUDY_SESSIONS = {2024: 640, 2023: 600}


def count(item: str, fy: int = 2024) -> int:
    return h1(item, fy)[0]


def amount(item: str, fy: int = 2024) -> int:
    return h1(item, fy)[1]


@pytest.mark.parametrize(("item", "expected"), sorted(SEED_COUNTS_FY2024.items()))
def test_it_reproduces_the_seed_count_of_each_item_for_fy2024_h1(item, expected):
    assert count(item) == expected


@pytest.mark.parametrize(("item", "expected"), sorted(SEED_COUNT_DIFFS.items()))
def test_it_reproduces_the_seed_year_on_year_count_differences(item, expected):
    assert jpformat.signed(count(item, 2024) - count(item, 2023)) == expected


def test_it_gives_the_exact_previous_year_counts_the_catalog_names():
    assert {item: count(item, 2023) for item in SEED_COUNT_DIFFS} == {
        "SCHOLAR_REFI": 33,
        "SCHOLAR_PLUS": 8,
        "ZENRYOKU": 302,
        "ACE_NEW": 372,
        "SUMMER_DEPOSIT": 16_200,
        "ECO_PASSBOOK": 4_422,
        "YOUNG_PACK": 631,
    }


def _children(parent: str, fy: int = 2024) -> list[str]:
    return [
        code
        for (year, code), row in catalog().items()
        if year == fy and row["親項目コード"] == parent
    ]


def test_it_computes_the_seed_totals_from_their_rows():
    assert sum(count(c) for c in _children("SVC_TOTAL")) == 25_683
    assert sum(count(c) for c in _children("NPO_TOTAL")) == 17
    assert sum(count(c) for c in _children("CONTACT_TOTAL")) == 23_007
    movement = [c for c in _children("MOV_TOTAL") if c != "MOV_STUDY"]
    assert movement == ["MOV_PUBLISH"]
    assert MOV_STUDY_SESSIONS[2024] + count("MOV_PUBLISH") == 827


def test_the_contact_total_leaves_out_the_payroll_row_as_the_seed_does():
    # The seed prints 75 / 35 / 22,928 / 4 and 合計 23,007 = 75 + 22,928 + 4.
    assert _children("CONTACT_TOTAL") == ["CONTACT_IB", "CONTACT_QR", "CONTACT_UC"]
    assert (
        catalog()[(2024, "CONTACT_PAYROLL")]["区分"] == catalog()[(2024, "CONTACT_TOTAL")]["区分"]
    )
    assert count("CONTACT_PAYROLL") == 35


def test_it_gives_the_seed_money_figures_in_the_seed_display():
    assert jpformat.oku_yen(amount("SCHOLAR_REFI")) == "59百万円"
    assert jpformat.oku_yen(amount("SCHOLAR_PLUS")) == "94百万円"
    assert jpformat.oku_yen(amount("RETIRE_FUNDS")) == "86億27百万円"
    assert jpformat.oku_yen(amount("SUMMER_DEPOSIT")) == "129億43百万円"
    assert jpformat.oku_yen(amount("MORTGAGE")) == "349億円"
    assert 12_943_500_000 <= amount("SUMMER_DEPOSIT") < 12_943_600_000
    assert 34_900_000_000 <= amount("MORTGAGE") < 34_901_000_000


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("SCHOLAR_REFI", "▲28百万円"),
        ("SCHOLAR_PLUS", "+61百万円"),
        ("SUMMER_DEPOSIT", "+77億33百万円"),
    ],
)
def test_it_gives_the_seed_year_on_year_money_differences(item, expected):
    diff = amount(item, 2024) - amount(item, 2023)
    assert jpformat.signed_money(diff) == expected
    # Same display whether the difference is taken before or after truncation.
    truncated_first = amount(item, 2024) // 1_000_000 - amount(item, 2023) // 1_000_000
    shown = abs(diff) // 1_000_000 * (1 if diff >= 0 else -1)
    assert shown == truncated_first


def test_previous_year_money_lies_in_the_ranges_the_catalog_names():
    assert 87_600_000 <= amount("SCHOLAR_REFI", 2023) < 87_700_000
    assert 5_210_000_000 <= amount("SUMMER_DEPOSIT", 2023) < 5_210_100_000


def test_it_meets_the_amount_targets_as_the_seed_prints_them():
    assert jpformat.signed_money(amount("MORTGAGE") - 33_400_000_000) == "+15億円"
    assert jpformat.signed_money(amount("RETIRE_FUNDS") - 5_005_000_000) == "+36億22百万円"


def test_it_reproduces_the_cumulative_figures_of_the_seed():
    refi_count, refi_amount = cumulative("SCHOLAR_REFI", "2024-09")
    assert refi_count == 537
    assert jpformat.oku_yen(refi_amount) == "13億13百万円"
    assert cumulative("APP_CONTRACT", "2024-09") == (94_154, 0)
    union_count, union_amount = cumulative("UNION_SCHOLAR", "2024-09")
    assert union_count == 83
    assert jpformat.oku_yen(union_amount) == "2億2百万円"


def test_cumulative_items_start_in_the_month_of_their_start_date():
    assert min(r.month for r in rows_of("SCHOLAR_REFI")) == "2017-10"
    assert min(r.month for r in rows_of("APP_CONTRACT")) == "2019-10"
    assert min(r.month for r in rows_of("UNION_SCHOLAR")) == "2022-12"
    assert max(r.month for r in rows_of("APP_CONTRACT")) == "2024-09"


def test_the_pension_snapshot_is_the_last_month_not_the_sum_of_months():
    rows = rows_of("PENSION_ACCOUNTS", half_months(2024))
    assert sum(r.count for r in rows if r.month == "2024-09") == 27_198
    assert sum(r.count for r in rows) > 5 * 27_198  # every month carries the whole stock


def donation(fy: int) -> int:
    """寄付見込額: Σ figure × rate over the year's catalog items with a rate."""
    total = 0
    for (year, code), row in catalog().items():
        if year != fy or not row["寄付単価"]:
            continue
        figure = MOV_STUDY_SESSIONS[fy] if code == "MOV_STUDY" else count(code, fy)
        total += figure * int(row["寄付単価"])
    return total


def test_it_reproduces_the_seed_donation_estimate():
    assert donation(2024) == 5_762_365
    assert jpformat.sen_yen(donation(2024)) == "5,762千円"


def test_the_previous_year_donation_gives_the_seed_difference():
    assert donation(2023) == 5_478_182
    assert jpformat.signed_money(donation(2024) - donation(2023), "sen") == "+284千円"


ACHIEVEMENTS = {  # annual target → 上期 achievement, truncated (the seed's table)
    "SVC_MAIN": (17_800, "62.8%"),
    "SVC_DEPOSIT": (6_350, "58.3%"),
    "SVC_LOAN": (15_131, "60.6%"),
    "SVC_ASSET": (1_234, "131.0%"),
    "NONFACE": (21_100, "73.3%"),
}


@pytest.mark.parametrize(("item", "target_and_rate"), sorted(ACHIEVEMENTS.items()))
def test_it_gives_the_seed_achievement_rates(item, target_and_rate):
    target, rate = target_and_rate
    assert jpformat.rate(count(item), target) == rate


def test_the_service_total_achievement_is_the_seed_one():
    total = sum(count(c) for c in _children("SVC_TOTAL"))
    assert jpformat.rate(total, 40_515) == "63.3%"
