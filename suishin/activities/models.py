"""Study sessions (学習会) and activity-expense applications (職域活動費の申請).

Money is integer yen (BigIntegerField), counts are integers; nothing here is
a float. The rules that decide whether a change is allowed live in
`suishin.activities.rules` (pure functions) and are applied by
`suishin.activities.services` (the only writer); the constraints below are
the database's last line of defence for the same invariants.

Invariants (also CheckConstraints):
- requested_yen = Σ line amounts, and a line's amount = quantity × unit price;
- approved_yen ≤ requested_yen; paid_yen ≤ approved_yen;
- an application in approved/held/paid has approved_yen and approved_at,
  one in held/paid has held_on and actual_participants, one in paid has paid_yen;
- a study session belongs to at most one application and vice versa.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Sum, When


class Theme(models.Model):
    """学習会のテーマ. Seeded with the six of the seed; the secretariat adds more."""

    name = models.CharField("テーマ", max_length=100, unique=True)
    active = models.BooleanField("有効", default=True)
    sort_order = models.PositiveIntegerField("表示順", default=0)

    class Meta:
        verbose_name = "学習会テーマ"
        verbose_name_plural = "学習会テーマ"
        ordering = ["sort_order", "name"]
        constraints = [models.CheckConstraint(name="theme_name_not_blank", condition=~Q(name=""))]

    def __str__(self) -> str:
        return self.name


class Purpose(models.Model):
    """An eligible use of activity expenses (費目), e.g. 会場・設備 per connection site.

    `per_site`: the amount is granted per connection site (接続拠点), so a line's
    quantity may not exceed the application's number of sites.
    """

    name = models.CharField("費目", max_length=100, unique=True)
    per_site = models.BooleanField("接続拠点ごと", default=False)
    description = models.CharField("説明", max_length=200, blank=True)
    active = models.BooleanField("有効", default=True)
    sort_order = models.PositiveIntegerField("表示順", default=0)

    class Meta:
        verbose_name = "職域活動費の費目"
        verbose_name_plural = "職域活動費の費目"
        ordering = ["sort_order", "name"]
        constraints = [models.CheckConstraint(name="purpose_name_not_blank", condition=~Q(name=""))]

    def __str__(self) -> str:
        return self.name


class YearSetting(models.Model):
    """The yearly budget (年度予算) and the per-person cap (1人当たり活用上限).

    The row is also the lock that serialises approvals of its fiscal year
    (services.approve takes it with select_for_update).
    """

    fiscal_year = models.PositiveIntegerField("年度", unique=True)
    budget_yen = models.BigIntegerField("年度予算（円）")
    cap_per_person_yen = models.PositiveIntegerField("1人当たり上限（円）")
    # Application numbers are "<年度>-<連番>"; the counter lives on the locked row.
    last_number = models.PositiveIntegerField("最終申請番号", default=0)

    class Meta:
        verbose_name = "職域活動費の年度設定"
        verbose_name_plural = "職域活動費の年度設定"
        ordering = ["-fiscal_year"]
        constraints = [
            models.CheckConstraint(
                name="yearsetting_budget_not_negative", condition=Q(budget_yen__gte=0)
            ),
            models.CheckConstraint(
                name="yearsetting_cap_positive", condition=Q(cap_per_person_yen__gt=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year}年度"


class State(models.TextChoices):
    DRAFT = "draft", "下書き"
    SUBMITTED = "submitted", "申請中"
    RETURNED = "returned", "差戻し"
    APPROVED = "approved", "承認済み"
    HELD = "held", "開催報告済み"
    PAID = "paid", "支払済み"
    WITHDRAWN = "withdrawn", "取下げ"


# States whose approved (or paid) amount counts against the year's budget.
COMMITTED_STATES = (State.APPROVED, State.HELD, State.PAID)


class ApplicationQuerySet(models.QuerySet):
    def committed(self) -> ApplicationQuerySet:
        """Applications that hold part of their year's budget."""
        return self.filter(state__in=COMMITTED_STATES)

    def committed_total(self) -> int:
        """Σ of what the applications hold: the approved amount until paid, then
        the paid amount (the unused rest returns to the budget)."""
        value = self.committed().aggregate(
            total=Sum(
                Case(
                    When(state=State.PAID, then=F("paid_yen")),
                    default=F("approved_yen"),
                    output_field=models.BigIntegerField(),
                )
            )
        )["total"]
        return int(value or 0)

    def held_between(self, start, end) -> ApplicationQuerySet:
        return self.filter(held_on__gte=start, held_on__lte=end)


