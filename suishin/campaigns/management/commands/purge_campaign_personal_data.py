"""suishin purge_campaign_personal_data — delete entrants' names and contacts after retention."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from suishin.campaigns import services
from suishin.campaigns.management.commands import _cli


class Command(BaseCommand):
    help = "保存期限（キャンペーンの個人情報の保存期限）を過ぎた応募者の氏名・連絡先を削除します。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--today", help="基準日（YYYY-MM-DD、既定は今日）。この日より前に期限が来たものを削除"
        )
        parser.add_argument("--dry-run", action="store_true", help="削除せず、件数だけを表示")

    def handle(self, *args, **opts):
        try:
            today = dt.date.fromisoformat(opts["today"]) if opts["today"] else timezone.localdate()
        except ValueError:
            raise CommandError(
                f"--today「{opts['today']}」を日付として読めません（例：2025-08-01）。"
            ) from None
        lines = services.purge_personal_data(
            actor=_cli.actor_label("purge_campaign_personal_data"),
            today=today,
            dry_run=opts["dry_run"],
        )
        done = (
            "削除対象です（--dry-run のため削除していません）"
            if opts["dry_run"]
            else "削除しました"
        )
        for line in lines:
            c = line.campaign
            files = f"（取込ファイル {line.files:,}件を含む）" if line.files else ""
            self.stdout.write(
                f"{c.code} {c.name}（保存期限 {c.retention_until:%Y-%m-%d}）: {line.deleted:,}名分の氏名・連絡先{files}を{done}"
            )
        if not lines:
            self.stdout.write("削除する個人情報はありません。")
