"""The access matrix (issue 10): every named URL × every role × own/other object.

The URL configuration is enumerated, so a view added without a row in CASES
fails `test_every_url_has_an_access_rule` with "no access rule for <name>: add
one". Expectations follow from the rule, not from observation:

* anonymous → 302 to the login page (the login-required middleware answers
  before anything else, so also for POST-only views);
* a role without the case's permission → 403;
* a branch committee or member officer asking for another organisation's
  object ("other" side) → 404 (existence does not leak);
* otherwise the case's `ok` status (200; 405 for a GET on a POST-only view,
  which Django answers before any permission check, for every signed-in role).

POST-only views are additionally POSTed by the refused roles (403), anonymous
(302) and, for scoped objects, by the allowed scoped roles on the other side
(404) — requests that must be refused before anything is written.
Object URLs whose model this file does not build use a pk that does not
exist (MISSING): allowed roles get 404, refused roles 403 — the permission
check comes before the lookup, so an id probe learns nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from suishin.accounts.scoping import Perm, has_perm

ROLES = [
    "anonymous",
    "secretariat",
    "bank",
    "viewer",
    "branch",
    "other_branch",
    "member",
    "other_member",
]
SCOPED_ROLES = {"branch", "other_branch", "member", "other_member"}
OWN_SIDE = {"other_branch": "b", "other_member": "b"}  # everyone else's own side is "a"
MISSING = 999_999
PUBLIC = "public"
SIGNED_IN = "signed_in"


@dataclass(frozen=True)
class Case:
    """One request shape of one URL name.

    args: literal values, or "@kind" = the pk of world.obj[kind][side]
    (see conftest.World). scoped: the "@kind" objects belong to a branch/union,
    so scoped roles get 404 on the other side. perm: Perm, PUBLIC or SIGNED_IN.
    overrides: {role: status} or {(role, side): status} for documented exceptions."""

    name: str
    perm: Any
    args: tuple = ()
    query: str = ""
    scoped: bool = False
    ok: int = 200
    post_only: bool = False
    overrides: dict = field(default_factory=dict)
    api: bool = False  # a token-authenticated /api/v1/ operation, requested with a bearer token

    @property
    def label(self) -> str:
        return f"{self.name}{'?' + self.query if self.query else ''}{list(self.args) if self.args else ''}"


def _exports(name: str, perm: Any, **kw) -> list[Case]:
    return [Case(name, perm, **kw)] + [
        Case(
            name,
            perm,
            **{**kw, "query": "&".join(filter(None, [kw.get("query", ""), f"export={fmt}"]))},
        )
        for fmt in ("csv", "xlsx")
    ]


P = Perm
VIEW_ONLY_404 = {"viewer": 404, "member": 404, "other_member": 404}
MEMBER_403 = {"member": 403, "other_member": 403}
SCOPED_403 = {r: 403 for r in SCOPED_ROLES}
# A member officer may view the organisation pages but only its own union's
# rows: the other union's branch and block are outside it as well.
CASES: list[Case] = [
    Case("home", SIGNED_IN),
    Case("healthz", PUBLIC),
    Case("login", PUBLIC),
    Case("logout", SIGNED_IN, ok=405),  # LogoutView is POST-only
    Case("password_change", SIGNED_IN),
    Case("admin:index", P.ADMIN_SITE, overrides={r: 302 for r in ROLES if r != "secretariat"}),
    # organisations
    *_exports("organisations:block_list", P.VIEW_ORGANISATION),
    Case("organisations:block_create", P.EDIT_ORGANISATION),
    Case("organisations:block_detail", P.VIEW_ORGANISATION, args=("@block",), scoped=True),
    Case("organisations:block_edit", P.EDIT_ORGANISATION, args=("@block",), scoped=True),
    *_exports("organisations:branch_list", P.VIEW_ORGANISATION),
    Case("organisations:branch_create", P.EDIT_ORGANISATION),
    Case("organisations:branch_detail", P.VIEW_ORGANISATION, args=("@branch",), scoped=True),
    Case("organisations:branch_edit", P.EDIT_ORGANISATION, args=("@branch",), scoped=True),
    *_exports("organisations:member_list", P.VIEW_ORGANISATION),
    Case("organisations:member_create", P.EDIT_ORGANISATION),
    Case("organisations:member_detail", P.VIEW_ORGANISATION, args=("@member",), scoped=True),
    Case("organisations:member_edit", P.EDIT_ORGANISATION, args=("@member",), scoped=True),
    # kpis
    *_exports("kpis:item_list", P.VIEW_FIGURES),
    Case("kpis:item_create", P.EDIT_CATALOG),
    Case("kpis:item_edit", P.EDIT_CATALOG, args=("@item",)),
    Case("kpis:item_delete", P.EDIT_CATALOG, args=("@item",)),
    Case("kpis:catalog_copy", P.EDIT_CATALOG, ok=405, post_only=True),
    *_exports("kpis:target_list", P.VIEW_FIGURES),
    Case("kpis:target_create", P.EDIT_CATALOG),
    Case("kpis:target_edit", P.EDIT_CATALOG, args=("@target",), scoped=True),
    Case("kpis:target_delete", P.EDIT_CATALOG, args=("@target",), scoped=True),
    # imports
    Case("imports:index", P.IMPORT_FILES),
    *_exports("imports:history", P.IMPORT_FILES),
    # The full batch page needs IMPORT_FILES; VIEW_FIGURES alone gets only the
    # trace of one row (?row=N) whose figure it may see (docs/imports.md).
    Case(
        "imports:batch_detail",
        P.VIEW_FIGURES,
        args=("@batch",),
        scoped=True,
        overrides=VIEW_ONLY_404,
    ),
    Case("imports:batch_detail", P.VIEW_FIGURES, args=("@batch",), query="row=2", scoped=True),
    Case("imports:rollback", P.IMPORT_ALL, args=("@batch",), scoped=True),
    Case("imports:download", P.IMPORT_FILES, args=("@batch",), scoped=True),
    Case("imports:upload", P.IMPORT_FILES, args=("results",)),
    Case("imports:upload", P.IMPORT_ALL, args=("blocks",)),
    Case("imports:apply", P.IMPORT_FILES, args=("results",), ok=405, post_only=True),
    Case("imports:sample", P.IMPORT_FILES, args=("results", "csv")),
    Case("imports:sample", P.IMPORT_FILES, args=("results", "xlsx")),
    Case("imports:sample", P.IMPORT_ALL, args=("members", "csv")),
    # reports: every output format of the summary report is its own row
    *[
        Case("reports:summary", P.VIEW_REPORTS, query=q)
        for q in ("", "format=html", "format=pdf", "format=xlsx", "format=json")
    ],
    # a scope outside the user's own organisation is 404, like an object
    Case(
        "reports:summary",
        P.VIEW_REPORTS,
        query="scope=101",
        overrides={r: 404 for r in ("other_branch", "member", "other_member")},
    ),
    Case(
        "reports:summary",
        P.VIEW_REPORTS,
        query="scope=B0001",
        overrides={r: 404 for r in ("branch", "member")},
    ),
    Case(
        "reports:summary",
        P.VIEW_REPORTS,
        query="scope=A0001&format=json",
        overrides={r: 404 for r in ("other_branch", "other_member")},
    ),
    Case("reports:narrative_edit", P.EDIT_NARRATIVE, args=(2024, 1)),
    Case("reports:summary_job", P.VIEW_REPORTS, ok=405, post_only=True),
    *_exports("reports:trace", P.VIEW_REPORTS, query="item=ATM"),
    # a chart the report does not have (chart images: suishin/reports/tests/test_chart_view.py)
    Case("reports:chart", P.VIEW_REPORTS, query="fy=2024&half=1&n=99", ok=404),
    # programmes
    *_exports("programmes:index", P.VIEW_FIGURES),
    *_exports("programmes:loans", P.VIEW_FIGURES),
    *_exports("programmes:refinancing_list", P.VIEW_FIGURES),
    Case("programmes:refinancing_create", P.IMPORT_ALL),
    Case("programmes:refinancing_delete", P.IMPORT_ALL, args=(MISSING,), ok=405, post_only=True),
    Case("programmes:calculator", P.VIEW_FIGURES),
    # 寄付先一覧: not for member officers (programmes.views.donation_list)
    *_exports("programmes:donation_list", P.VIEW_FIGURES, overrides=MEMBER_403),
    *_exports("programmes:recipients", P.EDIT_CATALOG),
    Case("programmes:recipient_create", P.EDIT_CATALOG),
    Case("programmes:recipient_edit", P.EDIT_CATALOG, args=(MISSING,), ok=404),
    Case("programmes:choice_add", P.EDIT_CATALOG, ok=405, post_only=True),
    Case("programmes:choice_delete", P.EDIT_CATALOG, args=(MISSING,), ok=405, post_only=True),
    Case("programmes:choices_copy", P.EDIT_CATALOG, ok=405, post_only=True),
    Case("programmes:settings", P.VIEW_FIGURES),
    # activities
    Case("activities:index", P.VIEW_ACTIVITIES),
    *_exports("activities:application_list", P.VIEW_ACTIVITIES),
    Case("activities:application_create", P.ENTER_ACTIVITIES),
    Case("activities:application_detail", P.VIEW_ACTIVITIES, args=("@application",), scoped=True),
    Case("activities:application_edit", P.ENTER_ACTIVITIES, args=("@application",), scoped=True),
    Case(
        "activities:application_action",
        P.VIEW_ACTIVITIES,
        args=("@application", "submit"),
        scoped=True,
        ok=405,
        post_only=True,
    ),
    Case("activities:queue", P.APPROVE_APPLICATIONS),
    *_exports("activities:budget", P.VIEW_ACTIVITIES),
    Case("activities:summary", P.VIEW_ACTIVITIES),
    *_exports("activities:session_list", P.VIEW_ACTIVITIES),
    Case("activities:session_create", P.ENTER_ACTIVITIES),
    Case("activities:session_edit", P.ENTER_ACTIVITIES, args=("@session",), scoped=True),
    Case(
        "activities:session_delete",
        P.ENTER_ACTIVITIES,
        args=("@session",),
        scoped=True,
        ok=405,
        post_only=True,
    ),
    Case("activities:settings", P.APPROVE_APPLICATIONS),
    Case("activities:year_setting_create", P.APPROVE_APPLICATIONS),
    Case("activities:year_setting_edit", P.APPROVE_APPLICATIONS, args=("@year_setting",)),
    Case("activities:theme_create", P.APPROVE_APPLICATIONS),
    Case("activities:theme_edit", P.APPROVE_APPLICATIONS, args=("@theme",)),
    Case("activities:purpose_create", P.APPROVE_APPLICATIONS),
    Case("activities:purpose_edit", P.APPROVE_APPLICATIONS, args=("@purpose",)),
    # campaigns
    *_exports("campaigns:index", P.VIEW_CAMPAIGNS),
    Case("campaigns:create", P.MANAGE_CAMPAIGNS),
    *_exports("campaigns:detail", P.VIEW_CAMPAIGNS, args=("APP001",)),
    Case("campaigns:edit", P.MANAGE_CAMPAIGNS, args=("APP001",)),
    # entrants and draws (personal data): unscoped roles only
    *_exports("campaigns:entries", P.VIEW_CAMPAIGNS, args=("APP001",), overrides=SCOPED_403),
    Case("campaigns:draw", P.VIEW_CAMPAIGNS, args=("APP001", "2024-10"), overrides=SCOPED_403),
    # exports of a month not yet drawn: nothing to export
    *[
        Case(
            "campaigns:draw",
            P.VIEW_CAMPAIGNS,
            args=("APP001", "2024-10"),
            query=f"export={f}",
            ok=404,
            overrides=SCOPED_403,
        )
        for f in ("csv", "xlsx", "json")
    ],
    Case(
        "campaigns:draw", P.VIEW_CAMPAIGNS, args=("APP001", "2023-10"), ok=404, overrides=SCOPED_403
    ),
    Case("campaigns:detail", P.VIEW_CAMPAIGNS, args=("NOSUCH",), ok=404),
    # meetings
    *_exports("meetings:index", P.VIEW_MEETINGS),  # the page; its exports take list=:
    *[
        Case("meetings:index", P.VIEW_MEETINGS, query=f"fy=2024&list={kind}&export={fmt}")
        for kind in ("meetings", "sessions", "schedule")
        for fmt in ("csv", "xlsx")
    ],
    Case("meetings:fiscal_year_ics", P.VIEW_MEETINGS, args=(2024,)),
    Case("meetings:meeting_create", P.EDIT_MEETINGS),
    Case("meetings:meeting_detail", P.VIEW_MEETINGS, args=("@meeting",)),
    Case("meetings:meeting_edit", P.EDIT_MEETINGS, args=("@meeting",)),
    Case("meetings:meeting_delete", P.EDIT_MEETINGS, args=("@meeting",)),
    Case("meetings:agenda_copy", P.EDIT_MEETINGS, args=("@meeting",)),
    *[
        Case("meetings:meeting_document", P.VIEW_MEETINGS, args=("@meeting", f))
        for f in ("html", "pdf", "docx")
    ],
    Case("meetings:meeting_ics", P.VIEW_MEETINGS, args=("@meeting",)),
    Case("meetings:section_create", P.EDIT_MEETINGS, args=("@meeting",)),
    Case("meetings:section_edit", P.EDIT_MEETINGS, args=("@section",)),
    Case("meetings:section_delete", P.EDIT_MEETINGS, args=("@section",)),
    Case("meetings:section_move", P.EDIT_MEETINGS, args=("@section", "up"), ok=405, post_only=True),
    Case("meetings:item_create", P.EDIT_MEETINGS, args=("@section",)),
    Case("meetings:item_edit", P.EDIT_MEETINGS, args=("@agenda_item",)),
    Case("meetings:item_delete", P.EDIT_MEETINGS, args=("@agenda_item",)),
    Case(
        "meetings:item_move", P.EDIT_MEETINGS, args=("@agenda_item", "down"), ok=405, post_only=True
    ),
    Case("meetings:session_create", P.EDIT_MEETINGS),
    Case("meetings:session_edit", P.EDIT_MEETINGS, args=(MISSING,), ok=404),
    Case("meetings:session_delete", P.EDIT_MEETINGS, args=(MISSING,), ok=404),
    Case("meetings:entry_create", P.EDIT_MEETINGS),
    Case("meetings:entry_edit", P.EDIT_MEETINGS, args=(MISSING,), ok=404),
    Case("meetings:entry_delete", P.EDIT_MEETINGS, args=(MISSING,), ok=404),
    Case("meetings:policy_create", P.EDIT_MEETINGS),
    Case("meetings:policy_copy", P.EDIT_MEETINGS, ok=405, post_only=True),
    Case("meetings:policy_detail", P.VIEW_MEETINGS, args=(MISSING,), ok=404),
    Case("meetings:policy_edit", P.EDIT_MEETINGS, args=(MISSING,), ok=404),
    Case("meetings:policy_delete", P.EDIT_MEETINGS, args=(MISSING,), ok=404),
    # self-service (会員の自主目標・異動報告), in progress by its owner
    Case(
        "selfservice:index", P.VIEW_FIGURES, overrides={"member": 302, "other_member": 302}
    ),  # → own union's page
    *_exports("selfservice:movement_list", P.VIEW_FIGURES),
    Case("selfservice:movement_delete", P.SELF_SERVICE, args=(MISSING,), ok=405, post_only=True),
    Case("selfservice:targets", P.VIEW_FIGURES, args=("@member.code",), scoped=True),
    Case("selfservice:movement_create", P.SELF_SERVICE, args=("@member.code",), scoped=True),
    # background jobs: only the creator and the secretariat see a job, anyone
    # else gets 404 as for a missing one (creator/other/secretariat:
    # suishin/core/tests/test_jobs.py); here a job id that does not exist
    *[
        Case(name, SIGNED_IN, args=("00000000-0000-4000-8000-000000000000",), ok=404)
        for name in ("jobs:detail", "jobs:status", "jobs:download")
    ],
    # audit
    *_exports("audit:index", P.VIEW_AUDIT),
    Case("audit:detail", P.VIEW_AUDIT, args=("@audit",)),
    # API: the web pages (docs, schema, the secretariat's token page) ...
    Case("api:docs", SIGNED_IN),
    Case("api:v1:api-root", PUBLIC),
    Case("api:v1:openapi-json", SIGNED_IN, overrides={"anonymous": 401}),  # or a token
    Case("api:token_list", P.MANAGE_API_TOKENS),
    Case("api:token_create", P.MANAGE_API_TOKENS),
    Case("api:token_revoke", P.MANAGE_API_TOKENS, args=(MISSING,), ok=405, post_only=True),
    # ... and the token-authenticated operations (api=True: each role's own token;
    # anonymous = no token → 401; the token acts as its user, so the web's rules hold)
    *[
        Case(f"api:v1:{name}", perm, args=args, scoped=bool(args), api=True)
        for name, perm, args in (
            ("block_list", P.VIEW_ORGANISATION, ()),
            ("block_detail", P.VIEW_ORGANISATION, ("@block",)),
            ("branch_list", P.VIEW_ORGANISATION, ()),
            ("branch_detail", P.VIEW_ORGANISATION, ("@branch.code",)),
            ("member_list", P.VIEW_ORGANISATION, ()),
            ("member_detail", P.VIEW_ORGANISATION, ("@member.code",)),
            ("item_list", P.VIEW_FIGURES, ()),
            ("target_list", P.VIEW_FIGURES, ()),
            ("result_list", P.VIEW_FIGURES, ()),
            ("summary", P.VIEW_REPORTS, ()),
            ("import_history", P.IMPORT_FILES, ()),
            ("import_batch", P.IMPORT_FILES, ("@batch",)),
        )
    ],
    # a scope outside the token user's organisation is 404, as on the web
    *[
        Case(f"api:v1:{name}", perm, query=query, overrides=overrides, api=True)
        for name, perm in (
            ("target_list", P.VIEW_FIGURES),
            ("result_list", P.VIEW_FIGURES),
            ("summary", P.VIEW_REPORTS),
        )
        for query, overrides in (
            ("scope=101", {r: 404 for r in ("other_branch", "member", "other_member")}),
            ("scope=B0001", {r: 404 for r in ("branch", "member")}),
        )
    ],
    Case(
        "api:v1:import_submit", P.IMPORT_FILES, args=("results",), ok=405, post_only=True, api=True
    ),
    Case("api:v1:import_submit", P.IMPORT_ALL, args=("blocks",), ok=405, post_only=True, api=True),
    Case(
        "api:v1:job_detail",
        SIGNED_IN,
        args=("00000000-0000-4000-8000-000000000000",),
        ok=404,
        api=True,
    ),
]

# Real bugs found by this matrix: (case label, role, side, method) → the status
# the rule expects. The main test skips them; test_known_bugs_are_fixed is a
# strict xfail that starts passing (and so fails) once the app is fixed.
KNOWN_BUGS: dict[tuple[str, str, str, str], str] = {}


def url_names() -> set[str]:
    """Every named URL, namespaced; admin only as its index; static excluded."""
    names: set[str] = set()

    def walk(patterns, ns: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                inner = f"{ns}:{p.namespace}" if ns and p.namespace else (p.namespace or ns)
                walk(p.url_patterns, inner)
            elif isinstance(p, URLPattern) and p.name:
                full = f"{ns}:{p.name}" if ns else p.name
                if full.startswith("admin:") and full != "admin:index":
                    continue
                if full in ("static", "serve"):
                    continue
                names.add(full)

    walk(get_resolver().url_patterns, "")
    return names


def test_every_url_has_an_access_rule():
    covered = {c.name for c in CASES}
    missing = sorted(url_names() - covered)
    assert not missing, "\n".join(f"no access rule for {name}: add one" for name in missing)


def test_the_matrix_has_no_stale_rows():
    stale = sorted({c.name for c in CASES} - url_names())
    assert not stale, f"rules for URL names that no longer exist: {stale}"


def _side_of(role: str) -> str:
    return OWN_SIDE.get(role, "a")


def _resolve_args(case: Case, world, side: str) -> list:
    from suishin.core.models import AuditEntry

    out = []
    for a in case.args:
        if isinstance(a, str) and a.startswith("@"):
            kind = a[1:]
            if kind == "audit":
                out.append(AuditEntry.objects.order_by("pk").first().pk)
                continue
            kind, _, attr = kind.partition(".")
            obj = world.obj[kind][side]
            out.append(getattr(obj, attr or "pk", obj))
        else:
            out.append(a)
    return out


def expected(case: Case, role: str, user, side: str, method: str) -> int | None:
    """None: this request is not made (a POST that an allowed role may really perform)."""
    if case.api and method == "GET" and case.post_only:
        status = 405  # the API answers a wrong method before it authenticates
    elif role == "anonymous":
        status = 200 if case.perm == PUBLIC else (401 if case.api else 302)
    elif method == "GET" and case.post_only:
        status = 405
    elif case.perm in (PUBLIC, SIGNED_IN) or has_perm(user, case.perm):
        status = case.ok
        if case.scoped and role in SCOPED_ROLES and side != _side_of(role):
            status = 404
        elif method == "POST":
            return None
    else:
        status = 403
    override = case.overrides.get((role, side), case.overrides.get(role))
    if override is not None and not (method == "GET" and case.post_only):
        status = override
    return status


def _clients(users) -> dict[str, Client]:
    clients = {"anonymous": Client(raise_request_exception=False)}
    for role in ROLES[1:]:
        clients[role] = Client(raise_request_exception=False)
        clients[role].force_login(users[role])
    return clients


def _api_clients(users) -> dict[str, Client]:
    """API cases go with a bearer token of the role's user (both scopes where
    the role may import), anonymous with none."""
    from suishin.api.services import issue_token

    clients = {"anonymous": Client(raise_request_exception=False)}
    for role in ROLES[1:]:
        scopes = ["read", "import"] if has_perm(users[role], P.IMPORT_FILES) else ["read"]
        secret = issue_token(actor=None, user=users[role], name="matrix", scopes=scopes).secret
        clients[role] = Client(
            raise_request_exception=False, headers={"Authorization": f"Bearer {secret}"}
        )
    return clients


def run_matrix(world, users, *, select=lambda key: True) -> tuple[int, list[str]]:
    """Make every request whose (label, role, side, method) `select` accepts;
    return (number of requests, mismatches)."""
    clients = _clients(users)
    api_clients = _api_clients(users)
    mismatches: list[str] = []
    requests = 0
    for case in CASES:
        sides = ("a", "b") if case.scoped else ("a",)
        for role in ROLES:
            for side in sides:
                url = reverse(case.name, args=_resolve_args(case, world, side))
                if case.query:
                    url += "?" + case.query
                for method in ("GET", "POST") if case.post_only else ("GET",):
                    if not select((case.label, role, side, method)):
                        continue
                    want = expected(case, role, users.get(role), side, method)
                    if want is None:
                        continue
                    client = (api_clients if case.api else clients)[role]
                    response = client.get(url) if method == "GET" else client.post(url, {})
                    requests += 1
                    got = response.status_code
                    problem = got != want
                    if not problem and want == 302 and role == "anonymous":
                        login = (
                            reverse("admin:login")
                            if case.name.startswith("admin:")
                            else resolve_url(settings.LOGIN_URL)
                        )
                        problem = not response["Location"].startswith(login)
                    if problem:
                        mismatches.append(
                            f"{method} {url} as {role} ({side}): expected {want}, got {got}"
                        )
    return requests, mismatches


def test_every_role_gets_exactly_the_expected_answer(world, users):
    """One client per role; all cases; every mismatch is listed at once."""
    requests, mismatches = run_matrix(world, users, select=lambda key: key not in KNOWN_BUGS)
    assert requests > 900
    assert not mismatches, f"{len(mismatches)} mismatches:\n" + "\n".join(mismatches)


def test_a_scoped_user_cannot_tell_another_organisations_object_from_a_missing_one(
    world, client_for
):
    """The 404 page for another branch's object is the same page as for an id
    that does not exist (no name, no hint)."""
    client = client_for("branch")
    other = client.get(reverse("organisations:member_detail", args=[world.obj["member"]["b"].pk]))
    missing = client.get(reverse("organisations:member_detail", args=[MISSING]))
    assert other.status_code == missing.status_code == 404

    def page(response, pk) -> str:
        text = response.content.decode().replace(str(pk), "X")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)

    assert page(other, world.obj["member"]["b"].pk) == page(missing, MISSING)
    assert "旭川交通労働組合" not in other.content.decode()
