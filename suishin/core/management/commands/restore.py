from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from suishin.core import backup
from suishin.core.errors import DomainError


class Command(BaseCommand):
    help = "バックアップファイルからデータベース全体を復元します（現在の内容は置き換えられます）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="suishin backup で作成したファイル")
        parser.add_argument("--yes", action="store_true", help="確認なしで復元する")

    def handle(self, *args, file: str, yes: bool = False, **options):
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError("対話できないため中止しました。確認なしで復元するには --yes を指定してください。")
            answer = input("現在のデータベースをバックアップの内容で置き換えます。よろしいですか？ [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                raise CommandError("復元を中止しました。")
        try:
            backup.restore(Path(file))
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"復元しました: {file}")
