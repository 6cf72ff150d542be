"""Read side of the programmes: donation estimate (寄付見込額), disposable-income
improvement (可処分所得向上額), loan programmes (奨学金借換ローン等) and the
donation list by recipient.

Periods: the report functions take (fiscal_year, half) and report the fiscal
year to date through the end of that half ("2024年9月末時点"), compared with
the same months of the previous fiscal year (前年同期比). `half=None` means the
whole fiscal year. `donation_estimate` takes an explicit Period.

Item figures come from `suishin.programmes.figures.item_figures`, the one
adapter over the catalog's figures (imported results and figure providers).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from suishin.core import fiscal, jpformat
from suishin.core.fiscal import Period
from suishin.kpis.models import Aggregation, Item, ScopeLevel, Target, TargetKind
from suishin.kpis.providers import Figure
from suishin.kpis.scope import Scope
from suishin.programmes.figures import item_figures
from suishin.programmes.models import (
    LoanProgramme,
    ProgrammeYearSetting,
    RecipientChoice,
    Refinancing,
)

REFINANCING_PROVIDER = "programmes.refinancing"
STUDY_PROVIDER = "activities.sessions"


def report_period(fiscal_year: int, half: int | None) -> Period:
    """The fiscal year to date through the end of `half` (None: the whole year)."""
    if half is None:
        return fiscal.fiscal_year_period(fiscal_year)
    return fiscal.year_to_date(fiscal_year, half)


def as_of_label(period: Period) -> str:
    """'2024年9月末時点'."""
    return f"{jpformat.month_end_ja(period.last)}時点"


def date_plain(day: dt.date) -> str:
    """'2017年10月1日' (the seed's 集計期間 style: no weekday)."""
    return jpformat.date_plain_ja(day)


# --- donations ---------------------------------------------------------------


@dataclass(frozen=True)
class DonationLine:
    code: str
    name: str
    unit: str
    figure: int  # the item's figure in scope and period (count, or distinct members)
    rate: int  # yen per unit
    missing: bool = False  # the figure's provider is not registered: shown as a warning

    @property
    def yen(self) -> int:
        return self.figure * self.rate


def rated_items(fiscal_year: int) -> list[Item]:
    """Catalog items of the year with a donation rate; totals (items with children) never count."""
    return list(
        Item.objects.filter(fiscal_year=fiscal_year, donation_rate__isnull=False, donation_rate__gt=0)
        .exclude(children__isnull=False)
        .order_by("sort_order", "code")
        .distinct()
    )


def donation_lines(fiscal_year: int, period: Period, scope: Scope) -> list[DonationLine]:
    """One line per rated item: figure × rate, in catalog order."""
    items = rated_items(fiscal_year)
    figures = item_figures(items, period, scope)
    lines = []
    for item in items:
        fig = figures.get(item.pk)
        lines.append(
            DonationLine(
                code=item.code,
                name=item.name,
                unit=item.unit,
                figure=fig.count if fig else 0,
                rate=item.donation_rate or 0,
                missing=fig is None,
            )
        )
    return lines


def donation_estimate(fiscal_year: int, period: Period, scope: Scope) -> int:
    """寄付見込額 in yen: Σ over the year's rated items of (figure in scope and period) × rate.

    The rates are those of `fiscal_year`'s catalog; for 前年同期比 call it with
    the previous year and `fiscal.same_period_last_year(period)`.
    """
    return sum(line.yen for line in donation_lines(fiscal_year, period, scope))


@dataclass(frozen=True)
class DonationSummary:
    fiscal_year: int
    half: int | None
    period: Period
    prev_period: Period
    yen: int
    prev_yen: int
    lines: list[DonationLine]

    @property
    def diff_yen(self) -> int:
        return self.yen - self.prev_yen

    @property
    def display(self) -> str:
        """'5,762千円（前年同期比+284千円）'."""
        return f"{jpformat.sen_yen(self.yen)}（前年同期比{jpformat.signed_money(self.diff_yen, 'sen')}）"

    @property
    def missing_sources(self) -> list[str]:
        return [f"{line.code} {line.name}" for line in self.lines if line.missing]


def donation_summary(fiscal_year: int, half: int | None, scope: Scope) -> DonationSummary:
    period = report_period(fiscal_year, half)
    prev = fiscal.same_period_last_year(period)
    lines = donation_lines(fiscal_year, period, scope)
    return DonationSummary(
        fiscal_year=fiscal_year,
        half=half,
        period=period,
        prev_period=prev,
        yen=sum(line.yen for line in lines),
        prev_yen=donation_estimate(fiscal_year - 1, prev, scope),
        lines=lines,
    )


# --- donation list by recipient ---------------------------------------------------


def split_by_weight(amount: int, weights: list[int]) -> list[int]:
    """Split a non-negative integer amount in proportion to positive weights.

    Largest-remainder (Hamilton) rounding: each part is floor(amount·w/W), and
    the yen left over go one each to the parts with the largest remainders,
    earlier parts first on ties. The parts always sum exactly to `amount`.
    """
    if not weights:
        return []
    if amount < 0 or any(w <= 0 for w in weights):
        raise ValueError("amount must be >= 0 and weights > 0")
    total = sum(weights)
    parts = [amount * w // total for w in weights]
    remainders = [amount * w % total for w in weights]
    left = amount - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[:left]:
        parts[i] += 1
    return parts


@dataclass(frozen=True)
class AllocationRow:
    recipient_id: int
    recipient_name: str
    recipient_kind: str
    branch_id: int
    branch_code: str
    branch_name: str
    weight: int
    yen: int


@dataclass
class CommitteeAllocation:
    branch_id: int
    branch_code: str
    branch_name: str
    generated_yen: int  # the committee's donation estimate (scope = its branch)
    rows: list[AllocationRow] = field(default_factory=list)

    @property
    def allocated_yen(self) -> int:
        return sum(r.yen for r in self.rows)

    @property
    def unallocated_yen(self) -> int:
        """Generated but with no recipient chosen (0 when the committee chose any)."""
        return self.generated_yen - self.allocated_yen


@dataclass(frozen=True)
class DonationAllocation:
    fiscal_year: int
    period: Period
    committees: list[CommitteeAllocation]
    council_yen: int | None  # the council-wide estimate (None for a scoped viewer)

    @property
    def rows(self) -> list[AllocationRow]:
        return [r for c in self.committees for r in c.rows]

    @property
    def committees_yen(self) -> int:
        return sum(c.generated_yen for c in self.committees)

    @property
    def unattributed_yen(self) -> int | None:
        """Council-level figures (e.g. bank-wide counts) that belong to no branch committee."""
        return None if self.council_yen is None else self.council_yen - self.committees_yen


def _estimates_by_branch(fiscal_year: int, period: Period, branch_list: list) -> dict[int, int]:
    """`donation_estimate` of every branch: the imported items' figures in one
    grouped pass (kpis.queries.figures_by), not an engine run per branch; only
    rated items with a figure provider are computed per branch."""
    from suishin.kpis import providers
    from suishin.kpis.queries import figures_by

    items = rated_items(fiscal_year)
    grouped = figures_by(items, period, "branch_id")
    out = {}
    for branch in branch_list:
        yen = sum(grouped.get((i.pk, branch.pk), (0, 0))[0] * i.donation_rate for i in items if not i.source)
        scope = Scope(
            level=ScopeLevel.BRANCH, block_id=branch.block_id, branch_id=branch.pk, code=branch.code, label=branch.name
        )
        for item in (i for i in items if i.source and providers.get(i.source) is not None):
            yen += providers.compute(item.source, item, period, scope).count * item.donation_rate
        out[branch.pk] = yen
    return out


def donation_allocation(
    fiscal_year: int, period: Period | None = None, branches: Iterable | None = None
) -> DonationAllocation:
    """Each branch committee's generated amount split over its recipients of the year.

    `branches`: the committees to include (a queryset or list of Branch); None =
    every branch, and then the council-wide estimate is included so that the
    amount that belongs to no committee can be shown.
    """
    from suishin.organisations.models import Branch

    period = period or fiscal.fiscal_year_period(fiscal_year)
    all_branches = branches is None
    branch_list = list(Branch.objects.select_related("block").order_by("code")) if all_branches else list(branches)
    choices = defaultdict(list)
    for choice in (
        RecipientChoice.objects.filter(fiscal_year=fiscal_year, branch__in=[b.pk for b in branch_list])
        .select_related("recipient")
        .order_by("recipient__name", "pk")
    ):
        choices[choice.branch_id].append(choice)
    committees = []
    estimates = _estimates_by_branch(fiscal_year, period, branch_list)
    for branch in branch_list:
        generated = estimates[branch.pk]
        committee = CommitteeAllocation(branch.pk, branch.code, branch.name, generated)
        chosen = choices.get(branch.pk, [])
        for choice, yen in zip(chosen, split_by_weight(generated, [c.weight for c in chosen]), strict=True):
            committee.rows.append(
                AllocationRow(
                    recipient_id=choice.recipient_id,
                    recipient_name=choice.recipient.name,
                    recipient_kind=choice.recipient.get_kind_display(),
                    branch_id=branch.pk,
                    branch_code=branch.code,
                    branch_name=branch.name,
                    weight=choice.weight,
                    yen=yen,
                )
            )
        if generated or chosen:
            committees.append(committee)
    council = donation_estimate(fiscal_year, period, Scope.council()) if all_branches else None
    return DonationAllocation(fiscal_year=fiscal_year, period=period, committees=committees, council_yen=council)


# --- refinancing / disposable income -----------------------------------------------


def refinancing_records(period: Period, scope: Scope):
    """The records that count in `period` and `scope` (the yearly 住きっと！500 rule applied)."""
    return Refinancing.objects.counted().in_period(period).filter(scope.q())


def refinancing_totals(period: Period, scope: Scope) -> Figure:
    row = refinancing_records(period, scope).aggregate(n=Count("pk"), yen=Sum("improvement_yen"))
    return Figure(count=row["n"] or 0, amount=row["yen"] or 0)


def refinancing_figure(item, period: Period, scope: Scope, arg: str = "") -> Figure:
    """Figure provider `programmes.refinancing`: count = records, amount = Σ improvement (yen)."""
    return refinancing_totals(period, scope)


def refinancing_trace_url(item, period: Period, scope: Scope, arg: str = "") -> str | None:
    """The records behind a refinancing figure: the refinancing list for the period and scope."""
    from urllib.parse import urlencode

    from django.urls import reverse

    params = {"scope": scope.text, "from": f"{period.first:%Y-%m}", "to": f"{period.last:%Y-%m}"}
    return f"{reverse('programmes:refinancing_list')}?{urlencode(params)}"


def _council_or_scope_target(fiscal_year: int, scope: Scope) -> int | None:
    """The annual 可処分所得向上額 target for the scope.

    Council: the year's setting when set, else the catalog's allocated council
    target of the refinancing-sourced item. Other scopes: the catalog's explicit
    allocated target at that scope, if any.
    """
    if scope.level == ScopeLevel.COUNCIL:
        setting = ProgrammeYearSetting.objects.filter(fiscal_year=fiscal_year).first()
        if setting and setting.disposable_target_yen is not None:
            return setting.disposable_target_yen
    target = (
        Target.objects.filter(
            fiscal_year=fiscal_year,
            item__source__startswith=REFINANCING_PROVIDER,
            kind=TargetKind.ALLOCATED,
            scope_key=scope.key,
        )
        .values_list("target_amount", flat=True)
        .first()
    )
    return target


def _study_item(fiscal_year: int) -> Item | None:
    """The study-session item that sits in the same catalog group as the refinancing item."""
    disposable = Item.objects.filter(fiscal_year=fiscal_year, source__startswith=REFINANCING_PROVIDER).first()
    if disposable is None:
        return None
    return (
        Item.objects.filter(fiscal_year=fiscal_year, group=disposable.group, source__startswith=STUDY_PROVIDER)
        .order_by("sort_order", "code")
        .first()
    )


def _study_figure(fiscal_year: int, period: Period, scope: Scope) -> Figure | None:
    item = _study_item(fiscal_year)
    if item is None:
        return None
    return item_figures([item], period, scope).get(item.pk)


@dataclass(frozen=True)
class DisposableIncome:
    fiscal_year: int
    half: int | None
    period: Period
    prev_period: Period
    count: int
    amount_yen: int
    prev_count: int
    prev_amount_yen: int
    target_yen: int | None
    includes_sumikitto: bool
    study_sessions: int | None = None  # None: no study item in the catalog / provider missing
    study_participants: int | None = None
    prev_study_sessions: int | None = None
    prev_study_participants: int | None = None

    @property
    def diff_yen(self) -> int:
        return self.amount_yen - self.prev_amount_yen

    @property
    def progress_permille(self) -> int | None:
        return jpformat.achievement_permille(self.amount_yen, self.target_yen)

    @property
    def progress_bar_percent(self) -> int:
        """0..100, for the width of a progress bar."""
        return max(0, min(100, (self.progress_permille or 0) // 10))

    @property
    def progress(self) -> str:
        """'60.9%' or '－'."""
        return jpformat.rate(self.amount_yen, self.target_yen)

    @property
    def display(self) -> str:
        """'6億9百万円（前年同期比+2億47百万円）'."""
        return f"{jpformat.oku_yen(self.amount_yen)}（前年同期比{jpformat.signed_money(self.diff_yen)}）"

    @property
    def study_display(self) -> str:
        """'355件／7,986名（前年同期比+99件／+1,733名）' or '－'."""
        if self.study_sessions is None:
            return jpformat.DASH
        ps, pp = self.prev_study_sessions or 0, self.prev_study_participants or 0
        return (
            f"{self.study_sessions:,}件／{self.study_participants:,}名"
            f"（前年同期比{jpformat.signed(self.study_sessions - ps, '件')}／"
            f"{jpformat.signed(self.study_participants - pp, '名')}）"
        )


def disposable_income(fiscal_year: int, half: int | None, scope: Scope) -> DisposableIncome:
    """可処分所得向上額 year-to-date with 前年同期比, the annual target and the study sessions."""
    period = report_period(fiscal_year, half)
    prev = fiscal.same_period_last_year(period)
    now, before = refinancing_totals(period, scope), refinancing_totals(prev, scope)
    study, prev_study = _study_figure(fiscal_year, period, scope), _study_figure(fiscal_year - 1, prev, scope)
    setting = ProgrammeYearSetting.objects.filter(fiscal_year=fiscal_year).first()
    return DisposableIncome(
        fiscal_year=fiscal_year,
        half=half,
        period=period,
        prev_period=prev,
        count=now.count,
        amount_yen=now.amount,
        prev_count=before.count,
        prev_amount_yen=before.amount,
        target_yen=_council_or_scope_target(fiscal_year, scope),
        includes_sumikitto=bool(setting and setting.include_sumikitto_card_loans),
        study_sessions=study.count if study else None,
        study_participants=study.amount if study else None,
        prev_study_sessions=prev_study.count if prev_study else None,
        prev_study_participants=prev_study.amount if prev_study else None,
    )


@dataclass(frozen=True)
class LenderBreakdown:
    lender_type: str
    label: str
    count: int
    yen: int


def improvement_by_lender(period: Period, scope: Scope) -> list[LenderBreakdown]:
    """Counted records grouped by previous lender type (biggest improvement first)."""
    from suishin.programmes.models import LenderType

    labels = dict(LenderType.choices)
    rows = (
        refinancing_records(period, scope)
        .values("previous_lender_type")
        .annotate(n=Count("pk"), yen=Sum("improvement_yen"))
        .order_by("-yen")
    )
    return [
        LenderBreakdown(r["previous_lender_type"], labels.get(r["previous_lender_type"], r["previous_lender_type"]), r["n"], r["yen"] or 0)
        for r in rows
    ]


# --- loan programmes ---------------------------------------------------------------


@dataclass(frozen=True)
class LoanProgrammeFigures:
    code: str
    label: str
    heading: str
    show_amount: bool
    period: Period
    count: int
    amount: int
    prev_count: int
    prev_amount: int
    cumulative_since: dt.date | None = None
    cumulative_count: int | None = None
    cumulative_amount: int | None = None
    in_catalog: bool = True

    @property
    def count_diff(self) -> int:
        return self.count - self.prev_count

    @property
    def amount_diff(self) -> int:
        return self.amount - self.prev_amount

    def _pair(self, count: int, amount: int) -> str:
        if self.show_amount:
            return f"{count:,}件／{jpformat.oku_yen(amount)}"
        return f"{count:,}件"

    @property
    def new_display(self) -> str:
        """'23件／59百万円（前年同期比▲10件／▲28百万円）' or '300件（前年同期比▲2件）'."""
        diff = jpformat.signed(self.count - self.prev_count, "件")
        if self.show_amount:
            diff += f"／{jpformat.signed_money(self.amount - self.prev_amount)}"
        return f"{self._pair(self.count, self.amount)}（前年同期比{diff}）"

    @property
    def cumulative_display(self) -> str | None:
        """'537件／13億13百万円（集計期間：2017年10月1日～2024年9月30日）'."""
        if self.cumulative_since is None or self.cumulative_count is None:
            return None
        pair = self._pair(self.cumulative_count, self.cumulative_amount or 0)
        return f"{pair}（集計期間：{date_plain(self.cumulative_since)}～{date_plain(self.period.end)}）"


def _result_sums(codes_since: dict[str, dt.date], last: dt.date, scope: Scope) -> dict[str, Figure]:
    """Σ count/amount of kpis results by item code, from each code's start month through `last`,
    across every fiscal year's catalog (items with the same code are the same item)."""
    from suishin.kpis.models import Result

    if not codes_since:
        return {}
    cond = Q()
    for code, since in codes_since.items():
        cond |= Q(item__code=code, month__gte=fiscal.month_start(since))
    rows = (
        Result.objects.filter(cond, month__lte=last)
        .filter(scope.q())
        .values("item__code")
        .annotate(c=Sum("count"), a=Sum("amount"))
    )
    return {r["item__code"]: Figure(count=r["c"] or 0, amount=r["a"] or 0) for r in rows}


def loan_programmes(fiscal_year: int, half: int | None, scope: Scope) -> list[LoanProgrammeFigures]:
    """New count/amount year-to-date with 前年同期比, and the cumulative total since the
    programme start for cumulative items, for every active LoanProgramme."""
    period = report_period(fiscal_year, half)
    prev = fiscal.same_period_last_year(period)
    programmes = list(LoanProgramme.objects.filter(active=True))
    codes = [p.item_code for p in programmes]
    items = {i.code: i for i in Item.objects.filter(fiscal_year=fiscal_year, code__in=codes)}
    prev_items = {i.code: i for i in Item.objects.filter(fiscal_year=fiscal_year - 1, code__in=codes)}
    now = item_figures(list(items.values()), period, scope)
    before = item_figures(list(prev_items.values()), prev, scope)
    since = {
        code: item.cumulative_since
        for code, item in items.items()
        if item.aggregation == Aggregation.CUMULATIVE and item.cumulative_since
    }
    cumulative = _result_sums(since, period.last, scope)
    out = []
    for p in programmes:
        item, prev_item = items.get(p.item_code), prev_items.get(p.item_code)
        fig = now.get(item.pk) if item else None
        pfig = before.get(prev_item.pk) if prev_item else None
        start = since.get(p.item_code)
        cum = cumulative.get(p.item_code, Figure()) if start else None
        out.append(
            LoanProgrammeFigures(
                code=p.item_code,
                label=p.label,
                heading=p.heading,
                show_amount=p.show_amount,
                period=period,
                count=fig.count if fig else 0,
                amount=fig.amount if fig else 0,
                prev_count=pfig.count if pfig else 0,
                prev_amount=pfig.amount if pfig else 0,
                cumulative_since=start,
                cumulative_count=cum.count if cum else None,
                cumulative_amount=cum.amount if cum else None,
                in_catalog=item is not None,
            )
        )
    return out
