"""Import batches: one row per file applied, the history of every import.

`ImportBatch` is the history entry of one applied file (who, when, file name,
SHA-256, counts, status). `ImportChange` keeps what is needed to undo it
exactly: for every row the batch changed or removed, the row's values before
the batch; rows the batch added to a table with provenance columns are found
through `import_batch`, rows added to other tables are listed with action
"added". Rows the file contained unchanged are not touched at all (they keep
the provenance of the file that first delivered the same value).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class BatchStatus(models.TextChoices):
    APPLIED = "applied", "反映済み"
    SUPERSEDED = "superseded", "差し替え済み"
    ROLLED_BACK = "rolled_back", "取消済み"


class ImportBatch(models.Model):
    kind = models.CharField("種類", max_length=40, db_index=True)
    file_name = models.CharField("ファイル名", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    size = models.BigIntegerField("サイズ（バイト）", default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="取込者",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    created_at = models.DateTimeField("取込日時", auto_now_add=True, db_index=True)
    status = models.CharField(
        "状態", max_length=20, choices=BatchStatus.choices, default=BatchStatus.APPLIED
    )
    # The scope a file covers: which rows a corrected file for the same scope replaces.
    scope_key = models.CharField("対象範囲", max_length=200, blank=True)
    branch = models.ForeignKey(
        "organisations.Branch", verbose_name="店", null=True, blank=True, on_delete=models.SET_NULL
    )
    period_first = models.DateField("対象月（自）", null=True, blank=True)
    period_last = models.DateField("対象月（至）", null=True, blank=True)
    rows_total = models.PositiveIntegerField("行数", default=0)
    rows_added = models.PositiveIntegerField("追加", default=0)
    rows_changed = models.PositiveIntegerField("変更", default=0)
    rows_unchanged = models.PositiveIntegerField("変更なし", default=0)
    rows_removed = models.PositiveIntegerField("削除", default=0)
    replaces = models.ForeignKey(
        "self",
        verbose_name="差し替え元",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaced_by",
    )
    rolled_back_at = models.DateTimeField("取消日時", null=True, blank=True)
    rolled_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Earlier batches whose rows this one contained unchanged (they keep their
    # provenance): rolling one of those back first would remove figures this
    # batch's file also states, so it is refused while this batch is applied.
    confirms = models.ManyToManyField(
        "self",
        verbose_name="同じ値を含む取込",
        symmetrical=False,
        blank=True,
        related_name="confirmed_by",
    )
    stored_file = models.CharField("保存ファイル", max_length=500, blank=True)
    file_format = models.CharField("形式", max_length=40, blank=True)
    sheet = models.CharField("シート", max_length=100, blank=True)
    summary = models.JSONField("概要", default=dict, blank=True)

    class Meta:
        verbose_name = "取込履歴"
        verbose_name_plural = "取込履歴"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display_ja()} {self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"

    def get_kind_display_ja(self) -> str:
        from suishin.imports.registry import label_for

        return label_for(self.kind)

    @property
    def can_roll_back(self) -> bool:
        return self.status == BatchStatus.APPLIED

    def summary_line(self) -> str:
        line = f"追加 {self.rows_added:,}行・変更 {self.rows_changed:,}行・変更なし {self.rows_unchanged:,}行"
        return line + (f"・削除 {self.rows_removed:,}行" if self.rows_removed else "")


class ChangeAction(models.TextChoices):
    ADDED = "added", "追加"
    CHANGED = "changed", "変更"
    UNCHANGED = "unchanged", "変更なし"
    REMOVED = "removed", "削除"


class ImportChange(models.Model):
    """One row touched by a batch, with its values before the batch (for rollback).

    Invariants: `before` is None for "added"; for "changed" and "removed" it
    holds every concrete field (attname → JSON value, pk included).
    `before_batch` is the batch that had written the row before (provenance
    tables only): a later batch that names this one there has built on it,
    so this one cannot be rolled back first.
    """

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="changes")
    model = models.CharField("対象表", max_length=100)  # app_label.ModelName
    object_pk = models.BigIntegerField("対象ID")
    action = models.CharField("内容", max_length=10, choices=ChangeAction.choices)
    line = models.PositiveIntegerField("取込行", null=True, blank=True)
    before = models.JSONField("変更前", null=True, blank=True)
    before_batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "取込による変更"
        verbose_name_plural = "取込による変更"
        ordering = ["batch", "id"]
        indexes = [
            models.Index(fields=["batch", "model", "action"], name="importchange_batch_model"),
            models.Index(fields=["model", "object_pk"], name="importchange_object"),
        ]

    def __str__(self) -> str:
        return f"#{self.batch_id} {self.model}:{self.object_pk} {self.action}"
