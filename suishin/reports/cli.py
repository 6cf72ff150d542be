"""`suishin report summary`: the half-year summary in html, pdf, xlsx or json.

    suishin report summary --fiscal-year 2024 --half 1 [--scope 全体|石狩|101|A0001] \
        --format html|pdf|xlsx|json [-o FILE]

Without -o the document goes to stdout (binary formats as bytes). The CLI
runs as the system: every scope is allowed. Warnings (figures that cannot
be computed) go to stderr.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import CommandError

from suishin.kpis.scope import Scope
from suishin.reports import renderers
from suishin.reports.engine import build_report


def add_summary_arguments(parser) -> None:
    parser.add_argument("--fiscal-year", type=int, required=True, help="年度（例 2024）")
    parser.add_argument("--half", type=int, choices=[1, 2], required=True, help="1=上期、2=下期")
    parser.add_argument("--scope", default="全体", help="全体・ブロック名・店番・会員コード（既定 全体）")
    parser.add_argument("--format", choices=renderers.FORMATS, default="html", help="出力形式（既定 html）")
    parser.add_argument("-o", "--output", help="出力ファイル（省略時は標準出力）")


def handle_summary(command, *, fiscal_year: int, half: int, scope: str, format: str, output: str | None = None, **_) -> None:
    report = build_report(
        fiscal_year=fiscal_year,
        half=half,
        scope=Scope.parse(scope),
        links=False,
        charts=format in ("html", "pdf"),
        for_print=format == "pdf",
    )
    data = renderers.render(report, format)
    for warning in report.warnings:
        command.stderr.write(f"警告: {warning}")
    if output:
        Path(output).write_bytes(data)
        command.stderr.write(f"{output} に出力しました（{len(data):,}バイト）。")
        return
    if format in ("html", "json"):
        command.stdout.write(data.decode("utf-8"), ending="\n")
        return
    stream = getattr(command.stdout, "_out", sys.stdout)
    buffer = getattr(stream, "buffer", None)
    if buffer is None:
        raise CommandError(f"{format.upper()}は -o でファイルに出力してください。")
    stream.flush()
    buffer.write(data)
    buffer.flush()
