from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from suishin.activities import services
from suishin.activities.models import (
    Application,
    ApplicationLine,
    State,
    StudySession,
    Transition,
    YearSetting,
)
from suishin.activities.tests.conftest import at
from suishin.core.errors import DomainError
from suishin.core.models import AuditEntry


def _lines(catalog, *amounts):
    return [services.LineInput(purpose=catalog.materials, quantity=1, unit_yen=a) for a in amounts]


def test_create_numbers_per_fiscal_year_and_sums_the_lines(catalog, org, users):
    app = services.create_application(
        actor=users["member"],
        member=org.member_a,
        session_date=dt.date(2024, 6, 20),
        theme=catalog.themes["新人説明会"],
        is_web=True,
        sites=3,
        planned_participants=30,
        lines=[
            services.LineInput(purpose=catalog.venue, quantity=3, unit_yen=5_000),
            services.LineInput(purpose=catalog.meals, quantity=3, unit_yen=10_000),
        ],
        now=at(dt.date(2024, 6, 1)),
    )
    assert app.number == "2024-0001"
    assert app.state == State.DRAFT
    assert app.requested_yen == 45_000
    assert [line.amount_yen for line in app.lines.all()] == [15_000, 30_000]
    second = services.create_application(
        actor=users["member"],
        member=org.member_a,
        session_date=dt.date(2024, 7, 1),
        theme=catalog.themes["資産形成"],
        is_web=False,
        sites=1,
        planned_participants=10,
        lines=_lines(catalog, 5_000),
        now=at(dt.date(2024, 6, 2)),
    )
    assert second.number == "2024-0002"
    step = Transition.objects.get(application=app)
    assert (step.from_state, step.to_state, step.actor, step.comment) == (
        "",
        State.DRAFT,
        users["member"],
        "作成",
    )
    assert (
        AuditEntry.objects.filter(action="application.create", object_pk=str(app.pk)).count() == 1
    )


def test_it_rejects_an_application_over_the_cap_and_saves_nothing(catalog, org):
    with pytest.raises(DomainError) as exc:
        services.create_application(
            actor=None,
            member=org.member_a,
            session_date=dt.date(2024, 6, 20),
            theme=catalog.themes["新人説明会"],
            is_web=False,
            sites=1,
            planned_participants=30,
            lines=_lines(catalog, 40_000, 30_000),
        )
    assert (
        exc.value.message
        == "申請額 70,000円 は上限 2,000円 × 予定参加者 30名 = 60,000円 を超えています。"
    )
    assert not Application.objects.exists() and not ApplicationLine.objects.exists()
    assert YearSetting.objects.get(fiscal_year=2024).last_number == 0


def test_it_rejects_an_application_for_a_year_without_settings(catalog, org):
    with pytest.raises(DomainError) as exc:
        services.create_application(
            actor=None,
            member=org.member_a,
            session_date=dt.date(2031, 6, 20),
            theme=catalog.themes["新人説明会"],
            is_web=False,
            sites=1,
            planned_participants=30,
            lines=_lines(catalog, 1_000),
        )
    assert exc.value.message == (
        "2031年度の職域活動費の設定（年度予算・1人当たり上限）が登録されていません。事務局に設定を依頼してください。"
    )


def test_in_person_sessions_have_one_site_and_per_site_lines_follow_the_sites(catalog, org):
    with pytest.raises(DomainError, match="対面の学習会の接続拠点数は1です（入力: 2）。"):
        services.create_application(
            actor=None,
            member=org.member_a,
            session_date=dt.date(2024, 6, 20),
            theme=catalog.themes["新人説明会"],
            is_web=False,
            sites=2,
            planned_participants=30,
            lines=_lines(catalog, 1_000),
        )
    with pytest.raises(DomainError, match="数量 2 が接続拠点数 1 を超えています。"):
        services.create_application(
            actor=None,
            member=org.member_a,
            session_date=dt.date(2024, 6, 20),
            theme=catalog.themes["新人説明会"],
            is_web=False,
            sites=1,
            planned_participants=30,
            lines=[services.LineInput(purpose=catalog.venue, quantity=2, unit_yen=1_000)],
        )
    with pytest.raises(DomainError, match="申請内訳（費目と金額）を1行以上入力してください。"):
        services.create_application(
            actor=None,
            member=org.member_a,
            session_date=dt.date(2024, 6, 20),
            theme=catalog.themes["新人説明会"],
            is_web=False,
            sites=1,
            planned_participants=30,
            lines=[],
        )


