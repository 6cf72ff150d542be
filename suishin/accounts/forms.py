from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from suishin.accounts import lockout


class LoginForm(AuthenticationForm):
    """Sign-in with a per-(username, address) lockout after repeated failures."""

    error_messages = {
        "invalid_login": "ユーザー名またはパスワードが正しくありません。",
        "inactive": "このアカウントは無効です。",
        "locked": "ログインに続けて失敗したため、このユーザー名は{minutes}分間ログインできません。時間をおいて再度お試しください。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "ユーザー名"
        self.fields["password"].label = "パスワード"
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = lockout.client_ip(self.request) if self.request else ""
        if username and lockout.is_locked(username, ip):
            raise forms.ValidationError(
                self.error_messages["locked"].format(minutes=lockout.lockout_minutes()), code="locked"
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                lockout.record_failure(username, ip)
            raise
        lockout.clear(username, ip)
        return cleaned
