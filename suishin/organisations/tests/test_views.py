from __future__ import annotations

import pytest
from django.urls import reverse

from suishin.core.models import AuditEntry
from suishin.organisations.models import Branch, Member


def test_login_page_is_japanese_and_public(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "ログイン" in response.content.decode()


def test_pages_require_login(client, org):
    response = client.get(reverse("organisations:member_list"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_wrong_password_gets_a_japanese_message(client, users):
    response = client.post(reverse("login"), {"username": "alice", "password": "nope"})
    assert "ユーザー名またはパスワードが正しくありません。" in response.content.decode()


def test_secretariat_sees_every_member(client_for, org):
    body = client_for("secretariat").get(reverse("organisations:member_list")).content.decode()
    for m in (org.member_a, org.member_a2, org.member_b):
        assert m.name in body


def test_branch_user_sees_only_own_members_in_list_and_export(client_for, org):
    c = client_for("branch")
    body = c.get(reverse("organisations:member_list")).content.decode()
    assert org.member_a.name in body and org.member_b.name not in body
    csv = c.get(reverse("organisations:member_list") + "?export=csv").content.decode("utf-8-sig")
    assert "A0001" in csv and "B0001" not in csv


@pytest.mark.parametrize("role", ["branch", "member"])
def test_scoped_users_get_404_for_other_organisations(client_for, org, role):
    c = client_for(role)
    assert c.get(reverse("organisations:member_detail", args=[org.member_b.pk])).status_code == 404
    assert c.get(reverse("organisations:branch_detail", args=[org.branch_b.pk])).status_code == 404
    assert c.get(reverse("organisations:block_detail", args=[org.block_b.pk])).status_code == 404


def test_member_officer_sees_own_union(client_for, org):
    response = client_for("member").get(reverse("organisations:member_detail", args=[org.member_a.pk]))
    assert response.status_code == 200
    assert org.member_a.name in response.content.decode()


@pytest.mark.parametrize("role", ["bank", "viewer", "branch", "member"])
def test_only_the_secretariat_may_edit(client_for, org, role):
    c = client_for(role)
    assert c.get(reverse("organisations:branch_create")).status_code == 403
    response = c.post(reverse("organisations:branch_create"), {"code": "999", "name": "x", "block": org.block_a.pk, "active": "on"})
    assert response.status_code == 403
    assert not Branch.objects.filter(code="999").exists()


def test_secretariat_edits_a_member_and_the_change_is_audited(client_for, org, users):
    c = client_for("secretariat")
    response = c.post(
        reverse("organisations:member_edit", args=[org.member_a.pk]),
        {"code": "A0001", "name": "札幌市職員労働組合（改称）", "federation": "自治労", "branch": org.branch_a.pk, "active": "on"},
    )
    assert response.status_code == 302
    org.member_a.refresh_from_db()
    assert org.member_a.name == "札幌市職員労働組合（改称）"
    entry = AuditEntry.objects.get(model="organisations.Member", action="update")
    assert entry.actor == users["secretariat"]
    assert entry.before["name"] == "札幌市職員労働組合"
    assert entry.after["name"] == "札幌市職員労働組合（改称）"


def test_branch_code_keeps_leading_zeros(client_for, org):
    client_for("secretariat").post(
        reverse("organisations:branch_create"), {"code": "007", "name": "小樽店", "block": org.block_a.pk, "active": "on"}
    )
    assert Branch.objects.get(name="小樽店").code == "007"


def test_duplicate_member_code_gets_a_message_next_to_the_field(client_for, org):
    response = client_for("secretariat").post(
        reverse("organisations:member_create"),
        {"code": "B0001", "name": "重複", "federation": "", "branch": org.branch_a.pk, "active": "on"},
    )
    assert response.status_code == 200
    assert "field-error" in response.content.decode()
    assert Member.objects.filter(code="B0001").count() == 1


def test_headcount_is_stored_per_fiscal_year(client_for, org):
    c = client_for("secretariat")
    url = reverse("organisations:member_detail", args=[org.member_b.pk])
    assert c.post(url, {"fiscal_year": 2025, "headcount": 310}).status_code == 302
    assert org.member_b.headcounts.get(fiscal_year=2025).headcount == 310
    assert org.member_b.headcounts.get(fiscal_year=2024).headcount == 300


def test_unknown_page_is_a_japanese_404_without_a_trace(client_for, org):
    response = client_for("secretariat").get("/no/such/page/")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()


def test_admin_is_the_secretariats_only(client_for, users):
    assert client_for("secretariat").get("/admin/").status_code == 200
    users["bank"].is_staff = True
    users["bank"].save()
    assert client_for("bank").get("/admin/").status_code == 302


def test_static_assets_are_served_by_the_app(client, db):
    from django.test import override_settings

    with override_settings(DEBUG=False):
        response = client.get("/static/suishin/app.css")
    assert response.status_code == 200
    font = client.get("/static/fonts/ipaexg.ttf")
    assert font.status_code == 200


def test_base_template_loads_nothing_from_outside(client_for, org):
    body = client_for("secretariat").get(reverse("organisations:branch_list")).content.decode()
    assert "http://" not in body.replace("http://testserver", "") and "https://" not in body
