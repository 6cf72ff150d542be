from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from icalendar import Calendar

from suishin.core.models import AuditEntry
from suishin.meetings import services
from suishin.meetings.models import AgendaItem, BlockSession, Meeting, Policy, ScheduleEntry
from suishin.meetings.tests.factories import jst, meeting, seed_agenda

pytestmark = pytest.mark.django_db
ALL_ROLES = ["secretariat", "bank", "viewer", "branch", "other_branch", "member", "other_member"]
READ_ONLY = ["bank", "viewer", "branch", "member"]


@pytest.fixture
def seeded(org):
    m = meeting()
    seed_agenda(m)
    services.save_block_session(
        actor=None, block=org.block_b, date=dt.date(2024, 9, 28), city="旭川市"
    )
    policy = services.save_policy(
        actor=None,
        fiscal_year=2024,
        half=2,
        outline="# 重点取組項目\n- 自主目標\n  - 会員自主目標\n",
    )
    return m, policy


def test_pages_require_login(client, seeded):
    m, _ = seeded
    for url in (
        reverse("meetings:index"),
        reverse("meetings:meeting_detail", args=[m.pk]),
        reverse("meetings:meeting_ics", args=[m.pk]),
    ):
        assert client.get(url).status_code == 302


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_role_reads_meetings_sessions_and_policies(client_for, seeded, role):
    m, policy = seeded
    c = client_for(role)
    index = c.get(reverse("meetings:index") + "?fy=2024").content.decode()
    assert (
        "第1回全道推進会議" in index
        and "旭川市" in index
        and "2024年度下期推進活動方針（案）" in index
    )
    detail = c.get(reverse("meetings:meeting_detail", args=[m.pk])).content.decode()
    assert "石川専務理事" in detail and "//" in detail
    assert "小倉副議長" in detail
    assert c.get(reverse("meetings:policy_detail", args=[policy.pk])).status_code == 200
    assert c.get(reverse("meetings:meeting_document", args=[m.pk, "html"])).status_code == 200


@pytest.mark.parametrize("role", READ_ONLY)
def test_only_the_secretariat_may_change_anything(client_for, seeded, role, org):
    m, policy = seeded
    c = client_for(role)
    section = m.sections.get(order=4)
    item = section.items.first()
    gets = [
        reverse("meetings:meeting_create"),
        reverse("meetings:meeting_edit", args=[m.pk]),
        reverse("meetings:section_create", args=[m.pk]),
        reverse("meetings:item_edit", args=[item.pk]),
        reverse("meetings:session_create"),
        reverse("meetings:entry_create"),
        reverse("meetings:policy_edit", args=[policy.pk]),
        reverse("meetings:meeting_delete", args=[m.pk]),
    ]
    for url in gets:
        assert c.get(url).status_code == 403, url
    assert c.post(reverse("meetings:meeting_delete", args=[m.pk])).status_code == 403
    assert c.post(reverse("meetings:item_move", args=[item.pk, "down"])).status_code == 403
    assert (
        c.post(reverse("meetings:policy_copy"), {"fiscal_year": 2025, "half": 1}).status_code == 403
    )
    assert (
        Meeting.objects.filter(pk=m.pk).exists()
        and item.order == AgendaItem.objects.get(pk=item.pk).order
    )
    body = c.get(reverse("meetings:meeting_detail", args=[m.pk])).content.decode()
    assert "区分を追加" not in body and "会議の編集" not in body


def test_a_missing_meeting_is_404(client_for, seeded):
    assert (
        client_for("member").get(reverse("meetings:meeting_detail", args=[9999])).status_code == 404
    )


def test_the_secretariat_registers_a_meeting_on_a_holiday_and_sees_the_warning(
    client_for, db, users
):
    c = client_for("secretariat")
    response = c.post(
        reverse("meetings:meeting_create"),
        {
            "name": "臨時全道推進会議",
            "date": "2024-11-23",
            "start_time": "10:00",
            "half": "",
            "venue": "札幌",
            "organiser": "北海道労働金庫推進会議",
        },
        follow=True,
    )
    body = response.content.decode()
    m = Meeting.objects.get(name="臨時全道推進会議")
    assert m.starts_at == jst(2024, 11, 23, 10) and m.fiscal_year == 2024 and m.half is None
    assert "2024年11月23日（土）は祝日（勤労感謝の日）です。（保存しました）" in body
    assert "会議を保存しました。" in body


