"""Read side of campaigns: results with 前年比, eligibility per month, draw pools.

`campaign_results(campaign, scope)` is what the summary report's
"キャンペーン実績" section calls.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Count, Sum

from suishin.campaigns import eligibility
from suishin.campaigns.models import Campaign, Draw, DrawStatus, DrawWinner, Entry
from suishin.core import jpformat
from suishin.core.fiscal import Period, fiscal_year_of, month_start
from suishin.kpis.models import Item, Result
from suishin.kpis.scope import Scope

MONEY_UNIT = "円"


# --- results ----------------------------------------------------------------------


@dataclass(frozen=True)
class ResultRow:
    """One result item of a campaign: Σ count/amount in the window, and a year earlier."""

    code: str
    name: str
    unit: str
    count: int
    amount: int
    prev_count: int | None  # None: no item with this code in the previous year's catalog
    prev_amount: int | None
    shows_amount: bool  # money items, and items whose results carry an amount

    @property
    def shows_count(self) -> bool:
        return self.unit != MONEY_UNIT

    @property
    def diff_count(self) -> int | None:
        return None if self.prev_count is None else self.count - self.prev_count

    @property
    def diff_amount(self) -> int | None:
        return None if self.prev_amount is None else self.amount - self.prev_amount

    def figure_text(self) -> str:
        """'18,591件・129億43百万円'."""
        parts = []
        if self.shows_count:
            parts.append(jpformat.count(self.count, self.unit))
        if self.shows_amount:
            parts.append(jpformat.oku_yen(self.amount))
        return "・".join(parts)

    def diff_text(self) -> str:
        """'+2,391件・+77億33百万円' ('' without a previous year)."""
        if self.prev_count is None:
            return ""
        parts = []
        if self.shows_count:
            parts.append(jpformat.signed(self.diff_count or 0, self.unit))
        if self.shows_amount:
            parts.append(jpformat.signed_money(self.diff_amount or 0))
        return "・".join(parts)


@dataclass(frozen=True)
class CampaignResults:
    campaign: Campaign
    scope: Scope
    window: Period | None  # None when `through` is before the campaign starts
    prev_window: Period | None
    rows: tuple[ResultRow, ...]

    @property
    def prev_label(self) -> str:
        """'2023年度比' — the fiscal year of the comparison window."""
        if self.prev_window is None:
            return ""
        return f"{fiscal_year_of(self.prev_window.first)}年度比"

    @property
    def as_of(self) -> dt.date | None:
        """The last day the figures cover ('2024年9月末時点')."""
        return None if self.window is None else self.window.end

    def row_text(self, row: ResultRow) -> str:
        """'18,591件・129億43百万円（2023年度比+2,391件・+77億33百万円）'."""
        diff = row.diff_text()
        return row.figure_text() + (f"（{self.prev_label}{diff}）" if diff else "")

    def text(self) -> str:
        """All rows in the seed's one-line style, separated by '／'."""
        if len(self.rows) == 1:
            return self.row_text(self.rows[0])
        return "／".join(f"{r.name}：{self.row_text(r)}" for r in self.rows)


def _window(campaign: Campaign, through: dt.date | None) -> Period | None:
    last = campaign.period.last
    if through is not None:
        last = min(last, month_start(through))
    if last < campaign.period.first:
        return None
    return Period(campaign.period.first, last)


def _sums(codes: Iterable[str], window: Period, scope: Scope) -> dict[str, tuple[int, int]]:
    rows = (
        Result.objects.filter(scope.q(), item__code__in=list(codes))
        .in_period(window)
        .order_by()
        .values("item__code")
        .annotate(c=Sum("count"), a=Sum("amount"))
    )
    return {r["item__code"]: (r["c"] or 0, r["a"] or 0) for r in rows}


