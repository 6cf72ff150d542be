"""Every screen as a user sees it (issue #7): accessibility, phone width, no CDN, keyboard.

For each role the test signs in, collects the pages reachable from the
navigation plus the main detail and edit pages, and at 1366×768 and 390×844:

- runs axe-core (the copy bundled in the axe-playwright-python wheel, injected
  into the page: nothing is fetched) with the WCAG 2 A/AA rules, colour
  contrast and labels included, and fails with a readable list of violations
  (page, rule id, target selector);
- at 390 px checks that the page body does not scroll sideways (a wide table
  scrolls inside its own .table-wrap);
- records every request the browser makes and fails if one leaves the live
  server's origin (no CDN, no internet);
- at 1366 px presses Tab from the top of the page: the first stop is the skip
  link, it is visible with a focus outline, and Enter moves focus to <main>.

The data is demo-like and built the way the application builds it: the
import engine for the catalog, targets and results, the demo users, and the
apps' own demo steps (programmes, campaigns, meetings, reports) and services
(activity applications, movement reports).
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}

# (username in the root conftest, role key)
ROLES = [
    ("alice", "secretariat"),
    ("bank", "bank"),
    ("viewer", "viewer"),
    ("bob", "branch"),
    ("charlie", "member"),
]


def _import(kind: str, lines: list[str], actor) -> None:
    from suishin.imports.services import import_file

    data = ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")
    outcome = import_file(kind=kind, file=io.BytesIO(data), file_name=f"{kind}.csv", actor=actor)
    assert outcome.ok, outcome.error_lines()


@pytest.fixture
def demo_like(org, users):
    """A small council with figures, imports, applications, campaigns, meetings."""
    from suishin.activities import demo as activities_demo
    from suishin.campaigns import demo as campaigns_demo
    from suishin.demo.users import ensure_demo_users
    from suishin.meetings import demo as meetings_demo
    from suishin.programmes import demo as programmes_demo
    from suishin.reports import demo as reports_demo
    from suishin.selfservice import services as selfservice
    from suishin.selfservice.models import MovementKind

    bank = users["bank"]
    _import(
        "items",
        [
            "年度,項目コード,項目名,区分,単位",
            "2024,LOAN,住宅ローン新規件数,預金・融資・各種サービス,件",
            "2024,DEP,財形貯蓄残高,預金・融資・各種サービス,円",
        ],
        bank,
    )
    _import(
        "targets",
        [
            "年度,項目コード,対象,目標件数,目標金額",
            "2024,LOAN,全体,60,",
            "2024,DEP,全体,,12000000",
            "2024,LOAN,A0001,20,",
            "2024,LOAN,B0001,15,",
        ],
        bank,
    )
    _import(
        "results",
        [
            "年月,会員コード,店番,項目コード,件数,金額",
            "2024-05,A0001,,LOAN,9,0",
            "2024-06,A0002,,LOAN,4,0",
            "2024-07,B0001,,LOAN,7,0",
            "2024-08,B0001,,DEP,0,3250000",
            "2024-09,A0001,,DEP,0,-120000",
        ],
        bank,
    )
    ensure_demo_users()  # jimukyoku / kaiin: the app demo steps act as them
    quiet = lambda line: None  # noqa: E731
    programmes_demo.load(quiet)
    campaigns_demo.load(quiet)
    meetings_demo.load(quiet)
    reports_demo.load(quiet)
    from suishin.accounts.models import User
    from suishin.organisations.models import Member

    actor = User.objects.get(username="jimukyoku")
    officer = User.objects.get(username="kaiin")
    themes, purposes = activities_demo._reference_data(actor)
    activities_demo.load_current(
        actor=actor,
        officer=officer,
        members=list(Member.objects.order_by("code")),
        themes=themes,
        purposes=purposes,
        log=quiet,
    )
    selfservice.record_movement(
        actor=users["member"],
        member=org.member_a,
        kind=MovementKind.values[0],
        reported_on=dt.date.today() - dt.timedelta(days=3),
        note="大会議案書にろうきん運動の方針を掲載",
    )
    return org


def _detail_paths(username: str) -> list[str]:
    """The main detail and edit pages beside the navigation, for this user's data."""
    from django.urls import NoReverseMatch, reverse

    from suishin.accounts.models import User
    from suishin.accounts.scoping import visible
    from suishin.activities.models import Application
    from suishin.campaigns.models import Campaign
    from suishin.core.models import AuditEntry
    from suishin.imports.models import ImportBatch
    from suishin.kpis.models import Item
    from suishin.meetings.models import Meeting, Policy
    from suishin.organisations.models import Block, Branch, Member

    user = User.objects.get(username=username)
    paths: list[str] = []

    def add(name: str, *args, query: str = "") -> None:
        try:
            paths.append(reverse(name, args=args) + query)
        except NoReverseMatch:
            raise AssertionError(f"URL名 {name} が見つかりません") from None

    def first(model):
        # scoping fails closed: a model without a rule gives a scoped user nothing
        return visible(user, model).order_by("pk").first()

    for name in (
        "organisations:branch_list",
        "organisations:member_list",
        "kpis:target_list",
        "imports:history",
        "activities:application_list",
        "activities:queue",
        "activities:budget",
        "activities:session_list",
        "activities:settings",
        "activities:application_create",
        "programmes:loans",
        "programmes:refinancing_list",
        "programmes:calculator",
        "programmes:donation_list",
        "programmes:recipients",
        "programmes:settings",
        "selfservice:movement_list",
        "meetings:meeting_create",
        "organisations:member_create",
        "kpis:item_create",
    ):
        add(name)
    if (block := first(Block)) is not None:
        add("organisations:block_detail", block.pk)
        add("organisations:block_edit", block.pk)
    if (branch := first(Branch)) is not None:
        add("organisations:branch_detail", branch.pk)
    if (member := first(Member)) is not None:
        add("organisations:member_detail", member.pk)
        add("organisations:member_edit", member.pk)
        add("selfservice:targets", member.code)
        add("selfservice:movement_create", member.code)
    if (item := Item.objects.order_by("pk").first()) is not None:
        add("kpis:item_edit", item.pk)
    if (batch := first(ImportBatch)) is not None:
        add("imports:batch_detail", batch.pk)
    add("imports:upload", "results")
    if (app := first(Application)) is not None:
        add("activities:application_detail", app.pk)
    if (campaign := first(Campaign)) is not None:
        add("campaigns:detail", campaign.code)
        add("campaigns:entries", campaign.code)
    if (meeting := first(Meeting)) is not None:
        add("meetings:meeting_detail", meeting.pk)
    if (policy := first(Policy)) is not None:
        add("meetings:policy_detail", policy.pk)
    if (entry := AuditEntry.objects.order_by("pk").first()) is not None:
        add("audit:detail", entry.pk)
    add("reports:summary", query="?fiscal_year=2024&half=1")
    add("reports:narrative_edit", 2024, 1)
    add("reports:trace", query="?fiscal_year=2024&half=1&item=LOAN")
    return paths


