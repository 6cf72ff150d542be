"""Users and their role (SPEC.md "Who uses it")."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class Role(models.TextChoices):
    SECRETARIAT = "secretariat", "事務局"
    BANK = "bank", "ろうきん担当"
    BRANCH = "branch", "店推進委員会"
    MEMBER = "member", "会員担当"
    VIEWER = "viewer", "閲覧"


class User(AbstractUser):
    """A person who signs in. A branch committee user belongs to one branch,
    a member officer to one member union; the scoping layer
    (suishin.accounts.scoping) reads these two fields and nothing else."""

    role = models.CharField("役割", max_length=20, choices=Role.choices, default=Role.VIEWER)
    display_name = models.CharField("表示名", max_length=100, blank=True)
    branch = models.ForeignKey(
        "organisations.Branch",
        verbose_name="担当店",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    member = models.ForeignKey(
        "organisations.Member",
        verbose_name="担当会員",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )

    class Meta:
        verbose_name = "利用者"
        verbose_name_plural = "利用者"
        constraints = [
            models.CheckConstraint(
                name="user_branch_role_has_branch",
                condition=~Q(role="branch") | Q(branch__isnull=False),
            ),
            models.CheckConstraint(
                name="user_member_role_has_member",
                condition=~Q(role="member") | Q(member__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def role_label(self) -> str:
        return Role(self.role).label


class LoginFailure(models.Model):
    """One failed sign-in, kept for the lockout window (accounts.lockout)."""

    username = models.CharField("ユーザー名", max_length=150)
    ip = models.CharField("接続元", max_length=45)
    at = models.DateTimeField("日時", auto_now_add=True)

    class Meta:
        verbose_name = "ログイン失敗"
        verbose_name_plural = "ログイン失敗"
        indexes = [models.Index(fields=["username", "ip", "at"], name="login_failure_lookup")]

    def __str__(self) -> str:
        return f"{self.username} {self.ip} {self.at:%Y-%m-%d %H:%M}"