def campaign_results(
    campaign: Campaign, scope: Scope | None = None, *, through: dt.date | None = None
) -> CampaignResults:
    """Σ kpis.Result of the campaign's result item codes over the campaign's
    months (optionally only through the month of `through`), in `scope`;
    前年比 = the same months one year earlier. Items are matched by code in
    every fiscal year's catalog; names and units come from the newest catalog
    that has the code at or before the window. Set-based: a few grouped queries.
    """
    scope = scope or Scope.council()
    codes = list(campaign.result_item_codes)
    window = _window(campaign, through)
    if window is None or not codes:
        return CampaignResults(campaign, scope, window, None, ())
    prev_window = window.shifted_years(-1)
    prev_fy = fiscal_year_of(prev_window.first)
    items: dict[str, Item] = {}
    for item in Item.objects.filter(
        code__in=codes, fiscal_year__lte=fiscal_year_of(window.last)
    ).order_by("fiscal_year"):
        items[item.code] = item  # the newest wins
    prev_codes = set(
        Item.objects.filter(
            code__in=codes,
            fiscal_year__gte=prev_fy,
            fiscal_year__lte=fiscal_year_of(prev_window.last),
        ).values_list("code", flat=True)
    )
    now, before = _sums(codes, window, scope), _sums(codes, prev_window, scope)
    # Whether an item shows an amount is decided council-wide, so that every
    # scope prints the same shape ("0件・0円" rather than "0件" for a quiet branch).
    with_amount = set(
        Result.objects.filter(
            item__code__in=codes, month__gte=prev_window.first, month__lte=window.last
        )
        .exclude(amount=0)
        .order_by()
        .values_list("item__code", flat=True)
        .distinct()
    )
    rows = []
    for code in codes:
        item = items.get(code)
        unit = item.unit if item else "件"
        count, amount = now.get(code, (0, 0))
        has_prev = code in prev_codes
        prev_count, prev_amount = before.get(code, (0, 0)) if has_prev else (None, None)
        rows.append(
            ResultRow(
                code=code,
                name=item.name if item else code,
                unit=unit,
                count=count,
                amount=amount,
                prev_count=prev_count,
                prev_amount=prev_amount,
                shows_amount=unit == MONEY_UNIT or code in with_amount,
            )
        )
    return CampaignResults(campaign, scope, window, prev_window, tuple(rows))


# --- eligibility ----------------------------------------------------------------


def context_for(campaign: Campaign, month: dt.date) -> eligibility.Context:
    return eligibility.Context(
        month=month, campaign_start=campaign.starts_on, campaign_end=campaign.ends_on
    )


class EntryFacts(NamedTuple):
    """The three columns evaluation needs (cheaper than model instances)."""

    entrant_id: str
    month: dt.date
    facts: dict


def entry_facts(qs) -> list[EntryFacts]:
    """Entries of a queryset as EntryFacts, in the queryset's order."""
    return [EntryFacts(*row) for row in qs.values_list("entrant_id", "month", "facts")]


@dataclass(frozen=True)
class EntryEvaluation:
    entry: Entry | EntryFacts  # anything with entrant_id, month and facts
    evaluation: eligibility.Evaluation

    @property
    def eligible(self) -> bool:
        return self.evaluation.eligible

    @property
    def explanation(self) -> str:
        return self.evaluation.explanation


def evaluate_entries(
    campaign: Campaign, entries: Iterable[Entry | EntryFacts]
) -> list[EntryEvaluation]:
    """Evaluate entries of `campaign` (each in its own month's context)."""
    rules = eligibility.parse_rules(campaign.conditions)
    contexts: dict[dt.date, eligibility.Context] = {}
    out = []
    for entry in entries:
        ctx = contexts.get(entry.month) or contexts.setdefault(
            entry.month, context_for(campaign, entry.month)
        )
        out.append(EntryEvaluation(entry, eligibility.evaluate(rules, entry.facts, ctx)))
    return out


@dataclass(frozen=True)
class Pool:
    """Who takes part in a month's draw."""

    entries: int
    eligible: tuple[str, ...]  # sorted, unique, earlier winners removed
    excluded: tuple[str, ...]  # eligible this month but earlier winners (sorted)
    tiers: dict[str, eligibility.Tier] = field(default_factory=dict)


def earlier_winners(campaign: Campaign, month: dt.date, *, before: Draw | None = None) -> set[str]:
    """Winners of the campaign's other months (drawn before `before`, if given)."""
    qs = DrawWinner.objects.filter(campaign=campaign).exclude(draw__month=month)
    if before is not None and before.drawn_at is not None:
        qs = qs.filter(draw__drawn_at__lt=before.drawn_at)
    return set(qs.values_list("entrant_id", flat=True))