def test_the_full_workflow_records_every_transition(make_application, users):
    app = make_application(planned=30, requested=60_000, state="draft")
    sec, officer = users["secretariat"], users["member"]
    app = services.submit(actor=officer, application=app, now=at(dt.date(2024, 6, 1)))
    app = services.approve(
        actor=sec,
        application=app,
        approved_yen=50_000,
        comment="資料代を減額",
        now=at(dt.date(2024, 6, 5)),
    )
    app = services.report_held(
        actor=officer,
        application=app,
        actual_participants=20,
        receipts_total_yen=48_000,
        receipts_note="領収書3枚",
        now=at(dt.date(2024, 6, 21)),
    )
    app = services.mark_paid(actor=sec, application=app, now=at(dt.date(2024, 7, 1)))
    assert app.state == State.PAID
    assert app.paid_yen == 40_000  # min(50,000, 2,000 × 20)
    steps = list(
        app.transitions.values_list("from_state", "to_state", "actor__username", "comment")
    )
    assert steps == [
        ("", "draft", None, "作成"),
        ("draft", "submitted", "charlie", ""),
        ("submitted", "approved", "alice", "資料代を減額"),
        ("approved", "held", "charlie", ""),
        ("held", "paid", "alice", ""),
    ]
    session = StudySession.objects.get(application=app)
    assert (session.held_on, session.participants, session.member_id) == (
        dt.date(2024, 6, 20),
        20,
        app.member_id,
    )
    assert (
        AuditEntry.objects.filter(model="activities.Application", object_pk=str(app.pk)).count()
        == 5
    )


def test_paid_is_the_approved_amount_when_attendance_covers_it(make_application):
    app = make_application(planned=30, requested=50_000, state="paid", actual=28)
    assert app.paid_yen == 50_000


def test_a_returned_application_is_edited_and_resubmitted(make_application, catalog, users):
    app = make_application(state="submitted", requested=60_000, planned=30)
    with pytest.raises(DomainError, match="差戻しの理由をコメントに入力してください。"):
        services.return_application(actor=users["secretariat"], application=app, comment="  ")
    app = services.return_application(
        actor=users["secretariat"], application=app, comment="参加者数を確認してください"
    )
    assert app.state == State.RETURNED
    app = services.update_application(
        actor=users["member"],
        application=app,
        session_date=app.session_date,
        theme=app.theme,
        is_web=False,
        sites=1,
        planned_participants=25,
        lines=_lines(catalog, 50_000),
        now=at(dt.date(2024, 6, 3)),
    )
    assert app.requested_yen == 50_000
    app = services.submit(actor=users["member"], application=app, now=at(dt.date(2024, 6, 3)))
    assert app.state == State.SUBMITTED
    assert app.transitions.filter(
        to_state=State.RETURNED, comment="参加者数を確認してください"
    ).exists()


def test_submitted_applications_cannot_be_edited(make_application, catalog):
    app = make_application(state="submitted")
    with pytest.raises(DomainError, match="「申請中」の申請は変更できません。"):
        services.update_application(
            actor=None,
            application=app,
            session_date=app.session_date,
            theme=app.theme,
            is_web=False,
            sites=1,
            planned_participants=30,
            lines=_lines(catalog, 1_000),
        )


def test_an_application_cannot_move_to_another_fiscal_year(make_application, catalog):
    app = make_application(state="draft")
    with pytest.raises(DomainError) as exc:
        services.update_application(
            actor=None,
            application=app,
            session_date=dt.date(2025, 4, 10),
            theme=app.theme,
            is_web=False,
            sites=1,
            planned_participants=30,
            lines=_lines(catalog, 1_000),
        )
    assert exc.value.message == (
        "開催予定日を別の年度（2025年度）に変更することはできません。この申請は2024年度です。新しい申請を作成してください。"
    )


def test_it_rejects_an_approval_beyond_the_budget_and_nothing_changes(make_application, catalog):
    YearSetting.objects.filter(fiscal_year=2024).update(budget_yen=100_000)
    make_application(state="approved", requested=60_000, planned=30)
    second = make_application(state="submitted", requested=50_000, planned=30)
    with pytest.raises(DomainError) as exc:
        services.approve(actor=None, application=second, now=at(dt.date(2024, 6, 2)))
    assert exc.value.message == (
        "予算残額（40,000円）を超えるため承認できません。承認額 50,000円、2024年度予算 100,000円、承認済み合計 60,000円。"
    )
    second.refresh_from_db()
    assert second.state == State.SUBMITTED and second.approved_yen is None
    assert not second.transitions.filter(to_state=State.APPROVED).exists()
    # A smaller approval fits.
    second = services.approve(
        actor=None, application=second, approved_yen=40_000, now=at(dt.date(2024, 6, 2))
    )
    assert second.approved_yen == 40_000


