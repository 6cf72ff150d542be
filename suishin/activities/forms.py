"""Forms of the activities pages. They only parse input; the rules live in
rules.py and are applied by services.py (whose DomainError is shown next to
the field it names)."""

from __future__ import annotations

import unicodedata

from django import forms
from django.core.exceptions import ValidationError

from suishin.activities.models import Application, Purpose, State, Theme
from suishin.activities.services import LineInput
from suishin.core import fiscal

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class JapaneseIntegerField(forms.IntegerField):
    """Accepts '60,000', '６００００', '60,000円' or '30名' as typed in Japan."""

    def to_python(self, value):
        if isinstance(value, str):
            value = unicodedata.normalize("NFKC", value).replace(",", "").strip()
            for suffix in ("円", "名", "人", "件", "回"):
                value = value.removesuffix(suffix)
            value = value.strip()
        return super().to_python(value)


def yen_field(
    label: str, *, required: bool = True, min_value: int | None = 0
) -> JapaneseIntegerField:
    return JapaneseIntegerField(
        label=label,
        required=required,
        min_value=min_value,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={
            "invalid": "数字で入力してください（例: 60,000）。",
            "required": f"{label}を入力してください。",
        },
    )


def count_field(label: str, *, required: bool = True, min_value: int = 1) -> JapaneseIntegerField:
    return JapaneseIntegerField(
        label=label,
        required=required,
        min_value=min_value,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={
            "invalid": "数字で入力してください。",
            "required": f"{label}を入力してください。",
            "min_value": f"{label}は{min_value}以上で入力してください。",
        },
    )


class ApplicationForm(forms.Form):
    member = forms.ModelChoiceField(label="会員", queryset=None, empty_label="選択してください")
    session_date = forms.DateField(label="開催予定日", widget=DATE)
    theme = forms.ModelChoiceField(
        label="テーマ", queryset=Theme.objects.none(), empty_label="選択してください"
    )
    title = forms.CharField(label="学習会名", required=False, max_length=200)
    is_web = forms.BooleanField(
        label="WEB開催（オンライン）",
        required=False,
        help_text="WEB開催は開催日より前の申請・承認が必要です。",
    )
    sites = count_field("接続拠点数")
    planned_participants = count_field("予定参加者数")
    note = forms.CharField(label="備考", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["theme"].queryset = Theme.objects.filter(active=True)
        self.fields[
            "sites"
        ].help_text = "対面の場合は1。WEB開催は接続する拠点（労組・支部単位等）の数。"
        if members.count() == 1 and not self.is_bound:
            self.fields["member"].initial = members.first().pk


class LineForm(forms.Form):
    purpose = forms.ModelChoiceField(
        label="費目", queryset=Purpose.objects.none(), required=False, empty_label="—"
    )
    quantity = count_field("数量", required=False)
    unit_yen = yen_field("単価（円）", required=False)
    note = forms.CharField(label="内容", required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purpose"].queryset = Purpose.objects.filter(active=True)

    def clean(self):
        data = super().clean()
        filled = [data.get("purpose"), data.get("unit_yen") not in (None, ""), data.get("note")]
        if any(filled) and (not data.get("purpose") or data.get("unit_yen") in (None, "")):
            raise ValidationError("費目と単価の両方を入力してください。")
        return data


LineFormSet = forms.formset_factory(
    LineForm, extra=0, min_num=4, max_num=20, validate_max=True, absolute_max=20
)


def line_inputs(formset) -> list[LineInput]:
    """The filled rows of a valid line formset."""
    out = []
    for form in formset.forms:
        data = form.cleaned_data
        if data.get("purpose") and data.get("unit_yen") is not None:
            out.append(
                LineInput(
                    purpose=data["purpose"],
                    quantity=data.get("quantity") or 1,
                    unit_yen=data["unit_yen"],
                    note=data.get("note") or "",
                )
            )
    return out


def line_initial(application: Application | None) -> list[dict]:
    if application is None:
        return []
    return [
        {
            "purpose": line.purpose_id,
            "quantity": line.quantity,
            "unit_yen": line.unit_yen,
            "note": line.note,
        }
        for line in application.lines.all()
    ]


class ApproveForm(forms.Form):
    approved_yen = yen_field("承認額（円）", min_value=None)
    comment = forms.CharField(label="コメント", required=False, max_length=500)


class CommentForm(forms.Form):
    comment = forms.CharField(
        label="理由・コメント",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "理由をコメントに入力してください。"},
    )


class OptionalCommentForm(forms.Form):
    comment = forms.CharField(label="コメント", required=False, max_length=1000)


class HeldForm(forms.Form):
    held_on = forms.DateField(label="開催日", widget=DATE)
    actual_participants = count_field("実参加者数")
    receipts_total_yen = yen_field("領収書合計（円）")
    receipts_note = forms.CharField(
        label="領収書・実績の説明",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class SessionForm(forms.Form):
    member = forms.ModelChoiceField(label="会員", queryset=None, empty_label="選択してください")
    held_on = forms.DateField(label="開催日", widget=DATE)
    theme = forms.ModelChoiceField(
        label="テーマ", queryset=Theme.objects.none(), empty_label="選択してください"
    )
    title = forms.CharField(label="学習会名", required=False, max_length=200)
    participants = count_field("参加者数")
    is_web = forms.BooleanField(label="WEB開催（オンライン）", required=False)
    sites = count_field("接続拠点数")
    application = forms.ModelChoiceField(
        label="職域活動費の申請",
        queryset=Application.objects.none(),
        required=False,
        empty_label="なし",
        help_text="WEB開催の学習会は、開催日より前に承認された申請を選んでください。",
    )
    note = forms.CharField(label="備考", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, members, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["theme"].queryset = Theme.objects.filter(active=True)
        self.fields["application"].queryset = applications
        self.fields["application"].label_from_instance = lambda a: (
            f"{a.number} {a.member.code} {a.session_date:%Y-%m-%d} {a.theme.name}（{a.format_label}・{a.get_state_display()}）"
        )
        if members.count() == 1 and not self.is_bound:
            self.fields["member"].initial = members.first().pk


class SessionFilterForm(forms.Form):
    fiscal_year = forms.TypedChoiceField(label="年度", coerce=int, required=False, empty_value=None)
    month = forms.CharField(
        label="開催月", required=False, widget=forms.TextInput(attrs={"type": "month"})
    )
    theme = forms.ModelChoiceField(
        label="テーマ", queryset=Theme.objects.all(), required=False, empty_label="すべて"
    )
    q = forms.CharField(label="会員名・コード", required=False)
    fmt = forms.ChoiceField(
        label="形式", required=False, choices=[("", "すべて"), ("web", "WEB"), ("onsite", "対面")]
    )

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].choices = [("", "すべて")] + [(y, f"{y}年度") for y in years]

    def clean_month(self):
        value = unicodedata.normalize("NFKC", self.cleaned_data.get("month") or "").strip()
        if not value:
            return None
        try:
            year, month = (int(part) for part in value.replace("/", "-").split("-")[:2])
            import datetime as dt

            return dt.date(year, month, 1)
        except (ValueError, TypeError):
            raise ValidationError("開催月は 2024-09 の形で入力してください。") from None


class ApplicationFilterForm(forms.Form):
    fiscal_year = forms.TypedChoiceField(label="年度", coerce=int, required=False, empty_value=None)
    state = forms.ChoiceField(label="状態", required=False)
    q = forms.CharField(label="申請番号・会員", required=False)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].choices = [("", "すべて")] + [(y, f"{y}年度") for y in years]
        self.fields["state"].choices = [("", "すべて")] + list(State.choices)


class YearForm(forms.Form):
    fiscal_year = forms.TypedChoiceField(label="年度", coerce=int)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].choices = [(y, f"{y}年度") for y in years]


