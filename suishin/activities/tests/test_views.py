from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from suishin.activities.models import Application, State, StudySession, Theme, YearSetting
from suishin.activities.tests.conftest import at  # noqa: F401

PAGES = [
    "activities:index",
    "activities:application_list",
    "activities:session_list",
    "activities:budget",
    "activities:summary",
]


@pytest.mark.parametrize("role", ["secretariat", "bank", "viewer", "branch", "member"])
@pytest.mark.parametrize("name", PAGES)
def test_every_reader_sees_the_pages_in_japanese(client_for, catalog, role, name):
    response = client_for(role).get(reverse(name))
    assert response.status_code == 200
    assert "職域活動費" in response.content.decode() or "学習会" in response.content.decode()


@pytest.mark.parametrize("role", ["bank", "viewer", "branch", "member"])
def test_only_the_secretariat_opens_the_queue_and_settings(client_for, catalog, role):
    c = client_for(role)
    assert c.get(reverse("activities:queue")).status_code == 403
    assert c.get(reverse("activities:settings")).status_code == 403
    assert (
        c.post(
            reverse("activities:theme_create"), {"name": "x", "sort_order": 1, "active": "on"}
        ).status_code
        == 403
    )
    assert not Theme.objects.filter(name="x").exists()


@pytest.mark.parametrize("role", ["bank", "viewer"])
def test_readers_cannot_open_the_application_form(client_for, catalog, role):
    assert client_for(role).get(reverse("activities:application_create")).status_code == 403


def _form_data(org, catalog, **over):
    data = {
        "member": org.member_a.pk,
        "session_date": "2024-06-20",
        "theme": catalog.themes["新人説明会"].pk,
        "title": "新人説明会",
        "sites": "1",
        "planned_participants": "30",
        "note": "",
        "lines-TOTAL_FORMS": "4",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "4",
        "lines-MAX_NUM_FORMS": "20",
        "lines-0-purpose": catalog.materials.pk,
        "lines-0-quantity": "",
        "lines-0-unit_yen": "40,000",
        "lines-1-purpose": catalog.materials.pk,
        "lines-1-quantity": "1",
        "lines-1-unit_yen": "３００００円",
    }
    data.update(over)
    return data


@time_machine.travel(dt.datetime(2024, 6, 1, 10, tzinfo=dt.UTC), tick=False)
def test_an_over_cap_form_shows_the_rule_with_the_numbers_and_saves_nothing(
    client_for, org, catalog
):
    response = client_for("member").post(
        reverse("activities:application_create"), _form_data(org, catalog)
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "申請額 70,000円 は上限 2,000円 × 予定参加者 30名 = 60,000円 を超えています。" in body
    assert not Application.objects.exists()


@time_machine.travel(dt.datetime(2024, 6, 1, 10, tzinfo=dt.UTC), tick=False)
def test_a_member_officer_creates_and_submits_an_application(client_for, org, catalog, users):
    c = client_for("member")
    data = _form_data(org, catalog, **{"lines-1-unit_yen": "20,000", "and_submit": "1"})
    response = c.post(reverse("activities:application_create"), data)
    app = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "activities:application_detail", args=[app.pk]
    )
    assert (app.state, app.requested_yen, app.member, app.created_by) == (
        State.SUBMITTED,
        60_000,
        org.member_a,
        users["member"],
    )
    detail = c.get(response["Location"]).content.decode()
    assert "申請中" in detail and "60,000円" in detail and "承認する" not in detail


@time_machine.travel(dt.datetime(2024, 6, 1, 10, tzinfo=dt.UTC), tick=False)
def test_a_member_officer_cannot_apply_for_another_union(client_for, org, catalog):
    response = client_for("member").post(
        reverse("activities:application_create"),
        _form_data(org, catalog, member=org.member_b.pk, **{"lines-1-unit_yen": "1"}),
    )
    assert response.status_code == 200
    assert "正しく選択してください" in response.content.decode()
    assert not Application.objects.exists()


