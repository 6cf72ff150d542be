"""Donations (寄付先), refinancing records (借換) and the yearly programme settings.

Money is integer yen (BigIntegerField); annual rates are integer millipercent
(15.0% = 15_000, see suishin.programmes.refinancing). Donation *rates* are not
here: they are `kpis.Item.donation_rate`, part of each fiscal year's catalog.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from suishin.programmes import refinancing as calc


class ProgrammeYearSetting(models.Model):
    """The rules of one fiscal year that are data, not code.

    `include_sumikitto_card_loans`: whether card-loan refinancing inside
    住きっと！500 counts towards 可処分所得向上額 in this year (from FY2024).
    `disposable_target_yen`: the council's annual target (10億円 in FY2024);
    used when the catalog has no explicit council target for DISPOSABLE.
    A year without a setting excludes those card loans and has no target.
    """

    fiscal_year = models.PositiveIntegerField("年度", unique=True)
    include_sumikitto_card_loans = models.BooleanField(
        "住きっと！500内カードローン借換を算入する", default=False
    )
    disposable_target_yen = models.BigIntegerField("可処分所得向上額の年間目標（円）", null=True, blank=True)
    note = models.TextField("備考", blank=True)

    class Meta:
        verbose_name = "年度別設定（可処分所得）"
        verbose_name_plural = "年度別設定（可処分所得）"
        ordering = ["-fiscal_year"]
        constraints = [
            models.CheckConstraint(
                name="programme_target_not_negative",
                condition=Q(disposable_target_yen__isnull=True) | Q(disposable_target_yen__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year}年度の設定"


class RecipientKind(models.TextChoices):
    WELFARE = "welfare", "社会福祉法人・社会福祉協議会"
    NPO = "npo", "NPO法人"
    COMMUNITY = "community", "地域団体"
    OTHER = "other", "その他"


class DonationRecipient(models.Model):
    """A recipient organisation (寄付先) that branch committees can choose."""

    name = models.CharField("寄付先名", max_length=200, unique=True)
    kind = models.CharField("種別", max_length=20, choices=RecipientKind.choices, default=RecipientKind.OTHER)
    address = models.CharField("所在地", max_length=300, blank=True)
    active = models.BooleanField("有効", default=True)

    class Meta:
        verbose_name = "寄付先"
        verbose_name_plural = "寄付先"
        ordering = ["name"]
        constraints = [models.CheckConstraint(name="recipient_name_not_blank", condition=~Q(name=""))]

    def __str__(self) -> str:
        return self.name


class RecipientChoice(models.Model):
    """A branch committee's choice of a recipient for one fiscal year.

    The committee's generated donation amount is split over its choices of the
    year in proportion to `weight` (largest-remainder rounding, exact sum).
    """

    fiscal_year = models.PositiveIntegerField("年度", db_index=True)
    branch = models.ForeignKey(
        "organisations.Branch", verbose_name="店推進委員会", on_delete=models.PROTECT, related_name="recipient_choices"
    )
    recipient = models.ForeignKey(
        DonationRecipient, verbose_name="寄付先", on_delete=models.PROTECT, related_name="choices"
    )
    weight = models.PositiveIntegerField("配分比率", default=1)

    class Meta:
        verbose_name = "寄付先の選定"
        verbose_name_plural = "寄付先の選定"
        ordering = ["fiscal_year", "branch__code", "recipient__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "branch", "recipient"], name="recipient_choice_unique_per_year"
            ),
            models.CheckConstraint(name="recipient_choice_weight_positive", condition=Q(weight__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year}年度 {self.branch} → {self.recipient}"


class LenderType(models.TextChoices):
    OTHER_BANK = "other_bank", "他行"
    CONSUMER_FINANCE = "consumer_finance", "消費者金融"
    SHINPAN = "shinpan", "信販"
    CARD_LOAN = "card_loan", "カードローン"
    SCHOLARSHIP = "scholarship", "奨学金"
    OTHER = "other", "その他"


class RefinancingQuerySet(models.QuerySet):
    def in_period(self, period) -> RefinancingQuerySet:
        """Records whose month lies in a suishin.core.fiscal.Period."""
        return self.filter(month__gte=period.first, month__lte=period.last)

    def counted(self) -> RefinancingQuerySet:
        """Records that count towards 可処分所得向上額 under their own fiscal year's rule:
        住きっと！500 card-loan refinancing only in years whose setting includes it."""
        included_years = ProgrammeYearSetting.objects.filter(include_sumikitto_card_loans=True).values(
            "fiscal_year"
        )
        return self.filter(Q(is_card_loan_in_sumikitto=False) | Q(fiscal_year__in=included_years))


class Refinancing(models.Model):
    """One refinancing (借換): a loan elsewhere moved to a bank product.

    Either the full old and new terms are known (and `computed_improvement_yen`
    is their improvement), or the bank supplied the improvement only, or both
    (then they agree within the bank tolerance, checked on entry).
    `improvement_yen` is the figure that counts: the bank's when supplied,
    else the computed one. It is set by the services, never typed.

    `branch`/`block` are snapshots of the member's branch at entry, like
    kpis.Result; a council-level bank row has no member, branch or block.
    """

    month = models.DateField("年月", db_index=True)  # first day of the month
    # The bank's reference, unique within a month: what a corrected file is
    # matched on. Files without one get "自動00001"… in file order per month;
    # the web form "手入力-…".
    reference = models.CharField("管理番号", max_length=40)
    fiscal_year = models.PositiveIntegerField("年度", db_index=True)
    member = models.ForeignKey(
        "organisations.Member", verbose_name="会員", null=True, blank=True, on_delete=models.PROTECT,
        related_name="refinancings",
    )
    branch = models.ForeignKey(
        "organisations.Branch", verbose_name="店", null=True, blank=True, on_delete=models.PROTECT,
        related_name="refinancings",
    )
    block = models.ForeignKey(
        "organisations.Block", verbose_name="ブロック", null=True, blank=True, on_delete=models.PROTECT,
        related_name="refinancings",
    )
    product = models.CharField("借換商品", max_length=100)
    previous_lender_type = models.CharField(
        "旧借入先種別", max_length=20, choices=LenderType.choices, default=LenderType.OTHER
    )
    previous_balance = models.BigIntegerField("旧残高（円）", null=True, blank=True)
    previous_rate_millipercent = models.IntegerField("旧金利（0.001%単位）", null=True, blank=True)
    previous_months = models.PositiveIntegerField("旧残存期間（月）", null=True, blank=True)
    new_rate_millipercent = models.IntegerField("新金利（0.001%単位）", null=True, blank=True)
    new_months = models.PositiveIntegerField("新期間（月）", null=True, blank=True)
    bank_improvement_yen = models.BigIntegerField("向上額（ろうきん提供・円）", null=True, blank=True)
    computed_improvement_yen = models.BigIntegerField("向上額（条件から計算・円）", null=True, blank=True)
    improvement_yen = models.BigIntegerField("可処分所得向上額（円）")
    is_card_loan_in_sumikitto = models.BooleanField("住きっと！500内のカードローン借換", default=False)
    import_batch = models.ForeignKey(
        "imports.ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="refinancings"
    )
    source_row = models.PositiveIntegerField("取込行", null=True, blank=True)
    created_at = models.DateTimeField("登録日時", auto_now_add=True)

    objects = RefinancingQuerySet.as_manager()

    class Meta:
        verbose_name = "借換実績"
        verbose_name_plural = "借換実績"
        ordering = ["month", "id"]
        constraints = [
            models.UniqueConstraint(fields=["month", "reference"], name="refinancing_reference_unique_per_month"),
            models.CheckConstraint(name="refinancing_month_is_first_day", condition=Q(month__day=1)),
            models.CheckConstraint(
                name="refinancing_terms_complete_or_bank_figure",
                condition=Q(bank_improvement_yen__isnull=False)
                | (
                    Q(previous_balance__isnull=False)
                    & Q(previous_rate_millipercent__isnull=False)
                    & Q(previous_months__isnull=False)
                    & Q(new_rate_millipercent__isnull=False)
                    & Q(new_months__isnull=False)
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["fiscal_year", "month"], name="refi_fy_month"),
            models.Index(fields=["branch", "month"], name="refi_branch_month"),
            models.Index(fields=["member", "month"], name="refi_member_month"),
            models.Index(fields=["block", "month"], name="refi_block_month"),
        ]

    def __str__(self) -> str:
        who = self.member.code if self.member_id and self.member else "全体"
        return f"{self.month:%Y-%m} {who} {self.product} {self.improvement_yen:,}円"

    @property
    def has_terms(self) -> bool:
        return None not in (
            self.previous_balance,
            self.previous_rate_millipercent,
            self.previous_months,
            self.new_rate_millipercent,
            self.new_months,
        )

    def old_terms(self) -> calc.LoanTerms | None:
        if not self.has_terms:
            return None
        return calc.LoanTerms(self.previous_balance, self.previous_rate_millipercent, self.previous_months)

    def new_terms(self) -> calc.LoanTerms | None:
        if not self.has_terms:
            return None
        return calc.LoanTerms(self.previous_balance, self.new_rate_millipercent, self.new_months)

    @property
    def previous_rate_display(self) -> str:
        return "－" if self.previous_rate_millipercent is None else calc.format_rate(self.previous_rate_millipercent)

    @property
    def new_rate_display(self) -> str:
        return "－" if self.new_rate_millipercent is None else calc.format_rate(self.new_rate_millipercent)


class LoanProgramme(models.Model):
    """A loan product shown on the 奨学金借換ローン等 page, by catalog item code.

    Figures come from the catalog item with this code (each fiscal year's
    catalog); the cumulative line appears when the item is cumulative
    (its `cumulative_since` is the programme start).
    """

    item_code = models.CharField("項目コード", max_length=40, unique=True)
    label = models.CharField("表示名", max_length=200)
    heading = models.CharField("見出し", max_length=200, blank=True)
    show_amount = models.BooleanField("金額を表示する", default=True)
    sort_order = models.PositiveIntegerField("表示順", default=0)
    active = models.BooleanField("有効", default=True)

    class Meta:
        verbose_name = "ローン商品（表示設定）"
        verbose_name_plural = "ローン商品（表示設定）"
        ordering = ["sort_order", "item_code"]

    def __str__(self) -> str:
        return self.label