AXE_SCRIPT = None


def _axe(page) -> list[dict]:
    """Run axe-core in the page; return its violations."""
    global AXE_SCRIPT
    if AXE_SCRIPT is None:
        from axe_playwright_python.sync_playwright import Axe

        AXE_SCRIPT = Axe().axe_script
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    return page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)["violations"]


def _describe(path: str, width: int, violations: list[dict]) -> list[str]:
    out = []
    for v in violations:
        targets = [" ".join(map(str, node["target"])) for node in v["nodes"][:5]]
        more = f" ほか{len(v['nodes']) - 5}件" if len(v["nodes"]) > 5 else ""
        out.append(f"{path} @{width}px: {v['id']} ({v['impact']}) {v['help']} → {targets}{more}")
    return out


OVERFLOW_JS = """() => {
  const doc = document.scrollingElement;
  if (doc.scrollWidth <= window.innerWidth + 1) return [];
  // name the elements that stick out and are not inside a sideways-scrolling box
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right <= window.innerWidth + 1) continue;
    let p = el.parentElement, scrolled = false;
    while (p && p !== document.body) {
      const ox = getComputedStyle(p).overflowX;
      if (ox === 'auto' || ox === 'scroll' || ox === 'hidden') { scrolled = true; break; }
      p = p.parentElement;
    }
    if (!scrolled) out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
      ' right=' + Math.round(r.right));
    if (out.length >= 5) break;
  }
  return ['scrollWidth ' + doc.scrollWidth + ' > ' + window.innerWidth].concat(out);
}"""