def test_a_partly_filled_line_is_reported_on_its_row(client_for, org, catalog):
    data = _form_data(org, catalog, **{"lines-2-note": "弁当", "lines-1-unit_yen": "1"})
    body = (
        client_for("member").post(reverse("activities:application_create"), data).content.decode()
    )
    assert "費目と単価の両方を入力してください。" in body


@pytest.mark.parametrize("role", ["other_member", "other_branch"])
def test_other_organisations_get_404_for_an_application_and_its_actions(
    client_for, make_application, role
):
    app = make_application(state="submitted")
    c = client_for(role)
    assert c.get(reverse("activities:application_detail", args=[app.pk])).status_code == 404
    assert c.get(reverse("activities:application_edit", args=[app.pk])).status_code == 404
    assert (
        c.post(
            reverse("activities:application_action", args=[app.pk, "withdraw"]), {"comment": "x"}
        ).status_code
        == 404
    )
    app.refresh_from_db()
    assert app.state == State.SUBMITTED


def test_lists_and_exports_show_only_the_users_own_union(client_for, make_application, org):
    mine = make_application(state="submitted")
    theirs = make_application(state="submitted", member=org.member_b)
    c = client_for("member")
    body = c.get(reverse("activities:application_list")).content.decode()
    assert mine.number in body and theirs.number not in body
    csv = c.get(reverse("activities:application_list") + "?export=csv").content.decode("utf-8-sig")
    assert mine.number in csv and theirs.number not in csv
    branch_csv = (
        client_for("other_branch")
        .get(reverse("activities:application_list") + "?export=csv")
        .content.decode("utf-8-sig")
    )
    assert theirs.number in branch_csv and mine.number not in branch_csv


@time_machine.travel(dt.datetime(2024, 6, 2, 10, tzinfo=dt.UTC), tick=False)
def test_the_secretariat_approves_from_the_queue_and_sees_the_budget_bar(
    client_for, make_application
):
    app = make_application(state="submitted", requested=60_000)
    c = client_for("secretariat")
    queue = c.get(reverse("activities:queue")).content.decode()
    assert (
        app.number in queue
        and 'class="bar"' in queue
        and "予算残額" in queue
        and "30,000,000円" in queue
    )
    response = c.post(
        reverse("activities:application_action", args=[app.pk, "approve"]),
        {"approved_yen": "50,000", "next": reverse("activities:queue")},
    )
    assert response.status_code == 302 and response["Location"] == reverse("activities:queue")
    app.refresh_from_db()
    assert (app.state, app.approved_yen) == (State.APPROVED, 50_000)
    assert "29,950,000円" in c.get(reverse("activities:queue")).content.decode()


