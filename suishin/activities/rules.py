"""The rules of activity expenses (職域活動費), each in one place.

Pure functions over integers and dates: no database, no clock. Each either
returns a value or raises a DomainError whose Japanese message names the rule
and the numbers. The services apply them inside their transactions; the
tests exercise each one directly and through the services.

1. requested ≤ cap per person × planned participants            (check_request_cap)
2. a line's amount = quantity × unit price; a per-site purpose's
   quantity ≤ the number of connection sites                      (line_amount)
3. 0 < approved ≤ requested                                       (check_approved_amount)
4. an approval never takes the year's committed total past the
   budget                                                          (check_budget)
5. a WEB session needs an application approved before its date    (check_web_prior_approval,
                                                                    check_web_in_advance)
6. paid = min(approved, cap per person × actual participants)     (paid_amount)
7. applications move only along TRANSITIONS                        (check_transition)
"""

from __future__ import annotations

import datetime as dt

from suishin.activities.models import State
from suishin.core.errors import DomainError
from suishin.core.jpformat import date_ja, number, yen

# The state machine. RETURNED goes back to SUBMITTED after editing; HELD → HELD
# is a correction of the report before payment; WITHDRAWN releases the budget.
TRANSITIONS: dict[str, frozenset[str]] = {
    State.DRAFT: frozenset({State.SUBMITTED, State.WITHDRAWN}),
    State.SUBMITTED: frozenset({State.APPROVED, State.RETURNED, State.WITHDRAWN}),
    State.RETURNED: frozenset({State.SUBMITTED, State.WITHDRAWN}),
    State.APPROVED: frozenset({State.HELD, State.WITHDRAWN}),
    State.HELD: frozenset({State.HELD, State.PAID}),
    State.PAID: frozenset(),
    State.WITHDRAWN: frozenset(),
}

EDITABLE_STATES = frozenset({State.DRAFT, State.RETURNED})

ACTION_LABELS = {
    State.SUBMITTED: "申請",
    State.APPROVED: "承認",
    State.RETURNED: "差戻し",
    State.HELD: "開催報告",
    State.PAID: "支払",
    State.WITHDRAWN: "取下げ",
}


def check_transition(from_state: str, to_state: str) -> None:
    if to_state not in TRANSITIONS.get(from_state, frozenset()):
        action = ACTION_LABELS.get(to_state, to_state)
        raise DomainError(
            f"「{State(from_state).label}」の申請は{action}できません。",
            code="transition",
        )


def cap_total(cap_per_person_yen: int, participants: int) -> int:
    return cap_per_person_yen * participants


def check_request_cap(
    *, requested_yen: int, planned_participants: int, cap_per_person_yen: int
) -> None:
    """Rule 1: 申請額 ≤ 上限 × 予定参加者."""
    limit = cap_total(cap_per_person_yen, planned_participants)
    if requested_yen > limit:
        raise DomainError(
            f"申請額 {yen(requested_yen)} は上限 {yen(cap_per_person_yen)} × 予定参加者 "
            f"{number(planned_participants)}名 = {yen(limit)} を超えています。",
            field="lines",
            code="cap",
        )


def line_amount(
    *, purpose_name: str, per_site: bool, quantity: int, unit_yen: int, sites: int
) -> int:
    """Rule 2: the amount of one purpose line."""
    if quantity < 1:
        raise DomainError(f"費目「{purpose_name}」の数量は1以上で入力してください。", field="lines")
    if unit_yen < 0:
        raise DomainError(
            f"費目「{purpose_name}」の単価は0円以上で入力してください。", field="lines"
        )
    if per_site and quantity > sites:
        raise DomainError(
            f"費目「{purpose_name}」は接続拠点ごとの費用です。数量 {number(quantity)} が接続拠点数 "
            f"{number(sites)} を超えています。",
            field="lines",
            code="sites",
        )
    return quantity * unit_yen


def check_approved_amount(*, approved_yen: int, requested_yen: int) -> None:
    """Rule 3: 0 < 承認額 ≤ 申請額."""
    if approved_yen <= 0:
        raise DomainError("承認額は1円以上で入力してください。", field="approved_yen")
    if approved_yen > requested_yen:
        raise DomainError(
            f"承認額 {yen(approved_yen)} が申請額 {yen(requested_yen)} を超えています。",
            field="approved_yen",
        )


def check_budget(
    *, approved_yen: int, committed_yen: int, budget_yen: int, fiscal_year: int
) -> None:
    """Rule 4: 承認済み合計 + 今回の承認額 ≤ 年度予算."""
    remaining = budget_yen - committed_yen
    if approved_yen > remaining:
        raise DomainError(
            f"予算残額（{yen(max(remaining, 0))}）を超えるため承認できません。"
            f"承認額 {yen(approved_yen)}、{fiscal_year}年度予算 {yen(budget_yen)}、"
            f"承認済み合計 {yen(committed_yen)}。",
            field="approved_yen",
            code="budget",
        )


def check_web_in_advance(
    *, is_web: bool, session_date: dt.date, today: dt.date, action: str
) -> None:
    """Rule 5a: a WEB application is submitted and approved before the session day (事前申請)."""
    if is_web and today >= session_date:
        raise DomainError(
            f"WEB学習会の職域活動費は事前申請です。開催日 {date_ja(session_date)} より前に{action}する必要があります"
            f"（本日 {date_ja(today)}）。",
            field="session_date",
            code="web_prior",
        )


def check_web_prior_approval(
    *, is_web: bool, held_on: dt.date, approved_on: dt.date | None
) -> None:
    """Rule 5b: a WEB session needs an application approved before its date."""
    if not is_web:
        return
    if approved_on is None:
        raise DomainError(
            f"WEB学習会には、開催日 {date_ja(held_on)} より前に承認された職域活動費の申請が必要です。",
            field="application",
            code="web_prior",
        )
    if approved_on >= held_on:
        raise DomainError(
            f"WEB学習会には、開催日 {date_ja(held_on)} より前に承認された職域活動費の申請が必要です"
            f"（承認日 {date_ja(approved_on)}）。",
            field="application",
            code="web_prior",
        )


def check_report(
    *,
    held_on: dt.date,
    today: dt.date,
    fiscal_year: int,
    actual_participants: int,
    receipts_total_yen: int,
) -> None:
    """A held report: the session has taken place, in the application's fiscal year."""
    from suishin.core.fiscal import fiscal_year_of

    if held_on > today:
        raise DomainError(
            f"開催日 {date_ja(held_on)} より前に開催報告はできません（本日 {date_ja(today)}）。",
            field="held_on",
        )
    if fiscal_year_of(held_on) != fiscal_year:
        raise DomainError(
            f"開催日 {date_ja(held_on)} は申請の年度（{fiscal_year}年度）の外です。",
            field="held_on",
        )
    if actual_participants < 1:
        raise DomainError("実参加者数は1名以上で入力してください。", field="actual_participants")
    if receipts_total_yen < 0:
        raise DomainError("領収書合計は0円以上で入力してください。", field="receipts_total_yen")


def paid_amount(*, approved_yen: int, actual_participants: int, cap_per_person_yen: int) -> int:
    """Rule 6: 支払額 = min(承認額, 上限 × 実参加者数)."""
    return min(approved_yen, cap_total(cap_per_person_yen, actual_participants))
