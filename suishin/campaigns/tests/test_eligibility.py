"""Conditions as data: parsing, evaluation and Japanese explanations."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suishin.campaigns import eligibility
from suishin.campaigns.demo_rules import APP_CONDITIONS
from suishin.core.errors import DomainError

RULES = eligibility.parse_rules(APP_CONDITIONS)
OCT = eligibility.Context(
    month=dt.date(2024, 10, 1),
    campaign_start=dt.date(2024, 10, 1),
    campaign_end=dt.date(2025, 1, 31),
)
JAN = eligibility.Context(
    month=dt.date(2025, 1, 1),
    campaign_start=dt.date(2024, 10, 1),
    campaign_end=dt.date(2025, 1, 31),
)

CASHLESS = {
    "linked_at_month_end": True,
    "cashless_registered": True,
    "charged_or_paid_in_window": True,
}


def facts(**kw):
    return {"survey_answered": True, **kw}


def test_condition_one_a_new_link_this_fiscal_year_wins_the_500_yen_tier():
    result = eligibility.evaluate(RULES, facts(app_linked_on="2024-05-20"), OCT)
    assert result.eligible
    assert result.tier.key == "c1"
    assert result.explanation == "条件①を満たしています（えらべるPay 500円分）"


def test_condition_two_at_the_month_end_wins_the_1000_yen_tier():
    result = eligibility.evaluate(RULES, facts(app_linked_on="2023-06-01", **CASHLESS), OCT)
    assert result.eligible
    assert result.tier.key == "c2"
    assert result.explanation == "条件②を満たしています（えらべるPay 1,000円分）"


def test_an_entrant_meeting_both_conditions_gets_the_larger_prize():
    result = eligibility.evaluate(RULES, facts(app_linked_on="2024-10-03", **CASHLESS), OCT)
    assert result.tier.key == "c2"
    assert result.explanation == "条件①・条件②を満たしています（えらべるPay 1,000円分）"


def test_it_explains_which_condition_failed_and_why():
    result = eligibility.evaluate(
        RULES,
        facts(
            app_linked_on="2023-06-01",
            linked_at_month_end=True,
            cashless_registered=True,
            charged_or_paid_in_window=False,
        ),
        OCT,
    )
    assert not result.eligible
    assert result.explanation == (
        "条件①を満たしていません：アプリ口座連携日（2023年6月1日）が2024年4月1日〜2024年10月31日の範囲外です"
        "／条件②を満たしていません：期間中のチャージ・支払いがありません"
    )


def test_without_the_survey_nobody_is_eligible():
    result = eligibility.evaluate(RULES, {"app_linked_on": "2024-05-20", **CASHLESS}, OCT)
    assert not result.eligible
    assert result.explanation == "応募要件を満たしていません：アンケートに回答していません"


def test_a_link_after_the_evaluated_month_end_does_not_count_for_that_month():
    result = eligibility.evaluate(RULES, facts(app_linked_on="2024-11-02"), OCT)
    assert not result.eligible
    assert (
        "アプリ口座連携日（2024年11月2日）が2024年4月1日〜2024年10月31日の範囲外です"
        in result.explanation
    )


def test_january_still_belongs_to_the_fiscal_year_of_the_campaign():
    result = eligibility.evaluate(RULES, facts(app_linked_on="2025-01-31"), JAN)
    assert result.eligible and result.tier.key == "c1"


def test_missing_facts_are_explained_not_crashed_on():
    result = eligibility.evaluate(RULES, facts(), OCT)
    assert result.explanation == (
        "条件①を満たしていません：ろうきんアプリの口座連携がありません"
        "／条件②を満たしていません：月末時点でろうきんアプリと口座連携していません、"
        "キャッシュレス決済サービス用口座にアプリ登録口座が登録されていません、期間中のチャージ・支払いがありません"
    )


def test_a_custom_fail_message_replaces_the_generated_one():
    rules = eligibility.parse_rules(
        {
            "tiers": [
                {
                    "key": "x",
                    "label": "条件②",
                    "prize": "",
                    "all": [
                        {
                            "fact": "charged_or_paid_in_window",
                            "eq": True,
                            "fail": "チャージ・支払いの記録なし",
                        }
                    ],
                }
            ]
        }
    )
    assert (
        eligibility.evaluate(rules, {}, OCT).explanation
        == "条件②を満たしていません：チャージ・支払いの記録なし"
    )


def test_any_groups_hold_when_one_branch_holds():
    rules = eligibility.parse_rules(
        {
            "tiers": [
                {
                    "key": "x",
                    "label": "条件",
                    "all": [
                        {
                            "any": [
                                {"fact": "cashless_registered", "eq": True},
                                {"fact": "survey_answered", "eq": True},
                            ]
                        }
                    ],
                }
            ]
        }
    )
    assert eligibility.evaluate(rules, {"survey_answered": True}, OCT).eligible
    no = eligibility.evaluate(rules, {}, OCT)
    assert no.explanation == (
        "条件を満たしていません：キャッシュレス決済サービス用口座にアプリ登録口座が登録されていません"
        "またはアンケートに回答していません"
    )


def test_requirements_alone_make_a_campaign_without_tiers():
    rules = eligibility.parse_rules({"require": [{"fact": "survey_answered", "eq": True}]})
    assert (
        eligibility.evaluate(rules, {"survey_answered": True}, OCT).explanation
        == "応募要件を満たしています"
    )


def test_min_max_and_present_operators():
    rules = eligibility.parse_rules(
        {
            "tiers": [
                {
                    "key": "x",
                    "label": "条件",
                    "all": [
                        {"fact": "app_linked_on", "min": "$campaign_start"},
                        {"fact": "app_linked_on", "max": "2024-12-31"},
                        {"fact": "app_linked_on", "present": True},
                    ],
                }
            ]
        }
    )
    assert eligibility.evaluate(rules, {"app_linked_on": "2024-10-01"}, OCT).eligible
    early = eligibility.evaluate(rules, {"app_linked_on": "2024-09-30"}, OCT)
    assert (
        early.explanation
        == "条件を満たしていません：アプリ口座連携日（2024年9月30日）が2024年10月1日より前です"
    )
    late = eligibility.evaluate(rules, {"app_linked_on": "2025-01-05"}, JAN)
    assert (
        late.explanation
        == "条件を満たしていません：アプリ口座連携日（2025年1月5日）が2024年12月31日より後です"
    )


def test_the_facts_a_campaign_needs_are_the_ones_its_conditions_mention():
    assert RULES.facts_needed() == {
        "survey_answered",
        "app_linked_on",
        "linked_at_month_end",
        "cashless_registered",
        "charged_or_paid_in_window",
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], '応募条件は {"require": […], "tiers": […]} の形で書いてください。'),
        ({"tiers": [], "extra": 1}, "応募条件に使えないキーがあります：extra"),
        (
            {"require": [{"fact": "name", "eq": True}]},
            "require[0]：項目「name」は使えません。使える項目：app_linked_on、linked_at_month_end、"
            "cashless_registered、charged_or_paid_in_window、survey_answered",
        ),
        (
            {"require": [{"fact": "survey_answered", "eq": "yes"}]},
            "require[0]：はい・いいえの項目には true か false を書いてください。",
        ),
        (
            {"require": [{"fact": "app_linked_on", "min": "$tomorrow"}]},
            "require[0]：「$tomorrow」は使えない記号です。使える記号：$month_start、$month_end、$campaign_start、$campaign_end、$fy_start、$fy_end",
        ),
        (
            {"require": [{"fact": "app_linked_on", "max": "2024-02-30"}]},
            "require[0]：「2024-02-30」は日付として読めません（例：2024-04-01）。",
        ),
        (
            {"require": [{"fact": "app_linked_on", "min": "2024-01-01", "max": "2024-02-01"}]},
            "require[0]：比較は eq・between・min・max・present のどれか一つを書いてください。",
        ),
        (
            {"tiers": [{"key": "a", "label": "x", "all": []}]},
            "tiers[0]：all に条件を一つ以上並べてください。",
        ),
        (
            {
                "tiers": [
                    {"key": "a", "label": "x", "all": [{"fact": "survey_answered", "eq": True}]},
                    {"key": "a", "label": "y", "all": [{"fact": "survey_answered", "eq": True}]},
                ]
            },
            "tiers[1]：key「a」が重複しています。",
        ),
        (
            {
                "tiers": [
                    {
                        "key": "a",
                        "label": "x",
                        "prize_yen": -5,
                        "all": [{"fact": "survey_answered", "eq": True}],
                    }
                ]
            },
            "tiers[0]：prize_yen（賞品の金額）は0以上の整数で書いてください。",
        ),
        (
            {"require": ["__import__('os')"]},
            'require[0]：条件は {"fact": …} または {"all": […]} の形で書いてください。',
        ),
    ],
)
def test_it_rejects_malformed_conditions_with_a_message_naming_the_place(data, message):
    with pytest.raises(DomainError) as exc:
        eligibility.parse_rules(data)
    assert exc.value.message == message
    assert exc.value.field == "conditions"


def test_empty_conditions_mean_no_entries():
    assert eligibility.parse_rules(None).is_empty
    assert eligibility.parse_rules({}).is_empty


fact_values = st.fixed_dictionaries(
    {},
    optional={
        "app_linked_on": st.one_of(
            st.none(),
            st.dates(dt.date(2022, 1, 1), dt.date(2026, 1, 1)).map(dt.date.isoformat),
            st.just("garbage"),
        ),
        "linked_at_month_end": st.one_of(st.none(), st.booleans(), st.just("yes")),
        "cashless_registered": st.one_of(st.none(), st.booleans()),
        "charged_or_paid_in_window": st.one_of(st.none(), st.booleans()),
        "survey_answered": st.one_of(st.none(), st.booleans(), st.integers()),
    },
)


@given(fact_values)
def test_evaluation_is_total_and_explains_every_outcome(values):
    result = eligibility.evaluate(RULES, values, OCT)
    assert result.explanation
    assert result.eligible == (result.tier is not None)
    if result.eligible:
        assert values.get("survey_answered") is True
        assert any(t.met for t in result.tiers)
    else:
        assert "満たしていません" in result.explanation