@time_machine.travel(dt.datetime(2024, 6, 2, 10, tzinfo=dt.UTC), tick=False)
def test_an_approval_over_the_budget_is_refused_next_to_the_amount(client_for, make_application):
    YearSetting.objects.filter(fiscal_year=2024).update(budget_yen=10_000)
    app = make_application(state="submitted", requested=60_000)
    response = client_for("secretariat").post(
        reverse("activities:application_action", args=[app.pk, "approve"]),
        {"approved_yen": "60000"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert (
        "予算残額（10,000円）を超えるため承認できません。承認額 60,000円、2024年度予算 10,000円、承認済み合計 0円。"
        in body
    )
    app.refresh_from_db()
    assert app.state == State.SUBMITTED


def test_returning_needs_a_reason(client_for, make_application):
    app = make_application(state="submitted")
    response = client_for("secretariat").post(
        reverse("activities:application_action", args=[app.pk, "return"]), {"comment": ""}
    )
    assert response.status_code == 400
    assert "理由をコメントに入力してください。" in response.content.decode()


@pytest.mark.parametrize("role", ["member", "branch"])
def test_members_and_branches_cannot_approve(client_for, make_application, role):
    app = make_application(state="submitted")
    response = client_for(role).post(
        reverse("activities:application_action", args=[app.pk, "approve"]), {"approved_yen": "1"}
    )
    assert response.status_code == 403
    app.refresh_from_db()
    assert app.state == State.SUBMITTED


@time_machine.travel(dt.datetime(2024, 6, 25, 10, tzinfo=dt.UTC), tick=False)
def test_held_report_then_payment_through_the_pages(client_for, make_application):
    app = make_application(state="approved", requested=60_000, planned=30)
    response = client_for("member").post(
        reverse("activities:application_action", args=[app.pk, "held"]),
        {
            "held_on": "2024-06-20",
            "actual_participants": "２０",
            "receipts_total_yen": "58,000",
            "receipts_note": "領収書",
        },
    )
    assert response.status_code == 302
    c = client_for("secretariat")
    detail = c.get(reverse("activities:application_detail", args=[app.pk])).content.decode()
    assert "支払額 <strong>40,000円</strong>" in detail
    c.post(reverse("activities:application_action", args=[app.pk, "pay"]), {})
    app.refresh_from_db()
    assert (app.state, app.paid_yen) == (State.PAID, 40_000)
    assert StudySession.objects.get(application=app).participants == 20


@time_machine.travel(dt.datetime(2024, 7, 13, 10, tzinfo=dt.UTC), tick=False)
def test_a_web_session_form_without_an_application_is_refused_next_to_the_field(
    client_for, org, catalog
):
    response = client_for("member").post(
        reverse("activities:session_create"),
        {
            "member": org.member_a.pk,
            "held_on": "2024-07-12",
            "theme": catalog.themes["新人説明会"].pk,
            "participants": "40",
            "is_web": "on",
            "sites": "3",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert (
        "WEB学習会には、開催日 2024年7月12日（金） より前に承認された職域活動費の申請が必要です。"
        in body
    )
    assert not StudySession.objects.exists()


@time_machine.travel(dt.datetime(2024, 7, 13, 10, tzinfo=dt.UTC), tick=False)
def test_a_branch_committee_records_a_session_for_its_member(client_for, org, catalog):
    response = client_for("branch").post(
        reverse("activities:session_create"),
        {
            "member": org.member_a2.pk,
            "held_on": "2024-07-12",
            "theme": catalog.themes["生活防衛"].pk,
            "participants": "15",
            "sites": "1",
        },
    )
    assert response.status_code == 302
    assert StudySession.objects.get().member == org.member_a2


def test_session_export_has_the_import_columns_and_only_visible_rows(client_for, org, catalog):
    StudySession.objects.create(
        held_on=dt.date(2024, 5, 1),
        member=org.member_a,
        theme=catalog.themes["生活防衛"],
        participants=12,
    )
    StudySession.objects.create(
        held_on=dt.date(2024, 5, 2),
        member=org.member_b,
        theme=catalog.themes["生活防衛"],
        participants=7,
    )
    response = client_for("member").get(reverse("activities:session_list") + "?export=xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:9] == (
        "開催日",
        "会員コード",
        "会員名",
        "店番",
        "テーマ",
        "参加者数",
        "形式",
        "接続拠点数",
        "申請番号",
    )
    assert [r[1] for r in rows[1:]] == ["A0001"]
    assert rows[1][5] == 12


def test_sessions_filter_by_month_and_theme(client_for, org, catalog):
    StudySession.objects.create(
        held_on=dt.date(2024, 5, 1),
        member=org.member_a,
        theme=catalog.themes["生活防衛"],
        participants=12,
        title="五月の会",
    )
    StudySession.objects.create(
        held_on=dt.date(2024, 6, 1),
        member=org.member_a,
        theme=catalog.themes["生活防衛"],
        participants=7,
        title="六月の会",
    )
    body = (
        client_for("secretariat")
        .get(reverse("activities:session_list") + "?month=2024-05")
        .content.decode()
    )
    assert "五月の会" in body and "六月の会" not in body
    body = (
        client_for("secretariat")
        .get(reverse("activities:session_list") + f"?theme={catalog.themes['新人説明会'].pk}")
        .content.decode()
    )
    assert "五月の会" not in body


def test_budget_page_breaks_down_by_block_branch_and_purpose_and_exports(
    client_for, make_application, org
):
    make_application(state="approved", requested=60_000)
    make_application(state="approved", requested=20_000, member=org.member_b)
    c = client_for("secretariat")
    body = c.get(reverse("activities:budget") + "?fiscal_year=2024").content.decode()
    assert "石狩" in body and "上川" in body and "資料・教材費" in body and "29,920,000円" in body
    csv = c.get(
        reverse("activities:budget") + "?fiscal_year=2024&by=block&export=csv"
    ).content.decode("utf-8-sig")
    assert csv.splitlines() == [
        "ブロック,申請件数,申請額,承認額,支払額",
        "石狩,1,60000,60000,0",
        "上川,1,20000,20000,0",
    ]
    member_csv = (
        client_for("member")
        .get(reverse("activities:budget") + "?fiscal_year=2024&by=branch&export=csv")
        .content.decode("utf-8-sig")
    )
    assert "201" not in member_csv and "101 札幌中央店" in member_csv


def test_summary_page_limits_scoped_users_to_their_own_union(client_for, org, catalog):
    c = client_for("member")
    assert (
        c.get(reverse("activities:summary") + "?fiscal_year=2024&half=1&scope=B0001").status_code
        == 404
    )
    body = c.get(reverse("activities:summary") + "?fiscal_year=2024&half=1").content.decode()
    assert org.member_a.name in body


def test_settings_pages_save_year_theme_and_purpose(client_for, catalog):
    c = client_for("secretariat")
    assert (
        c.post(
            reverse("activities:year_setting_create"),
            {"fiscal_year": "2025", "budget_yen": "30,000,000", "cap_per_person_yen": "2,000"},
        ).status_code
        == 302
    )
    assert YearSetting.objects.get(fiscal_year=2025).budget_yen == 30_000_000
    assert (
        c.post(
            reverse("activities:theme_create"),
            {"name": "退職準備", "sort_order": "70", "active": "on"},
        ).status_code
        == 302
    )
    response = c.post(
        reverse("activities:theme_create"), {"name": "退職準備", "sort_order": "70", "active": "on"}
    )
    assert "テーマ「退職準備」は既に登録されています。" in response.content.decode()
    assert (
        c.post(
            reverse("activities:purpose_create"),
            {"name": "講師謝礼", "sort_order": "40", "active": "on"},
        ).status_code
        == 302
    )
    assert "講師謝礼" in c.get(reverse("activities:settings")).content.decode()


@time_machine.travel(dt.datetime(2024, 6, 3, 10, tzinfo=dt.UTC), tick=False)
def test_a_returned_application_is_corrected_and_resubmitted_through_the_form(
    client_for, make_application, org, catalog
):
    from suishin.activities import services

    app = make_application(state="submitted", requested=60_000, planned=30)
    services.return_application(actor=None, application=app, comment="減額してください")
    c = client_for("member")
    page = c.get(reverse("activities:application_edit", args=[app.pk])).content.decode()
    assert 'value="60000"' in page and "申請 2024-0001 の変更" in page
    data = _form_data(
        org, catalog, member=org.member_b.pk, **{"lines-1-unit_yen": "5,000", "and_submit": "1"}
    )
    assert c.post(reverse("activities:application_edit", args=[app.pk]), data).status_code == 302
    app.refresh_from_db()
    assert (app.state, app.requested_yen, app.member) == (State.SUBMITTED, 45_000, org.member_a)
    assert list(app.transitions.values_list("to_state", flat=True)) == [
        "draft",
        "submitted",
        "returned",
        "submitted",
    ]


def test_an_approved_application_has_no_edit_page(client_for, make_application):
    app = make_application(state="approved")
    response = client_for("member").get(reverse("activities:application_edit", args=[app.pk]))
    assert response.status_code == 302


def test_the_application_export_has_numbers_and_local_times(client_for, make_application):
    make_application(state="paid", requested=60_000, planned=30, actual=20)
    response = client_for("secretariat").get(
        reverse("activities:application_list") + "?export=xlsx"
    )
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    )
    header, row = rows[0], rows[1]
    assert header[0] == "申請番号" and header[-3:] == ("支払額", "承認日時", "支払日時")
    assert row[0] == "2024-0001" and row[15:18] == (60_000, 60_000, 40_000)
    assert row[18] == dt.datetime(2024, 6, 2, 10, 0)  # 10:00 in Asia/Tokyo, as entered
