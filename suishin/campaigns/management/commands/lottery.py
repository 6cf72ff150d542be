"""suishin lottery commit|draw|verify — the auditable prize draw (docs/campaigns.md)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from suishin.campaigns import services
from suishin.campaigns.management.commands import _cli
from suishin.campaigns.models import Draw, DrawStatus
from suishin.core.errors import DomainError


class Command(BaseCommand):
    help = "キャンペーンの抽選：commit（シードのコミットメント登録）・draw（抽選）・verify（再現の検証）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="step", required=True)
        commit = sub.add_parser("commit", help="シードのSHA-256を抽選前に記録する")
        commit.add_argument("--campaign", required=True, help="キャンペーンコード（例：APP2024）")
        commit.add_argument("--month", required=True, help="抽選月（例：2024-10）")
        commit.add_argument(
            "--seed", help="秘密のシード（16文字以上）。省略すると作成して一度だけ表示"
        )
        commit.add_argument(
            "--seed-file", help="シードを1行目に書いたファイル（シェルの履歴に残さないため）"
        )
        commit.add_argument(
            "--commitment", help="シードの代わりにSHA-256（16進数64文字）だけを登録"
        )
        draw = sub.add_parser("draw", help="コミット済みのシードで抽選する")
        draw.add_argument("--campaign", required=True)
        draw.add_argument("--month", required=True)
        draw.add_argument("--seed", help="コミットしたシード")
        draw.add_argument("--seed-file", help="シードを1行目に書いたファイル")
        verify = sub.add_parser(
            "verify", help="記録された入力から抽選をやり直し、結果が同じか確かめる"
        )
        verify.add_argument("--campaign", help="キャンペーンコード（省略するとすべての抽選）")
        verify.add_argument("--month", help="抽選月（省略するとそのキャンペーンのすべての抽選）")

    def handle(self, *args, **opts):
        try:
            getattr(self, f"_{opts['step']}")(opts)
        except DomainError as exc:
            raise CommandError(exc.message) from None

    def _commit(self, opts) -> None:
        result = services.commit_draw(
            actor=_cli.actor_label("lottery"),
            campaign=_cli.campaign(opts["campaign"]),
            month=services.parse_month(opts["month"]),
            seed=_cli.read_seed(opts["seed"], opts["seed_file"]),
            commitment=opts["commitment"],
        )
        draw = result.draw
        self.stdout.write(f"{draw}：コミットメントを登録しました。")
        self.stdout.write(f"コミットメント（SHA-256）: {draw.commitment}")
        if result.seed:
            self.stdout.write(f"シード: {result.seed}")
            self.stderr.write(
                "このシードは再表示できません。抽選まで安全に保管してください（システムには保存していません）。"
            )

    def _draw(self, opts) -> None:
        seed = _cli.read_seed(opts["seed"], opts["seed_file"])
        if not seed:
            raise CommandError("--seed または --seed-file でシードを指定してください。")
        report = services.run_draw(
            actor=_cli.actor_label("lottery"),
            campaign=_cli.campaign(opts["campaign"]),
            month=services.parse_month(opts["month"]),
            seed=seed,
        )
        for line in report.lines():
            self.stdout.write(line)

    def _verify(self, opts) -> None:
        draws = (
            Draw.objects.filter(status=DrawStatus.DRAWN)
            .select_related("campaign")
            .order_by("campaign__code", "month")
        )
        if opts["campaign"]:
            draws = draws.filter(campaign=_cli.campaign(opts["campaign"]))
        if opts["month"]:
            draws = draws.filter(month=services.parse_month(opts["month"]))
        draws = list(draws)
        if not draws:
            raise CommandError("検証する抽選がありません。")
        failed = 0
        for draw in draws:
            report = services.verify_draw(actor=_cli.actor_label("lottery"), draw=draw)
            failed += not report.ok
            for line in report.lines():
                self.stdout.write(line)
        if failed:
            raise CommandError(f"{failed}件の抽選を再現できませんでした。")
        self.stdout.write(f"{len(draws)}件の抽選をすべて再現できました。")