def test_paying_less_than_approved_returns_the_rest_to_the_budget(make_application):
    YearSetting.objects.filter(fiscal_year=2024).update(budget_yen=100_000)
    make_application(state="paid", requested=60_000, planned=30, actual=10)  # paid 20,000
    second = make_application(state="submitted", requested=60_000, planned=30)
    second = services.approve(actor=None, application=second, now=at(dt.date(2024, 6, 2)))
    assert second.approved_yen == 60_000  # 20,000 + 60,000 ≤ 100,000


def test_withdrawing_an_approved_application_releases_its_budget(make_application, users):
    YearSetting.objects.filter(fiscal_year=2024).update(budget_yen=60_000)
    first = make_application(state="approved", requested=60_000, planned=30)
    second = make_application(state="submitted", requested=60_000, planned=30)
    with pytest.raises(DomainError, match="予算残額（0円）"):
        services.approve(actor=None, application=second, now=at(dt.date(2024, 6, 2)))
    services.withdraw(actor=users["member"], application=first, comment="開催中止")
    assert (
        services.approve(actor=None, application=second, now=at(dt.date(2024, 6, 2))).state
        == State.APPROVED
    )


def test_it_rejects_web_application_submitted_on_the_session_day(make_application):
    app = make_application(state="draft", is_web=True, sites=2, session_date=dt.date(2024, 7, 12))
    with pytest.raises(DomainError) as exc:
        services.submit(actor=None, application=app, now=at(dt.date(2024, 7, 12)))
    assert exc.value.message.startswith(
        "WEB学習会の職域活動費は事前申請です。開催日 2024年7月12日（金） より前に申請する必要があります"
    )


def test_it_rejects_web_application_approved_on_or_after_the_session_day(make_application):
    app = make_application(
        state="submitted",
        is_web=True,
        sites=2,
        session_date=dt.date(2024, 7, 12),
        created=dt.date(2024, 7, 1),
    )
    with pytest.raises(DomainError, match="より前に承認する必要があります"):
        services.approve(actor=None, application=app, now=at(dt.date(2024, 7, 12)))
    assert (
        services.approve(actor=None, application=app, now=at(dt.date(2024, 7, 11))).state
        == State.APPROVED
    )


def test_an_in_person_application_may_be_submitted_after_the_session(make_application):
    app = make_application(state="draft", session_date=dt.date(2024, 7, 12))
    assert (
        services.submit(actor=None, application=app, now=at(dt.date(2024, 7, 20))).state
        == State.SUBMITTED
    )


def test_a_held_report_cannot_come_before_the_session(make_application):
    app = make_application(state="approved", session_date=dt.date(2024, 7, 12))
    with pytest.raises(DomainError) as exc:
        services.report_held(
            actor=None,
            application=app,
            actual_participants=10,
            receipts_total_yen=1,
            now=at(dt.date(2024, 7, 11)),
        )
    assert (
        exc.value.message
        == "開催日 2024年7月12日（金） より前に開催報告はできません（本日 2024年7月11日（木））。"
    )


def test_a_web_held_report_moved_to_before_the_approval_is_rejected(make_application):
    app = make_application(
        state="approved",
        is_web=True,
        sites=2,
        session_date=dt.date(2024, 7, 12),
        created=dt.date(2024, 7, 1),
    )
    # approved on 2024-07-03 by the fixture; a report that says it was held on 07-02 breaks the rule
    with pytest.raises(
        DomainError, match="WEB学習会には、開催日 2024年7月2日（火） より前に承認された"
    ):
        services.report_held(
            actor=None,
            application=app,
            held_on=dt.date(2024, 7, 2),
            actual_participants=10,
            receipts_total_yen=1,
            now=at(dt.date(2024, 7, 20)),
        )


