"""Campaigns (キャンペーン), their entries, entrants' personal data and prize draws (抽選).

- A Campaign has a period, courses/target products, result item codes (figures
  come from kpis.Result by item code), eligibility conditions as data
  (see eligibility.py) and, when it draws prizes, a monthly and a total quota.
- An Entry is one entrant's facts for one month, as the bank's file gives them;
  only the facts the conditions mention are stored. The entrant id is the
  bank's, not a person's name.
- EntrantPersonalData (name, contact) is kept apart so that only the
  secretariat ever reads it, and the purge command can delete it after the
  campaign's retention date without touching entries or draws.
- A Draw is one month's draw: first the commitment (SHA-256 of a secret seed),
  then the revealed seed, the eligible list and the winners. A drawn Draw is
  never changed; `lottery verify` re-runs it from these stored inputs.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from suishin.core.fiscal import Period, month_start


class Campaign(models.Model):
    code = models.SlugField("キャンペーンコード", max_length=40, unique=True)
    name = models.CharField("キャンペーン名", max_length=200)
    starts_on = models.DateField("開始日")
    ends_on = models.DateField("終了日")
    description = models.TextField("説明", blank=True)
    # [{"name": "ためるコース", "products": "「財形貯蓄」の新規契約または増額契約"}, ...]
    courses = models.JSONField("コース・対象商品", default=list, blank=True)
    # Catalog item codes whose results make up the campaign's results (matched
    # by code in every fiscal year's catalog), e.g. ["SUMMER_DEPOSIT"].
    result_item_codes = models.JSONField("実績項目コード", default=list, blank=True)
    conditions = models.JSONField("応募条件", default=dict, blank=True)
    monthly_quota = models.PositiveIntegerField("毎月の当選者数", null=True, blank=True)
    total_quota = models.PositiveIntegerField("当選者数の合計", null=True, blank=True)
    allow_repeat_winners = models.BooleanField("同じ人の複数回当選を認める", default=False)
    retention_until = models.DateField("個人情報の保存期限", null=True, blank=True)
    sort_order = models.PositiveIntegerField("表示順", default=0)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "キャンペーン"
        verbose_name_plural = "キャンペーン"
        ordering = ["-starts_on", "sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                name="campaign_period_ordered", condition=Q(ends_on__gte=models.F("starts_on"))
            ),
            models.CheckConstraint(name="campaign_code_not_blank", condition=~Q(code="")),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def period(self) -> Period:
        """The whole months the campaign touches (results are monthly)."""
        return Period(month_start(self.starts_on), month_start(self.ends_on))

    def months(self) -> list[dt.date]:
        return self.period.months()

    @property
    def draws_prizes(self) -> bool:
        return bool(self.monthly_quota)

    def month_in_campaign(self, month: dt.date) -> bool:
        return self.period.first <= month <= self.period.last


class Entry(models.Model):
    """One entrant's facts for one month of a campaign (from the bank's file)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="キャンペーン", on_delete=models.CASCADE, related_name="entries"
    )
    entrant_id = models.CharField("応募者ID", max_length=64)
    month = models.DateField("年月")  # first day of the month
    facts = models.JSONField("判定項目", default=dict, blank=True)
    import_batch = models.ForeignKey(
        "imports.ImportBatch",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="campaign_entries",
    )
    source_row = models.PositiveIntegerField("取込行", null=True, blank=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "エントリー"
        verbose_name_plural = "エントリー"
        ordering = ["campaign", "month", "entrant_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "entrant_id", "month"], name="entry_unique_per_month"
            ),
            models.CheckConstraint(name="entry_month_is_first_day", condition=Q(month__day=1)),
        ]
        indexes = [models.Index(fields=["campaign", "month"], name="entry_campaign_month")]

    def __str__(self) -> str:
        return f"{self.campaign.code} {self.month:%Y-%m} {self.entrant_id}"


