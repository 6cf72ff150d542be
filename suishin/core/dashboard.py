"""What the home page (the dashboard) shows each role.

* Secretariat, bank and viewers (unscoped): the council's progress to target
  for every item with a target (bars with the pace line), one item by block
  and month by month, the items at risk, the import status, the applications
  waiting and the activity budget left.
* A branch committee: its branch's progress and its own members ranked by
  achievement of one item (nothing of any other branch).
* A member officer: its own union's progress, self-targets and movement status.

Period: the latest fiscal year and half that have results (the demo's data is
FY2024 上期, whatever today's date), overridable by `fy`/`half`.

Pace: the share of the year elapsed at the end of the half (上期 500‰, 下期
1000‰). Year-end projection ("items at risk"), integer arithmetic only:

    months = months from April through the end of the half, capped at the
             latest month that has any result (at least 1)
    projection = fiscal-year-to-date × 12 // months   (snapshot items: the
                 balance itself; a balance is not a flow)
    at risk  ⇔ the item has an annual target and projection < target.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, Sum
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from suishin.accounts.models import Role
from suishin.accounts.scoping import Perm, has_perm, is_scoped, visible
from suishin.core import fiscal, jpformat
from suishin.kpis.models import Aggregation, ScopeLevel, Target, TargetKind
from suishin.kpis.periods import latest_result_month, result_halves, working_period
from suishin.kpis.scope import Scope, default_scope_for
from suishin.organisations.models import Block, Branch, Member

MONEY_UNIT = "円"


def _url(name: str, *args: Any) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


# --- period ------------------------------------------------------------------------


def period_choices() -> list[tuple[int, int, str]]:
    """Every (fy, half) that has results, newest first, with its Japanese label."""
    return [(fy, h, fiscal.label(fy, h)) for fy, h in result_halves()]


def months_elapsed(fiscal_year: int, half: int, latest: dt.date | None) -> int:
    ytd = fiscal.year_to_date(fiscal_year, half)
    months = ytd.months()
    if latest is not None and ytd.first <= latest < ytd.last:
        months = [m for m in months if m <= latest]
    return max(1, len(months))


def projection(value: int | None, months: int, aggregation: str) -> int | None:
    if value is None:
        return None
    if aggregation == Aggregation.SNAPSHOT:
        return value
    return value * 12 // months


# --- rows ----------------------------------------------------------------------------


def _bar_width(permille: int | None) -> str:
    p = max(0, min(1000, permille or 0))
    return f"{p // 10}.{p % 10}%"


def _fmt(value: int | None, money: bool) -> str:
    return jpformat.yen(value) if money else jpformat.number(value)


@dataclass(frozen=True)
class ProgressRow:
    code: str
    name: str
    group: str
    unit: str
    is_total: bool
    money: bool
    value: int | None  # fiscal-year-to-date
    target: int | None  # annual
    projection: int | None

    @property
    def achievement_permille(self) -> int | None:
        return jpformat.achievement_permille(self.value, self.target)

    @property
    def rate(self) -> str:
        return jpformat.rate(self.value, self.target)

    @property
    def bar(self) -> str:
        return _bar_width(self.achievement_permille)

    @property
    def at_risk(self) -> bool:
        return (
            self.target is not None
            and self.projection is not None
            and self.projection < self.target
        )

    @property
    def value_text(self) -> str:
        return _fmt(self.value, self.money)

    @property
    def target_text(self) -> str:
        return _fmt(self.target, self.money)

    @property
    def projection_text(self) -> str:
        return _fmt(self.projection, self.money)

    @property
    def shortfall_text(self) -> str:
        if self.target is None or self.projection is None:
            return jpformat.DASH
        return jpformat.signed(self.projection - self.target, "円" if self.money else "")


def progress_rows(figures, months: int) -> list[ProgressRow]:
    rows = []
    for f in figures.items:
        if not f.has_target:
            continue
        money = f.measure == "amount"
        rows.append(
            ProgressRow(
                f.code,
                f.name,
                f.group,
                f.unit,
                f.is_total,
                money,
                f.fy_value,
                f.target_value,
                projection(f.fy_value, months, f.aggregation),
            )
        )
    return rows


@dataclass(frozen=True)
class RankedMember:
    rank: int
    code: str
    name: str
    value: int
    target: int | None
    money: bool

    @property
    def achievement_permille(self) -> int | None:
        return jpformat.achievement_permille(self.value, self.target)

    @property
    def rate(self) -> str:
        return jpformat.rate(self.value, self.target)

    @property
    def bar(self) -> str:
        return _bar_width(self.achievement_permille)

    @property
    def value_text(self) -> str:
        return _fmt(self.value, self.money)

    @property
    def target_text(self) -> str:
        return _fmt(self.target, self.money)


def ranked_members(*, branch: Branch, fiscal_year: int, half: int, code: str) -> list[RankedMember]:
    """The branch's active members ranked by fiscal-year-to-date achievement of
    item `code` (a total: its leaves summed), then by figure; members without a
    target come last. Set-based: one grouped query for results, one for targets,
    provider calls per member only for computed leaves. Agrees with
    compute_figures(scope=member) (tested)."""
    from suishin.kpis import providers
    from suishin.kpis.queries import _aggregate, catalog

    items = catalog(fiscal_year, [code])
    head = next((i for i in items if i.code == code), None)
    if head is None:
        return []
    parents = {i.parent_id for i in items}
    leaves = [i for i in items if i.pk not in parents]
    imported = [i for i in leaves if not i.source]
    computed = [i for i in leaves if i.source and providers.get(i.source) is not None]
    members = list(Member.objects.filter(branch=branch, active=True).order_by("code"))
    targets = {
        row["member_id"]: (row["c"], row["a"])
        for row in Target.objects.filter(
            item__in=leaves,
            kind=TargetKind.ALLOCATED,
            level=ScopeLevel.MEMBER,
            member__branch=branch,
        )
        .order_by()
        .values("member_id")
        .annotate(c=Sum("target_count"), a=Sum("target_amount"), n=Count("pk"))
    }
    any_count = any(c is not None for c, _ in targets.values())
    any_amount = any(a is not None for _, a in targets.values())
    money = head.unit == MONEY_UNIT or (not any_count and any_amount)
    k = 1 if money else 0
    ytd = fiscal.year_to_date(fiscal_year, half)
    rows = _aggregate(
        [(i.pk, i.aggregation) for i in imported],
        ytd,
        Q(member_id__in=[m.pk for m in members]),
        by="member_id",
    )
    out = []
    for m in members:
        value = sum(rows.get((i.pk, m.pk), (0, 0, None))[k] for i in imported)
        if computed:
            scope = Scope(
                level=ScopeLevel.MEMBER,
                block_id=branch.block_id,
                branch_id=branch.pk,
                member_id=m.pk,
                code=m.code,
            )
            for i in computed:
                fig = providers.compute(i.source, i, ytd, scope)
                value += fig.amount if money else fig.count
        target = targets.get(m.pk, (None, None))[k]
        out.append((m, value, target))
    out.sort(
        key=lambda t: (
            jpformat.achievement_permille(t[1], t[2]) is None,
            -(jpformat.achievement_permille(t[1], t[2]) or 0),
            -t[1],
            t[0].code,
        )
    )
    return [
        RankedMember(n, m.code, m.name, value, target, money)
        for n, (m, value, target) in enumerate(out, start=1)
    ]


# --- the context -----------------------------------------------------------------------


def _parse_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def selected_period(params: Any) -> tuple[int, int]:
    """The period asked for (`fy`/`half`, or the selector's `period` "2024-1"), else the working period."""
    asked = (_parse_int(params.get("fy")), _parse_int(params.get("half")))
    if params.get("period"):  # the selector: "2024-1"
        fy_text, _, half_text = str(params["period"]).partition("-")
        asked = (_parse_int(fy_text), _parse_int(half_text))
    if asked[0] and asked[1] in (1, 2) and 2000 <= asked[0] <= 2100:
        return asked[0], asked[1]
    return working_period()


def dashboard_html(user: Any, params: Any = None) -> str:
    """The dashboard's content (core/_home.html) for `user`, from the figures
    cache while the data is unchanged.

    What the content shows is decided by the role (permissions are per role),
    the role's scope (a branch committee's branch, a member officer's union),
    the period and the item asked for: those are the key, never the user, so
    one secretariat's page serves every secretariat and a branch committee's
    never another branch's. An item code outside the catalog keys nothing new
    (it falls back to the first item, as the page itself does)."""
    params = params or {}
    fy, half = selected_period(params)
    item = params.get("item")
    item = item if isinstance(item, str) and item.isascii() and len(item) <= 40 else None
    scope = default_scope_for(user)

    def render(*_key: Any) -> str:
        return render_to_string("core/_home.html", dashboard_context(user, params))

    from suishin.kpis.cache import cached

    return cached("dashboard_html", render, str(user.role), scope, fy, half, item)


def dashboard_context(user: Any, params: Any = None) -> dict[str, Any]:
    """Everything core/_home.html needs for `user`. `params`: the request's GET
    (fy, half, item). Only scoped data reaches a branch or member user."""
    from suishin.kpis.queries import block_figures, compute_figures, monthly_progress

    params = params or {}
    choices = period_choices()
    fy, half = selected_period(params)
    latest = latest_result_month()
    months = months_elapsed(fy, half, latest)
    scope = default_scope_for(user)
    ctx: dict[str, Any] = {
        "fiscal_year": fy,
        "half": half,
        "fiscal_label": fiscal.label(fy, half),
        "period_choices": choices,
        "scope": scope,
        "role": user.role,
        "months": months,
        "pace_permille": months * 1000 // 12,
        "pace_width": _bar_width(months * 1000 // 12),
        "latest_month": latest,
        "counts": {
            "blocks": visible(user, Block).count(),
            "branches": visible(user, Branch).count(),
            "members": visible(user, Member).count(),
        },
    }
    if not has_perm(user, Perm.VIEW_FIGURES):
        return ctx
    figures = compute_figures(fiscal_year=fy, half=half, scope=scope)
    rows = progress_rows(figures, months)
    codes = [r.code for r in rows]
    code = params.get("item") if params.get("item") in codes else (codes[0] if codes else None)
    ctx.update(
        progress=rows,
        at_risk=[r for r in rows if r.at_risk and not r.is_total],
        item_code=code,
        item_row=next((r for r in rows if r.code == code), None),
        warnings=figures.warnings,
    )
    if code:
        points = monthly_progress(fiscal_year=fy, half=half, code=code, scope=scope)
        ctx["trend"] = points
        ctx["trend_svg"] = _trend_svg(points, ctx["item_row"])
    if not is_scoped(user):
        if code:
            ctx["blocks"] = [
                _block_row(b, ctx["item_row"].money)
                for b in block_figures(fiscal_year=fy, half=half, code=code)
            ]
        ctx.update(_office_panels(user, fy))
    elif user.role == Role.BRANCH and user.branch_id and code:
        ctx["ranking"] = ranked_members(branch=user.branch, fiscal_year=fy, half=half, code=code)
    elif user.role == Role.MEMBER and user.member_id:
        ctx.update(_member_panel(user, fy))
    return ctx


def _trend_svg(points, row) -> str | None:
    if not points or row is None:
        return None
    try:
        from suishin.reports.charts import trend_lines
    except ImportError:  # the reports app is optional for the dashboard
        return None
    return trend_lines(
        [(p.month, p.value, p.pace) for p in points], unit="円" if row.money else row.unit
    )


def _block_row(b, money: bool) -> dict[str, Any]:
    p = b.achievement_permille
    return {
        "name": b.name,
        "value": b.value,
        "target": b.target,
        "permille": p,
        "rate": jpformat.rate(b.value, b.target),
        "bar": _bar_width(p),
        "value_text": _fmt(b.value, money),
        "target_text": _fmt(b.target, money),
    }


def _office_panels(user: Any, fy: int) -> dict[str, Any]:
    """Imports, applications waiting and budget left (council-wide roles)."""
    from suishin.imports.queries import history

    out: dict[str, Any] = {
        "imports": list(history(user)[:3]),
        "imports_url": _url("imports:history"),
    }
    try:
        from suishin.activities.models import Application, State
        from suishin.activities.queries import budget_status
    except ImportError:
        return out
    apps = visible(user, Application)
    out["waiting"] = {
        "submitted": apps.filter(state=State.SUBMITTED).count(),
        "submitted_yen": apps.filter(state=State.SUBMITTED).aggregate(v=Sum("requested_yen"))["v"]
        or 0,
        "held": apps.filter(state=State.HELD).count(),
        "url": _url("activities:queue")
        if has_perm(user, Perm.APPROVE_APPLICATIONS)
        else _url("activities:application_list"),
    }
    # The selected period's fiscal year, never today's: looking at FY2024 上期
    # shows FY2024's budget (no card when that year has no budget setting).
    out["budget"] = budget_status(fy)
    budget_url = _url("activities:budget")
    out["budget_url"] = f"{budget_url}?fiscal_year={fy}" if budget_url else None
    return out


def _member_panel(user: Any, fy: int) -> dict[str, Any]:
    from suishin.selfservice.models import MovementKind, MovementReport

    member = user.member
    reported = set(
        MovementReport.objects.filter(member=member, fiscal_year=fy).values_list("kind", flat=True)
    )
    return {
        "member": member,
        "self_targets": Target.objects.filter(
            member=member, kind=TargetKind.SELF, fiscal_year=fy
        ).count(),
        "movements": [(k.label, k.value in reported) for k in MovementKind],
        "self_url": _url("selfservice:targets", member.code),
    }


# --- exports ------------------------------------------------------------------------------


def export_table(ctx: dict[str, Any], which: str) -> tuple[str, list[str], list[list[Any]]] | None:
    """(file stem, headers, rows) of one dashboard list, or None when it is not shown."""
    label = f"{ctx['fiscal_year']}年度{'上期' if ctx['half'] == 1 else '下期'}"
    if which == "progress" and ctx.get("progress") is not None:
        headers = [
            "項目コード",
            "区分",
            "推進項目",
            "単位",
            "年度累計",
            "年間目標",
            "達成率",
            "年度末見込み",
            "未達の見込み",
        ]
        rows = [
            [
                r.code,
                r.group,
                r.name,
                "円" if r.money else r.unit,
                r.value,
                r.target,
                r.rate,
                r.projection,
                "はい" if r.at_risk else "",
            ]
            for r in ctx["progress"]
        ]
        return f"進捗_{ctx['scope'].label}_{label}", headers, rows
    if which == "blocks" and ctx.get("blocks"):
        headers = ["ブロック", "年度累計", "年間目標", "達成率"]
        rows = [[b["name"], b["value"], b["target"], b["rate"]] for b in ctx["blocks"]]
        return f"ブロック別_{ctx['item_code']}_{label}", headers, rows
    if which == "ranking" and ctx.get("ranking") is not None:
        headers = ["順位", "会員コード", "会員名", "年度累計", "年間目標", "達成率"]
        rows = [[m.rank, m.code, m.name, m.value, m.target, m.rate] for m in ctx["ranking"]]
        return f"会員順位_{ctx['item_code']}_{label}", headers, rows
    return None
