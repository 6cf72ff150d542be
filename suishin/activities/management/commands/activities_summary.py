"""`suishin activities_summary --year 2024 --half 1 [--scope 石狩] [--json]`: the 職域活動費 figures."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from suishin.activities.queries import activity_expense_summary
from suishin.core import jpformat
from suishin.core.errors import DomainError
from suishin.kpis.scope import Scope


class Command(BaseCommand):
    help = "職域活動費の集計（推進活動総括の文と数値）を表示します。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="年度（例: 2024）")
        parser.add_argument("--half", type=int, choices=(1, 2), default=1, help="1=上期、2=下期")
        parser.add_argument("--scope", default="全体", help="全体、ブロック名、店番、会員コード")
        parser.add_argument("--json", action="store_true", help="JSON で出力")

    def handle(self, *args, year: int, half: int, scope: str, json: bool, **options):
        try:
            s = activity_expense_summary(year, half, Scope.parse(scope))
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if json:
            self.stdout.write(_dumps(s.as_dict()))
            return
        self.stdout.write(f"{year}年度{'上期' if half == 1 else '下期'} {s.scope_label}")
        for i, sentence in enumerate(s.sentences(), start=1):
            self.stdout.write(f"({i}) {sentence}")
        self.stdout.write(
            f"学習会 {jpformat.number(s.sessions)}回（前年同期 {jpformat.number(s.prev_sessions)}回）、"
            f"出席 {jpformat.number(s.attendees)}名、WEB {jpformat.number(s.web_sessions)}回、"
            f"活用金額 {jpformat.yen(s.paid_yen)}（前年同期 {jpformat.yen(s.prev_paid_yen)}）"
        )
        for t in s.themes:
            self.stdout.write(
                f"  {t.theme}: {jpformat.number(t.sessions)}回・{jpformat.number(t.attendees)}名・{jpformat.yen(t.paid_yen)}"
            )


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
