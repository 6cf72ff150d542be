from __future__ import annotations

from django import forms


class UploadForm(forms.Form):
    file = forms.FileField(
        label="ファイル",
        help_text="CSV（UTF-8 または Shift_JIS）または XLSX。1行目は見出し。",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,.xlsx"}),
    )
    sheet = forms.CharField(
        label="シート名（XLSX のとき・任意）",
        required=False,
        max_length=100,
        help_text="空欄なら最初のシートを読みます。",
    )


class ApplyForm(forms.Form):
    sha256 = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)
    file_name = forms.CharField(max_length=255, widget=forms.HiddenInput)
    sheet = forms.CharField(max_length=100, required=False, widget=forms.HiddenInput)
    # One per preview: a second click on 取り込む (or a resent form) finds the
    # job the first one queued instead of queuing the file again.
    nonce = forms.RegexField(regex=r"^[0-9a-f]{32}$", required=False, widget=forms.HiddenInput)


class HistoryFilterForm(forms.Form):
    kind = forms.ChoiceField(label="種類", required=False)

    def __init__(self, *args, kinds: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "すべて"), *kinds]