def eligible_pool(campaign: Campaign, month: dt.date, *, before: Draw | None = None) -> Pool:
    """The sorted eligible entrant ids of `month`, without earlier winners of
    the campaign unless it allows repeats. Sorting is by code point, the
    order lottery.DrawInput requires."""
    entries = entry_facts(
        Entry.objects.filter(campaign=campaign, month=month).order_by("entrant_id")
    )
    evaluated = evaluate_entries(campaign, entries)
    tiers = {e.entry.entrant_id: e.evaluation.tier for e in evaluated if e.eligible}
    eligible = sorted(tiers)
    excluded: list[str] = []
    if not campaign.allow_repeat_winners:
        won = earlier_winners(campaign, month, before=before)
        excluded = [e for e in eligible if e in won]
        eligible = [e for e in eligible if e not in won]
    return Pool(
        entries=len(entries),
        eligible=tuple(eligible),
        excluded=tuple(excluded),
        tiers={k: tiers[k] for k in eligible if tiers[k] is not None},
    )


@dataclass(frozen=True)
class MonthSummary:
    month: dt.date
    entries: int
    eligible: int
    not_eligible: int
    by_tier: tuple[tuple[str, int], ...]  # (tier label, entrants awarded that tier)
    top_reasons: tuple[tuple[str, int], ...]  # most common explanations of non-eligibility
    draw: Draw | None
    winners: int

    @property
    def month_key(self) -> str:
        return f"{self.month:%Y-%m}"


def month_summaries(campaign: Campaign) -> list[MonthSummary]:
    """Per campaign month: entries, eligible (by tier), not eligible with the
    commonest reasons, and the draw state. Evaluation runs in Python over the
    campaign's entries (a few thousand a month), with one query for entries,
    one for draws and one for winner counts."""
    rules = eligibility.parse_rules(campaign.conditions)
    by_month: dict[dt.date, list[EntryFacts]] = {m: [] for m in campaign.months()}
    for entry in entry_facts(
        Entry.objects.filter(campaign=campaign).order_by("month", "entrant_id")
    ):
        by_month.setdefault(entry.month, []).append(entry)
    draws = {d.month: d for d in Draw.objects.filter(campaign=campaign)}
    winners = dict(
        DrawWinner.objects.filter(campaign=campaign)
        .order_by()
        .values("draw__month")
        .annotate(n=Count("pk"))
        .values_list("draw__month", "n")
    )
    out = []
    for month, entries in sorted(by_month.items()):
        evaluated = evaluate_entries(campaign, entries)
        tiers = Counter(
            e.evaluation.tier.key for e in evaluated if e.eligible and e.evaluation.tier
        )
        reasons = Counter(e.explanation for e in evaluated if not e.eligible)
        eligible = sum(1 for e in evaluated if e.eligible)
        out.append(
            MonthSummary(
                month=month,
                entries=len(entries),
                eligible=eligible,
                not_eligible=len(entries) - eligible,
                by_tier=tuple((t.label, tiers.get(t.key, 0)) for t in rules.tiers),
                top_reasons=tuple(reasons.most_common(5)),
                draw=draws.get(month),
                winners=winners.get(month, 0),
            )
        )
    return out


@dataclass(frozen=True)
class CampaignOverview:
    campaign: Campaign
    entries: int
    draws_done: int
    winners: int


def campaign_overviews(campaigns: Iterable[Campaign]) -> list[CampaignOverview]:
    """Counts for the campaign list: three grouped queries."""
    campaigns = list(campaigns)
    ids = [c.pk for c in campaigns]
    entries = dict(
        Entry.objects.filter(campaign_id__in=ids)
        .order_by()
        .values("campaign_id")
        .annotate(n=Count("pk"))
        .values_list("campaign_id", "n")
    )
    draws = dict(
        Draw.objects.filter(campaign_id__in=ids, status=DrawStatus.DRAWN)
        .order_by()
        .values("campaign_id")
        .annotate(n=Count("pk"))
        .values_list("campaign_id", "n")
    )
    winners = dict(
        DrawWinner.objects.filter(campaign_id__in=ids)
        .order_by()
        .values("campaign_id")
        .annotate(n=Count("pk"))
        .values_list("campaign_id", "n")
    )
    return [
        CampaignOverview(c, entries.get(c.pk, 0), draws.get(c.pk, 0), winners.get(c.pk, 0))
        for c in campaigns
    ]