def test_a_held_report_can_be_corrected_before_payment(make_application):
    app = make_application(state="held", planned=30, requested=60_000, actual=30)
    app = services.report_held(
        actor=None,
        application=app,
        actual_participants=12,
        receipts_total_yen=50_000,
        now=at(dt.date(2024, 6, 25)),
    )
    assert app.transitions.filter(
        from_state=State.HELD, to_state=State.HELD, comment="開催報告の修正"
    ).exists()
    assert StudySession.objects.get(application=app).participants == 12
    assert (
        services.mark_paid(actor=None, application=app, now=at(dt.date(2024, 7, 1))).paid_yen
        == 24_000
    )


@pytest.mark.parametrize("role", ["bank", "viewer", "member", "branch"])
def test_only_the_secretariat_approves_returns_and_pays(make_application, users, role):
    app = make_application(state="submitted")
    with pytest.raises(PermissionDenied):
        services.approve(actor=users[role], application=app)
    with pytest.raises(PermissionDenied):
        services.return_application(actor=users[role], application=app, comment="x")


@pytest.mark.parametrize("role", ["other_member", "other_branch", "bank", "viewer"])
def test_others_cannot_apply_for_or_submit_a_union_s_application(
    make_application, catalog, org, users, role
):
    with pytest.raises(PermissionDenied):
        services.create_application(
            actor=users[role],
            member=org.member_a,
            session_date=dt.date(2024, 6, 20),
            theme=catalog.themes["新人説明会"],
            is_web=False,
            sites=1,
            planned_participants=30,
            lines=_lines(catalog, 1_000),
        )
    app = make_application(state="draft")
    with pytest.raises(PermissionDenied):
        services.submit(actor=users[role], application=app)


def test_a_branch_committee_applies_for_its_own_members(catalog, org, users):
    app = services.create_application(
        actor=users["branch"],
        member=org.member_a2,
        session_date=dt.date(2024, 6, 20),
        theme=catalog.themes["新人説明会"],
        is_web=False,
        sites=1,
        planned_participants=30,
        lines=_lines(catalog, 1_000),
        now=at(dt.date(2024, 6, 1)),
    )
    assert app.member == org.member_a2


def test_the_budget_may_not_drop_below_what_is_approved(make_application, users):
    make_application(state="approved", requested=60_000, planned=30)
    with pytest.raises(DomainError) as exc:
        services.save_year_setting(
            actor=users["secretariat"],
            fiscal_year=2024,
            budget_yen=50_000,
            cap_per_person_yen=2_000,
        )
    assert (
        exc.value.message
        == "年度予算 50,000円 は2024年度の承認済み合計 60,000円 を下回るため設定できません。"
    )
    setting = services.save_year_setting(
        actor=users["secretariat"],
        fiscal_year=2025,
        budget_yen=30_000_000,
        cap_per_person_yen=2_500,
    )
    assert (setting.fiscal_year, setting.cap_per_person_yen) == (2025, 2_500)


# --- study sessions ---------------------------------------------------------------


def test_it_records_an_in_person_session(catalog, org, users):
    session = services.record_session(
        actor=users["member"],
        member=org.member_a,
        held_on=dt.date(2024, 5, 10),
        theme=catalog.themes["生活防衛"],
        participants=25,
        now=at(dt.date(2024, 5, 11)),
    )
    assert (session.participants, session.is_web, session.sites, session.application) == (
        25,
        False,
        1,
        None,
    )
    assert AuditEntry.objects.filter(model="activities.StudySession", action="create").count() == 1


def test_it_rejects_web_session_without_prior_approval(catalog, org):
    with pytest.raises(DomainError) as exc:
        services.record_session(
            actor=None,
            member=org.member_a,
            held_on=dt.date(2024, 7, 12),
            theme=catalog.themes["新人説明会"],
            participants=40,
            is_web=True,
            sites=3,
            now=at(dt.date(2024, 7, 13)),
        )
    assert (
        exc.value.message
        == "WEB学習会には、開催日 2024年7月12日（金） より前に承認された職域活動費の申請が必要です。"
    )
    assert exc.value.field == "application"
    assert not StudySession.objects.exists()


def test_a_web_session_with_an_application_approved_beforehand_is_recorded(
    make_application, catalog, org
):
    app = make_application(
        state="approved",
        is_web=True,
        sites=3,
        session_date=dt.date(2024, 7, 12),
        created=dt.date(2024, 7, 1),
    )
    session = services.record_session(
        actor=None,
        member=org.member_a,
        held_on=dt.date(2024, 7, 12),
        theme=catalog.themes["新人説明会"],
        participants=40,
        is_web=True,
        sites=3,
        application=app,
        now=at(dt.date(2024, 7, 13)),
    )
    assert session.application == app
    # the held report then updates that same session instead of adding a second one
    services.report_held(
        actor=None,
        application=app,
        actual_participants=38,
        receipts_total_yen=1,
        now=at(dt.date(2024, 7, 14)),
    )
    assert StudySession.objects.filter(application=app).get().participants == 38
    assert StudySession.objects.count() == 1


