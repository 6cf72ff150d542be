"""Writes of the member self-service: self-set targets (自主目標) and movement reports.

Rules (each broken rule is a DomainError with a Japanese message naming the
item/field and the numbers):

* Only the union's own member officer or the secretariat may write for a
  member (`can_act_for`); branch committees and viewers only read.
  `actor=None` is the system (the demo loader); self-targets from files go
  through the import kind `self_targets` (suishin.selfservice.importers).
* Self-targets: non-negative integers, only for items of that fiscal year's
  catalog that are not totals, have no `source` (computed figures take no
  target) and do not count members (aggregation distinct_members). A money
  item (単位 円) takes an amount in yen, any other item a count. An empty value removes the union's self-target for the item.
* Movement reports: a known kind, a date not in the future; the fiscal year is
  the fiscal year of the date.
Every change is audited (kpis.services.save_target/delete_target audit targets).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from suishin.accounts.models import Role
from suishin.accounts.scoping import Perm, has_perm
from suishin.core import audit, fiscal, jpformat
from suishin.core.errors import DomainError
from suishin.kpis import services as kpi_services
from suishin.kpis.models import Aggregation, Item, ScopeLevel, Target, TargetKind
from suishin.kpis.scope import Scope
from suishin.organisations.models import Member
from suishin.selfservice.models import MovementKind, MovementReport

MONEY_UNIT = "円"


def can_act_for(user: Any, member: Member) -> bool:
    """The member's own officer, or the secretariat (any member)."""
    if not has_perm(user, Perm.SELF_SERVICE):
        return False
    if user.role == Role.MEMBER:
        return user.member_id == member.pk
    return user.role == Role.SECRETARIAT


def _require_actor(actor: Any, member: Member) -> None:
    """`actor=None` is the system (the demo loader, scripts), as in the import
    engine; views always pass `request.user`."""
    if actor is None:
        return
    if not can_act_for(actor, member):
        raise DomainError(
            f"会員「{member.name}」の自主目標・運動報告を登録する権限がありません。", field="member"
        )


def member_scope(member: Member) -> Scope:
    return Scope(
        level=ScopeLevel.MEMBER,
        block_id=member.branch.block_id,
        branch_id=member.branch_id,
        member_id=member.pk,
        code=member.code,
        label=member.name,
    )


def eligible_items(fiscal_year: int) -> list[Item]:
    """Items of the year's catalog that take a self-target: leaves without a
    source that do not count members (a union cannot aim at a number of unions)."""
    return list(
        Item.objects.filter(fiscal_year=fiscal_year, source="", children__isnull=True)
        .exclude(aggregation=Aggregation.DISTINCT_MEMBERS)
        .order_by("sort_order", "code")
    )


# The bound of every target field (kpis.forms, the importers): far above any real
# figure, well inside the database's 64-bit integer.
MAX_TARGET = 10**15


def parse_value(raw: Any, item: Item) -> int | None:
    """'' → None; '1,200' → 1200; anything else that is not a non-negative integer → DomainError."""
    text = str(raw if raw is not None else "").strip().replace(",", "").replace("，", "")
    if text == "":
        return None
    label = "目標金額" if item.unit == MONEY_UNIT else "目標件数"
    try:
        value = int(text)
    except ValueError:
        raise DomainError(
            f"「{item.name}」の{label}は整数で入力してください（入力値「{raw}」）。",
            field=f"item_{item.pk}",
        ) from None
    if value < 0:
        raise DomainError(
            f"「{item.name}」の{label}は0以上で入力してください（入力値 {value:,}）。",
            field=f"item_{item.pk}",
        )
    if value > MAX_TARGET:
        raise DomainError(
            f"「{item.name}」の{label}は{MAX_TARGET:,}以下で入力してください（入力値 {value:,}）。",
            field=f"item_{item.pk}",
        )
    return value


@transaction.atomic
def save_self_targets(
    *, actor: Any, member: Member, fiscal_year: int, values: Mapping[int, Any]
) -> dict[str, int]:
    """Set the union's self-targets of `fiscal_year` from {item id: raw input}.

    All or nothing: the first broken rule raises and nothing is saved.
    Returns {"saved": n, "removed": n}.
    """
    _require_actor(actor, member)
    allowed = {i.pk: i for i in eligible_items(fiscal_year)}
    parsed: list[tuple[Item, int | None]] = []
    for item_id, raw in values.items():
        item = allowed.get(int(item_id))
        if item is None:
            other = Item.objects.filter(pk=item_id).first()
            name = other.name if other else str(item_id)
            raise DomainError(
                f"「{name}」は{fiscal_year}年度の自主目標を設定できる推進項目ではありません"
                "（合計項目・自動集計の項目・会員数の項目・他年度の項目には設定できません）。",
                field="item",
            )
        parsed.append((item, parse_value(raw, item)))
    scope = member_scope(member)
    existing = {
        t.item_id: t
        for t in Target.objects.select_for_update().filter(
            item_id__in=[i.pk for i, _ in parsed], scope_key=scope.key, kind=TargetKind.SELF
        )
    }
    saved = removed = 0
    for item, value in parsed:
        current = existing.get(item.pk)
        if value is None:
            if current is not None:
                kpi_services.delete_target(actor=actor, target=current)
                removed += 1
            continue
        money = item.unit == MONEY_UNIT
        count, amount = (None, value) if money else (value, None)
        if (
            current is not None
            and current.target_count == count
            and current.target_amount == amount
        ):
            continue
        kpi_services.save_target(
            actor=actor,
            target=current,
            item=item,
            scope=scope,
            kind=TargetKind.SELF,
            target_count=count,
            target_amount=amount,
        )
        saved += 1
    return {"saved": saved, "removed": removed}


@transaction.atomic
def record_movement(
    *, actor: Any, member: Member, kind: str, reported_on: dt.date | None, note: str = ""
) -> MovementReport:
    """Add one movement report for `member`."""
    _require_actor(actor, member)
    if kind not in MovementKind.values:
        raise DomainError(f"報告の種類「{kind}」は選べません。", field="kind")
    if reported_on is None:
        raise DomainError("実施日を入力してください。", field="reported_on")
    today = timezone.localdate()
    if reported_on > today:
        raise DomainError(
            f"実施日（{jpformat.date_plain_ja(reported_on)}）は今日（{jpformat.date_plain_ja(today)}）以前の日付を入力してください。",
            field="reported_on",
        )
    if len(note) > 2000:
        raise DomainError(
            f"内容は2,000文字以内で入力してください（{len(note):,}文字）。", field="note"
        )
    report = MovementReport.objects.create(
        member=member,
        fiscal_year=fiscal.fiscal_year_of(reported_on),
        kind=kind,
        reported_on=reported_on,
        note=note.strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(actor=actor, action="create", obj=report, after=audit.snapshot(report))
    return report


@transaction.atomic
def delete_movement(*, actor: Any, report: MovementReport) -> None:
    _require_actor(actor, report.member)
    audit.record(actor=actor, action="delete", obj=report, before=audit.snapshot(report))
    report.delete()