FOCUS_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el), r = el.getBoundingClientRect();
  return {
    cls: el.className, id: el.id, text: (el.textContent || '').trim().slice(0, 20),
    visible: r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0 && r.left < innerWidth,
    outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
  };
}"""


# 2024/11/14, 2024-11-14 (a date a person reads must be 2024年11月14日（木）)
NUMERIC_DATE = re.compile(
    r"(?<![0-9])(?:19|20)[0-9]{2}[/-](?:0?[1-9]|1[0-2])[/-](?:0?[1-9]|[12][0-9]|3[01])(?![0-9])"
)


ENGLISH_OPTION = re.compile(r"^[\x00-\x7f]*[A-Za-z]{2,}\s+[A-Za-z]{2,}[\x00-\x7f]*$")


def _dates(page, path: str) -> list[str]:
    """No numeric date in the visible text (input values are not visible text),
    and no English phrase in a select's options (Django's blank choice)."""
    options = page.evaluate(
        "() => Array.from(document.querySelectorAll('main option')).map(o => o.textContent.trim())"
    )
    english = sorted({o for o in options if ENGLISH_OPTION.match(o)})
    if english:
        return [f"{path}: 英語の選択肢があります: {english[:5]}"]
    found = NUMERIC_DATE.findall(page.locator("body").inner_text())
    if found:
        return [
            f"{path}: 数字だけの日付が表示されています（「2024年11月14日（木）」の形に）: {sorted(set(found))[:5]}"
        ]
    return []


def _keyboard(page, path: str) -> list[str]:
    """Tab from the top reaches the skip link (visible, outlined); Enter lands in <main>."""
    page.evaluate(
        "() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }"
    )
    page.keyboard.press("Tab")
    first = page.evaluate(FOCUS_JS)
    problems = []
    if not first or "skip-link" not in str(first["cls"]):
        return [f"{path}: 最初のTabで本文へのスキップリンクに移動しません（{first}）"]
    if not (first["visible"] and first["outline"]):
        problems.append(f"{path}: スキップリンクのフォーカスが見えません（{first}）")
    page.keyboard.press("Enter")
    page.wait_for_timeout(50)
    if page.evaluate("() => document.activeElement && document.activeElement.id") != "main":
        problems.append(f"{path}: スキップリンクで本文（main）にフォーカスが移りません")
    return problems


def _audit_pages(browser, live_server, username: str, paths: list[str], shot_prefix: str):
    from conftest import PASSWORD
    from tests.e2e.conftest import SCREENSHOTS

    context = browser.new_context(viewport=DESKTOP, locale="ja-JP")
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda req: requests.append(req.url))
    problems: list[str] = []
    visited: list[str] = []
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        problems += _describe("/accounts/login/", 1366, _axe(page))
        page.get_by_label("ユーザー名").fill(username)
        page.get_by_label("パスワード").fill(PASSWORD)
        page.get_by_role("button", name="ログイン").click()
        page.wait_for_load_state()
        nav = page.locator("nav#sidenav a")
        nav_paths = [nav.nth(i).get_attribute("href") for i in range(nav.count())]
        assert nav_paths, f"{username}: メニューが空です"
        candidates = [p for p in nav_paths if not p.startswith("/admin/")] + paths
        candidates.append("/no-such-page/")  # the 404 page is a page too
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for path in dict.fromkeys(candidates):
            page.set_viewport_size(DESKTOP)
            response = page.goto(f"{live_server.url}{path}")
            status = response.status if response else 0
            if status in (403, 404) and path != "/no-such-page/":
                continue  # not this role's page (the access matrix tests these answers)
            assert status < 500, f"{path}: HTTP {status}"
            visited.append(path)
            problems += _describe(path, 1366, _axe(page))
            problems += _dates(page, path)
            problems += _keyboard(page, path)
            page.set_viewport_size(PHONE)
            page.wait_for_timeout(30)
            overflow = page.evaluate(OVERFLOW_JS)
            if overflow:
                problems.append(f"{path} @390px: 横にはみ出します: {overflow}")
            problems += _describe(path, 390, _axe(page))
            slug = re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-") or "home"
            if path in nav_paths:
                page.evaluate("window.scrollTo(0, 0)")
                page.screenshot(path=str(SCREENSHOTS / f"a11y-{shot_prefix}-{slug}-390.png"))
    finally:
        context.close()
    origin = live_server.url
    foreign = sorted(
        {u for u in requests if not (u.startswith(origin + "/") or u.startswith("data:"))}
    )
    return visited, problems, foreign


@pytest.mark.parametrize(("username", "role"), ROLES, ids=[r for _, r in ROLES])
def test_every_page_passes_axe_fits_a_phone_and_loads_nothing_from_outside(
    browser, live_server, demo_like, users, username, role
):
    paths = _detail_paths(username)
    visited, problems, foreign = _audit_pages(browser, live_server, username, paths, role)
    assert len(visited) >= 5, f"{role}: 確認できたページが少なすぎます: {visited}"
    assert not foreign, f"{role}: 外部へのリクエストがあります: {foreign}"
    assert not problems, f"{role}: {len(problems)}件の問題\n" + "\n".join(problems)


# The main forms, submitted empty: each Japanese error is shown next to its field
# and tied to it (aria-invalid, aria-describedby naming the error's id).
FORMS = [
    ("alice", "organisations:block_create"),
    ("alice", "organisations:branch_create"),
    ("alice", "organisations:member_create"),
    ("alice", "kpis:item_create"),
    ("alice", "kpis:target_create"),
    ("alice", "activities:session_create"),
    ("alice", "activities:year_setting_create"),
    ("alice", "activities:theme_create"),
    ("alice", "activities:purpose_create"),
    ("alice", "programmes:refinancing_create"),
    ("alice", "campaigns:create"),
    ("alice", "meetings:meeting_create"),
    ("alice", "meetings:entry_create"),
    ("alice", "meetings:session_create"),
    ("bob", "activities:application_create"),
    ("alice", "password_change"),
]

FORM_ERRORS_JS = """() => {
  const out = {invalid: 0, problems: []};
  const jp = /[\\u3040-\\u30ff\\u4e00-\\u9fff]/;
  for (const input of document.querySelectorAll('main [aria-invalid="true"]')) {
    out.invalid += 1;
    const name = input.name || input.id;
    const ids = (input.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean);
    const errors = ids.map(id => document.getElementById(id)).filter(el => el && el.id.endsWith('_error'));
    if (!ids.length) { out.problems.push(name + ': aria-describedby がありません'); continue; }
    const missing = ids.filter(id => !document.getElementById(id));
    if (missing.length) out.problems.push(name + ': aria-describedby の参照先がありません: ' + missing.join(' '));
    if (!errors.length) { out.problems.push(name + ': エラー文への参照がありません'); continue; }
    for (const err of errors) {
      if (!jp.test(err.textContent)) out.problems.push(name + ': エラー文が日本語ではありません: ' + err.textContent.trim());
      // next to the field: in the same .field block or the same table cell
      const box = input.closest('.field, td, fieldset');
      if (!box || !box.contains(err)) out.problems.push(name + ': エラー文が入力欄の隣にありません');
      const r = err.getBoundingClientRect();
      if (!(r.width > 0 && r.height > 0)) out.problems.push(name + ': エラー文が表示されていません');
    }
  }
  return out;
}"""

CLEAR_AND_SUBMIT_JS = """() => {
  const form = Array.from(document.querySelectorAll('main form')).find(
    f => f.method.toLowerCase() === 'post' && f.querySelector('input:not([type=hidden]), select, textarea'));
  for (const el of form.querySelectorAll('input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=submit]), textarea')) el.value = '';
  for (const el of form.querySelectorAll('select')) el.selectedIndex = el.querySelector('option[value=""]') ? Array.from(el.options).findIndex(o => o.value === '') : el.selectedIndex;
  form.noValidate = true;
  const submit = form.querySelector('button[type=submit]:not([name]), button:not([type]):not([name]), input[type=submit]') || form.querySelector('button[type=submit]');
  form.requestSubmit(submit || undefined);
}"""


def test_form_errors_are_in_japanese_next_to_their_fields(login, page, live_server, demo_like):
    from django.urls import reverse

    from tests.e2e.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    problems, checked, current = [], 0, None
    for username, name in FORMS:
        if username != current:
            if current is not None:
                page.get_by_role("button", name="ログアウト").click()
            login(username)
            current = username
        path = reverse(name)
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, f"{path}: HTTP {response.status}"
        with page.expect_navigation():
            page.evaluate(CLEAR_AND_SUBMIT_JS)
        result = page.evaluate(FORM_ERRORS_JS)
        slug = re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-")
        page.screenshot(path=str(SCREENSHOTS / f"a11y-form-errors-{slug}.png"), full_page=True)
        if not result["invalid"]:
            problems.append(f"{path}: 空で送信してもエラーの入力欄（aria-invalid）がありません")
        problems += [f"{path}: {p}" for p in result["problems"]]
        problems += _describe(path + "（エラー表示）", 1366, _axe(page))
        checked += 1
    assert checked == len(FORMS)
    assert not problems, f"{len(problems)}件の問題\n" + "\n".join(problems)
