"""Forms of the programmes pages. Rates are typed in percent ('15.0') and kept as
integer millipercent; money is typed in yen (thousands separators allowed)."""

from __future__ import annotations

from django import forms

from suishin.kpis.periods import working_fiscal_year
from suishin.programmes import refinancing as calc
from suishin.programmes.models import DonationRecipient, LenderType, RecipientKind

HALF_CHOICES = [("1", "上期（4月～9月）"), ("2", "下期まで（年度累計）")]


class PeriodScopeForm(forms.Form):
    """年度・期・対象 of every programmes page (GET)."""

    fy = forms.IntegerField(label="年度", min_value=2000, max_value=2100, required=False)
    half = forms.ChoiceField(label="期", choices=HALF_CHOICES, required=False)
    scope = forms.CharField(
        label="対象",
        required=False,
        help_text="全体、ブロック名、店番、会員コードのいずれか",
        max_length=40,
    )

    def values(self) -> tuple[int, int, str]:
        data = self.cleaned_data if self.is_valid() else {}
        return (
            data.get("fy") or working_fiscal_year(),
            int(data.get("half") or 1),
            data.get("scope") or "",
        )


class YenField(forms.CharField):
    """Integer yen; accepts '1,234,567', full-width digits and ▲ for negatives
    (the rules on the sign are the services' and the calculation's)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        from suishin.imports.parsers import ParseError, parse_int_value

        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return parse_int_value(value, allow_negative=True)
        except ParseError:
            raise forms.ValidationError(f"「{value}」は円単位の整数で入力してください。") from None


class RateField(forms.CharField):
    """An annual rate typed in percent, cleaned to integer millipercent."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        kwargs.setdefault("help_text", "年利をパーセントで（例: 15.0）")
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return calc.parse_rate(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class CalculatorForm(forms.Form):
    """借換の試算: the rules of the calculation are checked by the calculation module."""

    balance = YenField(label="借入残高（円）", help_text="借り換える残高（新しいローンの借入額）")
    previous_rate = RateField(label="現在の金利（年利%）")
    previous_months = forms.IntegerField(label="現在の残り返済期間（か月）")
    new_rate = RateField(label="借換後の金利（年利%）")
    new_months = forms.IntegerField(label="借換後の返済期間（か月）")

    def clean(self):
        data = super().clean()
        checks = {
            "balance": calc.check_balance,
            "previous_rate": calc.check_rate,
            "previous_months": calc.check_months,
            "new_rate": calc.check_rate,
            "new_months": calc.check_months,
        }
        for name, check in checks.items():
            value = data.get(name)
            if value is not None:
                message = check(value)
                if message:
                    self.add_error(name, message)
        return data

    def terms(self) -> tuple[calc.LoanTerms, calc.LoanTerms]:
        d = self.cleaned_data
        return (
            calc.LoanTerms(d["balance"], d["previous_rate"], d["previous_months"]),
            calc.LoanTerms(d["balance"], d["new_rate"], d["new_months"]),
        )


class RefinancingForm(forms.Form):
    month = forms.DateField(
        label="年月",
        help_text="実行月（日付はその月の1日として扱います）",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    member_code = forms.CharField(
        label="会員コード", required=False, help_text="空欄はろうきん全体の実績（会員不明）"
    )
    product = forms.CharField(label="借換商品", max_length=100)
    previous_lender_type = forms.ChoiceField(label="旧借入先種別", choices=LenderType.choices)
    previous_balance = YenField(label="旧残高（円）", required=False)
    previous_rate_millipercent = RateField(label="旧金利（年利%）", required=False)
    previous_months = forms.IntegerField(label="旧残存期間（か月）", required=False)
    new_rate_millipercent = RateField(label="新金利（年利%）", required=False)
    new_months = forms.IntegerField(label="新期間（か月）", required=False)
    bank_improvement_yen = YenField(
        label="向上額（ろうきん提供・円）",
        required=False,
        help_text="借換条件の代わりに、ろうきんが算出した向上額を入力できます",
    )
    is_card_loan_in_sumikitto = forms.BooleanField(
        label="住きっと！500内のカードローン借換", required=False
    )

    def clean_member_code(self):
        from suishin.organisations.models import Member

        code = self.cleaned_data["member_code"].strip()
        if not code:
            return None
        member = Member.objects.select_related("branch").filter(code=code).first()
        if member is None:
            raise forms.ValidationError(f"会員コード「{code}」は登録されていません。")
        return member


class YearSettingForm(forms.Form):
    fiscal_year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    include_sumikitto_card_loans = forms.BooleanField(
        label="住きっと！500内のカードローン借換を算入する", required=False
    )
    disposable_target_yen = YenField(label="可処分所得向上額の年間目標（円）", required=False)
    note = forms.CharField(label="備考", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RecipientForm(forms.Form):
    name = forms.CharField(label="寄付先名", max_length=200)
    kind = forms.ChoiceField(label="種別", choices=RecipientKind.choices)
    address = forms.CharField(label="所在地", max_length=300, required=False)
    active = forms.BooleanField(label="有効", required=False, initial=True)


class RecipientChoiceForm(forms.Form):
    branch = forms.ModelChoiceField(
        label="店推進委員会", queryset=None, empty_label="選んでください"
    )
    recipient = forms.ModelChoiceField(label="寄付先", queryset=None, empty_label="選んでください")
    weight = forms.IntegerField(
        label="配分比率",
        min_value=1,
        max_value=1_000_000,
        initial=1,
        help_text="同じ店の寄付先どうしの比率（1:1 なら両方 1）",
    )

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches
        self.fields["recipient"].queryset = DonationRecipient.objects.filter(active=True)


class CopyChoicesForm(forms.Form):
    from_year = forms.IntegerField(label="コピー元の年度", min_value=2000, max_value=2100)
