"""Exports (issue 10): no CSV/XLSX cell that a spreadsheet would run as a
formula, anywhere; personal data only in the secretariat's exports.

The first tests pin suishin/core/exports.py. The sweep then plants a text
starting with = + - @ TAB or CR in every free-text field of every row of the
test world (names, titles, notes, venues…), downloads every export the
access matrix lists (CASES with export=csv/xlsx, the summary report's XLSX,
the draw's winners) as the secretariat, and reads every cell back: none may
start with a formula character unless it is a plain number, and the planted
texts must show up neutralised (so the check is not vacuous).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse

from suishin.core.exports import FORMULA_PREFIXES, csv_bytes, neutralise, xlsx_bytes
from tests.security.test_access_matrix import CASES, ROLES, _resolve_args

HOSTILE = ['=HYPERLINK("http://x")', "+SUM(1)", "-2+3", "@cmd", "\t=1", "\r=2"]
NUMBER = re.compile(r"^-?[\d,]+(\.\d+)?%?$")


def test_neutralise_quotes_every_formula_prefix_and_leaves_numbers_alone():
    for value in HOSTILE:
        assert neutralise(value) == "'" + value
    assert set(FORMULA_PREFIXES) == {"=", "+", "-", "@", "\t", "\r"}
    assert neutralise(-5) == -5 and neutralise(0) == 0 and neutralise(1.5) == 1.5
    assert neutralise("a=b") == "a=b" and neutralise("▲5") == "▲5" and neutralise("") == ""
    assert neutralise(None) is None


def _csv_cells(data: bytes) -> list[str]:
    text = data.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def _xlsx_cells(data: bytes) -> list[object]:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    return [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]


def test_csv_and_xlsx_write_the_quoted_text_and_real_numbers():
    headers = ["=見出し", "金額"]
    rows = [[v, -1234] for v in HOSTILE]
    cells = _csv_cells(csv_bytes(headers, rows))
    assert "'=見出し" in cells and "-1234" in cells
    assert [c for c in cells if c.startswith(FORMULA_PREFIXES) and not NUMBER.match(c)] == []
    xcells = _xlsx_cells(xlsx_bytes(headers, rows))
    assert -1234 in xcells and "'+SUM(1)" in xcells
    assert [c for c in xcells if isinstance(c, str) and c.startswith(FORMULA_PREFIXES)] == []


# --- the sweep ---------------------------------------------------------------------------

# Fields that are keys, codes, enumerations or rule inputs, not free text.
NOT_FREE_TEXT = {
    "code",
    "username",
    "password",
    "role",
    "unit",
    "source",
    "group",
    "scope_key",
    "entrant_id",
    "kind",
    "state",
    "status",
    "algorithm",
    "commitment",
    "seed",
    "eligible_digest",
    "sha256",
    "stored_file",
    "file_name",
    "numbering",
    "month_key",
    "action",
    "model",
    "object_pk",
    "tier_key",
    "reference",
    "federation",
    "actor_label",
}


def plant_hostile_text() -> int:
    """Overwrite every free-text field of every suishin row with a formula-like text."""
    planted = 0
    n = 0
    for model in apps.get_models():
        if not model.__module__.startswith("suishin.") or model._meta.proxy:
            continue
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField))
            and not f.choices
            and f.name not in NOT_FREE_TEXT
            and not f.name.endswith(("_key", "_id", "_code"))
            and not f.primary_key
        ]
        if not fields:
            continue
        for pk in model._default_manager.values_list("pk", flat=True):
            values = {}
            for f in fields:
                text = f"{HOSTILE[n % len(HOSTILE)]}{pk}"
                n += 1
                values[f.name] = text[: f.max_length] if f.max_length else text
            model._default_manager.filter(pk=pk).update(**values)
            planted += 1
    return planted


def _draw_month(world, users, personal: bool = False):
    """Entries with personal data, a committed and run draw for 2024-10 of APP001."""
    from suishin.campaigns import services as camp
    from suishin.campaigns.services import EntryRow

    campaign = world.obj["campaign"]["a"]
    type(campaign).objects.filter(pk=campaign.pk).update(retention_until=dt.date(2099, 12, 31))
    campaign.refresh_from_db()
    facts = {
        "survey_answered": True,
        "linked_at_month_end": True,
        "cashless_registered": True,
        "charged_or_paid_in_window": True,
    }
    rows = [
        EntryRow(
            line=i + 2,
            entrant_id=f"E{i}",
            month=dt.date(2024, 10, 1),
            facts=facts,
            name=f"応募者氏名{i}" if personal else "",
            contact=f"tel-0120-000-00{i}" if personal else "",
        )
        for i in range(6)
    ]
    secretariat = users["secretariat"]
    camp.load_entries(actor=secretariat, campaign=campaign, rows=rows)
    seed = "export-test-seed-0123456789abcdef"
    camp.commit_draw(actor=secretariat, campaign=campaign, month=dt.date(2024, 10, 1), seed=seed)
    camp.run_draw(actor=secretariat, campaign=campaign, month=dt.date(2024, 10, 1), seed=seed)
    return campaign


def export_urls(world) -> list[str]:
    urls = []
    for case in CASES:
        if case.api:
            continue
        query = case.query
        if "export=csv" not in query and "export=xlsx" not in query:
            continue
        if case.name == "meetings:index" and "list=" not in query:
            continue  # the page itself ignores export= without list= (rows below)
        url = reverse(case.name, args=_resolve_args(case, world, "a"))
        urls.append(f"{url}?{query}")
    urls.append(reverse("reports:summary") + "?fy=2024&half=1&format=xlsx")
    return sorted(set(urls))


def _cells(response) -> list:
    kind = response["Content-Type"]
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if kind.startswith("text/csv"):
        return _csv_cells(data)
    if "spreadsheetml" in kind:
        return _xlsx_cells(data)
    raise AssertionError(
        f"not a CSV/XLSX export: {kind} {response.request['PATH_INFO']}?{response.request.get('QUERY_STRING')}"
    )


def test_every_export_neutralises_formula_text(world, users):
    _draw_month(world, users, personal=True)
    assert plant_hostile_text() > 20
    client = Client(raise_request_exception=False)
    client.force_login(users["secretariat"])
    urls = export_urls(world)
    urls += [
        reverse("campaigns:draw", args=("APP001", "2024-10")) + f"?export={fmt}&personal=1"
        for fmt in ("csv", "xlsx")
    ] + [
        reverse("campaigns:entries", args=("APP001",)) + f"?export={fmt}&personal=1"
        for fmt in ("csv", "xlsx")
    ]
    assert len(urls) >= 30, urls
    unsafe, quoted = {}, {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        cells = _cells(response)
        bad = [
            c
            for c in cells
            if isinstance(c, str) and c.startswith(FORMULA_PREFIXES) and not NUMBER.match(c)
        ]
        if bad:
            unsafe[url] = bad[:5]
        quoted[url] = sum(
            1 for c in cells if isinstance(c, str) and c[:2] in {"'" + p for p in FORMULA_PREFIXES}
        )
    assert unsafe == {}, unsafe
    # The planted texts reached the exports (else the check above proves nothing).
    reached = [u for u, n in quoted.items() if n]
    assert len(reached) >= len(urls) * 2 // 3, {u: n for u, n in quoted.items() if not n}


def _text(response) -> str:
    return " ".join(str(c) for c in _cells(response) if c is not None)


def test_personal_data_appears_only_in_the_secretariats_exports(world, users):
    _draw_month(world, users, personal=True)
    personal = re.compile(r"応募者氏名\d|tel-0120-000-00\d")
    urls = export_urls(world) + [
        reverse("campaigns:draw", args=("APP001", "2024-10")) + f"?export={fmt}"
        for fmt in ("csv", "xlsx")
    ]
    personal_urls = [
        reverse("campaigns:draw", args=("APP001", "2024-10")) + f"?export={fmt}&personal=1"
        for fmt in ("csv", "xlsx")
    ] + [
        reverse("campaigns:entries", args=("APP001",)) + f"?export={fmt}&personal=1"
        for fmt in ("csv", "xlsx")
    ]
    json_record = reverse("campaigns:draw", args=("APP001", "2024-10")) + "?export=json"
    seen_by: dict[str, list[str]] = {}
    for role in ROLES[1:]:
        client = Client(raise_request_exception=False)
        client.force_login(users[role])
        for url in urls + personal_urls + [json_record]:
            response = client.get(url)
            if response.status_code != 200:
                continue
            if url == json_record:
                text = response.content.decode()
            else:
                text = _text(response)
            if personal.search(text):
                seen_by.setdefault(role, []).append(url)
    # Only the secretariat, only where it asked for them (personal=1), only entrants' exports.
    assert set(seen_by) == {"secretariat"}, seen_by
    assert sorted(seen_by["secretariat"]) == sorted(personal_urls)


@pytest.mark.parametrize("role", ["bank", "viewer"])
def test_roles_that_see_entrants_get_no_personal_columns_even_when_asking(world, users, role):
    _draw_month(world, users, personal=True)
    client = Client(raise_request_exception=False)
    client.force_login(users[role])
    url = reverse("campaigns:entries", args=("APP001",)) + "?export=csv&personal=1"
    response = client.get(url)
    assert response.status_code == 200
    header = _csv_cells(response.content)[:7]
    assert "氏名" not in header and "連絡先" not in header
