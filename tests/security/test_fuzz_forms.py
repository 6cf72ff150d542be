"""Property-based fuzzing of every form view (issue 10).

For each form page the test GETs the page as a role that may use it, reads
the names of its inputs, selects (and their options) and textareas, then
POSTs random values for them — blanks, full-width digits, ▲, era dates,
impossible dates, huge numbers, formulas, markup, arbitrary Unicode, option
values of the page's own selects — and sometimes leaves a field out.
Property: the answer is 200 (the form again, with messages), 302 (saved),
403 or 404 — never a 500 and never a stack trace."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.test_access_matrix import _resolve_args
from tests.security.test_fuzz_importers import NASTY_CELLS

FIELD_RE = re.compile(r"<(input|select|textarea)\b([^>]*)>", re.IGNORECASE)
NAME_RE = re.compile(r'\bname="([^"]+)"')
TYPE_RE = re.compile(r'\btype="([^"]+)"')
OPTION_RE = re.compile(r'<option[^>]*value="([^"]*)"')

# (url name, args, role): every page with a form, as a role allowed to post it.
FORMS = [
    ("organisations:block_create", (), "secretariat"),
    ("organisations:block_edit", ("@block",), "secretariat"),
    ("organisations:branch_create", (), "secretariat"),
    ("organisations:branch_edit", ("@branch",), "secretariat"),
    ("organisations:member_create", (), "secretariat"),
    ("organisations:member_edit", ("@member",), "secretariat"),
    ("organisations:member_list", (), "secretariat"),
    ("kpis:item_create", (), "secretariat"),
    ("kpis:item_edit", ("@item",), "secretariat"),
    ("kpis:target_create", (), "secretariat"),
    ("kpis:target_edit", ("@target",), "secretariat"),
    ("reports:narrative_edit", (2024, 1), "secretariat"),
    ("programmes:refinancing_create", (), "secretariat"),
    ("programmes:recipient_create", (), "secretariat"),
    ("programmes:calculator", (), "member"),
    ("programmes:settings", (), "secretariat"),
    ("activities:application_create", (), "member"),
    ("activities:application_create", (), "secretariat"),
    ("activities:application_edit", ("@application",), "branch"),
    ("activities:application_detail", ("@application",), "secretariat"),
    ("activities:session_create", (), "branch"),
    ("activities:session_edit", ("@session",), "secretariat"),
    ("activities:year_setting_create", (), "secretariat"),
    ("activities:year_setting_edit", ("@year_setting",), "secretariat"),
    ("activities:theme_create", (), "secretariat"),
    ("activities:purpose_create", (), "secretariat"),
    ("campaigns:create", (), "secretariat"),
    ("campaigns:edit", ("APP001",), "secretariat"),
    ("campaigns:draw", ("APP001", "2024-10"), "secretariat"),
    ("meetings:meeting_create", (), "secretariat"),
    ("meetings:meeting_edit", ("@meeting",), "secretariat"),
    ("meetings:section_create", ("@meeting",), "secretariat"),
    ("meetings:item_create", ("@section",), "secretariat"),
    ("meetings:session_create", (), "secretariat"),
    ("meetings:entry_create", (), "secretariat"),
    ("meetings:policy_create", (), "secretariat"),
    ("selfservice:targets", ("@member.code",), "member"),
    ("selfservice:movement_create", ("@member.code",), "member"),
    ("password_change", (), "viewer"),
]


class _Case:
    def __init__(self, name: str, args: tuple):
        self.name, self.args = name, args


def form_fields(page: str) -> dict[str, list[str]]:
    """name → option values (empty list for free inputs)."""
    fields: dict[str, list[str]] = {}
    for tag, attrs in FIELD_RE.findall(page):
        m = NAME_RE.search(attrs)
        if not m or m.group(1) == "csrfmiddlewaretoken":
            continue
        kind = (TYPE_RE.search(attrs) or [None, ""])[1] if tag.lower() == "input" else tag.lower()
        if kind in ("submit", "button", "file"):
            continue
        fields.setdefault(html.unescape(m.group(1)), [])
    for select in re.findall(r"<select\b.*?</select>", page, re.IGNORECASE | re.DOTALL):
        m = NAME_RE.search(select)
        if m:
            fields[html.unescape(m.group(1))] = [
                html.unescape(v) for v in OPTION_RE.findall(select)
            ]
    return fields


MANAGEMENT = ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")
_PAGES: dict[tuple[str, str], dict[str, list[str]]] = {}
values = st.one_of(
    st.sampled_from(NASTY_CELLS), st.text(max_size=30), st.integers(-(10**20), 10**20).map(str)
)


@pytest.mark.parametrize(("name", "args", "role"), FORMS, ids=[f"{n}-{r}" for n, _a, r in FORMS])
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_form_posts_never_cause_a_500(world, users, name, args, role, data):
    client = Client(raise_request_exception=False)
    client.force_login(users[role])
    url = reverse(name, args=_resolve_args(_Case(name, args), world, "a"))
    if (url, role) not in _PAGES:  # one GET per test, not per example
        page = client.get(url)
        assert page.status_code == 200, f"GET {url} as {role}: {page.status_code}"
        _PAGES[(url, role)] = form_fields(page.content.decode())
    fields = _PAGES[(url, role)]
    assert fields, f"no form fields found on {url}"
    post: dict[str, str] = {}
    for field, options in fields.items():
        if data.draw(st.integers(0, 9)) == 0:
            continue  # leave the field out
        if field.endswith(MANAGEMENT):
            # Formset management fields get small or malformed values: a huge
            # TOTAL_FORMS makes Django build up to absolute_max forms, which is
            # slow (reported separately), not a correctness property.
            post[field] = data.draw(st.sampled_from(["0", "1", "2", "3", "-1", "x", "", "１"]))
        elif options and data.draw(st.booleans()):
            post[field] = data.draw(st.sampled_from(options))
        else:
            post[field] = data.draw(values)
    response = client.post(url, post)
    assert response.status_code in (200, 302, 403, 404), (
        f"POST {url} as {role} {post!r} → {response.status_code}"
    )
    assert b"Traceback" not in response.content


@pytest.mark.django_db
def test_a_number_too_large_for_the_database_is_a_field_error_not_a_500(client_for):
    """PostgreSQL refuses integers beyond its column range (SQLite does not):
    forms bound them, so the user gets a message next to the field."""
    client = client_for("secretariat")
    response = client.post(
        reverse("activities:theme_create"),
        {"name": "巨大な表示順", "sort_order": str(10**20), "active": "on"},
    )
    assert response.status_code == 200
    assert "この値は 1000000 以下でなければなりません。" in response.content.decode()
