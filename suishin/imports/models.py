"""Import batches: one row per file applied, the history of every import."""

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
        settings.AUTH_USER_MODEL, verbose_name="取込者", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField("取込日時", auto_now_add=True, db_index=True)
    status = models.CharField("状態", max_length=20, choices=BatchStatus.choices, default=BatchStatus.APPLIED)
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
        "self", verbose_name="差し替え元", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaced_by"
    )
    rolled_back_at = models.DateTimeField("取消日時", null=True, blank=True)
    rolled_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stored_file = models.CharField("保存ファイル", max_length=500, blank=True)
    summary = models.JSONField("概要", default=dict, blank=True)

    class Meta:
        verbose_name = "取込履歴"
        verbose_name_plural = "取込履歴"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display_ja()} {self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"

    def get_kind_display_ja(self) -> str:
        return self.kind