def test_a_session_cannot_link_an_unapproved_or_foreign_application(make_application, catalog, org):
    draft = make_application(state="submitted")
    with pytest.raises(
        DomainError,
        match=r"申請 2024-0001 は承認されていないため学習会に紐づけられません（状態: 申請中）。",
    ):
        services.record_session(
            actor=None,
            member=org.member_a,
            held_on=dt.date(2024, 6, 20),
            theme=catalog.themes["新人説明会"],
            participants=30,
            application=draft,
            now=at(dt.date(2024, 6, 21)),
        )
    other = make_application(state="approved", member=org.member_b)
    with pytest.raises(DomainError, match="は会員「旭川交通労働組合」の申請です。"):
        services.record_session(
            actor=None,
            member=org.member_a,
            held_on=dt.date(2024, 6, 20),
            theme=catalog.themes["新人説明会"],
            participants=30,
            application=other,
            now=at(dt.date(2024, 6, 21)),
        )


def test_sessions_cannot_be_recorded_in_the_future(catalog, org):
    with pytest.raises(DomainError, match="開催日 2024年7月12日（金） は未来の日付です。"):
        services.record_session(
            actor=None,
            member=org.member_a,
            held_on=dt.date(2024, 7, 12),
            theme=catalog.themes["新人説明会"],
            participants=30,
            now=at(dt.date(2024, 7, 1)),
        )


def test_a_reported_session_is_changed_through_its_application_only(make_application, users):
    app = make_application(state="held", actual=20)
    session = StudySession.objects.get(application=app)
    with pytest.raises(DomainError, match="申請の開催報告から変更してください。"):
        services.update_session(
            actor=users["member"],
            session=session,
            member=session.member,
            held_on=session.held_on,
            theme=session.theme,
            participants=99,
            application=app,
        )
    with pytest.raises(DomainError, match="開催報告に基づく学習会は削除できません。"):
        services.delete_session(actor=users["member"], session=session)
    # the title and note stay editable
    session = services.update_session(
        actor=users["member"],
        session=session,
        member=session.member,
        held_on=session.held_on,
        theme=session.theme,
        participants=20,
        application=app,
        title="新人研修",
        note="動画視聴",
    )
    assert session.title == "新人研修"


def test_a_member_officer_cannot_record_sessions_for_another_union(catalog, org, users):
    with pytest.raises(PermissionDenied):
        services.record_session(
            actor=users["member"],
            member=org.member_b,
            held_on=dt.date(2024, 5, 10),
            theme=catalog.themes["生活防衛"],
            participants=25,
        )


def test_the_same_session_cannot_be_recorded_twice(catalog, org):
    kwargs = dict(
        actor=None,
        member=org.member_a,
        held_on=dt.date(2024, 5, 10),
        theme=catalog.themes["生活防衛"],
        participants=25,
        now=at(dt.date(2024, 5, 11)),
    )
    services.record_session(**kwargs)
    with pytest.raises(DomainError) as exc:
        services.record_session(**kwargs)
    assert exc.value.message == (
        "会員「札幌市職員労働組合」の2024年5月10日（金）のテーマ「生活防衛」の学習会は既に登録されています。"
        "同じ日に同じテーマで別の学習会を開いた場合は、学習会名を変えて区別してください。"
    )
    assert services.record_session(**kwargs | {"title": "午後の部"}).title == "午後の部"


def test_a_held_report_adopts_the_session_the_officer_already_recorded(
    make_application, catalog, org
):
    app = make_application(state="approved", theme="新人説明会", session_date=dt.date(2024, 6, 20))
    recorded = services.record_session(
        actor=None,
        member=org.member_a,
        held_on=dt.date(2024, 6, 20),
        theme=catalog.themes["新人説明会"],
        participants=28,
        now=at(dt.date(2024, 6, 21)),
    )
    services.report_held(
        actor=None,
        application=app,
        actual_participants=27,
        receipts_total_yen=1,
        now=at(dt.date(2024, 6, 22)),
    )
    recorded.refresh_from_db()
    assert (recorded.application_id, recorded.participants) == (app.pk, 27)
    assert StudySession.objects.count() == 1
