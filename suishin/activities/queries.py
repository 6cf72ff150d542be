"""Read-side figures of study sessions and activity expenses, set-based.

The summary report's 職域活動費 section and the catalog's computed items
(学習会開催回数, テーマ別の学習会) are read from here, so the page, the report
and the figure providers agree on one definition:

- a *study session* counts when its date (held_on) lies in the period;
- a session *held with activity expenses* is a **paid** application whose
  開催日 lies in the period; its attendees are the reported actual
  participants and its amount is the paid amount;
- what an application *holds* of the year's budget is its approved amount
  while approved/held and its paid amount once paid.

Scopes (suishin.kpis.scope.Scope) filter through the member's current branch
and block.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum

from suishin.activities.models import (
    COMMITTED_STATES,
    Application,
    ApplicationLine,
    State,
    StudySession,
    YearSetting,
)
from suishin.core import fiscal, jpformat
from suishin.core.fiscal import Half, Period
from suishin.kpis.providers import Figure


def _scoped(qs: QuerySet, scope, member_path: str = "member") -> QuerySet:
    return qs if scope is None else qs.filter(scope.member_q(member_path))


# --- study sessions -------------------------------------------------------------


def session_figure(start: dt.date, end: dt.date, scope=None, theme: str = "") -> Figure:
    """count = sessions held from start to end; amount = their participants."""
    qs = _scoped(StudySession.objects.between(start, end), scope)
    if theme:
        qs = qs.filter(theme__name=theme)
    agg = qs.aggregate(n=Count("id"), people=Sum("participants"))
    return Figure(count=agg["n"] or 0, amount=agg["people"] or 0)


def sessions_provider(item, period: Period, scope, arg: str) -> Figure:
    """Figure provider "activities.sessions[:テーマ]": count = sessions, amount = participants.

    Note: `amount` carries the number of participants (people), not yen.
    """
    return session_figure(period.start, period.end, scope, arg)


def expenses_provider(item, period: Period, scope, arg: str) -> Figure:
    """Figure provider "activities.expenses": count = sessions held with paid
    activity expenses, amount = the paid yen."""
    agg = _paid(period, scope).aggregate(n=Count("id"), paid=Sum("paid_yen"))
    return Figure(count=agg["n"] or 0, amount=agg["paid"] or 0)


@dataclass(frozen=True)
class ThemeCount:
    theme: str
    sessions: int
    participants: int


def sessions_by_theme(sessions: QuerySet) -> list[ThemeCount]:
    """Sessions and participants per theme of an already filtered queryset."""
    rows = (
        sessions.order_by()
        .values("theme__name", "theme__sort_order")
        .annotate(n=Count("id"), people=Sum("participants"))
        .order_by("theme__sort_order", "theme__name")
    )
    return [ThemeCount(r["theme__name"], r["n"], r["people"] or 0) for r in rows]


# --- activity expenses ------------------------------------------------------------


def _paid(period: Period, scope) -> QuerySet:
    return _scoped(
        Application.objects.filter(state=State.PAID).held_between(period.start, period.end), scope
    )


@dataclass(frozen=True)
class ThemeUse:
    theme: str
    sessions: int
    attendees: int
    paid_yen: int


@dataclass(frozen=True)
class PurposeUse:
    purpose: str
    lines: int
    amount_yen: int  # Σ of the purpose lines (as requested) of the paid applications


@dataclass(frozen=True)
class ActivityExpenseSummary:
    """The 職域活動費 section of the half-year summary."""

    fiscal_year: int
    half: int
    period: Period
    scope_label: str
    sessions: int  # sessions held with paid activity expenses
    attendees: int  # Σ actual participants of those sessions (延べ出席者)
    web_sessions: int
    paid_yen: int  # 活用金額
    prev_sessions: int
    prev_attendees: int
    prev_web_sessions: int
    prev_paid_yen: int
    themes: list[ThemeUse] = field(default_factory=list)  # by paid amount, largest first
    purposes: list[PurposeUse] = field(default_factory=list)
    budget_yen: int | None = None
    cap_per_person_yen: int | None = None

    @property
    def paid_diff_yen(self) -> int:
        return self.paid_yen - self.prev_paid_yen

    @property
    def sessions_diff(self) -> int:
        return self.sessions - self.prev_sessions

    @property
    def attendees_diff(self) -> int:
        return self.attendees - self.prev_attendees

    @property
    def web_sessions_diff(self) -> int:
        return self.web_sessions - self.prev_web_sessions

    @property
    def amount_text(self) -> str:
        """'14,762,300円（前年同期比+2,824千円）'."""
        return f"{jpformat.yen(self.paid_yen)}（前年同期比{jpformat.signed_money(self.paid_diff_yen, 'sen')}）"

    def main_themes(self, limit: int = 4) -> list[str]:
        return [t.theme for t in self.themes[:limit]]

    def sentences(self) -> list[str]:
        """The seed's three sentences, filled from the figures (editable narrative starts here)."""
        out = [
            f"会員による職域活動費を活用した学習会は {jpformat.number(self.sessions)}回、延べ "
            f"{jpformat.number(self.attendees)}名の出席となり、会員組合員との接点強化が図られました"
            f"（内、WEB を活用した学習会は {jpformat.number(self.web_sessions)}回となりました）。",
        ]
        if self.themes:
            names = "".join(f"「{name}」" for name in self.main_themes())
            out.append(f"主に、{names}を目的とした活用となりました。")
        out.append(
            f"取組みの結果、職域活動費の活用が浸透し、活用金額は {self.amount_text}となりました。"
        )
        return out

    def as_dict(self) -> dict:
        return {
            "fiscal_year": self.fiscal_year,
            "half": int(self.half),
            "period": [self.period.start.isoformat(), self.period.end.isoformat()],
            "scope": self.scope_label,
            "sessions": self.sessions,
            "attendees": self.attendees,
            "web_sessions": self.web_sessions,
            "paid_yen": self.paid_yen,
            "prev_sessions": self.prev_sessions,
            "prev_attendees": self.prev_attendees,
            "prev_web_sessions": self.prev_web_sessions,
            "prev_paid_yen": self.prev_paid_yen,
            "paid_diff_yen": self.paid_diff_yen,
            "amount_text": self.amount_text,
            "themes": [t.__dict__ for t in self.themes],
            "purposes": [p.__dict__ for p in self.purposes],
            "budget_yen": self.budget_yen,
            "cap_per_person_yen": self.cap_per_person_yen,
        }


