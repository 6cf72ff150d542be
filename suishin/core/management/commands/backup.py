from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from suishin.core import backup
from suishin.core.errors import DomainError


class Command(BaseCommand):
    help = "データベースをバックアップします（SQLite: オンラインバックアップ、PostgreSQL: pg_dump -Fc）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="書き出すバックアップファイル")

    def handle(self, *args, file: str, **options):
        try:
            path = backup.backup(Path(file))
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"バックアップしました: {path}（{path.stat().st_size:,}バイト）")
