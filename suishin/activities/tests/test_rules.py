from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suishin.activities import rules
from suishin.activities.models import State
from suishin.core.errors import DomainError


def test_it_rejects_a_request_above_cap_times_planned_participants():
    with pytest.raises(DomainError) as exc:
        rules.check_request_cap(
            requested_yen=70_000, planned_participants=30, cap_per_person_yen=2_000
        )
    assert (
        exc.value.message
        == "申請額 70,000円 は上限 2,000円 × 予定参加者 30名 = 60,000円 を超えています。"
    )
    assert exc.value.field == "lines"


def test_a_request_exactly_at_the_cap_is_accepted():
    rules.check_request_cap(requested_yen=60_000, planned_participants=30, cap_per_person_yen=2_000)


def test_a_per_site_line_may_not_exceed_the_connection_sites():
    with pytest.raises(DomainError) as exc:
        rules.line_amount(
            purpose_name="会場・設備（接続拠点ごと）",
            per_site=True,
            quantity=4,
            unit_yen=5_000,
            sites=3,
        )
    assert (
        exc.value.message
        == "費目「会場・設備（接続拠点ごと）」は接続拠点ごとの費用です。数量 4 が接続拠点数 3 を超えています。"
    )


def test_a_line_amount_is_quantity_times_unit_price():
    assert (
        rules.line_amount(purpose_name="弁当代", per_site=True, quantity=3, unit_yen=1_500, sites=3)
        == 4_500
    )
    assert (
        rules.line_amount(purpose_name="資料", per_site=False, quantity=40, unit_yen=300, sites=1)
        == 12_000
    )


def test_it_rejects_an_approval_past_the_remaining_budget():
    with pytest.raises(DomainError) as exc:
        rules.check_budget(
            approved_yen=60_000, committed_yen=29_950_000, budget_yen=30_000_000, fiscal_year=2024
        )
    assert exc.value.message == (
        "予算残額（50,000円）を超えるため承認できません。承認額 60,000円、2024年度予算 30,000,000円、承認済み合計 29,950,000円。"
    )


def test_an_approval_using_exactly_the_rest_of_the_budget_is_accepted():
    rules.check_budget(
        approved_yen=50_000, committed_yen=29_950_000, budget_yen=30_000_000, fiscal_year=2024
    )


def test_approved_amount_must_be_positive_and_within_the_request():
    with pytest.raises(DomainError, match="承認額 60,001円 が申請額 60,000円 を超えています。"):
        rules.check_approved_amount(approved_yen=60_001, requested_yen=60_000)
    with pytest.raises(DomainError, match="承認額は1円以上で入力してください。"):
        rules.check_approved_amount(approved_yen=0, requested_yen=60_000)


def test_it_rejects_web_session_without_prior_approval():
    with pytest.raises(DomainError) as exc:
        rules.check_web_prior_approval(is_web=True, held_on=dt.date(2024, 7, 12), approved_on=None)
    assert (
        exc.value.message
        == "WEB学習会には、開催日 2024年7月12日（金） より前に承認された職域活動費の申請が必要です。"
    )


def test_it_rejects_web_session_approved_on_its_own_day():
    with pytest.raises(DomainError) as exc:
        rules.check_web_prior_approval(
            is_web=True, held_on=dt.date(2024, 7, 12), approved_on=dt.date(2024, 7, 12)
        )
    assert exc.value.message == (
        "WEB学習会には、開催日 2024年7月12日（金） より前に承認された職域活動費の申請が必要です（承認日 2024年7月12日（金））。"
    )


def test_web_session_approved_the_day_before_and_in_person_sessions_pass():
    rules.check_web_prior_approval(
        is_web=True, held_on=dt.date(2024, 7, 12), approved_on=dt.date(2024, 7, 11)
    )
    rules.check_web_prior_approval(is_web=False, held_on=dt.date(2024, 7, 12), approved_on=None)


def test_web_application_must_be_submitted_before_the_session_day():
    with pytest.raises(DomainError) as exc:
        rules.check_web_in_advance(
            is_web=True,
            session_date=dt.date(2024, 7, 12),
            today=dt.date(2024, 7, 12),
            action="申請",
        )
    assert exc.value.message == (
        "WEB学習会の職域活動費は事前申請です。開催日 2024年7月12日（金） より前に申請する必要があります（本日 2024年7月12日（金））。"
    )
    rules.check_web_in_advance(
        is_web=False, session_date=dt.date(2024, 7, 12), today=dt.date(2024, 8, 1), action="申請"
    )


def test_paid_is_the_approved_amount_when_enough_people_came():
    assert (
        rules.paid_amount(approved_yen=50_000, actual_participants=30, cap_per_person_yen=2_000)
        == 50_000
    )


def test_paid_is_capped_by_actual_participants():
    assert (
        rules.paid_amount(approved_yen=60_000, actual_participants=20, cap_per_person_yen=2_000)
        == 40_000
    )


@given(
    approved=st.integers(min_value=0, max_value=10**9),
    actual=st.integers(min_value=0, max_value=100_000),
    cap=st.integers(min_value=1, max_value=100_000),
)
def test_paid_never_exceeds_approved_nor_cap_times_actual_and_reaches_one_of_them(
    approved, actual, cap
):
    paid = rules.paid_amount(
        approved_yen=approved, actual_participants=actual, cap_per_person_yen=cap
    )
    assert paid <= approved and paid <= cap * actual
    assert paid in (approved, cap * actual)


@given(
    budget=st.integers(min_value=0, max_value=10**9),
    committed=st.integers(min_value=0, max_value=10**9),
    amount=st.integers(min_value=1, max_value=10**9),
)
def test_an_accepted_approval_never_takes_the_total_past_the_budget(budget, committed, amount):
    try:
        rules.check_budget(
            approved_yen=amount, committed_yen=committed, budget_yen=budget, fiscal_year=2024
        )
    except DomainError:
        assert committed + amount > budget
    else:
        assert committed + amount <= budget


@pytest.mark.parametrize(
    ("from_state", "to_state"),
    [
        (State.DRAFT, State.APPROVED),
        (State.DRAFT, State.PAID),
        (State.SUBMITTED, State.HELD),
        (State.APPROVED, State.PAID),
        (State.RETURNED, State.APPROVED),
        (State.PAID, State.HELD),
        (State.WITHDRAWN, State.SUBMITTED),
        (State.HELD, State.WITHDRAWN),
    ],
)
def test_applications_move_only_along_the_state_machine(from_state, to_state):
    with pytest.raises(DomainError):
        rules.check_transition(from_state, to_state)


def test_the_transition_message_names_the_state_and_the_action():
    with pytest.raises(DomainError) as exc:
        rules.check_transition(State.DRAFT, State.APPROVED)
    assert exc.value.message == "「下書き」の申請は承認できません。"
