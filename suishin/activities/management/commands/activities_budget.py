"""`suishin activities_budget [--year 2024]`: a year's budget, what is held and what is left;
`--set-budget`/`--cap` change the year's setting (the secretariat's settings page does the same)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from suishin.activities import services
from suishin.activities.queries import budget_status
from suishin.core import fiscal, jpformat
from suishin.core.errors import DomainError


class Command(BaseCommand):
    help = "職域活動費の年度予算・承認済み・支払済み・残額を表示します（--set-budget と --cap で設定を変更）。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="年度（既定: 今年度）")
        parser.add_argument("--set-budget", type=int, default=None, help="年度予算（円）を設定する")
        parser.add_argument(
            "--cap",
            type=int,
            default=None,
            help="1人当たり上限（円）を設定する（--set-budget と一緒に）",
        )

    def handle(self, *args, year: int | None, set_budget: int | None, cap: int | None, **options):
        year = year or fiscal.current_fiscal_year()
        if set_budget is not None or cap is not None:
            current = budget_status(year)
            try:
                services.save_year_setting(
                    actor=None,
                    fiscal_year=year,
                    budget_yen=set_budget
                    if set_budget is not None
                    else (current.budget_yen if current else 0),
                    cap_per_person_yen=cap
                    if cap is not None
                    else (current.cap_per_person_yen if current else 2_000),
                )
            except DomainError as exc:
                raise CommandError(exc.message) from exc
        status = budget_status(year)
        if status is None:
            raise CommandError(
                f"{year}年度の職域活動費の設定（年度予算・1人当たり上限）が登録されていません。"
            )
        self.stdout.write(
            f"{year}年度 職域活動費 予算 {jpformat.yen(status.budget_yen)}（1人当たり上限 {jpformat.yen(status.cap_per_person_yen)}）"
        )
        self.stdout.write(
            f"承認済み（支払済みを含む） {jpformat.yen(status.committed_yen)}（{status.used_percent_text}、{status.applications}件）"
        )
        self.stdout.write(f"うち支払済み {jpformat.yen(status.paid_yen)}")
        self.stdout.write(f"予算残額 {jpformat.yen(status.remaining_yen)}")
        self.stdout.write(f"承認待ちの申請額 {jpformat.yen(status.pending_yen)}")
