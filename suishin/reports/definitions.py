"""Which blocks a half's report has.

A saved ReportDefinition wins. A half without one starts as a copy of the
latest earlier half's definition (so the narrative carries over with its
placeholders), else as a default: a heading, one table per catalog group,
the charts and every registered section. Nothing is written until the
secretariat saves in the editor: reading a report never writes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from django.db.models import Q

from suishin.core import fiscal
from suishin.kpis.models import Item
from suishin.reports.models import BlockKind, ChartKind, ReportBlock, ReportDefinition
from suishin.reports.sections import all_sections


@dataclass
class BlockSpec:
    kind: str
    title: str = ""
    body: str = ""
    group: str = ""
    section_key: str = ""
    chart: str = ""
    item_code: str = ""
    value_label: str = ""
    show_prev: bool = False

    @classmethod
    def from_model(cls, block: ReportBlock) -> BlockSpec:
        return cls(**{f.name: getattr(block, f.name) for f in fields(cls)})

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Definition:
    fiscal_year: int
    half: int
    title: str
    blocks: list[BlockSpec]
    saved: bool  # False: not stored yet (a copy or the default)
    copied_from: str = ""  # e.g. "2024年度上期" when copied


def default_title(fiscal_year: int, half: int) -> str:
    return f"{fiscal.label(fiscal_year, half)}推進活動総括"


def default_blocks(fiscal_year: int, half: int) -> list[BlockSpec]:
    blocks = [
        BlockSpec(
            BlockKind.NARRATIVE,
            title="{report.period_label}推進活動総括",
            body="{report.period_label}（{report.start}～{report.end}）の推進活動の実績です。",
        )
    ]
    groups: list[str] = []
    for group in Item.objects.filter(fiscal_year=fiscal_year).order_by("sort_order", "code").values_list("group", flat=True):
        if group not in groups:
            groups.append(group)
    blocks += [BlockSpec(BlockKind.GROUP_TABLE, title=f"【{g or '区分なし'}】", group=g) for g in groups]
    blocks += [
        BlockSpec(BlockKind.CHART, title="項目別の達成率", chart=ChartKind.ITEMS),
        BlockSpec(BlockKind.CHART, title="ブロック別の達成率", chart=ChartKind.BLOCKS),
        BlockSpec(BlockKind.CHART, title="月別の推移と目標ペース", chart=ChartKind.TREND),
    ]
    blocks += [BlockSpec(BlockKind.SECTION, title=s.title, section_key=s.key) for s in all_sections()]
    return blocks


def previous_definition(fiscal_year: int, half: int) -> ReportDefinition | None:
    """The latest saved definition before (fiscal_year, half)."""
    earlier = Q(fiscal_year__lt=fiscal_year) | Q(fiscal_year=fiscal_year, half__lt=half)
    return ReportDefinition.objects.filter(earlier).order_by("-fiscal_year", "-half").first()


def load_definition(fiscal_year: int, half: int) -> Definition:
    saved = ReportDefinition.objects.filter(fiscal_year=fiscal_year, half=half).first()
    if saved is not None:
        blocks = [BlockSpec.from_model(b) for b in saved.blocks.order_by("position")]
        return Definition(fiscal_year, half, saved.title, blocks, saved=True)
    prev = previous_definition(fiscal_year, half)
    if prev is not None:
        blocks = [BlockSpec.from_model(b) for b in prev.blocks.order_by("position")]
        return Definition(
            fiscal_year, half, default_title(fiscal_year, half), blocks, saved=False,
            copied_from=fiscal.label(prev.fiscal_year, prev.half),
        )
    return Definition(fiscal_year, half, default_title(fiscal_year, half), default_blocks(fiscal_year, half), saved=False)
