"""`suishin import KIND FILE [--dry-run] [--sheet NAME] [--user USERNAME]`.

Exit status: 0 the file is valid (one summary line on stdout); 1 the file is
rejected (problems on stderr as `行 N 列 NAME: message`, at most 100, then
the total); 2 usage errors. Only parses arguments, calls the service, prints.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from suishin.core.errors import DomainError
from suishin.imports import registry
from suishin.imports.services import import_file

MAX_SHOWN = 100


class Command(BaseCommand):
    help = "ファイル（CSV または XLSX）を取り込みます。種類: blocks, branches, members, items, targets, results ほか。"

    def add_arguments(self, parser):
        parser.add_argument("kind", nargs="?", help="取込の種類（--list で一覧）")
        parser.add_argument("file", nargs="?", help="CSV または XLSX ファイル")
        parser.add_argument("--dry-run", action="store_true", help="確認だけ行い、何も書き込まない")
        parser.add_argument("--sheet", default=None, help="XLSX のシート名（既定: 最初のシート）")
        parser.add_argument(
            "--user", default=None, help="取込者として記録する利用者名（既定: システム）"
        )
        parser.add_argument("--list", action="store_true", help="取込の種類と列の一覧を表示する")

    def handle(
        self,
        *args,
        kind=None,
        file=None,
        dry_run=False,
        sheet=None,
        user=None,
        list=False,
        **options,
    ):
        if list:
            self._list()
            return
        if not kind or not file:
            raise CommandError(
                "種類とファイルを指定してください: suishin import KIND FILE [--dry-run]",
                returncode=2,
            )
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"ファイル「{file}」がありません。", returncode=2)
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(f"利用者「{user}」は登録されていません。", returncode=2)
        try:
            with open(path, "rb") as f:
                outcome = import_file(
                    kind=kind,
                    file=f,
                    file_name=path.name,
                    actor=actor,
                    dry_run=dry_run,
                    sheet=sheet,
                    size=path.stat().st_size,
                )
        except (DomainError, PermissionDenied) as exc:
            raise CommandError(str(exc), returncode=2) from exc
        if outcome.ok:
            self.stdout.write(outcome.status_line())
            return
        for line in outcome.error_lines(MAX_SHOWN):
            self.stderr.write(line)
        shown = min(outcome.error_count, MAX_SHOWN)
        self.stderr.write(
            f"問題 全 {outcome.error_count:,}件（最初の {shown:,}件を表示）。何も書き込んでいません。"
        )
        raise SystemExit(1)

    def _list(self) -> None:
        for spec in registry.all_specs():
            self.stdout.write(f"{spec.kind}  {spec.label}")
            for col in spec.columns:
                mark = "（必須）" if col.required else ""
                self.stdout.write(f"    {col.header} / {col.alias}{mark}")
