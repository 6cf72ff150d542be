"""Reading the organisation, catalog, targets and results: the web's scoping
rules through a token, pagination, filters, Japanese problem details."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from suishin.kpis import factories as kf
from suishin.organisations import factories as of

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(org):
    atm = kf.item("ATM", name="ATM利用件数", sort_order=1)
    kf.item("ATM", fiscal_year=2023, name="ATM利用件数（前年）")
    kf.target(atm, member=org.member_a, count=100)
    kf.target(atm, member=org.member_b, count=200)
    kf.result(atm, "2024-05", member=org.member_a, count=10)
    kf.result(atm, "2024-06", member=org.member_a2, count=20)
    kf.result(atm, "2024-11", member=org.member_a, count=30)
    kf.result(atm, "2024-06", member=org.member_b, count=40)
    return atm


def codes(response, key="code"):
    assert response.status_code == 200, response.content.decode()
    return [row[key] for row in response.json()["results"]]


def test_each_role_sees_exactly_the_members_the_web_shows(api):
    assert codes(api("secretariat").get("/api/v1/members")) == ["A0001", "A0002", "B0001"]
    assert codes(api("viewer").get("/api/v1/members")) == ["A0001", "A0002", "B0001"]
    assert codes(api("branch").get("/api/v1/members")) == ["A0001", "A0002"]
    assert codes(api("other_branch").get("/api/v1/members")) == ["B0001"]
    assert codes(api("member").get("/api/v1/members")) == ["A0001"]
    assert codes(api("other_member").get("/api/v1/members")) == ["B0001"]


def test_another_organisations_object_is_404_like_a_missing_one(api, org):
    client = api("branch")
    assert client.get("/api/v1/members/A0002").status_code == 200
    other = client.get("/api/v1/members/B0001")
    missing = client.get("/api/v1/members/NOSUCH")
    assert other.status_code == missing.status_code == 404
    assert other["Content-Type"] == "application/problem+json"
    strip = lambda r: {k: v for k, v in r.json().items() if k != "instance"}  # noqa: E731
    assert (
        strip(other)
        == strip(missing)
        == {
            "type": "about:blank",
            "title": "見つかりません",
            "status": 404,
            "detail": "見つかりません。",
            "errors": [],
        }
    )
    assert client.get(f"/api/v1/blocks/{org.block_b.pk}").status_code == 404
    assert client.get("/api/v1/branches/201").status_code == 404
    assert client.get("/api/v1/branches/101").json()["block"] == {
        "id": org.block_a.pk,
        "name": "石狩",
    }


def test_a_member_officer_sees_its_own_union_branch_and_block(api, org):
    client = api("member")
    assert codes(client.get("/api/v1/blocks"), "name") == ["石狩"]
    assert codes(client.get("/api/v1/branches")) == ["101"]
    detail = client.get("/api/v1/members/A0001").json()
    assert detail["headcounts"] == [{"fiscal_year": 2024, "headcount": 1200}]
    assert detail["branch"] == {"code": "101", "name": "札幌中央店"}


def test_pagination_and_filters(api, org):
    for n in range(5):
        of.member(f"C{n:04d}", branch_obj=org.branch_b, name=f"会員{n}", federation="連合")
    client = api("secretariat")
    first = client.get("/api/v1/members?per_page=3").json()
    assert (first["count"], first["pages"], first["page"], first["previous"]) == (8, 3, 1, None)
    assert first["next"] == "/api/v1/members?per_page=3&page=2"
    last = client.get(first["next"].replace("page=2", "page=3")).json()
    assert [m["code"] for m in last["results"]] == ["C0003", "C0004"]
    assert last["next"] is None
    assert client.get("/api/v1/members?page=99").json()["results"] == []
    assert codes(client.get("/api/v1/members?branch=201&federation=連合&per_page=2")) == [
        "C0000",
        "C0001",
    ]
    assert codes(client.get("/api/v1/members?block=石狩")) == ["A0001", "A0002"]
    assert codes(client.get("/api/v1/branches?block=上川")) == ["201"]


def test_list_endpoints_run_a_bounded_number_of_queries(api, org, figures):
    for n in range(30):
        m = of.member(f"D{n:04d}", branch_obj=org.branch_a, name=f"会員{n}")
        kf.result(figures, "2024-07", member=m, count=n)
        kf.target(figures, member=m, count=n)
    client = api("secretariat")
    client.get("/api/v1/blocks")  # token last_used_at written once
    for url in (
        "/api/v1/members",
        "/api/v1/results",
        "/api/v1/targets",
        "/api/v1/branches",
        "/api/v1/imports",
    ):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        assert len(ctx.captured_queries) <= 6, (url, [q["sql"] for q in ctx.captured_queries])


def test_results_filter_by_period_and_scope(api, figures):
    client = api("secretariat")
    everything = client.get("/api/v1/results").json()
    assert everything["count"] == 4
    half1 = client.get("/api/v1/results?fiscal_year=2024&half=1").json()
    assert [(r["month"], r["count"]) for r in half1["results"]] == [
        ("2024-05", 10),
        ("2024-06", 20),
        ("2024-06", 40),
    ]
    assert codes(client.get("/api/v1/results?month=2024-11"), "count") == [30]
    assert codes(client.get("/api/v1/results?fiscal_year=2024&scope=201"), "count") == [40]
    assert codes(client.get("/api/v1/results?scope=A0002"), "count") == [20]
    assert codes(client.get("/api/v1/results?scope=石狩&half=2&fiscal_year=2024"), "count") == [30]
    row = client.get("/api/v1/results?month=2024-05").json()["results"][0]
    assert row["item"] == {"code": "ATM", "name": "ATM利用件数"}
    assert (row["level"], row["scope"], row["member_code"], row["branch_code"], row["block"]) == (
        "member",
        "A0001",
        "A0001",
        "101",
        "石狩",
    )


def test_results_and_targets_are_scoped_and_other_scopes_are_404(api, figures):
    branch = api("branch")
    assert sorted(codes(branch.get("/api/v1/results"), "count")) == [10, 20, 30]
    assert codes(api("other_member").get("/api/v1/results"), "count") == [40]
    assert branch.get("/api/v1/results?scope=201").status_code == 404
    assert branch.get("/api/v1/results?scope=B0001").status_code == 404
    assert (
        branch.get("/api/v1/results?scope=石狩").status_code == 404
    )  # a block is wider than a branch
    assert codes(branch.get("/api/v1/targets"), "scope") == ["A0001"]
    assert codes(api("secretariat").get("/api/v1/targets?scope=上川"), "scope") == ["B0001"]
    assert api("member").get("/api/v1/targets?scope=B0001").status_code == 404


def test_the_catalog_is_readable_by_every_role_that_reads_figures(api, figures):
    for role in ("secretariat", "viewer", "branch", "member"):
        assert codes(api(role).get("/api/v1/items?fiscal_year=2024")) == ["ATM"]
    assert codes(api("viewer").get("/api/v1/items"), "fiscal_year") == [
        2024
    ]  # latest year by default
    assert codes(api("viewer").get("/api/v1/items?fiscal_year=2023"), "name") == [
        "ATM利用件数（前年）"
    ]


def test_missing_unknown_revoked_and_expired_tokens_are_401_problems(client, issue, users):
    response = client.get("/api/v1/members")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"] == 'Bearer realm="suishin"'
    assert (
        response.json()["detail"] == "Authorization: Bearer ヘッダーでAPIトークンを送ってください。"
    )
    for header in (
        "Bearer nonsense",
        "Bearer ssn_0123456789_wrong",
        "Basic dXNlcjpwYXNz",
        "Bearer ssn_zz\x00_x",
    ):
        response = client.get("/api/v1/members", headers={"Authorization": header})
        assert response.status_code == 401, header
    secret = issue("viewer")
    from suishin.api.models import ApiToken

    token = ApiToken.objects.get(user=users["viewer"])
    ok = client.get("/api/v1/members", headers={"Authorization": f"Bearer {secret}"})
    assert ok.status_code == 200
    users["viewer"].is_active = False
    users["viewer"].save()
    assert (
        client.get("/api/v1/members", headers={"Authorization": f"Bearer {secret}"}).status_code
        == 401
    )
    users["viewer"].is_active = True
    users["viewer"].save()
    from django.utils import timezone

    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    expired = client.get("/api/v1/members", headers={"Authorization": f"Bearer {secret}"})
    assert expired.status_code == 401
    assert expired.json()["detail"] == "APIトークンが正しくないか、失効または有効期限切れです。"
    from suishin.api import services

    other = issue("bank")
    assert (
        client.get("/api/v1/members", headers={"Authorization": f"Bearer {other}"}).status_code
        == 200
    )
    services.revoke_token(
        actor=users["secretariat"], token=ApiToken.objects.get(user=users["bank"])
    )
    revoked = client.get("/api/v1/members", headers={"Authorization": f"Bearer {other}"})
    assert revoked.status_code == 401
    assert revoked.json() == expired.json()  # revoked, expired and unknown answer alike


def test_a_token_without_the_scope_or_a_role_without_the_permission_is_403(api):
    import_only = api("bank", scopes=("import",))
    response = import_only.get("/api/v1/members")
    assert response.status_code == 403
    assert response.json()["detail"] == "このトークンには「読み取り」のスコープがありません。"
    history = api("member").get("/api/v1/imports")
    assert history.status_code == 403
    assert history.json()["detail"] == "この操作を行う権限がありません。"


def test_bad_parameters_are_400_with_japanese_messages_naming_the_field(api):
    client = api("secretariat")
    response = client.get("/api/v1/results?fiscal_year=abc&half=3&per_page=0")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "urn:suishin:problem:validation"
    assert {e["location"]: e["message"] for e in body["errors"]} == {
        "query.fiscal_year": "年度: 整数で指定してください。",
        "query.half": "期（1=上期、2=下期）: 2以下で指定してください。",
        "query.per_page": "1ページの件数: 1以上で指定してください。",
    }
    assert body["detail"].startswith("入力が正しくありません。")
    month = client.get("/api/v1/results?month=2024-13").json()
    assert month["detail"] == "年月「2024-13」は YYYY-MM の形式の実在する月で指定してください。"
    outside = client.get("/api/v1/results?fiscal_year=2024&month=2025-04").json()
    assert outside["detail"] == "年月「2025-04」は2024年度に含まれません。"
    half_alone = client.get("/api/v1/results?half=1").json()
    assert (
        half_alone["detail"] == "期（half）を指定するときは年度（fiscal_year）も指定してください。"
    )
    assert (
        client.get("/api/v1/members?branch=1%002").status_code == 400
    )  # NUL never reaches the database


def test_an_unexpected_error_is_a_500_problem_without_a_trace(api, monkeypatch):
    from suishin.api.v1 import organisation

    def boom(*a, **kw):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(organisation, "block_row", boom)
    response = api("secretariat").get("/api/v1/blocks")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    assert "secret internals" not in response.content.decode()
    assert (
        response.json()["detail"]
        == "サーバーで予期しないエラーが発生しました。時間をおいてもう一度お試しください。"
    )


def test_the_index_names_the_schema_and_the_docs(client):
    assert client.get("/api/v1/").json() == {
        "name": "suishin API",
        "version": "1",
        "openapi": "/api/v1/openapi.json",
        "docs": "/api/v1/docs",
    }