def test_a_rule_broken_in_the_form_is_shown_next_to_the_field(client_for, seeded):
    c = client_for("secretariat")
    response = c.post(
        reverse("meetings:meeting_create"),
        {
            "name": "第1回全道推進会議",
            "date": "2025-01-10",
            "start_time": "10:00",
            "organiser": "x",
        },
    )
    assert response.status_code == 200
    assert "2024年度の「第1回全道推進会議」は既に登録されています。" in response.content.decode()
    response = c.post(
        reverse("meetings:meeting_create"),
        {
            "name": "別会議",
            "date": "2025-01-10",
            "start_time": "10:00",
            "end_time": "09:00",
            "organiser": "x",
        },
    )
    assert (
        "終了予定日時（2025年1月10日（金）09:00）が開催日時（2025年1月10日（金）10:00）より前です。"
        in response.content.decode()
    )


def test_the_secretariat_edits_the_agenda(client_for, seeded):
    m, _ = seeded
    c = client_for("secretariat")
    section = m.sections.get(order=4)
    response = c.post(
        reverse("meetings:item_create", args=[section.pk]),
        {
            "title": "「地域共生」について",
            "presenter_name": "榎田",
            "presenter_role": "室長",
            "presenter_org": "地域共生推進室",
            "kind": "attachment",
            "attachment_ref": "別添資料参照",
        },
    )
    assert response.status_code == 302
    new = section.items.get(order=4)
    detail = c.get(reverse("meetings:meeting_detail", args=[m.pk])).content.decode()
    assert "IV." in detail
    c.post(reverse("meetings:item_move", args=[new.pk, "up"]))
    assert AgendaItem.objects.get(pk=new.pk).order == 3
    c.post(reverse("meetings:item_delete", args=[new.pk]))
    assert not AgendaItem.objects.filter(pk=new.pk).exists()
    response = c.post(
        reverse("meetings:item_create", args=[section.pk]),
        {"title": "x", "kind": "text", "body": ""},
    )
    assert "本文を選んだときは本文を入力してください。" in response.content.decode()


def test_block_session_form_warns_about_a_saturday(client_for, org, users):
    c = client_for("secretariat")
    response = c.post(
        reverse("meetings:session_create"),
        {"block": org.block_a.pk, "date": "2024-11-09", "city": "札幌市"},
        follow=True,
    )
    assert "2024年11月9日（土）は土曜日です。（保存しました）" in response.content.decode()
    assert BlockSession.objects.get().fiscal_year == 2024
    response = c.post(
        reverse("meetings:session_create"),
        {"block": org.block_a.pk, "date": "2024-11-09", "city": "札幌市"},
    )
    assert (
        "石狩ブロックの2024年11月9日（土）の研修会は既に登録されています。"
        in response.content.decode()
    )


def test_schedule_entry_form(client_for, db, users):
    c = client_for("secretariat")
    c.post(
        reverse("meetings:entry_create"),
        {"name": "役員会", "date": "2025-01-20", "start_time": "10:30", "venue": "事務局"},
    )
    entry = ScheduleEntry.objects.get()
    assert entry.starts_at == jst(2025, 1, 20, 10, 30)
    body = c.get(reverse("meetings:index") + "?fy=2024").content.decode()
    assert "2025年1月20日（月）10時30分" in body


def test_policy_outline_is_edited_as_text_and_errors_name_the_line(client_for, seeded):
    _, policy = seeded
    c = client_for("secretariat")
    form = c.get(reverse("meetings:policy_edit", args=[policy.pk])).content.decode()
    assert "# 重点取組項目\n- 自主目標\n  - 会員自主目標" in form
    response = c.post(
        reverse("meetings:policy_edit", args=[policy.pk]),
        {"fiscal_year": 2024, "half": 2, "outline": "- a\n  [枠 b"},
    )
    assert "方針の本文 2行目: 「[枠」の後に「]」がありません。" in response.content.decode()
    c.post(
        reverse("meetings:policy_edit", args=[policy.pk]),
        {"fiscal_year": 2024, "half": 2, "outline": "- 新しい項目\n  - 下の項目\n"},
    )
    detail = c.get(reverse("meetings:policy_detail", args=[policy.pk])).content.decode()
    assert "新しい項目" in detail and '<span class="pol-num">(1)</span>' in detail


