"""The definition of a half-year report: an ordered list of blocks.

The figures are never stored: narrative blocks hold text with placeholders
({SVC_MAIN.count}) resolved at render time, tables are built from the figures
engine, sections come from other apps. One definition per (fiscal year, half)
serves every scope (council, block, branch, member).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class BlockKind(models.TextChoices):
    NARRATIVE = "narrative", "本文"
    GROUP_TABLE = "group_table", "区分の表"
    SECTION = "section", "集計表（各機能）"
    CHART = "chart", "グラフ"
    PAGE_BREAK = "page_break", "改ページ（PDF）"


class ChartKind(models.TextChoices):
    ITEMS = "items", "項目別の達成率"
    BLOCKS = "blocks", "ブロック別の達成率"
    TREND = "trend", "月別の推移と目標ペース"


class ReportDefinition(models.Model):
    fiscal_year = models.PositiveIntegerField("年度")
    half = models.PositiveSmallIntegerField("期", choices=[(1, "上期"), (2, "下期")])
    title = models.CharField("表題", max_length=200)
    updated_at = models.DateTimeField("更新日時", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="更新者", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "推進活動総括の定義"
        verbose_name_plural = "推進活動総括の定義"
        ordering = ["-fiscal_year", "-half"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "half"], name="report_definition_one_per_half"),
            models.CheckConstraint(name="report_definition_half_1_or_2", condition=Q(half__in=[1, 2])),
        ]

    def __str__(self) -> str:
        return self.title


class ReportBlock(models.Model):
    definition = models.ForeignKey(ReportDefinition, on_delete=models.CASCADE, related_name="blocks")
    position = models.PositiveIntegerField("表示順")
    kind = models.CharField("種類", max_length=20, choices=BlockKind.choices)
    title = models.CharField("見出し", max_length=200, blank=True)
    body = models.TextField("本文・注記", blank=True)
    group = models.CharField("区分", max_length=100, blank=True)
    section_key = models.CharField("集計表", max_length=60, blank=True)
    chart = models.CharField("グラフ", max_length=20, choices=ChartKind.choices, blank=True)
    item_code = models.CharField("項目コード", max_length=40, blank=True)
    value_label = models.CharField("実績列の見出し", max_length=40, blank=True)
    show_prev = models.BooleanField("前年同期を表示", default=False)

    class Meta:
        verbose_name = "推進活動総括のブロック"
        verbose_name_plural = "推進活動総括のブロック"
        ordering = ["definition", "position"]
        constraints = [
            models.UniqueConstraint(fields=["definition", "position"], name="report_block_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.definition} #{self.position} {self.get_kind_display()} {self.title}"
