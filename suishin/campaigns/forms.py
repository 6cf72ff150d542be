"""Forms of the campaign pages. Validation of business rules stays in services."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from django import forms

from suishin.campaigns.models import Campaign


def courses_to_text(courses: list[dict[str, str]]) -> str:
    return "\n".join(f"{c['name']}：{c.get('products', '')}".rstrip("：") for c in courses)


def text_to_courses(text: str) -> list[dict[str, str]]:
    """One course a line: 'コース名：対象商品' (full- or half-width colon)."""
    out = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        parts = re.split(r"[:：]", line, maxsplit=1)
        out.append(
            {"name": parts[0].strip(), "products": parts[1].strip() if len(parts) > 1 else ""}
        )
    return out


class CampaignForm(forms.Form):
    code = forms.CharField(
        label="キャンペーンコード",
        max_length=40,
        help_text="半角英数字（例：APP2024）。抽選の入力にも使います。",
    )
    name = forms.CharField(label="キャンペーン名", max_length=200)
    starts_on = forms.DateField(label="開始日", widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label="終了日", widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(
        label="説明", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    courses = forms.CharField(
        label="コース・対象商品",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="1行に1コース。「コース名：対象商品」の形で入力します。",
    )
    result_item_codes = forms.CharField(
        label="実績項目コード",
        required=False,
        help_text="推進項目の項目コードを読点・カンマ・空白で区切って入力します（例：ZAIKEI_NEW, IDECO_NEW）。",
    )
    monthly_quota = forms.IntegerField(
        label="毎月の当選者数", required=False, min_value=1, max_value=1_000_000, help_text="抽選しないときは空欄。"
    )
    total_quota = forms.IntegerField(label="当選者数の合計", required=False, min_value=1, max_value=1_000_000)
    allow_repeat_winners = forms.BooleanField(label="同じ人の複数回当選を認める", required=False)
    retention_until = forms.DateField(
        label="個人情報の保存期限",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="この日を過ぎると応募者の氏名・連絡先を削除します。空欄なら終了日の1年後。",
    )
    conditions = forms.CharField(
        label="応募条件（JSON）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false", "class": "mono"}),
        help_text="書き方は利用者ガイド「キャンペーン・抽選」を参照。抽選しないキャンペーンは空欄。",
    )
    sort_order = forms.IntegerField(label="表示順", required=False, min_value=0, max_value=1_000_000, initial=0)

    @classmethod
    def initial_for(cls, campaign: Campaign) -> dict[str, Any]:
        return {
            "code": campaign.code,
            "name": campaign.name,
            "starts_on": campaign.starts_on,
            "ends_on": campaign.ends_on,
            "description": campaign.description,
            "courses": courses_to_text(campaign.courses),
            "result_item_codes": ", ".join(campaign.result_item_codes),
            "monthly_quota": campaign.monthly_quota,
            "total_quota": campaign.total_quota,
            "allow_repeat_winners": campaign.allow_repeat_winners,
            "retention_until": campaign.retention_until,
            "conditions": json.dumps(campaign.conditions, ensure_ascii=False, indent=2)
            if campaign.conditions
            else "",
            "sort_order": campaign.sort_order,
        }

    def clean_conditions(self) -> dict[str, Any] | None:
        text = (self.cleaned_data.get("conditions") or "").strip()
        if not text:
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                f"応募条件をJSONとして読めません（{exc.lineno}行目 {exc.colno}文字目）。"
            ) from None

    def clean_courses(self) -> list[dict[str, str]]:
        return text_to_courses(self.cleaned_data.get("courses") or "")

    def clean_result_item_codes(self) -> list[str]:
        return [
            c
            for c in re.split(r"[\s,、，]+", self.cleaned_data.get("result_item_codes") or "")
            if c
        ]

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["sort_order"] = data.get("sort_order") or 0
        return data


class ScopeForm(forms.Form):
    scope = forms.CharField(
        label="対象（全体・ブロック名・店番・会員コード）",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "全体"}),
    )


class CommitForm(forms.Form):
    seed = forms.CharField(
        label="シード（空欄なら自動で作成）",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text="16文字以上。保存されるのはSHA-256の値だけで、シードそのものは抽選まで保存されません。",
    )
    commitment = forms.CharField(
        label="コミットメント（シードを入力しない場合、SHA-256の16進数64文字）",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class DrawForm(forms.Form):
    seed = forms.CharField(
        label="シード",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text="コミットメントを登録したときのシード。SHA-256が一致しないと抽選できません。",
    )


STATUS_CHOICES = [("", "すべて"), ("eligible", "対象"), ("not", "対象外")]


class EntryFilterForm(forms.Form):
    month = forms.ChoiceField(label="年月", required=False)
    q = forms.CharField(label="応募者ID", required=False)
    status = forms.ChoiceField(label="判定", required=False, choices=STATUS_CHOICES)

    def __init__(self, *args: Any, months: list[dt.date], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [("", "すべて")] + [
            (f"{m:%Y-%m}", f"{m.year}年{m.month}月") for m in months
        ]