class Application(models.Model):
    """One activity-expense application for one study session of one member."""

    number = models.CharField("申請番号", max_length=20, unique=True)
    fiscal_year = models.PositiveIntegerField("年度", db_index=True)
    member = models.ForeignKey(
        "organisations.Member",
        verbose_name="会員",
        on_delete=models.PROTECT,
        related_name="activity_applications",
    )
    state = models.CharField(
        "状態", max_length=12, choices=State.choices, default=State.DRAFT, db_index=True
    )
    session_date = models.DateField("開催予定日")
    theme = models.ForeignKey(
        Theme, verbose_name="テーマ", on_delete=models.PROTECT, related_name="applications"
    )
    title = models.CharField("学習会名", max_length=200, blank=True)
    is_web = models.BooleanField("WEB開催", default=False)
    sites = models.PositiveIntegerField("接続拠点数", default=1)
    planned_participants = models.PositiveIntegerField("予定参加者数")
    requested_yen = models.BigIntegerField("申請額（円）", default=0)
    approved_yen = models.BigIntegerField("承認額（円）", null=True, blank=True)
    approved_at = models.DateTimeField("承認日時", null=True, blank=True)
    held_on = models.DateField("開催日", null=True, blank=True, db_index=True)
    actual_participants = models.PositiveIntegerField("実参加者数", null=True, blank=True)
    receipts_total_yen = models.BigIntegerField("領収書合計（円）", null=True, blank=True)
    receipts_note = models.TextField("領収書・実績の説明", blank=True)
    paid_yen = models.BigIntegerField("支払額（円）", null=True, blank=True)
    paid_at = models.DateTimeField("支払日時", null=True, blank=True)
    note = models.TextField("備考", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="作成者",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("作成日時")
    updated_at = models.DateTimeField("更新日時")

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = "職域活動費の申請"
        verbose_name_plural = "職域活動費の申請"
        ordering = ["-session_date", "-id"]
        constraints = [
            models.CheckConstraint(name="application_sites_positive", condition=Q(sites__gte=1)),
            models.CheckConstraint(
                name="application_planned_positive", condition=Q(planned_participants__gte=1)
            ),
            models.CheckConstraint(
                name="application_requested_not_negative", condition=Q(requested_yen__gte=0)
            ),
            models.CheckConstraint(
                name="application_approved_within_requested",
                condition=Q(approved_yen__isnull=True)
                | (Q(approved_yen__gte=0) & Q(approved_yen__lte=F("requested_yen"))),
            ),
            models.CheckConstraint(
                name="application_paid_within_approved",
                condition=Q(paid_yen__isnull=True)
                | (Q(paid_yen__gte=0) & Q(paid_yen__lte=F("approved_yen"))),
            ),
            models.CheckConstraint(
                name="application_committed_has_approval",
                condition=~Q(state__in=list(COMMITTED_STATES))
                | (Q(approved_yen__isnull=False) & Q(approved_at__isnull=False)),
            ),
            models.CheckConstraint(
                name="application_held_has_report",
                condition=~Q(state__in=[State.HELD, State.PAID])
                | (Q(held_on__isnull=False) & Q(actual_participants__isnull=False)),
            ),
            models.CheckConstraint(
                name="application_paid_has_amount",
                condition=~Q(state=State.PAID)
                | (Q(paid_yen__isnull=False) & Q(paid_at__isnull=False)),
            ),
        ]
        indexes = [models.Index(fields=["fiscal_year", "state"], name="application_fy_state")]

    def __str__(self) -> str:
        return f"{self.number} {self.title or self.theme}"

    @property
    def committed_yen(self) -> int:
        if self.state == State.PAID:
            return self.paid_yen or 0
        if self.state in COMMITTED_STATES:
            return self.approved_yen or 0
        return 0

    @property
    def format_label(self) -> str:
        return "WEB" if self.is_web else "対面"


class ApplicationLine(models.Model):
    """A purpose line of an application: quantity × unit price = amount."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="lines")
    purpose = models.ForeignKey(
        Purpose, verbose_name="費目", on_delete=models.PROTECT, related_name="lines"
    )
    quantity = models.PositiveIntegerField("数量", default=1)
    unit_yen = models.BigIntegerField("単価（円）")
    amount_yen = models.BigIntegerField("金額（円）")
    note = models.CharField("内容", max_length=200, blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "申請内訳"
        verbose_name_plural = "申請内訳"
        ordering = ["application", "sort_order", "id"]
        constraints = [
            models.CheckConstraint(name="line_quantity_positive", condition=Q(quantity__gte=1)),
            models.CheckConstraint(name="line_unit_not_negative", condition=Q(unit_yen__gte=0)),
            models.CheckConstraint(
                name="line_amount_is_product", condition=Q(amount_yen=F("quantity") * F("unit_yen"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.amount_yen}円"


class Transition(models.Model):
    """One step of an application's history: who moved it from which state to which, when, why."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="transitions"
    )
    from_state = models.CharField("変更前", max_length=12, choices=State.choices, blank=True)
    to_state = models.CharField("変更後", max_length=12, choices=State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作者",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField("操作者名", max_length=150, blank=True)
    at = models.DateTimeField("日時")
    comment = models.TextField("コメント", blank=True)

    class Meta:
        verbose_name = "申請の履歴"
        verbose_name_plural = "申請の履歴"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.application.number} {self.from_state}→{self.to_state}"


