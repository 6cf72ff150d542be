"""The standalone HTML document (CLI output and the source of the PDF): the
web page's report body with its stylesheet inlined, without trace links."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from django.template.loader import render_to_string

CSS_PATH = Path(__file__).resolve().parent.parent / "static" / "reports" / "report.css"


@lru_cache(maxsize=1)
def report_css() -> str:
    return CSS_PATH.read_text(encoding="utf-8")


def render_standalone(report, *, font_url: str | None = None) -> str:
    return render_to_string("reports/print.html", {"report": report, "css": report_css(), "font_url": font_url})


def render_body(report) -> str:
    """The report's body alone (an <article>), for embedding in another
    document such as the meeting materials; pair it with `report_css()`."""
    return render_to_string("reports/_body.html", {"report": report})


def summary_body_html(fiscal_year: int, half: int, scope=None, *, for_print: bool = False) -> str:
    """The council's (or `scope`'s) half-year summary body without trace links.

    Charts draw their text as paths (portable anywhere); with `for_print` as
    text in the "IPAexGothic" family, for a WeasyPrint document that declares
    that font with @font-face (much faster to render)."""
    from suishin.reports.engine import build_report

    report = build_report(fiscal_year=fiscal_year, half=half, scope=scope, links=False, for_print=for_print)
    return render_body(report)
