"""The pure level-payment arithmetic, against hand-computed cases.

Each expected value below was worked out by hand from P = B·r/(1−(1+r)^−n)
(r = annual/12) and checked against a 60-digit Decimal evaluation; the
monthly payment is rounded half up to the yen and the total is P × n.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suishin.programmes import refinancing as calc
from suishin.programmes.refinancing import LoanTerms


@pytest.mark.parametrize(
    ("balance", "rate", "months", "payment"),
    [
        (1_000_000, 12_000, 12, 88_849),  # 88,848.79 → 88,849 (the textbook 12% / 1 year case)
        (1_000_000, 6_000, 12, 86_066),  # 86,066.43
        (500_000, 18_000, 36, 18_076),  # 18,076.20
        (500_000, 5_000, 60, 9_436),  # 9,435.62
        (300_000, 15_000, 24, 14_546),  # 14,545.99
        (1_000_000, 14_950, 60, 23_764),  # 14.95%: 23,763.69
        (1_000_000, 3_475, 60, 18_181),  # 3.475%: 18,180.55
        (1_000_000, 2_500, 240, 5_299),  # 2.5% over 20 years: 5,299.03
        (10_000, 1_500, 2, 5_009),  # 5,009.38
    ],
)
def test_monthly_payment_matches_hand_computed_cases(balance, rate, months, payment):
    assert calc.monthly_payment(LoanTerms(balance, rate, months)) == payment


def test_zero_rate_repays_the_balance_in_equal_parts():
    assert calc.monthly_payment(LoanTerms(1_200_000, 0, 12)) == 100_000
    assert calc.total_repayment(LoanTerms(1_200_000, 0, 12)) == 1_200_000


def test_zero_rate_rounds_the_payment_and_the_total_is_payment_times_months():
    # 100,000 / 3 = 33,333.33… → 33,333; total 99,999 (the rule: totals are P × n, exactly)
    assert calc.total_repayment(LoanTerms(100_000, 0, 3)) == 99_999


def test_half_a_yen_rounds_up():
    assert calc.monthly_payment(LoanTerms(5, 0, 2)) == 3  # 2.5 → 3


def test_improvement_same_term_lower_rate():
    # 12% → 6% over 12 months: 88,849 × 12 − 86,066 × 12 = 1,066,188 − 1,032,792
    old, new = LoanTerms(1_000_000, 12_000, 12), LoanTerms(1_000_000, 6_000, 12)
    assert calc.improvement(old, new) == 33_396


def test_improvement_with_a_new_term_longer_than_the_old():
    # 18% / 36 months → 5% / 60 months: 18,076 × 36 − 9,436 × 60 = 650,736 − 566,160
    old, new = LoanTerms(500_000, 18_000, 36), LoanTerms(500_000, 5_000, 60)
    assert calc.improvement(old, new) == 84_576


def test_a_much_longer_new_term_can_cost_more_and_the_improvement_is_negative():
    # 3.475% / 60 → 2.5% / 240: 18,181 × 60 − 5,299 × 240 = 1,090,860 − 1,271,760
    old, new = LoanTerms(1_000_000, 3_475, 60), LoanTerms(1_000_000, 2_500, 240)
    assert calc.improvement(old, new) == -180_900


def test_improvement_to_a_zero_rate_is_the_old_interest():
    # 15% / 24 → 0% / 24: 14,546 × 24 − 12,500 × 24 = 349,104 − 300,000
    old, new = LoanTerms(300_000, 15_000, 24), LoanTerms(300_000, 0, 24)
    assert calc.improvement(old, new) == 49_104


def test_breakdown_shows_the_monthly_saving():
    b = calc.breakdown(LoanTerms(500_000, 18_000, 36), LoanTerms(500_000, 5_000, 60))
    assert (b.old_payment, b.old_total, b.new_payment, b.new_total) == (18_076, 650_736, 9_436, 566_160)
    assert (b.improvement, b.monthly_saving) == (84_576, 8_640)


@pytest.mark.parametrize(
    ("terms", "field", "message"),
    [
        (LoanTerms(0, 15_000, 24), "balance", "残高 0円 は1円以上でなければなりません。"),
        (LoanTerms(-100, 15_000, 24), "balance", "残高 ▲100円 は1円以上でなければなりません。"),
        (LoanTerms(100_000, 25_000, 24), "rate", "年利 25.0% は上限 20% を超えています。"),
        (LoanTerms(100_000, -1_000, 24), "rate", "年利 ▲1.0% は負の値です。0%以上で入力してください。"),
        (LoanTerms(100_000, 15_000, 0), "months", "期間 0か月 は1か月以上でなければなりません。"),
        (LoanTerms(100_000, 15_000, -3), "months", "期間 ▲3か月 は1か月以上でなければなりません。"),
        (LoanTerms(100_000, 15_000, 601), "months", "期間 601か月 は上限 600か月 を超えています。"),
    ],
)
def test_bad_terms_are_rejected_with_a_message(terms, field, message):
    assert calc.problems(terms) == [calc.Problem(field, message)]
    with pytest.raises(ValueError, match=message.split(" ")[0]):
        calc.monthly_payment(terms)


def test_twenty_percent_is_allowed_and_a_thousandth_more_is_not():
    assert calc.problems(LoanTerms(100_000, 20_000, 12)) == []
    assert calc.problems(LoanTerms(100_000, 20_001, 12))[0].message == "年利 20.001% は上限 20% を超えています。"


@pytest.mark.parametrize(
    ("text", "millipercent"),
    [("15", 15_000), ("15.0%", 15_000), ("１５．０％", 15_000), ("2.475", 2_475), ("0", 0), (" 14.95 % ", 14_950)],
)
def test_parse_rate_reads_percent_text(text, millipercent):
    assert calc.parse_rate(text) == millipercent


@pytest.mark.parametrize(
    ("text", "message"),
    [("abc", "年利「abc」は数値ではありません（例: 15.0）。"), ("1.2345", "年利「1.2345」は小数点以下3桁までで入力してください。")],
)
def test_parse_rate_rejects_bad_text(text, message):
    with pytest.raises(ValueError) as exc:
        calc.parse_rate(text)
    assert str(exc.value) == message


@pytest.mark.parametrize(("mp", "text"), [(15_000, "15.0%"), (14_950, "14.95%"), (2_475, "2.475%"), (0, "0.0%")])
def test_format_rate(mp, text):
    assert calc.format_rate(mp) == text


# --- properties -------------------------------------------------------------------------

balances = st.integers(min_value=1, max_value=100_000_000)
rates = st.integers(min_value=0, max_value=calc.MAX_RATE_MILLIPERCENT)
months = st.integers(min_value=1, max_value=420)


def _reference_payment(t: LoanTerms) -> int:
    """An independent evaluation in 80-digit Decimal arithmetic."""
    with localcontext() as ctx:
        ctx.prec = 80
        if t.annual_rate_millipercent == 0:
            p = Decimal(t.balance) / t.months
        else:
            r = Decimal(t.annual_rate_millipercent) / Decimal(1_200_000)
            p = Decimal(t.balance) * r / (1 - (1 + r) ** (-t.months))
        return int(p.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@given(balances, rates, months)
def test_exact_integer_formula_agrees_with_high_precision_decimal(b, m, n):
    t = LoanTerms(b, m, n)
    assert calc.monthly_payment(t) == _reference_payment(t)


@given(balances, rates, months)
def test_identical_terms_improve_nothing(b, m, n):
    assert calc.improvement(LoanTerms(b, m, n), LoanTerms(b, m, n)) == 0


@given(balances, rates, rates, months)
def test_a_lower_rate_over_the_same_term_never_costs_more(b, m1, m2, n):
    low, high = sorted((m1, m2))
    assert calc.improvement(LoanTerms(b, high, n), LoanTerms(b, low, n)) >= 0


@given(balances, rates, months)
def test_the_total_repays_at_least_the_balance_up_to_rounding(b, m, n):
    total = calc.total_repayment(LoanTerms(b, m, n))
    assert total * 2 >= 2 * b - n  # each instalment rounds by at most half a yen


@given(balances, rates, months, rates, months)
def test_a_bank_figure_derived_by_the_same_rule_agrees(b, m_old, n_old, m_new, n_new):
    old, new = LoanTerms(b, m_old, n_old), LoanTerms(b, m_new, n_new)
    bank = _reference_payment(old) * n_old - _reference_payment(new) * n_new
    assert bank == calc.improvement(old, new)
    assert calc.bank_figure_agrees(bank, old, new)
    assert not calc.bank_figure_agrees(bank + calc.bank_tolerance(old, new) + 1, old, new)
