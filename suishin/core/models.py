"""The audit trail. Rows are only ever inserted (by suishin.core.audit)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    at = models.DateTimeField("日時", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作者",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text so the entry still says who it was after the user is gone.
    actor_label = models.CharField("操作者名", max_length=150, blank=True)
    action = models.CharField("操作", max_length=40, db_index=True)
    model = models.CharField("対象", max_length=100, db_index=True)
    object_pk = models.CharField("対象ID", max_length=64, blank=True, db_index=True)
    object_repr = models.CharField("対象名", max_length=200, blank=True)
    before = models.JSONField("変更前", null=True, blank=True)
    after = models.JSONField("変更後", null=True, blank=True)
    note = models.TextField("備考", blank=True)

    class Meta:
        verbose_name = "監査記録"
        verbose_name_plural = "監査記録"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.model}"
