"""Report pages: scopes per role (404 for another organisation), downloads,
the narrative editor and the trace of a figure."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from suishin.kpis.models import Result
from suishin.reports.definitions import load_definition
from suishin.reports.models import ReportDefinition

SUMMARY = reverse("reports:summary")


def get(client, **params):
    return client.get(SUMMARY, {"fy": 2024, "half": 1, **params})


@pytest.mark.parametrize("role", ["secretariat", "bank", "viewer"])
def test_unscoped_roles_read_the_councils_report(client_for, seed_catalog, role):
    response = get(client_for(role))
    body = response.content.decode()
    assert response.status_code == 200
    assert "2024年度上期推進活動総括" in body and "全道推進会議" in body
    assert ">25,683</a>" in body


def test_a_member_officer_gets_their_own_unions_report_by_default(client_for, seed_catalog):
    body = get(client_for("member")).content.decode()
    assert "札幌市職員労働組合" in body
    assert "本文・構成を編集" not in body


@pytest.mark.parametrize(
    ("role", "allowed", "refused"),
    [
        ("member", ["A0001"], ["A0002", "B0001", "101", "201", "石狩", "全体", "存在しない"]),
        ("branch", ["101", "A0001", "A0002"], ["201", "B0001", "石狩", "上川", "全体"]),
        ("other_branch", ["201", "B0001"], ["101", "A0001", "石狩"]),
    ],
)
def test_scoped_users_get_404_for_any_other_scope(client_for, seed_catalog, role, allowed, refused):
    c = client_for(role)
    for scope in allowed:
        assert get(c, scope=scope).status_code == 200, scope
    for scope in refused:
        assert get(c, scope=scope).status_code == 404, scope
        assert get(c, scope=scope, format="json").status_code == 404, scope


def test_another_branchs_figures_never_reach_a_branch_user(client_for, seed_catalog):
    data = json.loads(get(client_for("branch"), format="json").content)
    assert data["scope"] == "101"
    npo = {i["code"]: i["count"] for i in data["items"]}
    assert npo["NPO_ACCOUNT"] == 0 and npo["NPO_CONSULT"] == 7  # the 10 accounts are branch 201's


def test_downloads_in_every_format(client_for, seed_catalog):
    c = client_for("viewer")
    pdf = get(c, format="pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert "filename*=UTF-8''2024%E5%B9%B4%E5%BA%A6" in pdf["Content-Disposition"]
    xlsx = get(c, format="xlsx", scope="石狩")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats") and xlsx.content[:2] == b"PK"
    data = json.loads(get(c, format="json", scope="石狩").content)
    assert (data["fiscal_year"], data["half"], data["scope"]) == (2024, 1, "石狩")


def test_bad_parameters_answer_404_not_an_error_page(client_for, seed_catalog):
    c = client_for("viewer")
    assert get(c, half=3).status_code == 404
    assert c.get(SUMMARY, {"fy": "x"}).status_code == 404


def test_the_report_defaults_to_the_half_of_the_latest_results(client_for, seed_catalog):
    body = client_for("viewer").get(SUMMARY).content.decode()
    assert "2024年度上期推進活動総括" in body


def test_an_unsaved_half_tells_the_secretariat(client_for, seed_catalog):
    body = get(client_for("secretariat")).content.decode()
    assert "この期の本文・構成はまだ保存されていません。" in body


# --- the narrative editor ------------------------------------------------------------

EDIT = reverse("reports:narrative_edit", args=[2024, 1])


def form_data(blocks, title="{report.period_label}推進活動総括"):
    data = {
        "title": title,
        "blocks-TOTAL_FORMS": str(len(blocks)),
        "blocks-INITIAL_FORMS": "0",
        "blocks-MIN_NUM_FORMS": "0",
        "blocks-MAX_NUM_FORMS": "1000",
    }
    for n, block in enumerate(blocks):
        for key, value in block.items():
            data[f"blocks-{n}-{key}"] = value
    return data


@pytest.mark.parametrize("role", ["bank", "viewer", "branch", "member"])
def test_only_the_secretariat_edits_the_narrative(client_for, seed_catalog, role):
    c = client_for(role)
    assert c.get(EDIT).status_code == 403
    assert c.post(EDIT, form_data([{"kind": "narrative", "body": "x"}])).status_code == 403
    assert not ReportDefinition.objects.exists()


def test_the_editor_starts_from_the_default_and_saves_in_the_given_order(client_for, seed_catalog):
    c = client_for("secretariat")
    body = c.get(EDIT).content.decode()
    assert "既定の構成です。" in body and 'name="blocks-0-kind"' in body
    response = c.post(EDIT, form_data([
        {"kind": "narrative", "body": "二番目 {SVC_TOTAL.count}", "ORDER": "2"},
        {"kind": "group_table", "group": "NPO連携", "ORDER": "1"},
        {"kind": "narrative", "body": "消す", "ORDER": "3", "DELETE": "on"},
        {"kind": "", "ORDER": ""},  # the empty "add a block" form
    ]))
    assert response.status_code == 302
    blocks = load_definition(2024, 1).blocks
    assert [(b.kind, b.group, b.body) for b in blocks] == [("group_table", "NPO連携", ""), ("narrative", "", "二番目 {SVC_TOTAL.count}")]
    page = get(c).content.decode()
    assert "二番目 <a class=\"fig\"" in page


def test_an_editor_error_shows_next_to_its_field(client_for, seed_catalog):
    c = client_for("secretariat")
    response = c.post(EDIT, form_data([
        {"kind": "narrative", "body": "ok", "ORDER": "1"},
        {"kind": "narrative", "body": "実績{NOPE.count}件", "ORDER": "2"},
    ]))
    body = response.content.decode()
    assert response.status_code == 200
    message = "2番目のブロック：差し込み「{NOPE.count}」の項目コード「NOPE」は2024年度の推進項目にありません。"
    assert f'<p class="field-error" role="alert">{message}</p>' in body
    assert not ReportDefinition.objects.exists()


# --- trace ----------------------------------------------------------------------------

TRACE = reverse("reports:trace")


def trace(client, **params):
    return client.get(TRACE, {"fy": 2024, "half": 1, "span": "half", **params})


def test_a_figure_traces_to_its_rows(client_for, seed_catalog):
    response = trace(client_for("viewer"), item="NPO_TOTAL", scope="全体")
    body = response.content.decode()
    assert response.status_code == 200
    assert "2行" in body and "融資相談件数" not in body  # rows show codes
    assert "NPO_CONSULT" in body and "NPO_ACCOUNT" in body


def test_trace_respects_the_scope_and_the_users_rows(client_for, seed_catalog):
    c = client_for("branch")
    body = trace(c, item="NPO_TOTAL", scope="101").content.decode()
    assert "NPO_CONSULT" in body and "NPO_ACCOUNT" not in body
    assert trace(c, item="NPO_TOTAL", scope="201").status_code == 404
    assert trace(c, item="NOPE", scope="101").status_code == 404
    assert trace(c, item="NPO_TOTAL", scope="101", span="everything").status_code == 404


def test_trace_export_lists_the_import_rows(client_for, seed_catalog):
    Result.objects.filter(item__code="NPO_CONSULT").update(source_row=7)
    csv = trace(client_for("viewer"), item="NPO_CONSULT", scope="全体", export="csv").content.decode("utf-8-sig")
    lines = csv.splitlines()
    assert lines[0] == "年月,項目コード,集計単位,ブロック,店番,会員コード,会員名,件数,金額,取込,取込行"
    assert lines[1] == "2024-04,NPO_CONSULT,会員,石狩,101,A0001,札幌市職員労働組合,7,0,,7"


def test_trace_of_the_previous_year_and_the_cumulative_span(client_for, seed_catalog):
    c = client_for("viewer")
    prev = trace(c, item="ACE_NEW", scope="全体", span="prev", export="csv").content.decode("utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in prev[1:]] == ["2023-06"]
    cum = trace(c, item="SCHOLAR_REFI", scope="全体", span="cum", export="csv").content.decode("utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in cum[1:]] == ["2019-05", "2023-07", "2024-07"]


@pytest.mark.parametrize(
    ("today", "expected"),
    [("2025-03-31", (2024, 2)), ("2025-04-01", (2025, 1)), ("2024-09-30", (2024, 1)), ("2024-10-01", (2024, 2))],
)
def test_without_results_the_report_opens_on_todays_half(db, today, expected):
    import time_machine

    from suishin.kpis.periods import working_period

    with time_machine.travel(f"{today} 12:00 +0900", tick=False):
        assert working_period() == expected
