"""A4 portrait PDF through WeasyPrint, from the standalone HTML, with
IPAexGothic embedded (suishin.core.fonts), so it prints the same everywhere."""

from __future__ import annotations

from suishin.core.fonts import gothic_path
from suishin.reports.renderers.html import render_standalone


def render_pdf(report) -> bytes:
    from weasyprint import HTML

    html = render_standalone(report, font_url=gothic_path().resolve().as_uri())
    return HTML(string=html, base_url=str(gothic_path().parent)).write_pdf()
