"""Forms of the meetings pages. They only parse input; the rules live in services.py."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from suishin.core import fiscal
from suishin.meetings.models import (
    DEFAULT_ORGANISER,
    AgendaItem,
    AgendaSection,
    Half,
    Meeting,
)
from suishin.organisations.models import Block

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
HALF_CHOICES = [("", "なし")] + [(str(v), label) for v, label in Half.choices]


def _combine(day: dt.date, time: dt.time | None) -> dt.datetime | None:
    if time is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, time))


class _WhenMixin:
    """date + start time (+ optional end time) → aware starts_at / ends_at (Asia/Tokyo)."""

    def when(self) -> dict[str, dt.datetime | None]:
        data = self.cleaned_data  # type: ignore[attr-defined]
        return {
            "starts_at": _combine(data["date"], data["start_time"]),
            "ends_at": _combine(data["date"], data.get("end_time")),
        }

    @staticmethod
    def initial_when(starts_at: dt.datetime | None, ends_at: dt.datetime | None) -> dict:
        if starts_at is None:
            return {}
        start = timezone.localtime(starts_at)
        out = {"date": start.date(), "start_time": start.time()}
        if ends_at:
            out["end_time"] = timezone.localtime(ends_at).time()
        return out


class MeetingForm(_WhenMixin, forms.Form):
    name = forms.CharField(label="会議名", max_length=100, help_text="例：第1回全道推進会議")
    date = forms.DateField(label="開催日", widget=DATE)
    start_time = forms.TimeField(label="開始時刻", widget=TIME)
    end_time = forms.TimeField(label="終了予定時刻", widget=TIME, required=False)
    half = forms.TypedChoiceField(
        label="総括する期",
        choices=HALF_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text="この会議で報告する推進活動総括の期。協議する活動方針（案）はその次の期です。",
    )
    review_year = forms.IntegerField(
        label="総括する年度",
        min_value=2000,
        max_value=2100,
        required=False,
        help_text="空欄なら会議の年度。春の会議で前年度の下期を総括するときだけ入力します。",
    )
    venue = forms.CharField(
        label="会場", max_length=100, required=False, help_text="例：札幌ガーデンパレス"
    )
    room = forms.CharField(
        label="部屋", max_length=100, required=False, help_text="例：2階「丹頂」"
    )
    address = forms.CharField(label="所在地", max_length=200, required=False)
    phone = forms.CharField(label="電話番号", max_length=30, required=False)
    organiser = forms.CharField(label="主催", max_length=100, initial=DEFAULT_ORGANISER)

    @classmethod
    def initial_for(cls, meeting: Meeting | None) -> dict:
        if meeting is None:
            return {"organiser": DEFAULT_ORGANISER}
        out = {
            f: getattr(meeting, f)
            for f in (
                "name",
                "half",
                "review_year",
                "venue",
                "room",
                "address",
                "phone",
                "organiser",
            )
        }
        out.update(cls.initial_when(meeting.starts_at, meeting.ends_at))
        return out

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        for key in ("date", "start_time", "end_time"):
            data.pop(key)
        data.update(self.when())
        return data


class SectionForm(forms.ModelForm):
    class Meta:
        model = AgendaSection
        fields = [
            "kind",
            "heading",
            "org_label",
            "presenter_name",
            "presenter_role",
            "questions",
            "numbering",
        ]


class ItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = [
            "title",
            "presenter_name",
            "presenter_role",
            "presenter_org",
            "kind",
            "attachment_ref",
            "body",
        ]
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}


class CopyAgendaForm(forms.Form):
    source = forms.ModelChoiceField(label="複写元の会議", queryset=Meeting.objects.none())

    def __init__(self, *args, target: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = (
            Meeting.objects.exclude(pk=target.pk)
            .filter(sections__isnull=False)
            .distinct()
            .order_by("-starts_at")
        )


class BlockSessionForm(forms.Form):
    block = forms.ModelChoiceField(label="対象ブロック", queryset=Block.objects.filter(active=True))
    date = forms.DateField(label="開催日", widget=DATE)
    city = forms.CharField(label="開催地", max_length=100, help_text="例：旭川市")
    note = forms.CharField(label="備考", max_length=200, required=False)


class ScheduleEntryForm(_WhenMixin, forms.Form):
    name = forms.CharField(label="会議名", max_length=100)
    date = forms.DateField(label="開催日", widget=DATE)
    start_time = forms.TimeField(label="開始時刻", widget=TIME)
    end_time = forms.TimeField(label="終了予定時刻", widget=TIME, required=False)
    venue = forms.CharField(label="開催場所", max_length=100, required=False)
    note = forms.CharField(label="備考", max_length=200, required=False)

    def service_kwargs(self) -> dict:
        data = {k: self.cleaned_data[k] for k in ("name", "venue", "note")}
        data.update(self.when())
        return data


class PolicyForm(forms.Form):
    fiscal_year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    half = forms.TypedChoiceField(
        label="期", choices=[(str(v), label) for v, label in Half.choices], coerce=int
    )
    title = forms.CharField(
        label="表題",
        max_length=200,
        required=False,
        help_text="空欄なら「2024年度下期推進活動方針（案）」のように自動で付けます。",
    )
    intro = forms.CharField(label="前文", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    outline = forms.CharField(
        label="本文（アウトライン）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 30, "class": "outline", "spellcheck": "false"}),
        help_text="1行が1項目です。字下げ（半角スペース2つ）で階層を表します。番号は自動で付きます。",
    )


class PolicyCopyForm(forms.Form):
    fiscal_year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    half = forms.TypedChoiceField(
        label="期", choices=[(str(v), label) for v, label in Half.choices], coerce=int
    )

    @classmethod
    def next_half(cls) -> dict:
        today = timezone.localdate()
        year, half = fiscal.fiscal_year_of(today), fiscal.half_of(today)
        return (
            {"fiscal_year": year, "half": 2} if half == 1 else {"fiscal_year": year + 1, "half": 1}
        )
