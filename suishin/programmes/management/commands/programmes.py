"""`suishin programmes <subcommand>`: the programmes' figures on the command line.

* ``summary --fiscal-year Y [--half 1|2] [--scope 全体|ブロック名|店番|会員コード]``:
  寄付見込額, 可処分所得向上額, 学習会, ローン商品 in the seed's sentences.
* ``calc --balance B --old-rate R --old-months N --new-rate R --new-months N``:
  the improvement of one refinancing, with the monthly payments and totals.
* ``donation-list --fiscal-year Y [--format csv|xlsx] [-o FILE]``: the year-end
  list (寄付先・店推進委員会・金額) to stdout (CSV) or a file.

Arguments are parsed here; everything else is suishin.programmes.queries /
refinancing, the same functions the pages use. Runs as the system (all scopes).
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from suishin.core import jpformat
from suishin.core.errors import DomainError
from suishin.core.exports import csv_bytes, xlsx_bytes
from suishin.kpis.scope import Scope
from suishin.programmes import queries
from suishin.programmes import refinancing as calc

DONATION_HEADERS = ["寄付先", "種別", "店番", "店推進委員会", "配分比率", "寄付額（円）"]


class Command(BaseCommand):
    help = "寄付見込額・可処分所得向上額・ローン商品の実績を表示し、借換を試算します。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND", required=True)
        summary = sub.add_parser("summary", help="寄付見込額・可処分所得向上額・ローン商品（議案書の書式）")
        summary.add_argument("--fiscal-year", type=int, required=True, help="年度（例: 2024）")
        summary.add_argument("--half", type=int, choices=(1, 2), default=1, help="1=上期、2=下期まで（既定 1）")
        summary.add_argument("--scope", default="全体", help="全体・ブロック名・店番・会員コード（既定 全体）")
        c = sub.add_parser("calc", help="借換の可処分所得向上額を試算")
        c.add_argument("--balance", type=int, required=True, help="残高（円）")
        c.add_argument("--old-rate", required=True, help="借換前の年利%%（例: 18.0）")
        c.add_argument("--old-months", type=int, required=True, help="借換前の残り返済期間（か月）")
        c.add_argument("--new-rate", required=True, help="借換後の年利%%（例: 5.0）")
        c.add_argument("--new-months", type=int, required=True, help="借換後の返済期間（か月）")
        d = sub.add_parser("donation-list", help="寄付先別寄付額（寄付先・店推進委員会・金額）")
        d.add_argument("--fiscal-year", type=int, required=True, help="年度（例: 2024）")
        d.add_argument("--format", choices=("csv", "xlsx"), default="csv")
        d.add_argument("-o", "--output", help="出力ファイル（省略時は標準出力、csv のみ）")

    def handle(self, *args, subcommand: str, **options):
        try:
            getattr(self, f"_{subcommand.replace('-', '_')}")(**options)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc

    def _summary(self, *, fiscal_year: int, half: int, scope: str, **_):
        where = Scope.parse(scope)
        donation = queries.donation_summary(fiscal_year, half, where)
        disposable = queries.disposable_income(fiscal_year, half, where)
        as_of = queries.as_of_label(disposable.period)
        out = [
            f"{where.label} {fiscal_year}年度（{as_of}）",
            f"寄付見込額: {donation.display}",
            f"可処分所得向上額: {disposable.display}　{disposable.count:,}件　年間目標に対する進捗 {disposable.progress}",
            f"可処分所得向上運動に関する学習会: {disposable.study_display}",
        ]
        for p in queries.loan_programmes(fiscal_year, half, where):
            out.append(f"{p.label}新規実績: {p.new_display}")
            if p.cumulative_display:
                out.append(f"{p.label}累計実績: {p.cumulative_display}")
        for line in donation.missing_sources:
            out.append(f"注意: 集計元が未登録のため0として計算しました: {line}")
        self.stdout.write("\n".join(out))

    def _calc(self, *, balance: int, old_rate: str, old_months: int, new_rate: str, new_months: int, **_):
        old = calc.LoanTerms(balance, calc.parse_rate(old_rate), old_months)
        new = calc.LoanTerms(balance, calc.parse_rate(new_rate), new_months)
        problems = [f"借換前の{p.message}" for p in calc.problems(old)] + [f"借換後の{p.message}" for p in calc.problems(new)]
        if problems:
            raise CommandError("\n".join(problems))
        b = calc.breakdown(old, new)
        self.stdout.write("\n".join([
            f"借換前: 毎月 {jpformat.yen(b.old_payment)} × {old.months}回 = {jpformat.yen(b.old_total)}",
            f"借換後: 毎月 {jpformat.yen(b.new_payment)} × {new.months}回 = {jpformat.yen(b.new_total)}",
            f"可処分所得向上額: {jpformat.yen(b.improvement)}（毎月の返済額の差 {jpformat.yen(b.monthly_saving)}）",
        ]))

    def _donation_list(self, *, fiscal_year: int, format: str, output: str | None, **_):
        allocation = queries.donation_allocation(fiscal_year)
        rows = [[r.recipient_name, r.recipient_kind, r.branch_code, r.branch_name, r.weight, r.yen] for r in allocation.rows]
        if format == "xlsx":
            if not output:
                raise CommandError("XLSX は -o でファイル名を指定してください。")
            data = xlsx_bytes(DONATION_HEADERS, rows, sheet_title=f"寄付先別寄付額{fiscal_year}")
        else:
            data = csv_bytes(DONATION_HEADERS, rows)
        if output:
            with open(output, "wb") as fh:
                fh.write(data)
            self.stderr.write(f"{len(rows)}行を {output} に書き出しました。")
        else:
            sys.stdout.flush()
            self.stdout.write(data.decode("utf-8-sig"), ending="")
