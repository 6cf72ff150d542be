from __future__ import annotations

from django import forms

from suishin.kpis import providers
from suishin.kpis.models import Aggregation, Item, TargetKind

UNITS = ["件", "回", "名", "会員", "団体", "円"]


class YearForm(forms.Form):
    fy = forms.IntegerField(label="年度", min_value=2000, max_value=2100, required=False)


class ItemForm(forms.Form):
    code = forms.CharField(label="項目コード", max_length=40, help_text="半角英数字と「_」「-」。年度をまたいで同じ項目には同じコードを使います（前年同期比・累計の照合に使います）。")
    name = forms.CharField(label="項目名", max_length=200)
    group = forms.CharField(label="区分", max_length=100, required=False, help_text="報告書では区分ごとに表を作ります。")
    unit = forms.CharField(label="単位", max_length=10, initial="件", help_text="件・回・名・会員・団体・円 など。「円」の項目は金額で達成率を計算します。")
    aggregation = forms.ChoiceField(label="集計方法", choices=Aggregation.choices, initial=Aggregation.SUM)
    cumulative_since = forms.DateField(
        label="累計起算日", required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="集計方法が「累計」のときに入力します（例 2017年10月1日）。"
    )
    donation_rate = forms.IntegerField(label="寄付単価（円）", required=False, min_value=0, max_value=1_000_000)
    parent = forms.ModelChoiceField(label="合計先", queryset=Item.objects.none(), required=False, empty_label="なし")
    sort_order = forms.IntegerField(label="表示順", min_value=0, max_value=1_000_000, initial=0)
    source = forms.ChoiceField(label="集計元", required=False, help_text="取込実績ではなく他の記録から計算する項目のとき選びます。")
    source_arg = forms.CharField(label="集計元の条件", required=False, max_length=40, help_text="例：学習会のテーマ「生活防衛」。集計元「…:条件」として保存します。")
    description = forms.CharField(label="説明", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, fiscal_year: int, item: Item | None = None, **kwargs):
        if item is not None and "initial" not in kwargs:
            key, arg = providers.split(item.source)
            kwargs["initial"] = {
                "code": item.code,
                "name": item.name,
                "group": item.group,
                "unit": item.unit,
                "aggregation": item.aggregation,
                "cumulative_since": item.cumulative_since,
                "donation_rate": item.donation_rate,
                "parent": item.parent_id,
                "sort_order": item.sort_order,
                "source": key,
                "source_arg": arg,
                "description": item.description,
            }
        super().__init__(*args, **kwargs)
        parents = Item.objects.filter(fiscal_year=fiscal_year, source="")
        if item is not None:
            parents = parents.exclude(pk=item.pk)
        self.fields["parent"].queryset = parents.order_by("sort_order", "code")
        choices = providers.choices()
        current = providers.split(item.source)[0] if item is not None else ""
        if current and current not in dict(choices):
            choices.append((current, f"{current}（未登録）"))
        self.fields["source"].choices = choices
        self.fields["unit"].widget.attrs["list"] = "unit-choices"

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        arg = data.pop("source_arg", "").strip()
        data["source"] = f"{data['source']}:{arg}" if data.get("source") and arg else data.get("source", "")
        data["sort_order"] = data.get("sort_order") or 0
        return data


class CopyCatalogForm(forms.Form):
    from_year = forms.IntegerField(label="コピー元の年度", min_value=2000, max_value=2100)
    to_year = forms.IntegerField(label="コピー先の年度", min_value=2000, max_value=2100)


class TargetFilterForm(forms.Form):
    fy = forms.IntegerField(label="年度", min_value=2000, max_value=2100, required=False)
    item = forms.CharField(label="項目コード", required=False)
    scope = forms.CharField(label="対象（全体・ブロック名・店番・会員コード）", required=False)
    kind = forms.ChoiceField(label="種別", choices=[("", "すべて"), *TargetKind.choices], required=False)


class TargetForm(forms.Form):
    item = forms.ModelChoiceField(label="推進項目", queryset=Item.objects.none())
    scope = forms.CharField(label="対象", max_length=80, help_text="「全体」、ブロック名、店番、会員コードのいずれか。")
    kind = forms.ChoiceField(label="種別", choices=TargetKind.choices, initial=TargetKind.ALLOCATED)
    target_count = forms.IntegerField(label="目標件数", required=False, min_value=0, max_value=10**15)
    target_amount = forms.IntegerField(label="目標金額（円）", required=False, min_value=0, max_value=10**15)

    def __init__(self, *args, fiscal_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = (
            Item.objects.filter(fiscal_year=fiscal_year, children__isnull=True).order_by("sort_order", "code")
        )
        self.fields["item"].label_from_instance = lambda i: f"{i.code} {i.name}"
