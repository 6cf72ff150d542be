"""Issuing, revoking and checking API tokens. Every issue and revocation is
audited; only the secretariat (Perm.MANAGE_API_TOKENS) may do either."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from suishin.accounts.scoping import Perm, has_perm
from suishin.api.models import ApiToken, TokenScope
from suishin.core import audit
from suishin.core.errors import DomainError

TOKEN_PREFIX = "ssn"
# last_used_at is written at most once per this interval: a busy client must
# not turn every read into a write.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # the whole bearer value; shown once, never stored


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _require_manager(actor: Any) -> None:
    """None or a label ("cli:apitoken") is the system (the command line);
    a user must be the secretariat."""
    if actor is None or isinstance(actor, str):
        return
    if not has_perm(actor, Perm.MANAGE_API_TOKENS):
        raise DomainError("APIトークンを発行・失効できるのは事務局だけです。")


def issue_token(
    *,
    actor: Any,
    user: Any,
    name: str,
    scopes: list[str],
    expires_at: dt.datetime | None = None,
) -> IssuedToken:
    """A new token for `user`, issued by `actor` (see `_require_manager`)."""
    _require_manager(actor)
    name = (name or "").strip()
    if not name:
        raise DomainError("トークンの名前を入力してください。", field="name")
    if len(name) > 100:
        raise DomainError("トークンの名前は100文字以内で入力してください。", field="name")
    given = set(scopes or [])
    unknown = sorted(given - set(TokenScope.values))
    wanted = [s for s in TokenScope.values if s in given]  # declaration order: "read import"
    if unknown:
        raise DomainError(
            f"スコープ「{'、'.join(unknown)}」はありません（read または import）。", field="scopes"
        )
    if not wanted:
        raise DomainError("スコープを一つ以上選んでください。", field="scopes")
    if not user.is_active:
        raise DomainError(
            f"利用者「{user.username}」は無効なため、トークンを発行できません。", field="user"
        )
    if TokenScope.IMPORT in wanted and not has_perm(user, Perm.IMPORT_FILES):
        raise DomainError(
            f"利用者「{user.username}」はファイル取込の権限がないため、取込スコープは付けられません。",
            field="scopes",
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise DomainError("有効期限は現在より後の日時にしてください。", field="expires_at")
    prefix = secrets.token_hex(5)
    secret = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=prefix,
            secret_hash=_hash(secret),
            scopes=" ".join(wanted),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            expires_at=expires_at,
        )
        audit.record(
            actor=actor,
            action="api_token_issue",
            obj=token,
            after={
                "user": user.username,
                "name": name,
                "scopes": token.scopes,
                "prefix": prefix,
                "expires_at": expires_at,
            },
        )
    return IssuedToken(token=token, secret=secret)


def revoke_token(*, actor: Any, token: ApiToken) -> ApiToken:
    _require_manager(actor)
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            raise DomainError(f"トークン「{token.name}」はすでに失効しています。")
        token.revoked_at = timezone.now()
        token.revoked_by = actor if getattr(actor, "is_authenticated", False) else None
        token.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(
            actor=actor,
            action="api_token_revoke",
            obj=token,
            before={"revoked_at": None},
            after={"revoked_at": token.revoked_at, "user": token.user.username},
        )
    return token


def _is_hex(text: str) -> bool:
    return 0 < len(text) <= 16 and all(c in "0123456789abcdef" for c in text)


def authenticate(secret: str, *, now: dt.datetime | None = None) -> ApiToken | None:
    """The usable token whose secret this is, else None (unknown, malformed,
    revoked, expired, or its user deactivated — all alike to the caller)."""
    parts = (secret or "").strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not _is_hex(parts[1]):
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=parts[1]).first()
    if token is None or not hmac.compare_digest(token.secret_hash, _hash(secret.strip())):
        return None
    now = now or timezone.now()
    if not token.is_usable(now):
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        # A bookkeeping column, not business data: no audit entry.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
