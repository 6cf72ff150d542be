"""Refinancing improvement (借換による可処分所得向上額): pure level-payment arithmetic.

No Django, no I/O, no floats. Every function is exact integer arithmetic.

Units
-----
* Money is integer yen.
* An annual interest rate is an integer in **millipercent** (1/1000 of a
  percent): 15.0% = 15_000, 2.475% = 2_475, 0% = 0. Three decimals cover every
  rate a Japanese lender quotes; the monthly rate is annual / 12.
* A term is a whole number of months.

The formula (元利均等返済, level monthly payments)
--------------------------------------------------
For a balance B repaid over n months at monthly rate r = annual / 12::

    P = B · r / (1 − (1 + r)^−n)        (r > 0)
    P = B / n                           (r = 0)
    total = P · n
    improvement = total(old terms) − total(new terms)

With the rate in millipercent m, r = m / 1,200,000 exactly, so with
D = 1,200,000 and a = D + m::

    P = B · m · a^n / (D · (a^n − D^n))

which is a ratio of two integers: no rounding happens until the very end.

Rounding rule (documented here, in docs/programmes.md and in the user guide)
--------------------------------------------------------------------------
The monthly payment is rounded to the yen, half up (as a bank quotes a
monthly instalment); the total is that rounded payment times the number of
months, exactly. Nothing else is rounded. Consequently the same terms always
give the same total, so the improvement of identical old and new terms is 0,
and a bank that computes its figure by the same rule gets exactly our figure.

A bank may round each instalment differently (down, up, or adjust the last
payment), which moves each schedule's total by at most one yen per payment.
`BANK_TOLERANCE` says how far a bank-supplied figure may be from ours and
still be "the same figure": at most old months + new months yen.

The new loan's principal is the old balance (the refinanced amount).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

MILLIPERCENT_PER_PERCENT = 1_000
MONTHS_PER_YEAR = 12
# r = m / MONTHLY_DENOMINATOR for a rate of m millipercent (100% = 100,000; / 12 months).
MONTHLY_DENOMINATOR = 100 * MILLIPERCENT_PER_PERCENT * MONTHS_PER_YEAR  # 1,200,000

MAX_RATE_MILLIPERCENT = 20 * MILLIPERCENT_PER_PERCENT  # 20%: above that a record is an error
MAX_MONTHS = 600  # 50 years: longer terms are input mistakes


@dataclass(frozen=True)
class LoanTerms:
    """The repayment terms of one loan (before or after refinancing)."""

    balance: int  # yen, > 0
    annual_rate_millipercent: int  # 0 .. MAX_RATE_MILLIPERCENT
    months: int  # 1 .. MAX_MONTHS


@dataclass(frozen=True)
class Problem:
    """One broken rule of a set of terms; `field` names which value."""

    field: str  # "balance", "rate" or "months"
    message: str  # Japanese, names the value and the rule


# --- formatting of rates (kept here so the messages below can use it) --------


def format_rate(millipercent: int) -> str:
    """15_000 → '15.0%', 14_950 → '14.95%', 2_475 → '2.475%', 0 → '0.0%', -1_000 → '▲1.0%'."""
    sign = "▲" if millipercent < 0 else ""
    whole, frac = divmod(abs(millipercent), MILLIPERCENT_PER_PERCENT)
    digits = f"{frac:03d}".rstrip("0") or "0"
    return f"{sign}{whole}.{digits}%"


def parse_rate(text: str | int | Decimal) -> int:
    """An annual rate in percent ('15', '15.0', '15.0%', '2.475', '１５．０％') → millipercent.

    Raises ValueError (with a Japanese message) for text that is not a number
    or has more than three decimals.
    """
    import unicodedata

    raw = unicodedata.normalize("NFKC", str(text)).strip().replace(",", "")
    if raw.endswith("%"):
        raw = raw[:-1].strip()
    raw = raw.replace("▲", "-").replace("△", "-").replace("\u2212", "-")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"年利「{text}」は数値ではありません（例: 15.0）。") from None
    if not value.is_finite():
        raise ValueError(f"年利「{text}」は数値ではありません（例: 15.0）。")
    scaled = value * MILLIPERCENT_PER_PERCENT
    if scaled != scaled.to_integral_value():
        raise ValueError(f"年利「{text}」は小数点以下3桁までで入力してください。")
    return int(scaled)


# --- validation --------------------------------------------------------------


def check_balance(balance: int) -> str | None:
    if balance <= 0:
        sign = "▲" if balance < 0 else ""
        return f"残高 {sign}{abs(balance):,}円 は1円以上でなければなりません。"
    return None


def check_rate(millipercent: int) -> str | None:
    if millipercent < 0:
        return f"年利 {format_rate(millipercent)} は負の値です。0%以上で入力してください。"
    if millipercent > MAX_RATE_MILLIPERCENT:
        limit = MAX_RATE_MILLIPERCENT // MILLIPERCENT_PER_PERCENT
        return f"年利 {format_rate(millipercent)} は上限 {limit}% を超えています。"
    return None


def check_months(months: int) -> str | None:
    if months <= 0:
        shown = f"▲{-months}" if months < 0 else "0"
        return f"期間 {shown}か月 は1か月以上でなければなりません。"
    if months > MAX_MONTHS:
        return f"期間 {months}か月 は上限 {MAX_MONTHS}か月 を超えています。"
    return None


def problems(terms: LoanTerms) -> list[Problem]:
    """Every broken rule of `terms` (empty when the terms can be computed)."""
    found = []
    for field, message in (
        ("balance", check_balance(terms.balance)),
        ("rate", check_rate(terms.annual_rate_millipercent)),
        ("months", check_months(terms.months)),
    ):
        if message:
            found.append(Problem(field, message))
    return found


# --- the calculation ---------------------------------------------------------


def _round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to the nearest integer, halves up (both > 0)."""
    return (2 * numerator + denominator) // (2 * denominator)


