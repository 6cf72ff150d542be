"""A member union's movement reports (会員自主目標推進運動).

A member officer reports what the union did for the ろうきん movement in a
fiscal year: the policy in the convention agenda (大会議案書への方針化), products
in the union newsletter (機関紙掲載), a workplace committee set up
(職場推進委員会設置), or something else. The council's counts ("103 members
put the policy in their agenda") are the number of distinct members with a
report of that kind dated in the period (see `selfservice.providers`).

Invariant: `fiscal_year` is the fiscal year of `reported_on` (the service sets it).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class MovementKind(models.TextChoices):
    POLICY = "policy", "大会議案書への方針化"
    NEWSLETTER = "newsletter", "機関紙掲載"
    COMMITTEE = "committee", "職場推進委員会設置"
    OTHER = "other", "その他の活動"


class MovementReport(models.Model):
    member = models.ForeignKey(
        "organisations.Member",
        verbose_name="会員",
        on_delete=models.PROTECT,
        related_name="movement_reports",
    )
    fiscal_year = models.PositiveIntegerField("年度", db_index=True)
    kind = models.CharField("報告の種類", max_length=20, choices=MovementKind.choices)
    reported_on = models.DateField("実施日")
    note = models.TextField("内容", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登録者",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    class Meta:
        verbose_name = "運動報告"
        verbose_name_plural = "運動報告"
        ordering = ["-reported_on", "-id"]
        indexes = [
            models.Index(fields=["kind", "reported_on", "member"], name="movement_kind_day_member")
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.get_kind_display()} {self.reported_on:%Y-%m-%d}"
