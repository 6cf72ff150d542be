"""The audit trail. Rows are only ever inserted (by suishin.core.audit)."""

from __future__ import annotations

import uuid

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


class JobStatus(models.TextChoices):
    QUEUED = "queued", "待機中"
    RUNNING = "running", "実行中"
    SUCCEEDED = "succeeded", "完了"
    REJECTED = "rejected", "差し戻し"
    FAILED = "failed", "失敗"


FINISHED_STATUSES = (JobStatus.SUCCEEDED, JobStatus.REJECTED, JobStatus.FAILED)


class Job(models.Model):
    """A piece of long work (an import, a report build) run by the task
    framework. The row holds the request and the final state; live progress
    while it runs is kept in the cache (suishin.core.jobs)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField("種類", max_length=40, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="依頼者",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
    )
    status = models.CharField(
        "状態", max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True
    )
    progress_done = models.PositiveBigIntegerField("進捗", default=0)
    progress_total = models.PositiveBigIntegerField("全体量", default=0)
    message = models.CharField("状況", max_length=300, blank=True)
    params = models.JSONField("条件", default=dict, blank=True)
    result = models.JSONField("結果", default=dict, blank=True)
    result_file = models.CharField("結果ファイル", max_length=300, blank=True)
    idempotency_key = models.CharField("冪等キー", max_length=100, blank=True)
    task_id = models.CharField("タスクID", max_length=64, blank=True)
    created_at = models.DateTimeField("依頼日時", auto_now_add=True, db_index=True)
    started_at = models.DateTimeField("開始日時", null=True, blank=True)
    finished_at = models.DateTimeField("終了日時", null=True, blank=True)

    class Meta:
        verbose_name = "ジョブ"
        verbose_name_plural = "ジョブ"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="core_job_unique_idempotency_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} {self.get_status_display()}"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED_STATUSES


class DataVersion(models.Model):
    """One row: the version of the business data, bumped in the same
    transaction as every audited write (`suishin.core.dataversion`). A reader
    sees the version that goes with the data it sees, so caches of pure
    functions of the database (the council's figures) key on it."""

    n = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "データ版"
        verbose_name_plural = "データ版"

    def __str__(self) -> str:
        return f"データ版 {self.n}"