def _expense_totals(period: Period, scope) -> dict[str, int]:
    agg = _paid(period, scope).aggregate(
        n=Count("id"),
        people=Sum("actual_participants"),
        web=Count("id", filter=Q(is_web=True)),
        paid=Sum("paid_yen"),
    )
    return {k: int(v or 0) for k, v in agg.items()}


def activity_expense_summary(
    fiscal_year: int, half: int | Half, scope=None, *, cumulative: bool = False
) -> ActivityExpenseSummary:
    """Sessions held with paid activity expenses in the half (or, with
    cumulative=True, from April through the end of the half), for a scope
    (None = the whole council), with the same period of the previous year."""
    period = (
        fiscal.year_to_date(fiscal_year, half)
        if cumulative
        else fiscal.half_period(fiscal_year, half)
    )
    now = _expense_totals(period, scope)
    prev = _expense_totals(fiscal.same_period_last_year(period), scope)
    theme_rows = (
        _paid(period, scope)
        .values("theme__name")
        .annotate(n=Count("id"), people=Sum("actual_participants"), paid=Sum("paid_yen"))
        .order_by("-paid", "theme__name")
    )
    purpose_rows = (
        _scoped(
            ApplicationLine.objects.filter(
                application__state=State.PAID,
                application__held_on__gte=period.start,
                application__held_on__lte=period.end,
            ),
            scope,
            "application__member",
        )
        .values("purpose__name", "purpose__sort_order")
        .annotate(n=Count("id"), amount=Sum("amount_yen"))
        .order_by("purpose__sort_order", "purpose__name")
    )
    setting = YearSetting.objects.filter(fiscal_year=fiscal_year).first()
    return ActivityExpenseSummary(
        fiscal_year=fiscal_year,
        half=int(half),
        period=period,
        scope_label=getattr(scope, "label", "全道推進会議")
        if scope is not None
        else "全道推進会議",
        sessions=now["n"],
        attendees=now["people"],
        web_sessions=now["web"],
        paid_yen=now["paid"],
        prev_sessions=prev["n"],
        prev_attendees=prev["people"],
        prev_web_sessions=prev["web"],
        prev_paid_yen=prev["paid"],
        themes=[
            ThemeUse(r["theme__name"], r["n"], r["people"] or 0, r["paid"] or 0) for r in theme_rows
        ],
        purposes=[PurposeUse(r["purpose__name"], r["n"], r["amount"] or 0) for r in purpose_rows],
        budget_yen=setting.budget_yen if setting else None,
        cap_per_person_yen=setting.cap_per_person_yen if setting else None,
    )