class EntrantPersonalData(models.Model):
    """Name and contact of an entrant. Secretariat only; purged after retention_until."""

    campaign = models.ForeignKey(
        Campaign,
        verbose_name="キャンペーン",
        on_delete=models.CASCADE,
        related_name="personal_data",
    )
    entrant_id = models.CharField("応募者ID", max_length=64)
    name = models.CharField("氏名", max_length=200, blank=True)
    contact = models.CharField("連絡先", max_length=300, blank=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "応募者の個人情報"
        verbose_name_plural = "応募者の個人情報"
        ordering = ["campaign", "entrant_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "entrant_id"], name="personal_data_unique_per_entrant"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.code} {self.entrant_id}"


class DrawStatus(models.TextChoices):
    COMMITTED = "committed", "コミットメント登録済み"
    DRAWN = "drawn", "抽選済み"


class Draw(models.Model):
    """One month's draw of a campaign, from commitment to winners.

    Invariants: `commitment` is set before the draw and never changes;
    a DRAWN row has `seed` with sha256(seed) == commitment, `eligible_ids`
    sorted and unique, `eligible_digest` = lottery.list_digest(eligible_ids),
    and winners (DrawWinner) = lottery.draw(...) of those inputs.
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name="キャンペーン", on_delete=models.PROTECT, related_name="draws"
    )
    month = models.DateField("抽選月")
    status = models.CharField(
        "状態", max_length=20, choices=DrawStatus.choices, default=DrawStatus.COMMITTED
    )
    commitment = models.CharField("コミットメント（SHA-256）", max_length=64)
    committed_at = models.DateTimeField("コミットメント登録日時")
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    committed_by_label = models.CharField("コミットメント登録者", max_length=150, blank=True)
    entries_at_commit = models.PositiveIntegerField("登録時のエントリー数", default=0)
    seed = models.TextField("シード", blank=True)
    algorithm = models.CharField("アルゴリズム", max_length=40, blank=True)
    quota = models.PositiveIntegerField("当選枠", default=0)
    eligible_ids = models.JSONField("抽選対象者（応募者ID）", default=list, blank=True)
    eligible_digest = models.CharField("抽選対象者のSHA-256", max_length=64, blank=True)
    excluded_ids = models.JSONField("除外した過去の当選者", default=list, blank=True)
    shortfall = models.PositiveIntegerField("不足数", default=0)
    drawn_at = models.DateTimeField("抽選日時", null=True, blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    drawn_by_label = models.CharField("抽選者", max_length=150, blank=True)
    last_verified_at = models.DateTimeField("最終検証日時", null=True, blank=True)
    last_verified_ok = models.BooleanField("最終検証結果", null=True, blank=True)

    class Meta:
        verbose_name = "抽選"
        verbose_name_plural = "抽選"
        ordering = ["campaign", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "month"], name="draw_unique_per_campaign_month"
            ),
            models.CheckConstraint(name="draw_month_is_first_day", condition=Q(month__day=1)),
            models.CheckConstraint(
                name="draw_drawn_has_seed",
                condition=~Q(status="drawn") | (~Q(seed="") & Q(drawn_at__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.name} {self.month.year}年{self.month.month}月 抽選"

    @property
    def is_drawn(self) -> bool:
        return self.status == DrawStatus.DRAWN

    @property
    def month_key(self) -> str:
        return f"{self.month:%Y-%m}"


class DrawWinner(models.Model):
    draw = models.ForeignKey(
        Draw, verbose_name="抽選", on_delete=models.CASCADE, related_name="winners"
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name="キャンペーン", on_delete=models.PROTECT, related_name="+"
    )
    rank = models.PositiveIntegerField("順位")
    entrant_id = models.CharField("応募者ID", max_length=64)
    tier_key = models.CharField("賞", max_length=40, blank=True)
    tier_label = models.CharField("条件", max_length=100, blank=True)
    prize = models.CharField("賞品", max_length=200, blank=True)
    prize_yen = models.PositiveIntegerField("賞品の金額（円）", default=0)

    class Meta:
        verbose_name = "当選者"
        verbose_name_plural = "当選者"
        ordering = ["draw", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "rank"], name="winner_unique_rank"),
            models.UniqueConstraint(fields=["draw", "entrant_id"], name="winner_unique_per_draw"),
        ]
        indexes = [models.Index(fields=["campaign", "entrant_id"], name="winner_campaign_entrant")]

    def __str__(self) -> str:
        return f"{self.draw} {self.rank}位 {self.entrant_id}"
