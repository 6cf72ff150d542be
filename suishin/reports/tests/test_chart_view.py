"""The web report's charts are separate images (reports:chart), the PDF's stay inline."""

from __future__ import annotations

import html
import re

from django.urls import reverse

from suishin.kpis.scope import Scope
from suishin.reports.engine import build_report

SUMMARY = reverse("reports:summary")


def chart_srcs(page: str) -> list[str]:
    return [html.unescape(src) for src in re.findall(r'<img src="([^"]*)"', page)]


def test_the_page_links_its_charts_and_each_is_the_reports_svg(client_for, seed_catalog):
    client = client_for("secretariat")
    page = client.get(SUMMARY, {"fy": 2024, "half": 1}).content.decode()
    srcs = chart_srcs(page)
    assert srcs, "the default report has charts"
    assert all(src.startswith(reverse("reports:chart") + "?") for src in srcs)
    assert "data:image/svg+xml" not in page
    inline = [b.chart_svg for b in build_report(fiscal_year=2024, half=1, scope=Scope.council()).blocks if b.chart_svg]
    served = []
    for src in srcs:
        response = client.get(src)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("image/svg+xml")
        assert response["Cache-Control"] == "private, max-age=86400"
        assert "default-src 'none'" in response["Content-Security-Policy"]
        served.append(response.content.decode())
        again = client.get(src, headers={"If-None-Match": response["ETag"]})
        assert again.status_code == 304
    assert served == inline


def test_an_old_digest_is_not_cached_and_a_missing_chart_is_404(client_for, seed_catalog):
    client = client_for("secretariat")
    src = chart_srcs(client.get(SUMMARY, {"fy": 2024, "half": 1}).content.decode())[0]
    stale = re.sub(r"v=[0-9a-f]+", "v=0000000000000000", src)
    assert client.get(stale)["Cache-Control"] == "private, no-cache"
    assert client.get(re.sub(r"n=\d+", "n=99", src)).status_code == 404
    assert client.get(re.sub(r"n=\d+", "n=x", src)).status_code == 404


def test_a_branch_user_gets_its_own_charts_and_404_for_another_branchs(client_for, seed_catalog):
    branch = client_for("branch")
    page = branch.get(SUMMARY, {"fy": 2024, "half": 1}).content.decode()
    src = chart_srcs(page)[0]
    assert "scope=101" in src and branch.get(src).status_code == 200
    assert client_for("other_branch").get(src).status_code == 404


def test_the_pdf_keeps_its_charts_inline(seed_catalog):
    from suishin.reports.renderers.html import summary_body_html

    body = summary_body_html(2024, 1)
    assert "data:image/svg+xml" in body and reverse("reports:chart") not in body
