from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from suishin.accounts.models import User
from suishin.api.models import TokenScope


class TokenForm(forms.Form):
    user = forms.ModelChoiceField(
        label="利用者",
        queryset=User.objects.filter(is_active=True).order_by("username"),
        empty_label="利用者を選んでください",
        help_text="トークンはこの利用者として動き、見える範囲も同じです。",
    )
    name = forms.CharField(
        label="名前", max_length=100, help_text="例: 本部システム連携（2025年度）"
    )
    scopes = forms.MultipleChoiceField(
        label="スコープ",
        choices=TokenScope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[TokenScope.READ],
    )
    expires_on = forms.DateField(
        label="有効期限（この日まで）",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="空欄なら無期限です。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].label_from_instance = lambda u: (
            f"{u.username}（{u.role_label}）{u.display_name}"
        )

    def expires_at(self) -> dt.datetime | None:
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        # Valid through the whole of that day, Japan time.
        return timezone.make_aware(dt.datetime.combine(day, dt.time.max))
