from __future__ import annotations

from django import forms

from suishin.organisations.models import Block, Branch, Member


class BlockForm(forms.ModelForm):
    class Meta:
        model = Block
        fields = ["name", "sort_order", "active"]


class BranchForm(forms.ModelForm):
    class Meta:
        model = Branch
        fields = ["code", "name", "block", "active"]


class MemberForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = ["code", "name", "federation", "branch", "active"]


class HeadcountForm(forms.Form):
    fiscal_year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    headcount = forms.IntegerField(label="組合員数", min_value=0, max_value=10_000_000)


class MemberFilterForm(forms.Form):
    q = forms.CharField(label="会員名・コード", required=False)
    block = forms.ModelChoiceField(label="ブロック", queryset=Block.objects.none(), required=False, empty_label="すべて")
    branch = forms.ModelChoiceField(label="店", queryset=Branch.objects.none(), required=False, empty_label="すべて")
    federation = forms.CharField(label="産別", required=False)

    def __init__(self, *args, blocks, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["block"].queryset = blocks
        self.fields["branch"].queryset = branches
