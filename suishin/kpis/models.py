"""The item catalog (推進項目), targets (目標) and results (実績).

Money is integer yen and counts are integers (BigIntegerField): SQLite would
store decimals as REAL. Rates are never stored; they are computed on read.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class Aggregation(models.TextChoices):
    SUM = "sum", "合計"
    DISTINCT_MEMBERS = "distinct_members", "会員数"
    SNAPSHOT = "snapshot", "時点残高"
    CUMULATIVE = "cumulative", "累計"


class Item(models.Model):
    """One line of a fiscal year's catalog. Next year's catalog is data, not code.

    An item with children (parent=self) is a total: its figures are the sums
    of its children and are never imported directly.
    """

    fiscal_year = models.PositiveIntegerField("年度", db_index=True)
    code = models.CharField("項目コード", max_length=40)
    name = models.CharField("項目名", max_length=200)
    group = models.CharField("区分", max_length=100, blank=True)
    unit = models.CharField("単位", max_length=10, default="件")
    aggregation = models.CharField(
        "集計方法", max_length=20, choices=Aggregation.choices, default=Aggregation.SUM
    )
    cumulative_since = models.DateField("累計起算日", null=True, blank=True)
    donation_rate = models.PositiveIntegerField("寄付単価（円）", null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="合計先",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sort_order = models.PositiveIntegerField("表示順", default=0)
    description = models.TextField("説明", blank=True)
    # Where the figures come from: "" = imported results (kpis.Result); otherwise
    # the key of a provider registered in suishin.kpis.providers (e.g. study
    # sessions counted from their records). A catalog choice, not code.
    source = models.CharField("集計元", max_length=60, blank=True, default="")

    class Meta:
        verbose_name = "推進項目"
        verbose_name_plural = "推進項目"
        ordering = ["fiscal_year", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "code"], name="item_code_unique_per_year"
            ),
            models.CheckConstraint(
                name="item_cumulative_has_start",
                condition=~Q(aggregation="cumulative") | Q(cumulative_since__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year}年度 {self.code} {self.name}"


class ScopeLevel(models.TextChoices):
    COUNCIL = "council", "全体"
    BLOCK = "block", "ブロック"
    BRANCH = "branch", "店"
    MEMBER = "member", "会員"


class TargetKind(models.TextChoices):
    ALLOCATED = "allocated", "配分"
    SELF = "self", "自主"


def scope_key(level: str, code: str | None = None) -> str:
    """A portable natural key for a scope ('council', 'block:石狩', 'branch:007',
    'member:A0001'), used in unique constraints instead of nullable FKs whose
    NULLs would not collide."""
    return level if level == ScopeLevel.COUNCIL else f"{level}:{code}"


class Target(models.Model):
    """An annual target for one item and scope, allocated (配分) or self-set (自主)."""

    fiscal_year = models.PositiveIntegerField("年度", db_index=True)
    item = models.ForeignKey(
        Item, verbose_name="推進項目", on_delete=models.CASCADE, related_name="targets"
    )
    level = models.CharField("対象の種類", max_length=10, choices=ScopeLevel.choices)
    scope_key = models.CharField("対象キー", max_length=80)
    block = models.ForeignKey(
        "organisations.Block", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    branch = models.ForeignKey(
        "organisations.Branch", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        "organisations.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targets",
    )
    kind = models.CharField(
        "種別", max_length=10, choices=TargetKind.choices, default=TargetKind.ALLOCATED
    )
    target_count = models.BigIntegerField("目標件数", null=True, blank=True)
    target_amount = models.BigIntegerField("目標金額", null=True, blank=True)
    import_batch = models.ForeignKey(
        "imports.ImportBatch",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="targets",
    )
    source_row = models.PositiveIntegerField("取込行", null=True, blank=True)

    class Meta:
        verbose_name = "目標"
        verbose_name_plural = "目標"
        constraints = [
            models.UniqueConstraint(
                fields=["item", "scope_key", "kind"], name="target_unique_per_item_scope_kind"
            ),
            models.CheckConstraint(
                name="target_not_negative",
                condition=(Q(target_count__isnull=True) | Q(target_count__gte=0))
                & (Q(target_amount__isnull=True) | Q(target_amount__gte=0)),
            ),
        ]
        indexes = [
            # The roll-up (kpis.queries.TargetTree) first reads the few rows above
            # member level (a partial index: planners cannot tell 1 council row
            # from 60,000 member rows by averages), then member rows per item.
            models.Index(
                fields=["item", "kind"], condition=~Q(level="member"), name="target_upper_levels"
            ),
            models.Index(
                fields=[
                    "item",
                    "kind",
                    "level",
                    "block",
                    "branch",
                    "target_count",
                    "target_amount",
                ],
                name="target_rollup_cover",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.scope_key} {self.get_kind_display()}"


class ResultQuerySet(models.QuerySet):
    def in_period(self, period) -> ResultQuerySet:
        """Rows whose month lies in a suishin.core.fiscal.Period."""
        return self.filter(month__gte=period.first, month__lte=period.last)


class Result(models.Model):
    """A monthly figure for one item at one level (council, branch or member).

    `branch` and `block` are the member's branch and block *at the time the
    figure was imported*, so roll-ups stay right when the tree changes.
    `import_batch` and `source_row` say which file row the figure came from.
    """

    month = models.DateField("年月", db_index=True)  # first day of the month
    fiscal_year = models.PositiveIntegerField("年度")
    item = models.ForeignKey(
        Item, verbose_name="推進項目", on_delete=models.PROTECT, related_name="results"
    )
    level = models.CharField("集計単位", max_length=10, choices=ScopeLevel.choices)
    scope_key = models.CharField("対象キー", max_length=80)
    member = models.ForeignKey(
        "organisations.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="results",
    )
    branch = models.ForeignKey(
        "organisations.Branch",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="results",
    )
    block = models.ForeignKey(
        "organisations.Block",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="results",
    )
    count = models.BigIntegerField("件数", default=0)
    amount = models.BigIntegerField("金額", default=0)
    import_batch = models.ForeignKey(
        "imports.ImportBatch",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="results",
    )
    source_row = models.PositiveIntegerField("取込行", null=True, blank=True)

    objects = ResultQuerySet.as_manager()

    class Meta:
        verbose_name = "実績"
        verbose_name_plural = "実績"
        constraints = [
            models.UniqueConstraint(
                fields=["item", "month", "scope_key"], name="result_unique_per_item_month_scope"
            ),
            models.CheckConstraint(name="result_month_is_first_day", condition=Q(month__day=1)),
        ]
        indexes = [
            models.Index(fields=["fiscal_year", "item"], name="result_fy_item"),
            # A block's or a branch's figures: the engine's grouped queries for
            # that scope read only the index (PostgreSQL's EXPLAIN showed a
            # BitmapAnd with the item index and heap rechecks for the branch's
            # cumulative figures over ten years: bench/RESULTS.md).
            models.Index(
                fields=["block", "month", "item", "count", "amount", "member"],
                name="result_block_cover",
            ),
            models.Index(
                fields=["branch", "month", "item", "count", "amount", "member"],
                name="result_branch_cover",
            ),
            models.Index(fields=["member", "month"], name="result_member_month"),
            # Covering index of the figures engine (kpis.queries): per item and
            # month range, every column the aggregation and the scope filters
            # read, so the database never visits the table rows.
            models.Index(
                fields=["item", "month", "count", "amount", "member", "block", "branch"],
                name="result_figures_cover",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.item.code} {self.scope_key} {self.count}/{self.amount}"
