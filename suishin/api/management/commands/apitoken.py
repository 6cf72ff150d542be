"""suishin apitoken create|list|revoke — API tokens from the command line (docs/api.md).

Runs as the system (the audit trail records "cli:apitoken"); the web page
/api/tokens/ does the same for the secretariat."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from suishin.accounts.models import User
from suishin.api import services
from suishin.api.models import ApiToken, TokenScope
from suishin.core.errors import DomainError

ACTOR = "cli:apitoken"


class Command(BaseCommand):
    help = "APIトークンの発行（create）・一覧（list）・失効（revoke）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="step", required=True)
        create = sub.add_parser("create", help="トークンを発行し、値を一度だけ表示する")
        create.add_argument(
            "--user", required=True, help="トークンが代わりに動く利用者（ユーザー名）"
        )
        create.add_argument("--name", required=True, help="トークンの名前（例：本部システム連携）")
        create.add_argument(
            "--scope",
            action="append",
            choices=TokenScope.values,
            help="スコープ（read・import、繰り返し指定可。既定 read）",
        )
        create.add_argument(
            "--expires", help="有効期限（YYYY-MM-DD、この日まで有効。省略時は無期限）"
        )
        listing = sub.add_parser("list", help="トークンの一覧（値は表示しません）")
        listing.add_argument("--all", action="store_true", help="失効・期限切れのものも表示する")
        revoke = sub.add_parser("revoke", help="トークンを失効させる")
        revoke.add_argument("token_id", type=int, help="一覧のID")

    def handle(self, *args, **opts):
        try:
            getattr(self, f"_{opts['step']}")(opts)
        except DomainError as exc:
            raise CommandError(exc.message) from None

    def _create(self, opts) -> None:
        user = User.objects.filter(username=opts["user"]).first()
        if user is None:
            raise CommandError(f"利用者「{opts['user']}」はいません。")
        expires_at = None
        if opts["expires"]:
            try:
                day = dt.date.fromisoformat(opts["expires"])
            except ValueError:
                raise CommandError(
                    f"有効期限「{opts['expires']}」は YYYY-MM-DD で指定してください。"
                ) from None
            expires_at = timezone.make_aware(dt.datetime.combine(day, dt.time.max))
        issued = services.issue_token(
            actor=ACTOR,
            user=user,
            name=opts["name"],
            scopes=opts["scope"] or ["read"],
            expires_at=expires_at,
        )
        self.stderr.write(
            f"トークン #{issued.token.pk}「{issued.token.name}」を{user.username}に発行しました"
            f"（スコープ: {issued.token.scope_labels}）。値は今だけ表示されます。"
        )
        self.stdout.write(issued.secret)

    def _list(self, opts) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("pk")
        if not opts["all"]:
            tokens = tokens.filter(revoked_at__isnull=True)
        for t in tokens:
            if not opts["all"] and t.is_expired():
                continue
            expires = (
                timezone.localtime(t.expires_at).date().isoformat() if t.expires_at else "無期限"
            )
            used = (
                timezone.localtime(t.last_used_at).strftime("%Y-%m-%d %H:%M")
                if t.last_used_at
                else "未使用"
            )
            self.stdout.write(
                f"{t.pk}\t{t.name}\t{t.user.username}\t{' '.join(t.scope_list)}\t{t.status_label}\t"
                f"期限 {expires}\t最終利用 {used}"
            )

    def _revoke(self, opts) -> None:
        token = ApiToken.objects.filter(pk=opts["token_id"]).first()
        if token is None:
            raise CommandError(f"ID {opts['token_id']} のトークンはありません。")
        services.revoke_token(actor=ACTOR, token=token)
        self.stdout.write(f"トークン #{token.pk}「{token.name}」を失効させました。")