class StudySessionQuerySet(models.QuerySet):
    def between(self, start, end) -> StudySessionQuerySet:
        """Sessions held from `start` to `end` inclusive (dates)."""
        return self.filter(held_on__gte=start, held_on__lte=end)


class StudySession(models.Model):
    """A study session (学習会) a member held: the source of the summary's session counts."""

    held_on = models.DateField("開催日", db_index=True)
    member = models.ForeignKey(
        "organisations.Member",
        verbose_name="会員",
        on_delete=models.PROTECT,
        related_name="study_sessions",
    )
    theme = models.ForeignKey(
        Theme, verbose_name="テーマ", on_delete=models.PROTECT, related_name="sessions"
    )
    title = models.CharField("学習会名", max_length=200, blank=True)
    participants = models.PositiveIntegerField("参加者数")
    is_web = models.BooleanField("WEB開催", default=False)
    sites = models.PositiveIntegerField("接続拠点数", default=1)
    application = models.OneToOneField(
        Application,
        verbose_name="職域活動費の申請",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="session",
    )
    note = models.TextField("備考", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登録者",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("登録日時", auto_now_add=True)
    import_batch = models.ForeignKey(
        "imports.ImportBatch",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="study_sessions",
    )
    source_row = models.PositiveIntegerField("取込行", null=True, blank=True)

    objects = StudySessionQuerySet.as_manager()

    class Meta:
        verbose_name = "学習会"
        verbose_name_plural = "学習会"
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(name="session_sites_positive", condition=Q(sites__gte=1)),
            # The natural key (imports match rows on it; it also catches a session entered twice).
            models.UniqueConstraint(
                fields=["member", "held_on", "theme", "title"],
                name="session_unique_member_day_theme_title",
            ),
        ]
        indexes = [models.Index(fields=["member", "held_on"], name="session_member_date")]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.member.code} {self.theme}"

    @property
    def format_label(self) -> str:
        return "WEB" if self.is_web else "対面"
