"""Drill into a figure: from the summary report to the records and the import
rows it came from; a branch committee cannot open another branch's trace."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def _import(kind: str, lines: list[str], actor) -> None:
    from suishin.imports.services import import_file

    data = ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")
    outcome = import_file(kind=kind, file=io.BytesIO(data), file_name=f"{kind}.csv", actor=actor)
    assert outcome.ok, outcome.error_lines()


@pytest.fixture
def imported(org, users, settings, tmp_path):
    """A FY2024 catalog, targets and results, all through the import engine."""
    settings.MEDIA_ROOT = tmp_path / "media"
    bank = users["bank"]
    _import(
        "items",
        [
            "年度,項目コード,項目名,区分,単位",
            "2024,LOAN,住宅ローン新規件数,預金・融資・各種サービス,件",
        ],
        bank,
    )
    _import(
        "targets",
        ["年度,項目コード,対象,目標件数", "2024,LOAN,全体,60"],
        bank,
    )
    _import(
        "results",
        [
            "年月,会員コード,店番,項目コード,件数,金額",
            "2024-05,A0001,,LOAN,9,0",
            "2024-06,A0002,,LOAN,4,0",
            "2024-07,B0001,,LOAN,7,0",
        ],
        bank,
    )


def test_bank_clicks_a_report_figure_and_lands_on_its_records_and_import_rows(
    login, page, imported, shot, live_server
):
    login("bank")
    page.goto(f"{live_server.url}/reports/?fy=2024&half=1")
    expect(page.locator("h1")).to_contain_text("推進活動総括")
    link = page.locator('a[href*="item=LOAN"][href*="span=half"]').first
    expect(link).to_have_text("20")
    shot("trace-summary-1366")
    link.click()
    expect(page.locator("h1")).to_contain_text("数値の根拠")
    expect(page.locator("main")).to_contain_text("件数 20")
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(3)
    text = page.locator("main table").inner_text()
    for code, count, line in (
        ("A0001", "9", "2行目"),
        ("A0002", "4", "3行目"),
        ("B0001", "7", "4行目"),
    ):
        row = rows.filter(has_text=code)
        expect(row).to_contain_text(count)
        expect(row).to_contain_text(line)
    assert "取込 #" in text
    shot("trace-records-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    shot("trace-records-390")
    page.set_viewport_size({"width": 1366, "height": 768})
    # The import row of B0001's figure: the stored file's line 4.
    rows.filter(has_text="B0001").get_by_role("link").click()
    expect(page.locator("main")).to_contain_text("B0001")
    assert "row=4" in page.url
    shot("trace-import-row-1366")


def test_secretariat_drills_from_a_block_to_its_members_rows(
    login, page, imported, shot, live_server
):
    login("alice")
    page.goto(f"{live_server.url}/reports/?fy=2024&half=1&scope=101")
    page.locator('a[href*="item=LOAN"][href*="span=half"]').first.click()
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(2)
    assert "B0001" not in page.locator("main table").inner_text()


def test_a_branch_committee_cannot_open_another_branchs_trace(
    login, page, imported, shot, live_server
):
    login("bob")  # branch 101
    own = page.goto(
        f"{live_server.url}/reports/trace/?fy=2024&half=1&scope=101&item=LOAN&span=half"
    )
    assert own.status == 200
    expect(page.locator("main table tbody tr")).to_have_count(2)
    assert "B0001" not in page.locator("main").inner_text()
    other = page.goto(
        f"{live_server.url}/reports/trace/?fy=2024&half=1&scope=201&item=LOAN&span=half"
    )
    assert other.status == 404
    body = page.locator("body").inner_text()
    assert "B0001" not in body and "Traceback" not in body
    shot("trace-other-branch-404-1366")
    # Nor the council-wide figure, which would include the other branch's rows.
    council = page.goto(
        f"{live_server.url}/reports/trace/?fy=2024&half=1&scope=全体&item=LOAN&span=half"
    )
    assert council.status == 404
