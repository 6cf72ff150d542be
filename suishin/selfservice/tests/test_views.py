from __future__ import annotations

import datetime as dt

import pytest

from suishin.kpis import factories as f
from suishin.kpis.models import Target, TargetKind
from suishin.selfservice.models import MovementReport


@pytest.fixture
def items(org):
    loan = f.item("LOAN", name="住宅ローン", sort_order=1)
    f.target(loan, member=org.member_a, count=10)
    f.result(loan, "2024-05", member=org.member_a, count=4)
    return {"loan": loan}


def _report(member, kind="policy", day=dt.date(2024, 6, 1)):
    return MovementReport.objects.create(
        member=member, kind=kind, reported_on=day, fiscal_year=2024, note="議案書"
    )


def test_member_officer_index_goes_to_own_union(client_for, items):
    response = client_for("member").get("/self/")
    assert response.status_code == 302 and response["Location"] == "/self/A0001/targets/"


def test_member_officer_sets_a_self_target_and_sees_the_gap(client_for, items):
    client = client_for("member")
    response = client.post(
        "/self/A0001/targets/?fy=2024", {"fy": "2024", f"item_{items['loan'].pk}": "14"}
    )
    assert response.status_code == 302
    assert Target.objects.get(kind=TargetKind.SELF).target_count == 14
    page = client.get("/self/A0001/targets/?fy=2024").content.decode()
    assert "14 ⇔ 10（+4）" in page
    assert "2024年度" in page


def test_a_wrong_value_is_shown_next_to_its_row(client_for, items):
    response = client_for("member").post(
        "/self/A0001/targets/?fy=2024", {"fy": "2024", f"item_{items['loan'].pk}": "-1"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        f'id="err_item_{items["loan"].pk}" role="alert">「住宅ローン」の目標件数は0以上で入力してください（入力値 -1）。'
        in page
    )
    assert 'value="-1"' in page


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("other_member", 404),
        ("other_branch", 404),
        ("branch", 200),
        ("viewer", 200),
        ("secretariat", 200),
    ],
)
def test_target_page_visibility(client_for, items, role, status):
    assert client_for(role).get("/self/A0001/targets/?fy=2024").status_code == status


@pytest.mark.parametrize("role", ["branch", "viewer", "bank"])
def test_readers_cannot_post_self_targets(client_for, items, role):
    response = client_for(role).post(
        "/self/A0001/targets/?fy=2024", {f"item_{items['loan'].pk}": "3"}
    )
    assert response.status_code == 403
    assert not Target.objects.filter(kind=TargetKind.SELF).exists()


def test_movement_list_is_scoped_and_exports(client_for, org):
    _report(org.member_a)
    _report(org.member_b, kind="committee")
    page = client_for("branch").get("/self/movements/?fy=2024").content.decode()
    assert "札幌市職員労働組合" in page and "旭川交通労働組合" not in page
    response = client_for("other_member").get("/self/movements/?fy=2024&export=csv")
    body = response.content.decode("utf-8-sig")
    assert body.splitlines()[0] == "実施日,年度,会員コード,会員名,店番,報告の種類,内容,登録者"
    assert "B0001" in body and "A0001" not in body
    assert (
        client_for("other_member").get("/self/movements/?fy=2024&member=A0001").status_code == 404
    )


def test_member_officer_records_a_movement_with_field_errors(client_for, org):
    client = client_for("member")
    response = client.post("/self/A0001/movements/new/", {"kind": "newsletter", "reported_on": ""})
    assert "実施日を入力してください。" in response.content.decode()
    response = client.post(
        "/self/A0001/movements/new/",
        {"kind": "newsletter", "reported_on": "2024-06-15", "note": "6月号"},
    )
    assert response.status_code == 302
    report = MovementReport.objects.get()
    assert (report.member, report.kind, report.fiscal_year) == (org.member_a, "newsletter", 2024)


@pytest.mark.parametrize(
    ("role", "status"), [("other_member", 404), ("branch", 403), ("viewer", 403)]
)
def test_others_cannot_record_movements_for_a_union(client_for, org, role, status):
    assert client_for(role).get("/self/A0001/movements/new/").status_code == status


def test_delete_of_another_unions_report_is_404(client_for, org):
    report = _report(org.member_a)
    assert (
        client_for("other_member").post(f"/self/movements/{report.pk}/delete/").status_code == 404
    )
    assert client_for("member").post(f"/self/movements/{report.pk}/delete/").status_code == 302
    assert not MovementReport.objects.exists()


def test_secretariat_index_lists_members_and_exports_xlsx(client_for, items):
    page = client_for("secretariat").get("/self/?fy=2024").content.decode()
    assert "旭川交通労働組合" in page and 'data-filter-table="member-table"' in page
    response = client_for("secretariat").get("/self/?fy=2024&export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