def test_policy_copy_from_the_previous_half(client_for, seeded):
    c = client_for("secretariat")
    response = c.post(
        reverse("meetings:policy_copy"), {"fiscal_year": 2025, "half": 1}, follow=True
    )
    assert (
        "前期の方針から2025年度上期推進活動方針（案）を作成しました。" in response.content.decode()
    )
    assert Policy.objects.filter(fiscal_year=2025, half=1).exists()
    response = c.post(
        reverse("meetings:policy_copy"), {"fiscal_year": 2024, "half": 1}, follow=True
    )
    assert "前期（2023年度下期）の推進活動方針がありません。" in response.content.decode()


def test_index_lists_export_as_csv_and_xlsx(client_for, seeded):
    c = client_for("viewer")
    csv = c.get(reverse("meetings:index") + "?fy=2024&list=sessions&export=csv")
    assert csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "年度,対象ブロック,開催日,開催地,備考"
    assert "2024,上川,2024-09-28,旭川市," in text
    xlsx = c.get(reverse("meetings:index") + "?fy=2024&list=meetings&export=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    schedule = c.get(
        reverse("meetings:index") + "?fy=2024&list=schedule&export=csv"
    ).content.decode("utf-8-sig")
    assert "2024年11月14日（木）14時,第1回全道推進会議,札幌ガーデンパレス" in schedule


def test_documents_and_calendars_download(client_for, seeded):
    m, _ = seeded
    c = client_for("member")
    docx = c.get(reverse("meetings:meeting_document", args=[m.pk, "docx"]))
    assert (
        docx["Content-Type"]
        == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert "attachment;" in docx["Content-Disposition"]
    html = c.get(reverse("meetings:meeting_document", args=[m.pk, "html"])).content.decode()
    assert "/static/fonts/ipaexg.ttf" in html and "file://" not in html
    feed = c.get(reverse("meetings:fiscal_year_ics", args=[2024]))
    assert feed["Content-Type"] == "text/calendar; charset=utf-8"
    summaries = {str(e["SUMMARY"]) for e in Calendar.from_ical(feed.content).walk("VEVENT")}
    assert summaries == {"2024年度 第1回全道推進会議", "ブロック別研修会（上川ブロック）"}


def test_deleting_a_meeting_asks_first(client_for, seeded):
    m, _ = seeded
    c = client_for("secretariat")
    confirm = c.get(reverse("meetings:meeting_delete", args=[m.pk])).content.decode()
    assert "を削除します。元に戻せません。" in confirm
    c.post(reverse("meetings:meeting_delete", args=[m.pk]))
    assert not Meeting.objects.exists()
    assert AuditEntry.objects.filter(action="delete", model="meetings.Meeting").exists()


def test_the_side_menu_links_to_meetings(client_for, db, users):
    body = client_for("member").get(reverse("meetings:index")).content.decode()
    assert f'href="{reverse("meetings:index")}"' in body and "会議・日程" in body


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        ("2024-09-30", {"fiscal_year": 2024, "half": 2}),
        ("2024-10-01", {"fiscal_year": 2025, "half": 1}),
        ("2025-03-31", {"fiscal_year": 2025, "half": 1}),
        ("2025-04-01", {"fiscal_year": 2025, "half": 2}),
    ],
)
def test_a_new_policy_defaults_to_the_next_half_at_fiscal_year_edges(today, expected):
    import time_machine

    from suishin.meetings.forms import PolicyCopyForm

    with time_machine.travel(dt.datetime.fromisoformat(f"{today}T12:00:00+09:00"), tick=False):
        assert PolicyCopyForm.next_half() == expected


def test_the_page_opens_on_the_year_of_the_latest_results(client_for, seeded, org):
    """In November the bank's figures run to September: the meetings page opens on
    that fiscal year (the one the half-year meeting is about), not the calendar's."""
    from suishin.kpis import factories as kf

    kf.result(kf.item("X", fiscal_year=2024), "2024-09", member=org.member_a, count=1)
    c = client_for("secretariat")
    assert c.get(reverse("meetings:index")).context["fy"] == 2024
    assert c.get(reverse("meetings:index") + "?fy=2025").context["fy"] == 2025
    assert c.get(reverse("meetings:index") + "?fy=99999").context["fy"] == 2024
