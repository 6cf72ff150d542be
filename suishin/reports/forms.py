from __future__ import annotations

from django import forms

from suishin.kpis.models import Item
from suishin.reports.models import BlockKind, ChartKind
from suishin.reports.sections import all_sections


class ReportParamsForm(forms.Form):
    fy = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    half = forms.TypedChoiceField(label="期", choices=[(1, "上期"), (2, "下期")], coerce=int)
    scope = forms.CharField(label="対象（全体・ブロック名・店番・会員コード）", required=False, max_length=80)


class DefinitionForm(forms.Form):
    title = forms.CharField(label="表題", max_length=200, help_text="差し込み（例 {report.period_label}）も使えます。")


class BlockForm(forms.Form):
    kind = forms.ChoiceField(label="種類", choices=[("", "（追加しない）"), *BlockKind.choices], required=False)
    title = forms.CharField(label="見出し", max_length=200, required=False)
    body = forms.CharField(label="本文・注記", required=False, widget=forms.Textarea(attrs={"rows": 6}))
    group = forms.ChoiceField(label="区分（区分の表）", required=False)
    section_key = forms.ChoiceField(label="集計表（各機能）", required=False)
    chart = forms.ChoiceField(label="グラフの種類", choices=[("", "—"), *ChartKind.choices], required=False)
    item_code = forms.CharField(label="グラフの項目コード", max_length=40, required=False, help_text="空欄なら目標のある最初の合計項目。")
    value_label = forms.CharField(label="実績列の見出し（区分の表）", max_length=40, required=False, help_text="空欄なら単位から（件数、回数・会員数 など）。")
    show_prev = forms.BooleanField(label="前年同期の列を表示（区分の表）", required=False)

    def __init__(self, *args, fiscal_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        groups: list[str] = []
        for g in Item.objects.filter(fiscal_year=fiscal_year).order_by("sort_order", "code").values_list("group", flat=True):
            if g not in groups:
                groups.append(g)
        current_group = (self.initial or {}).get("group") or ""
        if current_group and current_group not in groups:
            groups.append(current_group)
        self.fields["group"].choices = [("", "—")] + [(g, g or "（区分なし）") for g in groups]
        sections = [(s.key, f"{s.title}（{s.key}）") for s in all_sections()]
        current = (self.initial or {}).get("section_key") or ""
        if current and current not in dict(sections):
            sections.append((current, f"{current}（未登録）"))
        self.fields["section_key"].choices = [("", "—"), *sections]


# absolute_max bounds the forms Django builds from a posted TOTAL_FORMS.
BlockFormSet = forms.formset_factory(
    BlockForm, extra=1, can_order=True, can_delete=True, max_num=200, absolute_max=200
)
