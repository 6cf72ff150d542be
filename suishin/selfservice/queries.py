"""Read side of the member self-service: the self-target sheet and movement lists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from suishin.accounts.scoping import visible
from suishin.core import jpformat
from suishin.kpis.models import Item
from suishin.kpis.queries import compute_figures
from suishin.organisations.models import Member
from suishin.selfservice.models import MovementKind, MovementReport
from suishin.selfservice.services import MONEY_UNIT, eligible_items, member_scope


def fiscal_years() -> list[int]:
    return sorted(set(Item.objects.values_list("fiscal_year", flat=True)), reverse=True)


@dataclass(frozen=True)
class SelfTargetRow:
    item: Item
    allocated: int | None  # 配分目標 of the union, in the item's measure
    self_target: int | None  # 自主目標
    actual: int | None  # fiscal-year-to-date (through 下期 = the whole year)

    @property
    def is_money(self) -> bool:
        return self.item.unit == MONEY_UNIT

    @property
    def gap(self) -> int | None:
        """自主 − 配分 (positive: the union aims above its allocation)."""
        if self.allocated is None or self.self_target is None:
            return None
        return self.self_target - self.allocated

    def fmt(self, value: int | None) -> str:
        if value is None:
            return jpformat.DASH
        return jpformat.yen(value) if self.is_money else jpformat.number(value)

    @property
    def allocated_text(self) -> str:
        return self.fmt(self.allocated)

    @property
    def self_text(self) -> str:
        return self.fmt(self.self_target)

    @property
    def actual_text(self) -> str:
        return self.fmt(self.actual)

    @property
    def gap_text(self) -> str:
        gap = self.gap
        if gap is None:
            return jpformat.DASH
        return jpformat.signed(gap, "円" if self.is_money else "")


def self_target_rows(member: Member, fiscal_year: int) -> list[SelfTargetRow]:
    """Every item that takes a self-target, with the union's allocated target,
    self-target and fiscal-year figure (one engine run for the union)."""
    items = eligible_items(fiscal_year)
    if not items:
        return []
    figures = compute_figures(
        fiscal_year=fiscal_year, half=2, scope=member_scope(member), codes=[i.code for i in items]
    )
    rows = []
    for item in items:
        f = figures.get(item.code)
        money = item.unit == MONEY_UNIT
        if f is None:
            rows.append(SelfTargetRow(item, None, None, None))
            continue
        rows.append(
            SelfTargetRow(
                item,
                f.target_amount if money else f.target_count,
                f.self_target_amount if money else f.self_target_count,
                f.fy_amount if money else f.fy_count,
            )
        )
    return rows


def movement_reports(
    user: Any, *, fiscal_year: int | None = None, kind: str = "", member: Member | None = None
) -> QuerySet:
    qs = visible(user, MovementReport).select_related("member", "member__branch", "created_by")
    if fiscal_year:
        qs = qs.filter(fiscal_year=fiscal_year)
    if kind == "publish":
        qs = qs.filter(kind__in=[MovementKind.POLICY, MovementKind.NEWSLETTER])
    elif kind:
        qs = qs.filter(kind=kind)
    if member is not None:
        qs = qs.filter(member=member)
    return qs.order_by("-reported_on", "-id")


def movement_counts(reports: QuerySet) -> list[tuple[str, str, int]]:
    """(kind, label, distinct members) for each kind, plus 'publish' (policy or newsletter)."""
    per_kind = dict(
        reports.order_by()
        .values("kind")
        .annotate(n=Count("member_id", distinct=True))
        .values_list("kind", "n")
    )
    out = [(k.value, k.label, per_kind.get(k.value, 0)) for k in MovementKind]
    publish = (
        reports.filter(kind__in=[MovementKind.POLICY, MovementKind.NEWSLETTER])
        .order_by()
        .values("member_id")
        .distinct()
        .count()
    )
    out.insert(2, ("publish", "議案書・機関紙への掲載（いずれか）", publish))
    return out


MOVEMENT_HEADERS = [
    "実施日",
    "年度",
    "会員コード",
    "会員名",
    "店番",
    "報告の種類",
    "内容",
    "登録者",
]


def movement_rows(reports: QuerySet) -> list[list[Any]]:
    return [
        [
            jpformat.date_plain_ja(r.reported_on),
            r.fiscal_year,
            r.member.code,
            r.member.name,
            r.member.branch.code,
            r.get_kind_display(),
            r.note,
            r.created_by.get_username() if r.created_by else "",
        ]
        for r in reports
    ]


SELF_TARGET_HEADERS = [
    "項目コード",
    "項目名",
    "単位",
    "配分目標",
    "自主目標",
    "差（自主−配分）",
    "年度実績",
]


def self_target_export_rows(rows: list[SelfTargetRow]) -> list[list[Any]]:
    return [
        [r.item.code, r.item.name, r.item.unit, r.allocated, r.self_target, r.gap, r.actual]
        for r in rows
    ]
