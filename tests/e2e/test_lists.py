"""Every list exports to CSV and XLSX with the rows the page shows, and sorts (issue #7).

The list pages are found, not just named: every page of the URLconf that takes
no argument is rendered for the secretariat, and a page whose <main> holds a
table must be either a list (LIST_PAGES, checked in the browser) or one of the
pages in OTHER_TABLE_PAGES, each with the reason it is not a list. A new page
with a table therefore fails here until somebody decides which it is.

In the browser, on each list page and for each role that may open it: every
"CSV出力" link has its "XLSX出力" twin; the table that follows the pair on the
page has as many data rows as the CSV file and the XLSX sheet have rows under
their header; the files are well formed (UTF-8 with BOM, an XLSX openpyxl
reads); the table has sort controls, and using one from the keyboard sorts it.
"""

from __future__ import annotations

import csv
import io

import pytest

from tests.e2e.test_accessibility import demo_like  # noqa: F401  (the shared data fixture)

pytestmark = pytest.mark.django_db(transaction=True)

LIST_PAGES = [
    "home",
    "organisations:block_list",
    "organisations:branch_list",
    "organisations:member_list",
    "kpis:item_list",
    "kpis:target_list",
    "imports:history",
    "programmes:index",
    "programmes:loans",
    "programmes:refinancing_list",
    "programmes:donation_list",
    "programmes:recipients",
    "activities:application_list",
    "activities:budget",
    "activities:session_list",
    "campaigns:index",
    "meetings:index",
    "selfservice:index",
    "selfservice:movement_list",
    "audit:index",
]

# The demo-like data is FY2024 (figures, meetings) and this year (applications,
# movement reports): the page opens on the year with rows.
QUERIES = {
    "meetings:index": "?fy=2024",
    "programmes:index": "?fy=2024&half=1",
}

OTHER_TABLE_PAGES = {
    "imports:index": "取込の種類と列の説明。サンプルファイル（CSV・XLSX）がこの表のダウンロード",
    "reports:summary": "推進活動総括そのもの。PDF・XLSX・JSONの作成ボタンで出力する",
    "activities:index": "状態別件数の要約。申請の一覧と出力は申請一覧（activities:application_list）",
    "activities:queue": "承認・支払の作業画面（行ごとのフォーム）。同じ申請は申請一覧から出力する",
    "activities:summary": "総括の職域活動費の節（集計表）。出力は推進活動総括から",
    "activities:settings": "予算・テーマ・費目の設定画面",
    "activities:application_create": "申請フォームの費目行",
    "programmes:settings": "寄付単価の設定画面",
    "meetings:policy_create": "方針の入力フォーム",
    "api:token_list": "APIトークンの管理画面（トークンは出力しない）",
}

# Sortable tables on list pages that are not exported on their own, and why.
UNEXPORTED_OK = {
    "risk-table": "未達見込みの項目は進捗（progress）の出力の「未達の見込み」列に含まれる",
    "推進活動方針（案）": "方針は会議資料（PDF・DOCX・HTML）として出力する",
}

# (username, role) — the lists are checked for an unscoped and a scoped role.
ROLES = [("alice", "secretariat"), ("bob", "branch")]


