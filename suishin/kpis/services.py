"""Writes to the item catalog and to targets. Each runs in one transaction with
an audit entry; every broken rule is a DomainError with a Japanese message that
names the field and the rule.

Invariants kept here:

* An item code is unique within its fiscal year and made of ASCII letters,
  digits, "_" and "-" (codes match items across years).
* A cumulative item has a start date (`cumulative_since`).
* A parent (合計先) is an item of the same fiscal year, never the item itself
  nor one of its descendants; an item with results cannot become a total.
* A `source` names a registered figure provider.
* Targets: not on totals (a total's target is the sum of its rows), not
  negative, at least one of count/amount, 自主 only for a member.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import transaction

from suishin.core import audit
from suishin.core.errors import DomainError
from suishin.kpis import providers
from suishin.kpis.models import Aggregation, Item, Result, ScopeLevel, Target, TargetKind
from suishin.kpis.scope import Scope

CODE_RE = re.compile(r"^[A-Za-z0-9_\-]+$")


def _check_parent(item: Item | None, fiscal_year: int, parent: Item | None) -> None:
    if parent is None:
        return
    if parent.fiscal_year != fiscal_year:
        raise DomainError(
            f"合計先「{parent.code}」は{parent.fiscal_year}年度の項目です。同じ{fiscal_year}年度の項目を選んでください。",
            field="parent",
        )
    if item is not None and item.pk is not None:
        node: Item | None = parent
        while node is not None:
            if node.pk == item.pk:
                raise DomainError(
                    f"合計先「{parent.code}」は項目「{item.code}」自身またはその内訳のため、合計先にできません。",
                    field="parent",
                )
            node = node.parent
    if parent.source:
        raise DomainError(f"合計先「{parent.code}」は集計元のある項目のため、合計先にできません。", field="parent")
    n = Result.objects.filter(item=parent).count()
    if n:
        raise DomainError(
            f"合計先「{parent.code}」には取込済みの実績が{n:,}件あるため、合計項目にできません（合計は内訳から計算します）。",
            field="parent",
        )


@transaction.atomic
def save_item(
    *,
    actor: Any,
    item: Item | None = None,
    fiscal_year: int,
    code: str,
    name: str,
    group: str = "",
    unit: str = "件",
    aggregation: str = Aggregation.SUM,
    cumulative_since: dt.date | None = None,
    donation_rate: int | None = None,
    parent: Item | None = None,
    sort_order: int = 0,
    description: str = "",
    source: str = "",
) -> Item:
    """Create (item=None) or change a catalog item."""
    code = (code or "").strip()
    name = (name or "").strip()
    source = (source or "").strip()
    if not code:
        raise DomainError("項目コードを入力してください。", field="code")
    if not CODE_RE.match(code):
        raise DomainError(
            f"項目コード「{code}」に使えない文字があります。半角英数字・「_」・「-」で入力してください。", field="code"
        )
    if not name:
        raise DomainError("項目名を入力してください。", field="name")
    if aggregation not in Aggregation.values:
        raise DomainError(f"集計方法「{aggregation}」は選べません。", field="aggregation")
    if aggregation == Aggregation.CUMULATIVE and cumulative_since is None:
        raise DomainError("集計方法が「累計」の項目には累計起算日を入力してください。", field="cumulative_since")
    if donation_rate is not None and donation_rate < 0:
        raise DomainError(f"寄付単価は0円以上で入力してください（入力値 {donation_rate}）。", field="donation_rate")
    if source and providers.get(source) is None:
        raise DomainError(f"集計元「{providers.split(source)[0]}」は登録されていません。", field="source")
    clash = Item.objects.filter(fiscal_year=fiscal_year, code=code).exclude(pk=getattr(item, "pk", None))
    if clash.exists():
        raise DomainError(f"項目コード「{code}」は{fiscal_year}年度の推進項目に既にあります。", field="code")
    if item is not None and item.fiscal_year != fiscal_year:
        raise DomainError("登録済みの項目の年度は変更できません。", field="fiscal_year")
    _check_parent(item, fiscal_year, parent)
    if item is not None and source and item.children.exists():
        raise DomainError(f"項目「{code}」には内訳があるため、集計元を指定できません。", field="source")

    is_new = item is None
    before = None if is_new else audit.snapshot(Item.objects.get(pk=item.pk))
    obj = item or Item(fiscal_year=fiscal_year)
    obj.code, obj.name, obj.group, obj.unit = code, name, (group or "").strip(), (unit or "").strip()
    obj.aggregation = aggregation
    obj.cumulative_since = cumulative_since if aggregation == Aggregation.CUMULATIVE else None
    obj.donation_rate = donation_rate
    obj.parent = parent
    obj.sort_order = sort_order
    obj.description = description or ""
    obj.source = source
    obj.save()
    audit.record(
        actor=actor, action="create" if is_new else "update", obj=obj, before=before, after=audit.snapshot(obj)
    )
    return obj


@transaction.atomic
def delete_item(*, actor: Any, item: Item) -> None:
    n_results = Result.objects.filter(item=item).count()
    if n_results:
        raise DomainError(
            f"項目「{item.code} {item.name}」には実績が{n_results:,}件あるため削除できません。"
        )
    n_children = item.children.count()
    if n_children:
        raise DomainError(
            f"項目「{item.code} {item.name}」は{n_children}項目の合計先のため削除できません。先に内訳の合計先を外してください。"
        )
    before = audit.snapshot(item)
    n_targets = Target.objects.filter(item=item).count()
    audit.record(actor=actor, action="delete", obj=item, before=before, note=f"目標{n_targets}件も削除")
    item.delete()


@transaction.atomic
def copy_catalog(*, actor: Any, from_year: int, to_year: int) -> int:
    """Copy a year's catalog (items, parents, sources, rates; not targets) to
    another year that has no items yet. Returns the number of items copied."""
    if from_year == to_year:
        raise DomainError("コピー元とコピー先の年度が同じです。", field="to_year")
    source_items = list(Item.objects.filter(fiscal_year=from_year).order_by("sort_order", "code"))
    if not source_items:
        raise DomainError(f"{from_year}年度の推進項目がありません。", field="from_year")
    existing = Item.objects.filter(fiscal_year=to_year).count()
    if existing:
        raise DomainError(
            f"{to_year}年度には既に推進項目が{existing}件あります。コピーは項目のない年度にだけ行えます。",
            field="to_year",
        )
    new_by_old: dict[int, Item] = {}
    for old in source_items:
        new_by_old[old.pk] = Item.objects.create(
            fiscal_year=to_year,
            code=old.code,
            name=old.name,
            group=old.group,
            unit=old.unit,
            aggregation=old.aggregation,
            cumulative_since=old.cumulative_since,
            donation_rate=old.donation_rate,
            sort_order=old.sort_order,
            description=old.description,
            source=old.source,
        )
    for old in source_items:
        if old.parent_id:
            new = new_by_old[old.pk]
            new.parent = new_by_old[old.parent_id]
            new.save(update_fields=["parent"])
    audit.record(
        actor=actor,
        action="copy_catalog",
        model=Item._meta.label,
        object_repr=f"{from_year}年度 → {to_year}年度",
        after={"from_year": from_year, "to_year": to_year, "codes": [i.code for i in source_items]},
    )
    return len(source_items)


def _scope_fields(scope: Scope) -> dict[str, Any]:
    """The FK columns a target keeps for its scope (member targets also keep the
    member's current branch and block, so that branch users see them)."""
    return {
        "level": scope.level,
        "scope_key": scope.key,
        "block_id": scope.block_id,
        "branch_id": scope.branch_id,
        "member_id": scope.member_id,
    }


@transaction.atomic
def save_target(
    *,
    actor: Any,
    target: Target | None = None,
    item: Item,
    scope: Scope,
    kind: str = TargetKind.ALLOCATED,
    target_count: int | None = None,
    target_amount: int | None = None,
) -> Target:
    """Create or change the annual target of `item` for `scope`."""
    if kind not in TargetKind.values:
        raise DomainError(f"種別「{kind}」は選べません（配分・自主のいずれか）。", field="kind")
    if item.children.exists():
        raise DomainError(
            f"「{item.name}」は合計項目のため目標を設定できません。目標は内訳の項目に設定してください（合計の目標は内訳の合計です）。",
            field="item",
        )
    if target_count is None and target_amount is None:
        raise DomainError("目標件数か目標金額のどちらかを入力してください。", field="target_count")
    for value, name, label in ((target_count, "target_count", "目標件数"), (target_amount, "target_amount", "目標金額")):
        if value is not None and value < 0:
            raise DomainError(f"{label}は0以上で入力してください（入力値 {value:,}）。", field=name)
    if kind == TargetKind.SELF and scope.level != ScopeLevel.MEMBER:
        raise DomainError(
            f"自主目標は会員ごとに設定します。対象「{scope.label}」は会員ではありません。", field="scope"
        )
    fields = _scope_fields(scope)
    clash = Target.objects.filter(item=item, scope_key=scope.key, kind=kind).exclude(pk=getattr(target, "pk", None))
    if clash.exists():
        raise DomainError(
            f"「{item.name}」の{scope.label}への{TargetKind(kind).label}目標は既に登録されています。一覧から編集してください。",
            field="scope",
        )
    is_new = target is None
    before = None if is_new else audit.snapshot(Target.objects.get(pk=target.pk))
    obj = target or Target()
    obj.fiscal_year = item.fiscal_year
    obj.item = item
    obj.kind = kind
    obj.target_count = target_count
    obj.target_amount = target_amount
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save()
    audit.record(
        actor=actor, action="create" if is_new else "update", obj=obj, before=before, after=audit.snapshot(obj)
    )
    return obj


@transaction.atomic
def delete_target(*, actor: Any, target: Target) -> None:
    audit.record(actor=actor, action="delete", obj=target, before=audit.snapshot(target))
    target.delete()
