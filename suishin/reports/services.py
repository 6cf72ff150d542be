"""Saving a half's report definition (the secretariat's narrative and layout).

Invariants: one definition per (fiscal year, half); blocks are replaced as a
whole in one transaction (the definition row is locked, so two editors
queue); every placeholder can resolve (item codes of that year's catalog,
known fields and formats; section keys may belong to apps not installed
yet); the audit entry holds the whole list of blocks before and after.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from suishin.core import audit
from suishin.core.errors import DomainError
from suishin.kpis.models import Item
from suishin.reports import narrative
from suishin.reports.definitions import BlockSpec
from suishin.reports.models import BlockKind, ChartKind, ReportBlock, ReportDefinition

SECTION_KEY_RE = re.compile(r"^[a-z0-9_.\-]+$")


def _check_block(index: int, block: BlockSpec, *, codes: set[str], groups: set[str], fiscal_year: int) -> None:
    n = index + 1

    def fail(message: str, name: str) -> DomainError:
        return DomainError(f"{n}番目のブロック：{message}", field=f"{index}.{name}")

    if block.kind not in BlockKind.values:
        raise fail(f"種類「{block.kind}」は選べません。", "kind")
    for name in ("title", "body"):
        try:
            narrative.check_placeholders(getattr(block, name), codes=codes, fiscal_year=fiscal_year)
        except DomainError as exc:
            raise fail(exc.message, name) from None
    if block.kind == BlockKind.NARRATIVE and not (block.title.strip() or block.body.strip()):
        raise fail("本文ブロックには見出しか本文を入力してください。", "body")
    if block.kind == BlockKind.GROUP_TABLE:
        if not block.group and "" not in groups:
            raise fail("表にする区分を選んでください。", "group")
        if block.group not in groups:
            raise fail(f"区分「{block.group}」は{fiscal_year}年度の推進項目にありません。", "group")
    if block.kind == BlockKind.SECTION and not SECTION_KEY_RE.match(block.section_key or ""):
        raise fail("集計表を選んでください。", "section_key")
    if block.kind == BlockKind.CHART:
        if block.chart not in ChartKind.values:
            raise fail("グラフの種類を選んでください。", "chart")
        if block.item_code and block.item_code not in codes:
            raise fail(f"項目コード「{block.item_code}」は{fiscal_year}年度の推進項目にありません。", "item_code")


def _snapshot(definition: ReportDefinition | None) -> dict[str, Any] | None:
    if definition is None:
        return None
    return {
        "title": definition.title,
        "blocks": [BlockSpec.from_model(b).as_dict() for b in definition.blocks.order_by("position")],
    }


@transaction.atomic
def save_definition(
    *, actor: Any, fiscal_year: int, half: int, title: str, blocks: Sequence[BlockSpec]
) -> ReportDefinition:
    """Create or replace the definition of (fiscal_year, half) with `blocks` in order.

    A DomainError's `field` is "<block index>.<field name>" (or "title").
    """
    if half not in (1, 2):
        raise DomainError(f"期は1（上期）か2（下期）で指定してください（指定 {half}）。", field="half")
    title = (title or "").strip()
    if not title:
        raise DomainError("表題を入力してください。", field="title")
    items = Item.objects.filter(fiscal_year=fiscal_year)
    codes = set(items.values_list("code", flat=True))
    groups = set(items.values_list("group", flat=True))
    try:
        narrative.check_placeholders(title, codes=codes, fiscal_year=fiscal_year)
    except DomainError as exc:
        raise DomainError(f"表題：{exc.message}", field="title") from None
    for index, block in enumerate(blocks):
        _check_block(index, block, codes=codes, groups=groups, fiscal_year=fiscal_year)

    definition = ReportDefinition.objects.select_for_update().filter(fiscal_year=fiscal_year, half=half).first()
    before = _snapshot(definition)
    is_new = definition is None
    if is_new:
        definition = ReportDefinition(fiscal_year=fiscal_year, half=half)
    definition.title = title
    definition.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    definition.save()
    definition.blocks.all().delete()
    ReportBlock.objects.bulk_create(
        ReportBlock(definition=definition, position=n, **block.as_dict()) for n, block in enumerate(blocks, start=1)
    )
    # bulk_create sends no signals: the audit entry is written explicitly.
    audit.record(
        actor=actor, action="create" if is_new else "update", obj=definition, before=before, after=_snapshot(definition)
    )
    return definition
