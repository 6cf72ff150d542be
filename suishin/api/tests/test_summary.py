"""The summary figures: the same numbers as `suishin report summary --format
json`, the report page's scope rules, and ETag / If-None-Match."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from suishin.kpis import factories as kf
from suishin.reports.tests.conftest import seed_catalog  # noqa: F401 - the seed-like catalog fixture

pytestmark = pytest.mark.django_db


def cli_report(scope: str) -> dict:
    out = io.StringIO()
    call_command(
        "report",
        "summary",
        "--fiscal-year",
        "2024",
        "--half",
        "1",
        "--scope",
        scope,
        "--format",
        "json",
        stdout=out,
    )
    return json.loads(out.getvalue())


@pytest.mark.parametrize("scope", ["全体", "石狩", "201", "A0001"])
def test_the_summary_equals_the_json_report_of_the_cli(api, seed_catalog, scope):  # noqa: F811
    response = api("secretariat").get(
        "/api/v1/summary", {"fiscal_year": 2024, "half": 1, "scope": scope}
    )
    assert response.status_code == 200, response.content.decode()
    data = response.json()
    report = cli_report(scope)
    assert data["items"] == report["items"]
    for key in ("fiscal_year", "half", "scope", "scope_level", "scope_label", "period"):
        assert data[key] == report[key], key
    if scope == "全体":
        by_code = {i["code"]: i for i in data["items"]}
        assert (by_code["SVC_TOTAL"]["fy_count"], by_code["SVC_TOTAL"]["achievement"]) == (
            25_683,
            "63.3",
        )
        assert by_code["MOV_TOTAL"]["count"] == 640 + 2  # 学習会 + 掲載会員 (distinct members)


def test_a_scoped_token_gets_its_own_scope_and_404_for_others(api, seed_catalog):  # noqa: F811
    branch = api("branch")
    own = branch.get("/api/v1/summary?fiscal_year=2024&half=1")
    assert (
        own.json()["scope"] == "101"
    )  # the default is the user's own branch, as on the report page
    assert branch.get("/api/v1/summary?fiscal_year=2024&half=1&scope=A0002").status_code == 200
    for scope in ("201", "B0001", "石狩", "全体", "どこにもない"):
        response = branch.get("/api/v1/summary", {"fiscal_year": 2024, "half": 1, "scope": scope})
        assert response.status_code == 404, scope
        assert response.json()["detail"] == "見つかりません。"
    assert api("member").get("/api/v1/summary?fiscal_year=2024&half=1").json()["scope"] == "A0001"
    assert api("other_member").get("/api/v1/summary?scope=A0001").status_code == 404


def test_etag_and_if_none_match(api, seed_catalog, org):  # noqa: F811
    client = api("viewer")
    url = "/api/v1/summary?fiscal_year=2024&half=1"
    first = client.get(url)
    etag = first["ETag"]
    assert etag.startswith('"') and etag.endswith('"') and len(etag) == 42
    assert first["Cache-Control"] == "private, no-cache"
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert client.get(url, headers={"If-None-Match": f'"other", W/{etag}'}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    # A new figure changes the representation, so the old tag no longer matches.
    kf.result(seed_catalog_item("ACE_NEW"), "2024-09", member=org.member_b, count=1)
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    # Another scope is another representation.
    assert client.get(url + "&scope=石狩")["ETag"] != changed["ETag"]


def seed_catalog_item(code: str):
    from suishin.kpis.models import Item

    return Item.objects.get(fiscal_year=2024, code=code)


def test_defaults_follow_the_latest_imported_month(api, org):
    atm = kf.item("ATM")
    kf.result(atm, "2024-11", member=org.member_a, count=3)
    data = api("viewer").get("/api/v1/summary").json()
    assert (data["fiscal_year"], data["half"], data["scope"]) == (2024, 2, "全体")
    assert data["items"][0]["count"] == 3
