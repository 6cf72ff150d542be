"""Building a report: a definition's blocks filled with the figures of one
(fiscal year, half, scope). The result, `Report`, is what every renderer
(html, pdf, xlsx, json) prints; no renderer computes a figure.

Invariants:

* Every figure comes from suishin.kpis.queries.compute_figures (one run per
  report) or from a registered section; the narrative quotes them through
  placeholders, so a typed number never reaches the report.
* Anything that cannot be computed (an unregistered provider or section, an
  unknown placeholder) prints "－" and adds a Japanese warning to the report;
  it never raises.
* Scoped reports show only the scope: the by-block chart appears only in the
  whole council's report.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from suishin.core import fiscal, jpformat
from suishin.core.errors import DomainError
from suishin.core.fiscal import Half
from suishin.kpis.cache import cached
from suishin.kpis.models import ScopeLevel
from suishin.kpis.queries import (
    FigureSet,
    ItemFigures,
    block_figures,
    compute_figures,
    figures_memo,
    monthly_progress,
)
from suishin.kpis.scope import Scope
from suishin.reports import charts, narrative
from suishin.reports.definitions import BlockSpec, Definition, load_definition
from suishin.reports.models import BlockKind, ChartKind
from suishin.reports.narrative import Paragraph, Part
from suishin.reports.sections import SectionData, Table, get_section
from suishin.reports.tables import group_table
from suishin.reports.trace import figure_url

logger = logging.getLogger(__name__)


@dataclass
class RenderedBlock:
    kind: str
    title: str = ""
    paragraphs: list[Paragraph] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[Paragraph] = field(default_factory=list)  # the block's own text under its tables
    chart_svg: str | None = None
    chart_alt: str = ""
    chart_src: str | None = None  # the web page's URL of the chart (None: inline, as in print)
    warnings: list[str] = field(default_factory=list)
    key: str = ""  # the group, section key or chart kind


@dataclass
class Report:
    fiscal_year: int
    half: int
    scope: Scope
    title: str
    figures: FigureSet
    blocks: list[RenderedBlock]
    warnings: list[str]
    definition_saved: bool = False
    copied_from: str = ""
    links: bool = True
    generated_at: dt.datetime = field(default_factory=timezone.localtime)
    # The figures computed while building, for JSON contributors run later
    # (`with figures_memo(report.memo): ...`); read-only.
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def half_label(self) -> str:
        return Half(self.half).label

    @property
    def period_label(self) -> str:
        return fiscal.label(self.fiscal_year, self.half)

    @property
    def start(self) -> dt.date:
        return self.figures.period.start

    @property
    def end(self) -> dt.date:
        return self.figures.period.end

    @property
    def period_text(self) -> str:
        """'2024年4月1日～2024年9月30日'."""
        return f"{jpformat.date_plain_ja(self.start)}～{jpformat.date_plain_ja(self.end)}"

    def tables(self) -> list[tuple[RenderedBlock, Table]]:
        return [(b, t) for b in self.blocks for t in b.tables]


def report_values(fiscal_year: int, half: int, scope: Scope) -> dict[str, str]:
    """The values of the `report` placeholder namespace."""
    period = fiscal.half_period(fiscal_year, half)
    return {
        "fiscal_year": str(fiscal_year),
        "prev_fiscal_year": str(fiscal_year - 1),
        "half_label": Half(half).label,
        "period_label": fiscal.label(fiscal_year, half),
        "start": jpformat.date_plain_ja(period.start),
        "end": jpformat.date_plain_ja(period.end),
        "end_month": jpformat.month_end_ja(period.last),
        "end_month_short": f"{period.last.month}月末",
        "scope": scope.label,
    }


class _Builder:
    def __init__(
        self, fiscal_year: int, half: int, scope: Scope, figures: FigureSet, *, links: bool, charts: bool, for_print: bool
    ):
        self.fiscal_year, self.half, self.scope = fiscal_year, half, scope
        self.figures = figures
        self.links = links
        self.charts = charts
        self.text_as_paths = not for_print
        self.values = report_values(fiscal_year, half, scope)
        self._sections: dict[str, SectionData | None] = {}
        self._section_warnings: dict[str, list[str]] = {}

    # --- links and placeholders ---------------------------------------------------

    def href(self, code: str, span: str) -> str | None:
        if not self.links:
            return None
        f = self.figures.get(code)
        if f is not None and f.source and span in ("half", "fy") and f.provider_trace_url:
            return f.provider_trace_url
        return figure_url(self.fiscal_year, self.half, self.scope, code, span)

    def section_data(self, key: str) -> SectionData | None:
        if key not in self._sections:
            section = get_section(key)
            warnings: list[str] = []
            data = None
            if section is None:
                warnings.append(f"集計表「{key}」が未登録のため表示できません")
            else:
                try:
                    # Cached on the data version like the figures (every business write
                    # bumps it); the builder's name is in the key, as providers' are.
                    name = f"section:{key}:{section.build.__module__}.{section.build.__qualname__}"
                    data = cached(name, section.build, self.fiscal_year, self.half, self.scope)
                except DomainError as exc:
                    warnings.append(f"集計表「{section.title}」を作成できません：{exc.message}")
                except Exception:  # another app's bug must not take the whole report down
                    logger.exception("report section %s failed", key)
                    warnings.append(f"集計表「{section.title}」の作成中にエラーが発生しました（管理者に連絡してください）")
            self._sections[key] = data
            self._section_warnings[key] = warnings
        return self._sections[key]

    def resolve(self, key: str, name: str, fmt: str) -> tuple[str, str | None, str]:
        quoted = "{" + f"{key}.{name}" + (f"|{fmt}" if fmt else "") + "}"
        if key == narrative.REPORT_KEY:
            if name in self.values:
                return self.values[name], None, ""
            return jpformat.DASH, None, f"差し込み「{quoted}」の「{name}」は報告書の値にありません"
        f = self.figures.get(key)
        if f is not None:
            return self._resolve_item(f, name, fmt, quoted)
        if not narrative.is_section_key(key):
            return jpformat.DASH, None, f"差し込み「{quoted}」の項目コード「{key}」は{self.fiscal_year}年度の推進項目にありません"
        data = self.section_data(key)
        if data is None:
            if get_section(key) is None:
                return jpformat.DASH, None, f"差し込み「{quoted}」の集計元「{key}」が未登録のため表示できません"
            return jpformat.DASH, None, f"差し込み「{quoted}」を計算できません"
        if name not in data.values:
            return jpformat.DASH, None, f"差し込み「{quoted}」の「{name}」は集計表「{key}」にありません"
        value = data.values[name]
        if isinstance(value, int) and not isinstance(value, bool):
            return narrative.format_number(value, name, fmt), None, ""
        return (jpformat.DASH if value is None else str(value)), None, ""

    def _resolve_item(self, f: ItemFigures, name: str, fmt: str, quoted: str) -> tuple[str, str | None, str]:
        href = self.href(f.code, narrative.FIELD_SPAN[name]) if name in narrative.FIELD_SPAN else None
        warning = f"差し込み「{quoted}」：{f.warning}" if f.warning and not f.is_total else ""
        if name in narrative.ITEM_NUMBER_FIELDS:
            return narrative.format_number(getattr(f, name), name, fmt), href, warning
        if name == "achievement":
            p = f.achievement_permille
            return (jpformat.DASH if p is None else f"{jpformat.permille_str(p)}%"), href, warning
        if name == "name":
            return f.name, None, ""
        if name == "unit":
            return f.unit, None, ""
        if name == "as_of":
            return (jpformat.month_end_ja(f.as_of) if f.as_of else jpformat.DASH), None, ""
        if name == "cum_since":
            return jpformat.date_plain_ja(f.cumulative_since), None, ""
        if name == "donation_rate":
            return jpformat.number(f.donation_rate), None, ""
        return jpformat.DASH, None, f"差し込み「{quoted}」の「{name}」は項目の値にありません"

    def text(self, template: str, warnings: list[str]) -> str:
        return "".join(p.text for p in narrative.render(template, self.resolve, warnings)) if template else ""

    def paragraphs(self, body: str, warnings: list[str]) -> list[Paragraph]:
        paras = narrative.render(body, self.resolve, warnings)
        if not self.links:
            for p in paras:
                for part in p.parts:
                    part.href = None
        return paras

    # --- blocks ---------------------------------------------------------------------

    def block(self, spec: BlockSpec) -> RenderedBlock | None:
        warnings: list[str] = []
        title = self.text(spec.title, warnings)
        if spec.kind == BlockKind.NARRATIVE:
            return RenderedBlock(spec.kind, title, paragraphs=self.paragraphs(spec.body, warnings), warnings=warnings)
        if spec.kind == BlockKind.PAGE_BREAK:
            return RenderedBlock(spec.kind)
        if spec.kind == BlockKind.GROUP_TABLE:
            table = group_table(
                self.figures, spec.group, value_label=spec.value_label, show_prev=spec.show_prev, href=self.href
            )
            if table is None:
                warnings.append(f"区分「{spec.group}」の項目が{self.fiscal_year}年度の推進項目にありません")
            notes = self.paragraphs(spec.body, warnings)
            return RenderedBlock(spec.kind, title, tables=[table] if table else [], notes=notes, warnings=warnings + (table.notes if table else []), key=spec.group)
        if spec.kind == BlockKind.SECTION:
            data = self.section_data(spec.section_key)
            warnings += self._section_warnings.get(spec.section_key, [])
            section = get_section(spec.section_key)
            if data is None:
                return RenderedBlock(spec.kind, title or (section.title if section else spec.section_key), warnings=warnings, key=spec.section_key)
            paras = [Paragraph("p", [Part(t)]) for t in data.paragraphs]
            return RenderedBlock(
                spec.kind,
                title or data.title or (section.title if section else ""),
                paragraphs=paras,
                tables=list(data.tables),
                notes=self.paragraphs(spec.body, warnings),
                warnings=warnings + list(data.warnings),
                key=spec.section_key,
            )
        if spec.kind == BlockKind.CHART:
            return self.chart(spec, title, warnings)
        warnings.append(f"ブロックの種類「{spec.kind}」は表示できません")
        return RenderedBlock(spec.kind, title, warnings=warnings)

    def default_chart_code(self) -> str | None:
        targeted = [f for f in self.figures.items if f.has_target]
        top = [f for f in targeted if f.parent_code is None]
        chosen = (top or targeted)[:1]
        return chosen[0].code if chosen else None

    def chart(self, spec: BlockSpec, title: str, warnings: list[str]) -> RenderedBlock | None:
        if not self.charts:
            return None
        if spec.chart == ChartKind.ITEMS:
            rows = [(f.name, f.achievement_permille) for f in self.figures.items if f.has_target]
            pace = 500 if self.half == Half.FIRST else None
            svg = charts.achievement_bars(rows, pace_permille=pace, text_as_paths=self.text_as_paths)
            alt = "、".join(f"{name} {charts._pct(p)}" for name, p in rows)
            return self._chart_block(spec, title or "項目別の達成率", svg, f"項目別の達成率：{alt}")
        code = spec.item_code or self.default_chart_code()
        f = self.figures.get(code) if code else None
        if f is None:
            if spec.item_code:
                warnings.append(f"グラフの項目コード「{spec.item_code}」は{self.fiscal_year}年度の推進項目にありません")
            return RenderedBlock(spec.kind, title, warnings=warnings, key=spec.chart) if warnings else None
        if spec.chart == ChartKind.BLOCKS:
            if self.scope.level != ScopeLevel.COUNCIL:
                return None  # other blocks' figures are not for a scoped report
            rows = [
                (b.name, b.achievement_permille)
                for b in block_figures(fiscal_year=self.fiscal_year, half=self.half, code=code)
            ]
            svg = charts.achievement_bars(rows, text_as_paths=self.text_as_paths)
            alt = "、".join(f"{name} {charts._pct(p)}" for name, p in rows)
            return self._chart_block(spec, title or f"ブロック別の達成率（{f.name}）", svg, f"ブロック別の達成率（{f.name}）：{alt}")
        if spec.chart == ChartKind.TREND:
            points = monthly_progress(fiscal_year=self.fiscal_year, half=self.half, code=code, scope=self.scope)
            svg = charts.trend_lines(
                [(p.month, p.value, p.pace) for p in points], unit=f.unit or "件", text_as_paths=self.text_as_paths
            )
            alt = "、".join(f"{p.month.month}月 {jpformat.number(p.value)}" for p in points)
            return self._chart_block(spec, title or f"月別の推移と目標ペース（{f.name}）", svg, f"{f.name}の年度累計：{alt}")
        warnings.append(f"グラフの種類「{spec.chart}」は表示できません")
        return RenderedBlock(spec.kind, title, warnings=warnings)

    def _chart_block(self, spec: BlockSpec, title: str, svg: str | None, alt: str) -> RenderedBlock:
        if svg is None:
            return RenderedBlock(spec.kind, title, paragraphs=[Paragraph("p", [Part("グラフにする目標・実績がありません。")])], key=spec.chart)
        return RenderedBlock(spec.kind, title, chart_svg=svg, chart_alt=alt, key=spec.chart)


def build_report(
    *,
    fiscal_year: int,
    half: int,
    scope: Scope | None = None,
    definition: Definition | None = None,
    links: bool = True,
    charts: bool = True,
    for_print: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
) -> Report:
    """The report of (fiscal_year, half) for `scope` (the council by default).

    `links` adds trace links to figures (the web page); `charts` draws the
    charts (the JSON and XLSX renderers skip them); `for_print` draws chart
    text as text for WeasyPrint (see suishin.reports.charts). `progress(done,
    total, message)`, when given, hears each block as it is built (a report
    job's progress by section); its total has one step more for the caller's
    rendering.
    """
    scope = scope or Scope.council()
    definition = definition or load_definition(fiscal_year, half)
    with figures_memo() as memo:  # sections of other apps ask for the same figures again
        steps = len(definition.blocks) + 2
        if progress is not None:
            progress(0, steps, "数値を集計しています")
        figures = compute_figures(fiscal_year=fiscal_year, half=half, scope=scope)
        builder = _Builder(fiscal_year, half, scope, figures, links=links, charts=charts, for_print=for_print)
        blocks = []
        for n, spec in enumerate(definition.blocks, start=1):
            if progress is not None:
                name = spec.title or (BlockKind(spec.kind).label if spec.kind in BlockKind.values else "")
                progress(n, steps, f"{n}/{len(definition.blocks)} 節目を作成しています（{name}）")
            block = builder.block(spec)
            if block is not None:
                blocks.append(block)
    title_warnings: list[str] = []
    title = builder.text(definition.title, title_warnings) or definition.title
    warnings: list[str] = []
    for w in [*figures.warnings, *title_warnings, *(w for b in blocks for w in b.warnings)]:
        if w not in warnings:
            warnings.append(w)
    return Report(
        fiscal_year=fiscal_year,
        half=half,
        scope=scope,
        title=title,
        figures=figures,
        blocks=blocks,
        warnings=warnings,
        definition_saved=definition.saved,
        copied_from=definition.copied_from,
        links=links,
        memo=memo,
    )