def monthly_payment(terms: LoanTerms) -> int:
    """The level monthly payment in yen, rounded half up (see the module docstring).

    Raises ValueError for terms that `problems()` rejects.
    """
    found = problems(terms)
    if found:
        raise ValueError(found[0].message)
    b, m, n = terms.balance, terms.annual_rate_millipercent, terms.months
    if m == 0:
        return _round_half_up(b, n)
    d = MONTHLY_DENOMINATOR
    a_n = (d + m) ** n
    d_n = d**n
    return _round_half_up(b * m * a_n, d * (a_n - d_n))


def total_repayment(terms: LoanTerms) -> int:
    """Total repaid = rounded monthly payment × months (exact)."""
    return monthly_payment(terms) * terms.months


def improvement(old: LoanTerms, new: LoanTerms) -> int:
    """Total repayment under the old terms minus under the new terms (may be negative:
    a much longer new term can cost more in total even at a lower rate)."""
    return total_repayment(old) - total_repayment(new)


def bank_tolerance(old: LoanTerms, new: LoanTerms) -> int:
    """How many yen a bank-supplied improvement may differ from ours: one yen per payment."""
    return old.months + new.months


def bank_figure_agrees(bank_improvement: int, old: LoanTerms, new: LoanTerms) -> bool:
    """True when the bank's figure is ours up to a yen of rounding per instalment."""
    return abs(bank_improvement - improvement(old, new)) <= bank_tolerance(old, new)


@dataclass(frozen=True)
class Breakdown:
    """The worked figures shown on the calculator page and in the user guide."""

    old_payment: int
    old_total: int
    new_payment: int
    new_total: int
    improvement: int
    monthly_saving: int  # old payment − new payment (what a member feels each month)


def breakdown(old: LoanTerms, new: LoanTerms) -> Breakdown:
    op, np_ = monthly_payment(old), monthly_payment(new)
    ot, nt = op * old.months, np_ * new.months
    return Breakdown(
        old_payment=op, old_total=ot, new_payment=np_, new_total=nt, improvement=ot - nt, monthly_saving=op - np_
    )
