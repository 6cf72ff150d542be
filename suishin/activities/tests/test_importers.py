from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine

from suishin.activities import services
from suishin.activities.models import StudySession
from suishin.activities.tests.conftest import at
from suishin.imports.services import import_file

HEADER = "開催日,会員コード,テーマ,参加者数,形式,接続拠点数,申請番号,学習会名\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2024, 10, 15, 10, tzinfo=dt.UTC), tick=False):
        yield


def _import(text: str, *, actor=None, encoding: str = "utf-8-sig", name: str = "sessions.csv"):
    return import_file(
        kind="sessions", file=io.BytesIO(text.encode(encoding)), file_name=name, actor=actor
    )


def test_it_imports_sessions_and_a_second_identical_file_changes_nothing(catalog, org):
    text = (
        HEADER
        + "2024-05-10,A0001,生活防衛,25,対面,,,\n令和6年5月11日,A0002,可処分所得向上,３０名,,,,\n"
    )
    first = _import(text, encoding="cp932")
    assert first.ok and (first.added, first.written) == (2, True), [str(e) for e in first.errors]
    session = StudySession.objects.get(member=org.member_a2)
    assert (session.held_on, session.participants, session.is_web, session.sites) == (
        dt.date(2024, 5, 11),
        30,
        False,
        1,
    )
    assert session.import_batch_id == first.batch.pk and session.source_row == 3
    again = _import(text, encoding="cp932")
    assert again.ok and (again.added, again.changed, again.unchanged, again.written) == (
        0,
        0,
        2,
        False,
    )


def test_it_rejects_web_session_without_prior_approval_and_writes_nothing(catalog, org):
    text = HEADER + "2024-05-10,A0001,生活防衛,25,対面,,,\n2024-07-12,A0001,新人説明会,40,WEB,3,,\n"
    outcome = _import(text)
    assert not outcome.ok
    assert [str(e) for e in outcome.errors] == [
        "行 3 列 申請番号: WEB学習会には、開催日 2024年7月12日（金） より前に承認された職域活動費の申請番号が必要です。"
    ]
    assert not StudySession.objects.exists()


def test_a_web_session_names_an_application_approved_before_its_date(
    make_application, catalog, org
):
    app = make_application(
        state="approved",
        is_web=True,
        sites=3,
        session_date=dt.date(2024, 7, 12),
        created=dt.date(2024, 7, 1),
    )
    late = make_application(
        state="submitted",
        is_web=True,
        sites=2,
        session_date=dt.date(2024, 7, 20),
        created=dt.date(2024, 7, 1),
    )
    services.approve(actor=None, application=late, now=at(dt.date(2024, 7, 19)))
    ok = _import(HEADER + f"2024-07-12,A0001,新人説明会,40,WEB,3,{app.number},\n")
    assert ok.ok, [str(e) for e in ok.errors]
    assert StudySession.objects.get().application == app
    bad = _import(HEADER + f"2024-07-18,A0001,新人説明会,40,WEB,2,{late.number},\n")
    assert [str(e) for e in bad.errors] == [
        "行 2 列 申請番号: WEB学習会には、開催日 2024年7月18日（木） より前に承認された職域活動費の申請が必要です（承認日 2024年7月19日（金））。"
    ]


def test_each_bad_row_is_reported_with_its_line_and_column(catalog, org, make_application):
    draft = make_application(state="submitted")
    text = HEADER + (
        "2024-05-10,Z9999,生活防衛,25,対面,,,\n"
        "2024-05-10,A0001,カラオケ,25,対面,,,\n"
        "2024-05-10,A0001,生活防衛,0,対面,,,\n"
        "2024-05-10,A0001,生活防衛,10,対面,2,,\n"
        "2025-01-10,A0001,生活防衛,10,対面,,,\n"
        f"2024-06-20,A0001,新人説明会,10,対面,,{draft.number},\n"
        "2024-05-10,A0001,生活防衛,10,会議室,,,\n"
    )
    outcome = _import(text)
    messages = [str(e) for e in outcome.errors]
    assert messages[0] == "行 2 列 会員コード: 会員コード「Z9999」は登録されていません。"
    assert messages[1].startswith(
        "行 3 列 テーマ: テーマ「カラオケ」は登録されていません（登録済み: 可処分所得向上、"
    )
    assert messages[2].startswith("行 4 列 参加者数: ")
    assert messages[3] == "行 5 列 接続拠点数: 対面の学習会の接続拠点数は1です（入力: 2）。"
    assert (
        messages[4]
        == "行 6 列 開催日: 開催日 2025年1月10日（金） は未来の日付です。学習会は開催後に登録してください。"
    )
    assert (
        messages[5]
        == f"行 7 列 申請番号: 申請 {draft.number} は承認されていないため学習会に紐づけられません（状態: 申請中）。"
    )
    assert messages[6].startswith("行 8 列 形式: 形式は 対面、")
    assert not StudySession.objects.exists()


def test_a_corrected_file_replaces_the_month_but_keeps_web_form_sessions(catalog, org):
    manual = services.record_session(
        actor=None,
        member=org.member_b,
        held_on=dt.date(2024, 5, 20),
        theme=catalog.themes["資産形成"],
        participants=9,
    )
    first = _import(
        HEADER + "2024-05-10,A0001,生活防衛,25,対面,,,\n2024-05-11,A0002,生活防衛,30,対面,,,\n"
    )
    assert first.ok
    corrected = _import(
        HEADER + "2024-05-10,A0001,生活防衛,26,対面,,,\n", name="sessions_fixed.csv"
    )
    assert corrected.ok and (corrected.changed, corrected.removed) == (1, 1)
    assert sorted(StudySession.objects.values_list("member__code", "participants")) == [
        ("A0001", 26),
        ("B0001", 9),
    ]
    assert StudySession.objects.filter(pk=manual.pk).exists()


def test_a_branch_committee_imports_only_its_own_members(catalog, org, users):
    outcome = _import(HEADER + "2024-05-10,B0001,生活防衛,25,対面,,,\n", actor=users["branch"])
    assert [str(e) for e in outcome.errors] == [
        "行 2 列 会員コード: 会員コード「B0001」は貴店（店番101）の会員ではないため取り込めません。"
    ]


def test_a_file_cannot_change_a_session_of_a_held_report(make_application, catalog, org):
    app = make_application(
        state="paid", theme="新人説明会", session_date=dt.date(2024, 6, 20), planned=30, actual=28
    )
    outcome = _import(HEADER + f"2024-06-20,A0001,新人説明会,35,対面,,{app.number},\n")
    assert [str(e) for e in outcome.errors] == [
        f"行 2 列 参加者数: 職域活動費の申請 {app.number} の開催報告に基づく学習会です。参加者数・形式・申請番号は、申請の開催報告から変更してください（登録済み: 参加者 28名）。"
    ]
    same = _import(HEADER + f"2024-06-20,A0001,新人説明会,28,対面,,{app.number},\n")
    assert same.ok and same.unchanged == 1
