"""API tokens: per-user bearer tokens with scopes (docs/api.md).

Only a SHA-256 hash of the secret is stored; the whole token is shown once,
when it is created. `prefix` (public, unique) finds the row, the hash is
compared in constant time. A token acts as its user: the scoping layer sees
the user, so the API shows exactly what the web shows that user.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class TokenScope(models.TextChoices):
    READ = "read", "読み取り"
    IMPORT = "import", "ファイル取込"


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="利用者",
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField("名前", max_length=100)
    prefix = models.CharField("識別子", max_length=16, unique=True)
    secret_hash = models.CharField("ハッシュ（SHA-256）", max_length=64)
    scopes = models.CharField("スコープ", max_length=100)  # space-separated TokenScope values
    created_at = models.DateTimeField("発行日時", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="発行者",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_used_at = models.DateTimeField("最終利用日時", null=True, blank=True)
    expires_at = models.DateTimeField("有効期限", null=True, blank=True)
    revoked_at = models.DateTimeField("失効日時", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="失効者",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "APIトークン"
        verbose_name_plural = "APIトークン"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}）"

    @property
    def scope_list(self) -> list[str]:
        return [s for s in self.scopes.split() if s in TokenScope.values]

    @property
    def scope_labels(self) -> str:
        return "・".join(TokenScope(s).label for s in self.scope_list)

    def has_scope(self, scope: str) -> bool:
        return scope in self.scope_list

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    def is_usable(self, now=None) -> bool:
        return self.revoked_at is None and not self.is_expired(now) and self.user.is_active

    @property
    def status_label(self) -> str:
        if self.revoked_at is not None:
            return "失効"
        if self.is_expired():
            return "期限切れ"
        return "有効"
