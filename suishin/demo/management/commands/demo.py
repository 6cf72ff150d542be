"""`suishin demo [--no-serve]`: load the demo data, then serve it."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from suishin.core.errors import DomainError


class Command(BaseCommand):
    help = "デモデータ（2024年度上期）を読み込み、http://127.0.0.1:8000 で起動します。"

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="読み込みだけ行い、サーバーは起動しない")
        parser.add_argument("--addrport", default="127.0.0.1:8000", help="待ち受けアドレス（既定 127.0.0.1:8000）")

    def handle(self, *args, no_serve: bool = False, addrport: str = "127.0.0.1:8000", **options):
        from suishin.demo.loader import load_demo

        call_command("migrate", interactive=False, verbosity=0)
        try:
            load_demo(log=self.stdout.write)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        if no_serve:
            return
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"http://{addrport}/ を開き、上のユーザー名でログインしてください。"))
        call_command("runserver", addrport, use_reloader=False)
