"""Test and benchmark helpers that build catalog items, targets and results
directly (the import engine is the production path)."""

from __future__ import annotations

import datetime as dt

from suishin.core import fiscal
from suishin.kpis.models import Aggregation, Item, Result, ScopeLevel, Target, TargetKind, scope_key


def item(
    code: str,
    *,
    fiscal_year: int = 2024,
    name: str | None = None,
    group: str = "テスト区分",
    unit: str = "件",
    aggregation: str = Aggregation.SUM,
    parent: Item | None = None,
    sort_order: int = 0,
    **kw,
) -> Item:
    return Item.objects.create(
        fiscal_year=fiscal_year,
        code=code,
        name=name or code,
        group=group,
        unit=unit,
        aggregation=aggregation,
        parent=parent,
        sort_order=sort_order,
        **kw,
    )


def result(
    item_obj: Item,
    month: dt.date | str,
    *,
    member=None,
    branch=None,
    count: int = 0,
    amount: int = 0,
    **kw,
) -> Result:
    """A monthly result at member level (member given), branch level (branch
    given) or council level (neither). Snapshot block/branch come from the
    member's current branch, as the importer does."""
    if isinstance(month, str):
        y, m = month.split("-")
        month = dt.date(int(y), int(m), 1)
    if member is not None:
        level, key, branch = ScopeLevel.MEMBER, scope_key("member", member.code), member.branch
    elif branch is not None:
        level, key = ScopeLevel.BRANCH, scope_key("branch", branch.code)
    else:
        level, key = ScopeLevel.COUNCIL, scope_key("council")
    return Result.objects.create(
        month=month,
        fiscal_year=fiscal.fiscal_year_of(month),
        item=item_obj,
        level=level,
        scope_key=key,
        member=member,
        branch=branch,
        block=branch.block if branch is not None else None,
        count=count,
        amount=amount,
        **kw,
    )


def target(
    item_obj: Item,
    *,
    member=None,
    branch=None,
    block=None,
    count: int | None = None,
    amount: int | None = None,
    kind: str = TargetKind.ALLOCATED,
) -> Target:
    if member is not None:
        level, key = ScopeLevel.MEMBER, scope_key("member", member.code)
        branch, block = member.branch, member.branch.block
    elif branch is not None:
        level, key, block = ScopeLevel.BRANCH, scope_key("branch", branch.code), branch.block
    elif block is not None:
        level, key = ScopeLevel.BLOCK, scope_key("block", block.name)
    else:
        level, key = ScopeLevel.COUNCIL, scope_key("council")
    return Target.objects.create(
        fiscal_year=item_obj.fiscal_year,
        item=item_obj,
        level=level,
        scope_key=key,
        member=member,
        branch=branch,
        block=block,
        kind=kind,
        target_count=count,
        target_amount=amount,
    )
