"""Renderers: the same Report printed as HTML, PDF, XLSX or JSON."""

from __future__ import annotations

FORMATS = ("html", "pdf", "xlsx", "json")
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
}


def render(report, fmt: str) -> bytes:
    """The report in `fmt` as bytes (html and json are UTF-8)."""
    if fmt == "html":
        from suishin.reports.renderers.html import render_standalone

        return render_standalone(report).encode("utf-8")
    if fmt == "pdf":
        from suishin.reports.renderers.pdf import render_pdf

        return render_pdf(report)
    if fmt == "xlsx":
        from suishin.reports.renderers.xlsx import render_xlsx

        return render_xlsx(report)
    if fmt == "json":
        from suishin.reports.renderers.jsondoc import render_json

        return render_json(report).encode("utf-8")
    raise ValueError(f"unknown report format {fmt!r}")


def filename(report, fmt: str) -> str:
    """'2024年度上期推進活動総括_全体.pdf'."""
    return f"{report.period_label}推進活動総括_{report.scope.text}.{fmt}"
