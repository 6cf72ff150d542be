"""Demo records that reproduce the seed's study-session and activity-expense figures.

`load(log)` creates, through the services (so every rule is exercised):

FY2024 上期 (2024-04-01..2024-09-30) — the seed document:
  640 study sessions; 355 on 可処分所得向上 with 7,986 participants; 134 on
  生活防衛 with 2,987; 361 of them funded by paid activity-expense
  applications with 8,485 attendees, exactly one WEB session (approved nine
  days before it was held), paid 14,762,300円; the largest uses are
  新人説明会, 若年層説明会, 住宅ローン等商品説明会, 資産形成.
FY2023 上期 — the same period a year earlier:
  600 sessions; 256 on 可処分所得向上 with 6,253 participants; paid 11,938,000円
  (so the report prints "14,762,300円（前年同期比+2,824千円）").
This fiscal year: a handful of applications in every state for the queue.

Members are drawn from whatever members exist (sorted by code, a fixed-seed
random.Random), so the demo does not depend on particular codes. Every
amount is an integer and every per-theme total is fixed below; the
per-session split is deterministic. Loading twice changes nothing: a period
that already has study sessions is left alone.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from suishin.activities import queries, services
from suishin.activities.models import Application, Purpose, StudySession, Theme, YearSetting
from suishin.core import fiscal
from suishin.core.jpformat import number, yen
from suishin.organisations.models import Member

CAP = 2_000
BUDGET = 30_000_000
THEMES = [
    "可処分所得向上",
    "生活防衛",
    "資産形成",
    "新人説明会",
    "若年層説明会",
    "住宅ローン等商品説明会",
]
VENUE, MEALS, MATERIALS = (
    "会場・設備（接続拠点ごと）",
    "弁当代・懇親会（接続拠点ごと）",
    "資料・教材費",
)
TITLES = {
    "可処分所得向上": "家計見直し学習会",
    "生活防衛": "マネートラブル防止学習会",
    "資産形成": "資産形成セミナー",
    "新人説明会": "新入組合員説明会",
    "若年層説明会": "青年層ろうきん学習会",
    "住宅ローン等商品説明会": "住宅ローン説明会",
}


@dataclass(frozen=True)
class ThemePlan:
    theme: str
    sessions: int  # all sessions of the theme in the half
    participants: int
    funded: int  # of which held with paid activity expenses
    attendees: int  # participants of the funded ones
    paid: int  # yen paid for the funded ones


@dataclass(frozen=True)
class HalfPlan:
    fiscal_year: int
    seed: int
    themes: tuple[ThemePlan, ...]
    web_theme: str | None = None  # one funded WEB session of this theme

    @property
    def period(self) -> fiscal.Period:
        return fiscal.half_period(self.fiscal_year, 1)


# FY2024 上期: 640 sessions, 361 funded / 8,485 attendees / 14,762,300円.
FY2024 = HalfPlan(
    fiscal_year=2024,
    seed=2024,
    web_theme="新人説明会",
    themes=(
        ThemePlan("可処分所得向上", 355, 7_986, 120, 1_250, 1_947_300),
        ThemePlan("生活防衛", 134, 2_987, 90, 1_035, 1_407_000),
        ThemePlan("新人説明会", 45, 1_800, 45, 1_800, 3_312_000),
        ThemePlan("若年層説明会", 40, 1_650, 40, 1_650, 3_036_000),
        ThemePlan("住宅ローン等商品説明会", 36, 1_450, 36, 1_450, 2_668_000),
        ThemePlan("資産形成", 30, 1_300, 30, 1_300, 2_392_000),
    ),
)
# FY2023 上期: 600 sessions, 330 funded / 6,700 attendees / 11,938,000円.
FY2023 = HalfPlan(
    fiscal_year=2023,
    seed=2023,
    themes=(
        ThemePlan("可処分所得向上", 256, 6_253, 60, 600, 1_050_000),
        ThemePlan("生活防衛", 120, 2_650, 46, 700, 1_188_000),
        ThemePlan("新人説明会", 70, 1_600, 70, 1_600, 2_880_000),
        ThemePlan("若年層説明会", 60, 1_450, 60, 1_450, 2_600_000),
        ThemePlan("住宅ローン等商品説明会", 50, 1_250, 50, 1_250, 2_240_000),
        ThemePlan("資産形成", 44, 1_100, 44, 1_100, 1_980_000),
    ),
)

Log = Callable[[str], None]


# --- integer arithmetic helpers --------------------------------------------------------


def split(total: int, n: int, minimum: int, rng: random.Random) -> list[int]:
    """n integers ≥ minimum that sum exactly to total (integer weights)."""
    if n == 0:
        if total:
            raise ValueError("cannot split a positive total into no parts")
        return []
    if total < n * minimum:
        raise ValueError(f"{total} cannot be split into {n} parts of at least {minimum}")
    weights = [rng.randint(50, 150) for _ in range(n)]
    rest, wsum = total - n * minimum, sum(weights)
    parts = [minimum + rest * w // wsum for w in weights]
    for i in range(total - sum(parts)):
        parts[i % n] += 1
    return parts


def deficits(attendees: list[int], binding: set[int], total: int, rng: random.Random) -> list[int]:
    """How far below 上限 × 出席者 each funded session is paid, in whole 100円,
    summing exactly to `total`. `binding` sessions get 0 (their payment is
    capped by the actual participants); no session loses more than half."""
    if total % 100:
        raise ValueError("deficits are whole 100円")
    units, n = total // 100, len(attendees)
    caps = [0 if i in binding else CAP * a // 2 // 100 for i, a in enumerate(attendees)]
    alloc = [0] * n
    open_ = [i for i in range(n) if caps[i] > 0]
    weights = {i: rng.randint(1, 4) * attendees[i] for i in open_}
    while units and open_:
        wsum = sum(weights[i] for i in open_)
        given = 0
        for i in open_:
            share = min(units * weights[i] // wsum, caps[i] - alloc[i])
            alloc[i] += share
            given += share
        units -= given
        open_ = [i for i in open_ if alloc[i] < caps[i]]
        if given == 0:
            for i in open_[:units]:
                alloc[i] += 1
            units -= min(units, len(open_))
            open_ = [i for i in open_ if alloc[i] < caps[i]]
    if units:
        raise ValueError("the paid total is too low for the attendees")
    return [u * 100 for u in alloc]


def line_amounts(requested: int, rng: random.Random) -> list[tuple[str, int]]:
    """Split an in-person request over 会場・設備, 弁当代・懇親会 and sometimes 資料・教材費."""
    venue = requested * rng.randint(25, 50) // 100 // 100 * 100
    materials = requested * rng.randint(5, 15) // 100 // 100 * 100 if rng.randint(1, 4) == 1 else 0
    meals = requested - venue - materials
    return [
        (name, amount)
        for name, amount in ((VENUE, venue), (MEALS, meals), (MATERIALS, materials))
        if amount > 0
    ]


# --- the loader ---------------------------------------------------------------------------


def _moment(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


class _Days:
    """Weekdays of a period, handing out (member, day, theme) keys only once."""

    def __init__(self, period: fiscal.Period, rng: random.Random):
        self.rng = rng
        day, self.days = period.start, []
        while day <= period.end:
            if day.weekday() < 5:
                self.days.append(day)
            day += dt.timedelta(days=1)
        self.used: set[tuple[int, dt.date, str]] = set()

    def take(self, member: Member, theme: str, day: dt.date | None = None) -> dt.date:
        for _ in range(1000):
            chosen = day or self.rng.choice(self.days)
            if (member.pk, chosen, theme) not in self.used:
                self.used.add((member.pk, chosen, theme))
                return chosen
            day = None
        raise RuntimeError("no free day")


def _reference_data(actor) -> tuple[dict[str, Theme], dict[str, Purpose]]:
    for i, name in enumerate(THEMES, start=1):
        if not Theme.objects.filter(name=name).exists():
            services.save_theme(actor=actor, name=name, sort_order=i * 10)
    for i, (name, per_site) in enumerate(
        ((VENUE, True), (MEALS, True), (MATERIALS, False)), start=1
    ):
        if not Purpose.objects.filter(name=name).exists():
            services.save_purpose(actor=actor, name=name, per_site=per_site, sort_order=i * 10)
    return (
        {t.name: t for t in Theme.objects.filter(name__in=THEMES)},
        {p.name: p for p in Purpose.objects.filter(name__in=(VENUE, MEALS, MATERIALS))},
    )


def _ensure_year(actor, fiscal_year: int) -> None:
    if not YearSetting.objects.filter(fiscal_year=fiscal_year).exists():
        services.save_year_setting(
            actor=actor, fiscal_year=fiscal_year, budget_yen=BUDGET, cap_per_person_yen=CAP
        )


def _funded_session(
    *, actor, member, theme, purposes, day, attendees, deficit, rng, web_sites: int = 0
) -> None:
    """One application through every state: created, submitted, approved, held, paid."""
    paid_target = CAP * attendees - deficit
    if deficit == 0:  # fewer came than planned: the payment is capped by the actual participants
        planned = attendees + rng.randint(2, 6)
        step = 100 * (web_sites or 1)  # a WEB request is split evenly over its sites
        requested = CAP * attendees + step * rng.randint(1, 3900 // step)
    else:
        planned = attendees + rng.randint(0, 3)
        requested = paid_target + (
            100 * rng.randint(1, min(10, deficit // 100)) if rng.randint(1, 7) == 1 else 0
        )
    approved = paid_target if deficit else requested
    if web_sites:
        if requested % (100 * web_sites):
            raise ValueError("a WEB session's request must split evenly over its sites")
        per_site = requested // web_sites
        venue = per_site * 2 // 5 // 100 * 100
        lines = [
            services.LineInput(
                purpose=purposes[VENUE],
                quantity=web_sites,
                unit_yen=venue,
                note="各拠点の会議室・WEB会議設備",
            ),
            services.LineInput(
                purpose=purposes[MEALS],
                quantity=web_sites,
                unit_yen=per_site - venue,
                note="各拠点の弁当代",
            ),
        ]
    else:
        lines = [
            services.LineInput(purpose=purposes[name], quantity=1, unit_yen=amount)
            for name, amount in line_amounts(requested, rng)
        ]
    created = day - dt.timedelta(days=rng.randint(14, 30))
    approved_on = created + dt.timedelta(days=rng.randint(2, 9))
    held_report = day + dt.timedelta(days=rng.randint(1, 7))
    app = services.create_application(
        actor=None,
        member=member,
        session_date=day,
        theme=theme,
        title=TITLES[theme.name],
        is_web=bool(web_sites),
        sites=web_sites or 1,
        planned_participants=planned,
        lines=lines,
        now=_moment(created),
    )
    services.submit(actor=None, application=app, now=_moment(created + dt.timedelta(days=1)))
    services.approve(
        actor=actor, application=app, approved_yen=approved, now=_moment(approved_on, 15)
    )
    services.report_held(
        actor=None,
        application=app,
        actual_participants=attendees,
        receipts_total_yen=approved + 100 * rng.randint(0, 30),
        receipts_note="領収書（会場費・弁当代）",
        now=_moment(held_report),
    )
    paid = services.mark_paid(
        actor=actor,
        application=app,
        now=_moment(held_report + dt.timedelta(days=rng.randint(7, 20))),
    )
    assert paid.paid_yen == paid_target, (paid.number, paid.paid_yen, paid_target)


@transaction.atomic
def load_half(plan: HalfPlan, *, actor, members: list[Member], themes, purposes, log: Log) -> None:
    rng = random.Random(plan.seed)
    period = plan.period
    days = _Days(period, rng)
    _ensure_year(actor, plan.fiscal_year)
    for tp in plan.themes:
        theme = themes[tp.theme]
        # funded sessions: attendees split, then what each is paid
        web_first = plan.web_theme == tp.theme
        if web_first:
            attendees = [45] + split(tp.attendees - 45, tp.funded - 1, 5, rng)
        else:
            attendees = split(tp.attendees, tp.funded, 5, rng)
        binding = {i for i in range(tp.funded) if rng.randint(1, 10) == 1} | (
            {0} if web_first else set()
        )
        cuts = deficits(attendees, binding, CAP * tp.attendees - tp.paid, rng)
        for i, (people, cut) in enumerate(zip(attendees, cuts, strict=True)):
            member = rng.choice(members)
            web = web_first and i == 0
            day = days.take(member, tp.theme, dt.date(plan.fiscal_year, 7, 12) if web else None)
            _funded_session(
                actor=actor,
                member=member,
                theme=theme,
                purposes=purposes,
                day=day,
                attendees=people,
                deficit=cut,
                rng=rng,
                web_sites=3 if web else 0,
            )
        # the other sessions of the theme, recorded without activity expenses
        for people in split(tp.participants - tp.attendees, tp.sessions - tp.funded, 5, rng):
            member = rng.choice(members)
            day = days.take(member, tp.theme)
            services.record_session(
                actor=None,
                member=member,
                held_on=day,
                theme=theme,
                participants=people,
                now=_moment(day + dt.timedelta(days=3)),
            )
    s = queries.activity_expense_summary(plan.fiscal_year, 1)
    n = StudySession.objects.between(period.start, period.end).count()
    log(
        f"{'activities':<16} {fiscal.label(plan.fiscal_year, 1)}: 学習会 {number(n)}回、職域活動費 {number(s.sessions)}回・"
        f"{number(s.attendees)}名・WEB {s.web_sessions}回・{yen(s.paid_yen)}"
    )


@transaction.atomic
def load_current(*, actor, officer, members: list[Member], themes, purposes, log: Log) -> None:
    """A few applications of this fiscal year in every state, for the queue and "my applications"."""
    rng = random.Random(7)
    today = timezone.localdate()
    own = officer.member if officer is not None else members[0]
    plan = [  # (member, days from today, theme, web sites, planned, state)
        (own, 21, "新人説明会", 0, 30, "submitted"),
        (own, 35, "資産形成", 2, 40, "draft"),
        (rng.choice(members), 14, "若年層説明会", 3, 45, "submitted"),
        (rng.choice(members), 28, "住宅ローン等商品説明会", 0, 25, "submitted"),
        (rng.choice(members), 18, "可処分所得向上", 0, 20, "returned"),
        (rng.choice(members), 40, "生活防衛", 0, 35, "approved"),
        (own, -10, "可処分所得向上", 0, 28, "held"),
    ]
    for member, offset, theme_name, sites, planned, state in plan:
        day = today + dt.timedelta(days=offset)
        _ensure_year(actor, fiscal.fiscal_year_of(day))
        applicant = officer if (officer is not None and member == own) else None
        start = min(today, day) - dt.timedelta(days=25)
        if sites:
            lines = [
                services.LineInput(purpose=purposes[VENUE], quantity=sites, unit_yen=10_000),
                services.LineInput(purpose=purposes[MEALS], quantity=sites, unit_yen=12_000),
            ]
        else:
            lines = [
                services.LineInput(purpose=purposes[name], quantity=1, unit_yen=amount)
                for name, amount in line_amounts(CAP * planned, rng)
            ]
        app = services.create_application(
            actor=applicant,
            member=member,
            session_date=day,
            theme=themes[theme_name],
            title=TITLES[theme_name],
            is_web=bool(sites),
            sites=sites or 1,
            planned_participants=planned,
            lines=lines,
            now=_moment(start),
        )
        if state == "draft":
            continue
        services.submit(actor=applicant, application=app, now=_moment(start + dt.timedelta(days=1)))
        if state == "returned":
            services.return_application(
                actor=actor,
                application=app,
                comment="予定参加者数の内訳（職場別）を備考に記入してください。",
                now=_moment(start + dt.timedelta(days=3)),
            )
        elif state in ("approved", "held"):
            services.approve(
                actor=actor, application=app, now=_moment(start + dt.timedelta(days=3))
            )
        if state == "held":
            services.report_held(
                actor=applicant,
                application=app,
                actual_participants=planned - 3,
                receipts_total_yen=CAP * planned,
                receipts_note="会場費・弁当代の領収書",
                now=_moment(day + dt.timedelta(days=2)),
            )
    log(
        f"{'activities':<16} {fiscal.label(fiscal.fiscal_year_of(today))}: 申請 {len(plan)}件（承認待ち・差戻し・支払待ちなど）"
    )


def load(log: Log = print) -> None:
    from suishin.accounts.models import User

    members = list(Member.objects.filter(active=True).order_by("code"))
    if not members:
        log(
            f"{'activities':<16} 会員が登録されていないため、学習会・職域活動費のデモは作成しません。"
        )
        return
    actor = User.objects.filter(username="jimukyoku").first()
    officer = (
        User.objects.filter(username="kaiin", member__isnull=False).select_related("member").first()
    )
    themes, purposes = _reference_data(actor)
    for plan in (FY2023, FY2024):
        period = plan.period
        if StudySession.objects.between(period.start, period.end).exists():
            log(f"{'activities':<16} {fiscal.label(plan.fiscal_year, 1)}: 登録済み（変更なし）")
            continue
        load_half(plan, actor=actor, members=members, themes=themes, purposes=purposes, log=log)
    current = fiscal.current_fiscal_year()
    if (
        current > FY2024.fiscal_year
        and not Application.objects.filter(fiscal_year__gte=current).exists()
    ):
        load_current(
            actor=actor, officer=officer, members=members, themes=themes, purposes=purposes, log=log
        )
