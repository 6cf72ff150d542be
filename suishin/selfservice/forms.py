from __future__ import annotations

from django import forms

from suishin.selfservice.models import MovementKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MovementForm(forms.Form):
    kind = forms.ChoiceField(label="報告の種類", choices=MovementKind.choices)
    reported_on = forms.DateField(
        label="実施日",
        widget=DATE,
        error_messages={
            "required": "実施日を入力してください。",
            "invalid": "実施日は日付で入力してください（例：2024-06-15）。",
        },
    )
    note = forms.CharField(
        label="内容",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="大会名・機関紙の号・委員会名・学習会のテーマなど",
    )


class MovementFilterForm(forms.Form):
    fy = forms.TypedChoiceField(label="年度", coerce=int, required=False)
    kind = forms.ChoiceField(label="報告の種類", required=False)
    member = forms.CharField(label="会員コード", required=False, max_length=20)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fy"].choices = [(y, f"{y}年度") for y in years]
        self.fields["kind"].choices = [
            ("", "すべて"),
            *MovementKind.choices,
            ("publish", "議案書・機関紙（いずれか）"),
        ]
