"""The organisation tree: 全道推進会議 → ブロック → 店・出張所 → 会員 → 職場推進委員会.

Codes are text: 店番 "007" stays "007". The tree changes between years;
figures keep the branch and block they had when they were recorded (see
kpis.Result), so moving a member does not rewrite history.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class Block(models.Model):
    name = models.CharField("ブロック名", max_length=50, unique=True)
    sort_order = models.PositiveIntegerField("表示順", default=0)
    active = models.BooleanField("有効", default=True)

    class Meta:
        verbose_name = "ブロック"
        verbose_name_plural = "ブロック"
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Branch(models.Model):
    code = models.CharField("店番", max_length=10, unique=True)
    name = models.CharField("店名", max_length=100)
    block = models.ForeignKey(Block, verbose_name="ブロック", on_delete=models.PROTECT, related_name="branches")
    sort_order = models.PositiveIntegerField("表示順", default=0)
    active = models.BooleanField("有効", default=True)

    class Meta:
        verbose_name = "店・出張所"
        verbose_name_plural = "店・出張所"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(name="branch_code_not_blank", condition=~Q(code="")),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class MemberQuerySet(models.QuerySet):
    def active(self) -> MemberQuerySet:
        """Members that still belong to the council."""
        return self.filter(active=True)

    def in_block(self, block_id: int) -> MemberQuerySet:
        return self.filter(branch__block_id=block_id)


class Member(models.Model):
    code = models.CharField("会員コード", max_length=20, unique=True)
    name = models.CharField("会員名", max_length=200)
    federation = models.CharField("産別", max_length=100, blank=True)
    branch = models.ForeignKey(Branch, verbose_name="店", on_delete=models.PROTECT, related_name="members")
    active = models.BooleanField("有効", default=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = "会員"
        verbose_name_plural = "会員"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(name="member_code_not_blank", condition=~Q(code="")),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class MemberHeadcount(models.Model):
    """組合員数 of a member for one fiscal year."""

    member = models.ForeignKey(Member, verbose_name="会員", on_delete=models.CASCADE, related_name="headcounts")
    fiscal_year = models.PositiveIntegerField("年度")
    headcount = models.PositiveIntegerField("組合員数")

    class Meta:
        verbose_name = "組合員数"
        verbose_name_plural = "組合員数"
        ordering = ["member__code", "-fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["member", "fiscal_year"], name="headcount_one_per_member_year"),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.fiscal_year}年度 {self.headcount}名"


class WorkplaceCommittee(models.Model):
    """職場推進委員会: a committee set up inside a member's workplace."""

    member = models.ForeignKey(Member, verbose_name="会員", on_delete=models.CASCADE, related_name="committees")
    name = models.CharField("委員会名", max_length=200)
    established_on = models.DateField("設置日", null=True, blank=True)
    dissolved_on = models.DateField("廃止日", null=True, blank=True)

    class Meta:
        verbose_name = "職場推進委員会"
        verbose_name_plural = "職場推進委員会"
        ordering = ["member__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["member", "name"], name="committee_name_unique_per_member"),
            models.CheckConstraint(
                name="committee_dissolved_after_established",
                condition=Q(dissolved_on__isnull=True)
                | Q(established_on__isnull=True)
                | Q(dissolved_on__gte=models.F("established_on")),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def active_on(self, day) -> bool:
        started = self.established_on is None or self.established_on <= day
        return started and (self.dissolved_on is None or self.dissolved_on > day)