# --- budget -----------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetStatus:
    fiscal_year: int
    budget_yen: int
    cap_per_person_yen: int
    committed_yen: int  # approved (not yet paid) + paid
    paid_yen: int
    pending_yen: int  # requested by applications waiting for a decision (申請中)
    applications: int  # applications holding budget

    @property
    def remaining_yen(self) -> int:
        return self.budget_yen - self.committed_yen

    @property
    def approved_unpaid_yen(self) -> int:
        return self.committed_yen - self.paid_yen

    @property
    def used_permille(self) -> int:
        """Share of the budget held, integer per-mille truncated, capped at 1000 for the bar."""
        if self.budget_yen <= 0:
            return 1000 if self.committed_yen else 0
        return min(1000, self.committed_yen * 1000 // self.budget_yen)

    @property
    def paid_permille(self) -> int:
        if self.budget_yen <= 0:
            return 0
        return min(1000, self.paid_yen * 1000 // self.budget_yen)

    @property
    def used_percent_text(self) -> str:
        return jpformat.rate(self.committed_yen, self.budget_yen)

    def bar_width(self, which: str = "used") -> str:
        """CSS width for `.bar > span` ("58.3%"), from integer per-mille."""
        permille = self.used_permille if which == "used" else self.paid_permille
        return f"{permille // 10}.{permille % 10}%"


def budget_status(fiscal_year: int) -> BudgetStatus | None:
    """The council-wide state of a year's budget, or None when the year has no setting."""
    setting = YearSetting.objects.filter(fiscal_year=fiscal_year).first()
    if setting is None:
        return None
    apps = Application.objects.filter(fiscal_year=fiscal_year)
    paid = apps.filter(state=State.PAID).aggregate(v=Sum("paid_yen"))["v"] or 0
    pending = apps.filter(state=State.SUBMITTED).aggregate(v=Sum("requested_yen"))["v"] or 0
    return BudgetStatus(
        fiscal_year=fiscal_year,
        budget_yen=setting.budget_yen,
        cap_per_person_yen=setting.cap_per_person_yen,
        committed_yen=apps.committed_total(),
        paid_yen=int(paid),
        pending_yen=int(pending),
        applications=apps.committed().count(),
    )


@dataclass(frozen=True)
class BudgetRow:
    key: str
    label: str
    applications: int
    requested_yen: int
    approved_yen: int
    paid_yen: int


BREAKDOWNS = {"block": "ブロック別", "branch": "店別", "purpose": "費目別"}


def budget_breakdown(fiscal_year: int, by: str, applications: QuerySet) -> list[BudgetRow]:
    """Applications that hold budget, grouped by block, branch or purpose.

    `applications` is the caller's already-scoped queryset (scoping.visible).
    For purposes the amounts are the purpose lines as requested (an approval
    or payment below the request is not spread over the lines), and the
    approved/paid columns sum the lines of approved/paid applications.
    """
    apps = applications.filter(fiscal_year=fiscal_year, state__in=COMMITTED_STATES)
    if by == "purpose":
        rows = (
            ApplicationLine.objects.filter(application__in=apps)
            .values("purpose__name", "purpose__sort_order")
            .annotate(
                n=Count("application", distinct=True),
                requested=Sum("amount_yen"),
                paid=Sum("amount_yen", filter=Q(application__state=State.PAID)),
            )
            .order_by("purpose__sort_order", "purpose__name")
        )
        return [
            BudgetRow(
                r["purpose__name"],
                r["purpose__name"],
                r["n"],
                r["requested"] or 0,
                r["requested"] or 0,
                r["paid"] or 0,
            )
            for r in rows
        ]
    if by == "branch":
        keys = ("member__branch__code", "member__branch__name")
    else:
        keys = ("member__branch__block__name", "member__branch__block__sort_order")
    rows = (
        apps.values(*keys)
        .annotate(
            n=Count("id"),
            requested=Sum("requested_yen"),
            approved=Sum("approved_yen"),
            paid=Sum("paid_yen", filter=Q(state=State.PAID)),
        )
        .order_by(keys[1] if by != "branch" else keys[0], keys[0])
    )
    out = []
    for r in rows:
        label = f"{r[keys[0]]} {r[keys[1]]}" if by == "branch" else r[keys[0]]
        out.append(
            BudgetRow(
                r[keys[0]], label, r["n"], r["requested"] or 0, r["approved"] or 0, r["paid"] or 0
            )
        )
    return out


def budget_total(rows: list[BudgetRow]) -> BudgetRow:
    """The 合計 row of a breakdown: sums of its rows, never typed."""
    return BudgetRow(
        key="",
        label="合計",
        applications=sum(r.applications for r in rows),
        requested_yen=sum(r.requested_yen for r in rows),
        approved_yen=sum(r.approved_yen for r in rows),
        paid_yen=sum(r.paid_yen for r in rows),
    )