def _no_argument_pages():
    """(url name, path) of every GET page in the URLconf that takes no argument."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, prefix: str, ns: str):
        for p in patterns:
            if isinstance(p, URLResolver):
                inner = f"{ns}:{p.namespace}" if ns and p.namespace else (p.namespace or ns)
                yield from walk(p.url_patterns, prefix + str(p.pattern), inner)
            elif isinstance(p, URLPattern) and p.name:
                yield (f"{ns}:{p.name}" if ns else p.name), prefix + str(p.pattern)

    for name, route in walk(get_resolver().url_patterns, "", ""):
        if "<" in route or "(?P" in route or route.startswith(("admin", "api/v1")):
            continue
        yield name, "/" + route.lstrip("^").rstrip("$")


def test_every_page_with_a_table_is_a_list_or_says_why_not(client, demo_like, users):  # noqa: F811
    client.force_login(users["secretariat"])
    unclassified, seen = [], set()
    for name, path in _no_argument_pages():
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        main = response.content.decode().split('<main id="main"', 1)[-1]
        if "<table" not in main:
            continue
        seen.add(name)
        if name not in LIST_PAGES and name not in OTHER_TABLE_PAGES:
            unclassified.append(f"{name} ({path})")
    assert not unclassified, (
        "表のあるページが LIST_PAGES にも OTHER_TABLE_PAGES にもありません: "
        + ", ".join(unclassified)
    )
    stale = sorted((set(LIST_PAGES) | set(OTHER_TABLE_PAGES)) - seen)
    assert not stale, f"表のないページ、または存在しないURL名が登録されています: {stale}"


PAIRS_JS = """() => {
  // each CSV export link, its XLSX twin in the same toolbar and the first table after it
  const heading = el => {
    const all = Array.from(document.querySelectorAll('main h1, main h2, main h3'));
    const before = all.filter(h => h.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
    return before.length ? before[before.length - 1].textContent.trim() : 'table';
  };
  const out = [];
  for (const csvLink of document.querySelectorAll('main a[href*="export=csv"]')) {
    const xlsxHref = csvLink.href.replace('export=csv', 'export=xlsx');
    const twin = Array.from(document.querySelectorAll('main a[href*="export=xlsx"]')).find(a => a.href === xlsxHref);
    // a toolbar marked data-export-scope="page" exports the page's figures, not one table
    const wholePage = !!csvLink.closest('[data-export-scope="page"]');
    let table = null;
    if (!wholePage) for (const t of document.querySelectorAll('main table')) {
      if (csvLink.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING) { table = t; break; }
    }
    const rows = table ? Array.from(table.tBodies).flatMap(b => Array.from(b.rows)).filter(
      r => !r.classList.contains('total') && !(r.cells.length === 1 && r.cells[0].colSpan > 1)) : [];
    out.push({
      csv: csvLink.href, xlsx: twin ? twin.href : null,
      table: wholePage ? 'ページ全体' : table ? (table.id || heading(table)) : null,
      wholePage: wholePage,
      rows: rows.length,
      sortable: table ? table.querySelectorAll('thead th[data-sort]').length : 0,
      next: Array.from(document.querySelectorAll('main nav.pagination a')).find(a => a.textContent.includes('次'))?.href || null,
    });
  }
  return out;
}"""

# Sortable tables on a list page that no export link precedes directly.
UNEXPORTED_JS = """() => {
  const out = [];
  const links = Array.from(document.querySelectorAll('main a[href*="export=csv"]'));
  for (const t of document.querySelectorAll('main table')) {
    if (!t.querySelector('thead th[data-sort]')) continue;
    const before = links.filter(a => a.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING);
    const last = before[before.length - 1];
    const between = last ? Array.from(document.querySelectorAll('main table')).filter(
      o => o !== t && (last.compareDocumentPosition(o) & Node.DOCUMENT_POSITION_FOLLOWING)
        && (o.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING)) : [];
    if (!last || between.length) out.push(t.id || (t.caption && t.caption.textContent.trim()) || t.closest('section')?.querySelector('h2')?.textContent.trim() || '?');
  }
  return out;
}"""


def _rows_on_later_pages(page, pair) -> int:
    """A paginated list: follow 次へ and add the same table's rows on every page."""
    total, url, seen = 0, pair["next"], set()
    while url and url not in seen:
        seen.add(url)
        page.goto(url)
        same = [p for p in page.evaluate(PAIRS_JS) if p["csv"] == pair["csv"]]
        if not same:
            break
        total += same[0]["rows"]
        url = same[0]["next"]
    return total


def _csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf"), "CSVはBOM付きUTF-8ではありません"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _xlsx_rows(body: bytes) -> list[tuple]:
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    return [row for row in ws.iter_rows(values_only=True) if any(v is not None for v in row)]


@pytest.mark.parametrize(("username", "role"), ROLES, ids=[r for _, r in ROLES])
def test_every_list_exports_its_rows_to_csv_and_xlsx_and_sorts(
    login,
    page,
    live_server,
    demo_like,  # noqa: F811
    username,
    role,
):
    from django.urls import reverse

    login(username)
    problems, checked = [], 0
    for name in LIST_PAGES:
        path, query = reverse(name), QUERIES.get(name, "")
        response = page.goto(f"{live_server.url}{path}{query}")
        if response.status in (403, 404):
            continue  # not this role's page
        assert response.status == 200, f"{path}: HTTP {response.status}"
        pairs = page.evaluate(PAIRS_JS)
        if not pairs:
            problems.append(f"{path}: CSV・XLSX出力のリンクがありません")
            continue
        for pair in pairs:
            label = f"{path} [{pair['table']}]"
            if not pair["xlsx"]:
                problems.append(f"{label}: CSV出力に対応するXLSX出力がありません")
                continue
            if pair["table"] is None and not pair["wholePage"]:
                problems.append(f"{label}: 出力リンクの後に表がありません")
                continue
            csv_response = page.request.get(pair["csv"])
            xlsx_response = page.request.get(pair["xlsx"])
            if csv_response.status != 200 or xlsx_response.status != 200:
                problems.append(f"{label}: 出力がHTTP {csv_response.status}/{xlsx_response.status}")
                continue
            assert "attachment" in csv_response.headers.get("content-disposition", "")
            csv_rows = _csv_rows(csv_response.body())
            xlsx_rows = _xlsx_rows(xlsx_response.body())
            if not csv_rows or not xlsx_rows:
                problems.append(f"{label}: 見出し行のないファイルです")
                continue
            if csv_rows[0] != [("" if v is None else str(v)) for v in xlsx_rows[0]]:
                problems.append(
                    f"{label}: CSVとXLSXの見出しが違います: {csv_rows[0]} / {xlsx_rows[0]}"
                )
            if pair["wholePage"]:
                checked += 1  # well formed; its rows are the page's figures, not a table's rows
                continue
            shown = pair["rows"] + _rows_on_later_pages(page, pair)
            if not (len(csv_rows) - 1 == len(xlsx_rows) - 1 == shown):
                problems.append(
                    f"{label}: 行数が違います（画面 {shown}行、CSV {len(csv_rows) - 1}行、"
                    f"XLSX {len(xlsx_rows) - 1}行）"
                )
            if pair["rows"] > 1 and not pair["sortable"]:
                problems.append(f"{label}: 並べ替えの見出し（th[data-sort]）がありません")
            checked += 1
        page.goto(f"{live_server.url}{path}{query}")
        for table in page.evaluate(UNEXPORTED_JS):
            if table not in UNEXPORTED_OK:
                problems.append(f"{path} [{table}]: 並べ替えできる表に出力リンクがありません")
        # sort from the keyboard: the first sortable header of the first list table
        header = page.locator("main table thead th[data-sort]").first
        if header.count():
            header.focus()
            page.keyboard.press("Enter")
            if header.get_attribute("aria-sort") != "ascending":
                problems.append(f"{path}: Enterで並べ替えができません")
    assert checked >= 5, f"{role}: 確認できた一覧が少なすぎます（{checked}）"
    assert not problems, f"{role}: {len(problems)}件の問題\n" + "\n".join(problems)
