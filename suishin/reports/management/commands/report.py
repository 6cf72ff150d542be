"""`suishin report <subcommand> ...` — documents built by the reports engine.

Subcommands come from suishin.reports.commands (summary is the reports
app's own; other apps register theirs, e.g. meeting)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from suishin.core.errors import DomainError
from suishin.reports.commands import get_subcommand, subcommands


class Command(BaseCommand):
    help = "報告書を作成します（summary: 推進活動総括）。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND", required=True)
        for s in subcommands():
            s.add_arguments(sub.add_parser(s.name, help=s.help, description=s.help))

    def handle(self, *args, subcommand: str, **options):
        s = get_subcommand(subcommand)
        if s is None:
            raise CommandError(f"サブコマンド「{subcommand}」はありません。")
        try:
            s.handle(self, **options)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