class SummaryForm(forms.Form):
    fiscal_year = forms.TypedChoiceField(label="年度", coerce=int)
    half = forms.TypedChoiceField(label="期", coerce=int, choices=[(1, "上期"), (2, "下期")])
    scope = forms.CharField(label="対象（全体・ブロック名・店番・会員コード）", required=False)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].choices = [(y, f"{y}年度") for y in years]


class YearSettingForm(forms.Form):
    fiscal_year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    budget_yen = yen_field("年度予算（円）")
    cap_per_person_yen = yen_field("1人当たり上限（円）", min_value=1)


class ThemeForm(forms.Form):
    name = forms.CharField(label="テーマ", max_length=100)
    sort_order = forms.IntegerField(label="表示順", min_value=0, max_value=1_000_000, initial=100)
    active = forms.BooleanField(label="有効", required=False, initial=True)


class PurposeForm(forms.Form):
    name = forms.CharField(label="費目", max_length=100)
    per_site = forms.BooleanField(
        label="接続拠点ごとの費用",
        required=False,
        help_text="数量が接続拠点数を超えないことを確認します。",
    )
    description = forms.CharField(label="説明", required=False, max_length=200)
    sort_order = forms.IntegerField(label="表示順", min_value=0, max_value=1_000_000, initial=100)
    active = forms.BooleanField(label="有効", required=False, initial=True)


def default_years(extra: list[int] | None = None) -> list[int]:
    """Years to offer in selectors: those with settings, data, and the current one, newest first."""
    from suishin.activities.models import YearSetting

    years = set(YearSetting.objects.values_list("fiscal_year", flat=True))
    years.add(fiscal.current_fiscal_year())
    years.update(extra or [])
    return sorted(years, reverse=True)
