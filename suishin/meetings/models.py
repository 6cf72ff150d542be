"""Meetings (会議), their agenda (議事次第), block training sessions
(ブロック別研修会), the schedule of future events (今後の日程) and the
half-year policy text (推進活動方針（案）).

All of this is council-wide public information: it has no branch or member,
and every signed-in role may read it (Perm.VIEW_MEETINGS). See apps.py for
why these models are not filtered through accounts.scoping.visible().

Invariants kept by services.py (never by save()):
- `fiscal_year` of a meeting, block session and schedule entry is the fiscal
  year of its date (core.fiscal.fiscal_year_of).
- `order` values of sections, items and policy nodes are 1..n without gaps
  among siblings, so "move up/down" swaps neighbours.
- Numbers printed in front of agenda items (I. II.) and policy items
  (1. (1) ① ア.) are computed from position (numbering.py), never stored.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from suishin.core import fiscal

DEFAULT_ORGANISER = "北海道労働金庫推進会議"
DEFAULT_ATTACHMENT_REF = "別添資料参照"


class Half(models.IntegerChoices):
    FIRST = 1, "上期"
    SECOND = 2, "下期"


class Meeting(models.Model):
    """A council meeting. (`review_year`, `half`) is the half-year whose
    推進活動総括 the meeting reports (`review_year` is the meeting's own fiscal
    year unless a meeting in spring reviews the previous year's 下期); the
    policy it deliberates is the one for the following half. Both are None
    for a meeting without a summary."""

    fiscal_year = models.PositiveIntegerField("年度", db_index=True)
    half = models.PositiveSmallIntegerField(
        "総括する期",
        choices=Half.choices,
        null=True,
        blank=True,
        help_text="この会議で報告する推進活動総括の期。協議する活動方針はその次の期になります。",
    )
    review_year = models.PositiveIntegerField(
        "総括する年度", null=True, blank=True, help_text="空欄なら会議の年度。"
    )
    name = models.CharField("会議名", max_length=100, help_text="例：第1回全道推進会議")
    starts_at = models.DateTimeField("開催日時")
    ends_at = models.DateTimeField("終了予定日時", null=True, blank=True)
    venue = models.CharField("会場", max_length=100, blank=True, help_text="例：札幌ガーデンパレス")
    room = models.CharField("部屋", max_length=100, blank=True, help_text="例：2階「丹頂」")
    address = models.CharField("所在地", max_length=200, blank=True)
    phone = models.CharField("電話番号", max_length=30, blank=True)
    organiser = models.CharField("主催", max_length=100, default=DEFAULT_ORGANISER)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "会議"
        verbose_name_plural = "会議"
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "name"], name="meeting_name_unique_per_year"
            ),
            models.CheckConstraint(
                name="meeting_ends_after_start",
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year}年度 {self.name}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("meetings:meeting_detail", args=[self.pk])

    @property
    def title(self) -> str:
        """'2024年度 第1回全道推進会議' as the cover prints it."""
        return f"{self.fiscal_year}年度 {self.name}"

    @property
    def local_start(self):
        """starts_at in Asia/Tokyo (templates format it with datetime_hour_ja)."""
        from django.utils import timezone

        return timezone.localtime(self.starts_at)

    @property
    def summary_period(self) -> tuple[int, int] | None:
        """(fiscal_year, half) of the 推進活動総括 this meeting reports."""
        if self.half is None:
            return None
        return (self.review_year or self.fiscal_year), self.half

    @property
    def policy_period(self) -> tuple[int, int] | None:
        """(fiscal_year, half) of the policy this meeting deliberates: the next half."""
        period = self.summary_period
        if period is None:
            return None
        year, half = period
        return (year, Half.SECOND) if half == Half.FIRST else (year + 1, Half.FIRST)


class SectionKind(models.TextChoices):
    OPENING = "opening", "開会"
    GREETING = "greeting", "挨拶"
    GUEST = "guest", "来賓挨拶"
    REPORT = "report", "報告事項"
    DELIBERATION = "deliberation", "協議事項"
    CLOSING = "closing", "閉会"
    OTHER = "other", "その他"


# Sections printed on one line with their presenter ("開　会　小倉副議長");
# the others print as "<報告事項>" with their items below.
INLINE_KINDS = frozenset({SectionKind.OPENING, SectionKind.GREETING, SectionKind.CLOSING})


class Numbering(models.TextChoices):
    ROMAN = "roman", "I. II. III."
    NONE = "none", "番号なし"


class AgendaSection(models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name="会議", on_delete=models.CASCADE, related_name="sections"
    )
    order = models.PositiveIntegerField("順序")
    kind = models.CharField("区分", max_length=20, choices=SectionKind.choices)
    heading = models.CharField(
        "見出し",
        max_length=100,
        blank=True,
        help_text="空欄なら区分名（例：報告事項）。例：全道推進会議挨拶",
    )
    org_label = models.CharField(
        "報告団体",
        max_length=100,
        blank=True,
        help_text="例：北海道労働金庫、全道推進会議（前の区分と同じなら省略して印刷）",
    )
    presenter_name = models.CharField(
        "担当者名", max_length=50, blank=True, help_text="開会・挨拶・閉会の担当。例：小倉"
    )
    presenter_role = models.CharField(
        "担当者役職", max_length=50, blank=True, help_text="例：副議長"
    )
    questions = models.BooleanField(
        "質疑あり", default=False, help_text="「～質疑～」を最後に印刷します。"
    )
    numbering = models.CharField(
        "項目番号", max_length=10, choices=Numbering.choices, default=Numbering.ROMAN
    )

    class Meta:
        verbose_name = "議事次第の区分"
        verbose_name_plural = "議事次第の区分"
        ordering = ["meeting", "order"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "order"], name="section_order_unique"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.heading or SectionKind(self.kind).label

    @property
    def inline(self) -> bool:
        return self.kind in INLINE_KINDS


class ItemKind(models.TextChoices):
    ATTACHMENT = "attachment", "別添資料（参照のみ）"
    TEXT = "text", "本文"
    SUMMARY = "summary", "推進活動総括"
    POLICY = "policy", "推進活動方針（案）"
    SCHEDULE = "schedule", "今後の日程"
    NONE = "none", "本文なし"


class AgendaItem(models.Model):
    section = models.ForeignKey(
        AgendaSection, verbose_name="区分", on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveIntegerField("順序")
    title = models.CharField("議題", max_length=200)
    presenter_name = models.CharField("報告者名", max_length=50, blank=True, help_text="例：石川")
    presenter_role = models.CharField(
        "報告者役職", max_length=50, blank=True, help_text="例：専務理事"
    )
    presenter_org = models.CharField(
        "報告者所属", max_length=100, blank=True, help_text="例：地域共生推進室"
    )
    kind = models.CharField(
        "本文", max_length=20, choices=ItemKind.choices, default=ItemKind.ATTACHMENT
    )
    attachment_ref = models.CharField(
        "別添資料の表記", max_length=100, blank=True, default=DEFAULT_ATTACHMENT_REF
    )
    body = models.TextField("本文（本文を選んだとき）", blank=True)

    class Meta:
        verbose_name = "議題"
        verbose_name_plural = "議題"
        ordering = ["section", "order"]
        constraints = [
            models.UniqueConstraint(fields=["section", "order"], name="agenda_item_order_unique"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def presenter(self) -> str:
        """'石川専務理事' (name + role, as the seed prints it)."""
        return f"{self.presenter_name}{self.presenter_role}"


class BlockSession(models.Model):
    """ブロック別研修会: one session of one block."""

    fiscal_year = models.PositiveIntegerField("年度", db_index=True)
    block = models.ForeignKey(
        "organisations.Block",
        verbose_name="対象ブロック",
        on_delete=models.PROTECT,
        related_name="training_sessions",
    )
    date = models.DateField("開催日")
    city = models.CharField("開催地", max_length=100)
    note = models.CharField("備考", max_length=200, blank=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "ブロック別研修会"
        verbose_name_plural = "ブロック別研修会"
        ordering = ["date", "block__sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["block", "date"], name="block_session_unique_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.block} {self.date:%Y-%m-%d} {self.city}"


class ScheduleEntry(models.Model):
    """An entry of 今後の日程 that is not a Meeting of this system (e.g. a
    federation event). Meetings appear in 今後の日程 by themselves."""

    fiscal_year = models.PositiveIntegerField("年度", db_index=True)
    starts_at = models.DateTimeField("開催日時")
    ends_at = models.DateTimeField("終了予定日時", null=True, blank=True)
    name = models.CharField("会議名", max_length=100)
    venue = models.CharField("開催場所", max_length=100, blank=True)
    note = models.CharField("備考", max_length=200, blank=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "日程"
        verbose_name_plural = "日程"
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="schedule_ends_after_start",
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d} {self.name}"


class Policy(models.Model):
    """下期推進活動方針（案） of one half-year: a title, an intro and a node tree."""

    fiscal_year = models.PositiveIntegerField("年度")
    half = models.PositiveSmallIntegerField("期", choices=Half.choices)
    title = models.CharField(
        "表題", max_length=200, blank=True, help_text="空欄なら「2024年度下期推進活動方針（案）」"
    )
    intro = models.TextField("前文", blank=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "推進活動方針"
        verbose_name_plural = "推進活動方針"
        ordering = ["-fiscal_year", "-half"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "half"], name="policy_one_per_half"),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return self.title or default_policy_title(self.fiscal_year, self.half)

    @property
    def period_label(self) -> str:
        return fiscal.label(self.fiscal_year, self.half)


def default_policy_title(fiscal_year: int, half: int) -> str:
    return f"{fiscal.label(fiscal_year, half)}推進活動方針（案）"


class NodeKind(models.TextChoices):
    HEADING = "heading", "見出し（<重点取組項目>）"
    ITEM = "item", "番号付き項目"
    PARAGRAPH = "paragraph", "段落"
    BOX = "box", "枠囲み"
    TABLE = "table", "表"


class ChildNumbering(models.TextChoices):
    """Override for the numbers of a box's items (the seed's i. ii. iii.)."""

    DEPTH = "", "階層どおり"
    ARABIC = "arabic", "1."
    PAREN = "paren", "(1)"
    CIRCLED = "circled", "①"
    KATAKANA = "katakana", "ア."
    ROMAN_LOWER = "roman_lower", "i."


class PolicyNode(models.Model):
    """One node of a policy's tree.

    An ITEM's number is its position among ITEM siblings since the last
    HEADING sibling; its style follows its depth (the count of ITEM ancestors
    + 1: "1." / "(1)" / "①" / "ア."), unless the nearest enclosing BOX sets
    `child_numbering`. A TABLE's text holds one row per line, cells split by
    tabs.
    """

    policy = models.ForeignKey(
        Policy, verbose_name="方針", on_delete=models.CASCADE, related_name="nodes"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="親",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    order = models.PositiveIntegerField("順序")
    kind = models.CharField("種類", max_length=20, choices=NodeKind.choices, default=NodeKind.ITEM)
    text = models.TextField("本文", blank=True)
    child_numbering = models.CharField(
        "枠内の番号",
        max_length=20,
        choices=ChildNumbering.choices,
        blank=True,
        default=ChildNumbering.DEPTH,
    )

    class Meta:
        verbose_name = "方針の項目"
        verbose_name_plural = "方針の項目"
        ordering = ["policy", "parent_id", "order"]

    def __str__(self) -> str:
        return self.text[:40]
