from __future__ import annotations

import datetime as dt

import pytest

from suishin.core.errors import DomainError
from suishin.core.models import AuditEntry
from suishin.meetings import services
from suishin.meetings.models import AgendaItem, BlockSession, Meeting, Policy
from suishin.meetings.queries import policy_tree
from suishin.meetings.tests.factories import jst, meeting, seed_agenda

pytestmark = pytest.mark.django_db


# --- meetings ---------------------------------------------------------------


def test_a_meeting_takes_the_fiscal_year_of_its_date_and_is_audited(users):
    saved = services.save_meeting(
        actor=users["secretariat"], name="第2回全道推進会議", starts_at=jst(2025, 2, 3, 15)
    )
    assert saved.obj.fiscal_year == 2024
    assert saved.warnings == []
    entry = AuditEntry.objects.get(model="meetings.Meeting", action="create")
    assert entry.actor == users["secretariat"] and entry.after["name"] == "第2回全道推進会議"


def test_a_naive_datetime_is_read_as_tokyo_time():
    m = services.save_meeting(
        actor=None, name="会議", starts_at=dt.datetime(2024, 11, 14, 14, 0)
    ).obj
    assert m.starts_at == jst(2024, 11, 14, 14, 0)


def test_it_saves_a_meeting_on_a_holiday_but_warns():
    saved = services.save_meeting(actor=None, name="臨時会議", starts_at=jst(2024, 11, 23, 10))
    assert Meeting.objects.filter(pk=saved.obj.pk).exists()
    assert saved.warnings == ["2024年11月23日（土）は祝日（勤労感謝の日）です。"]


def test_it_warns_about_a_substitute_holiday():
    saved = services.save_meeting(actor=None, name="臨時会議", starts_at=jst(2024, 11, 4, 10))
    assert saved.warnings == ["2024年11月4日（月）は祝日（振替休日）です。"]


def test_it_rejects_a_second_meeting_of_the_same_name_in_a_fiscal_year():
    meeting()
    with pytest.raises(DomainError) as info:
        services.save_meeting(actor=None, name="第1回全道推進会議", starts_at=jst(2025, 3, 1, 14))
    assert info.value.message == "2024年度の「第1回全道推進会議」は既に登録されています。"
    assert info.value.field == "name"
    # next fiscal year is fine
    services.save_meeting(actor=None, name="第1回全道推進会議", starts_at=jst(2025, 11, 13, 14))


def test_it_rejects_an_end_before_the_start():
    with pytest.raises(DomainError) as info:
        services.save_meeting(
            actor=None,
            name="会議",
            starts_at=jst(2024, 11, 14, 14),
            ends_at=jst(2024, 11, 14, 13, 30),
        )
    assert (
        info.value.message
        == "終了予定日時（2024年11月14日（木）13:30）が開催日時（2024年11月14日（木）14:00）より前です。"
    )
    assert info.value.field == "ends_at"


def test_it_requires_a_meeting_name():
    with pytest.raises(DomainError) as info:
        services.save_meeting(actor=None, name="  ", starts_at=jst(2024, 11, 14, 14))
    assert info.value.message == "会議名を入力してください。"


def test_deleting_a_meeting_deletes_its_agenda():
    m = meeting()
    seed_agenda(m)
    services.delete_meeting(actor=None, meeting=m)
    assert not AgendaItem.objects.exists()
    assert AuditEntry.objects.filter(action="delete", model="meetings.Meeting").count() == 1


# --- agenda --------------------------------------------------------------------


def test_sections_and_items_are_appended_in_order():
    m = meeting()
    seed_agenda(m)
    assert list(m.sections.values_list("order", flat=True)) == [1, 2, 3, 4, 5, 6, 7]
    bank = m.sections.get(order=4)
    assert list(bank.items.values_list("order", flat=True)) == [1, 2, 3]


def test_an_other_section_needs_a_heading():
    with pytest.raises(DomainError) as info:
        services.save_section(actor=None, meeting=meeting(), kind="other")
    assert info.value.message == "区分が「その他」のときは見出しを入力してください。"


def test_a_summary_item_needs_the_meeting_to_review_a_half():
    m = meeting(half=None)
    section = services.save_section(actor=None, meeting=m, kind="report")
    with pytest.raises(DomainError) as info:
        services.save_item(actor=None, section=section, title="総括", kind="summary")
    assert (
        info.value.message == "「推進活動総括」を選ぶには、会議の「総括する期」を設定してください。"
    )


def test_a_text_item_needs_a_body():
    section = services.save_section(actor=None, meeting=meeting(), kind="report")
    with pytest.raises(DomainError) as info:
        services.save_item(actor=None, section=section, title="報告", kind="text", body=" ")
    assert info.value.message == "本文を選んだときは本文を入力してください。"
    assert info.value.field == "body"


def test_moving_swaps_neighbours_and_stops_at_the_ends():
    m = meeting()
    seed_agenda(m)
    bank = m.sections.get(order=4)
    first, second, third = bank.items.order_by("order")
    assert services.move_item(actor=None, item=third, offset=-1) is True
    assert list(bank.items.order_by("order").values_list("pk", flat=True)) == [
        first.pk,
        third.pk,
        second.pk,
    ]
    assert services.move_item(actor=None, item=first, offset=-1) is False
    closing = m.sections.get(order=7)
    assert services.move_section(actor=None, section=closing, offset=1) is False
    assert services.move_section(actor=None, section=closing, offset=-1) is True
    assert m.sections.get(order=6).kind == "closing"


def test_deleting_keeps_the_order_without_gaps():
    m = meeting()
    seed_agenda(m)
    services.delete_section(actor=None, section=m.sections.get(order=2))
    assert list(m.sections.values_list("order", flat=True)) == [1, 2, 3, 4, 5, 6]
    bank = m.sections.get(kind="report", org_label="北海道労働金庫")
    services.delete_item(actor=None, item=bank.items.get(order=1))
    assert list(bank.items.values_list("order", flat=True)) == [1, 2]


def test_copy_agenda_copies_into_an_empty_meeting_only():
    source = meeting()
    seed_agenda(source)
    target = meeting("第1回全道推進会議", starts_at=jst(2025, 11, 13, 14))
    assert services.copy_agenda(actor=None, source=source, target=target) == 7
    assert target.sections.count() == 7
    with pytest.raises(DomainError) as info:
        services.copy_agenda(actor=None, source=source, target=target)
    assert info.value.message == "「2025年度 第1回全道推進会議」には既に議事次第があります。"


# --- block sessions and the schedule ---------------------------------------------


def test_a_block_session_on_a_saturday_is_saved_with_a_warning(org):
    saved = services.save_block_session(
        actor=None, block=org.block_b, date=dt.date(2024, 9, 28), city="旭川市"
    )
    assert saved.obj.fiscal_year == 2024
    assert saved.warnings == ["2024年9月28日（土）は土曜日です。"]


def test_it_rejects_two_sessions_of_a_block_on_one_day(org):
    services.save_block_session(
        actor=None, block=org.block_b, date=dt.date(2024, 9, 28), city="旭川市"
    )
    with pytest.raises(DomainError) as info:
        services.save_block_session(
            actor=None, block=org.block_b, date=dt.date(2024, 9, 28), city="名寄市"
        )
    assert info.value.message == "上川ブロックの2024年9月28日（土）の研修会は既に登録されています。"
    assert BlockSession.objects.count() == 1


def test_a_block_session_needs_a_city(org):
    with pytest.raises(DomainError) as info:
        services.save_block_session(
            actor=None, block=org.block_a, date=dt.date(2024, 11, 9), city=""
        )
    assert info.value.message == "開催地を入力してください。"


def test_a_schedule_entry_in_january_belongs_to_the_previous_fiscal_year():
    saved = services.save_schedule_entry(
        actor=None, name="新春交流会", starts_at=jst(2025, 1, 13, 11), venue="ホテル"
    )
    assert saved.obj.fiscal_year == 2024
    assert saved.warnings == ["2025年1月13日（月）は祝日（成人の日）です。"]


# --- policy -------------------------------------------------------------------------

OUTLINE = """\
# 重点取組項目
- 自主目標設定運動の取組み
  - 会員自主目標推進運動を設定します。
  [枠] 全道推進会議・重点運動項目
    - マイプランの取組み
# 共通取組み
- つなぐプロジェクト
"""


def test_a_policy_is_stored_as_a_numbered_tree_and_audited_with_its_outline():
    policy = services.save_policy(
        actor=None, fiscal_year=2024, half=2, intro="前文", outline=OUTLINE
    )
    tree = policy_tree(policy)
    assert [(n.kind, n.label) for n in tree] == [
        ("heading", ""),
        ("item", "1."),
        ("heading", ""),
        ("item", "1."),
    ]
    assert tree[1].children[0].label == "(1)"
    assert tree[1].children[1].children[0].label == "(1)"
    assert policy.display_title == "2024年度下期推進活動方針（案）"
    entry = AuditEntry.objects.get(model="meetings.Policy")
    assert entry.after["outline"] == OUTLINE


def test_saving_a_policy_again_replaces_its_tree():
    policy = services.save_policy(actor=None, fiscal_year=2024, half=2, outline=OUTLINE)
    services.save_policy(
        actor=None, policy=policy, fiscal_year=2024, half=2, outline="- ひとつだけ\n"
    )
    assert [n.text for n in policy_tree(policy)] == ["ひとつだけ"]
    update = AuditEntry.objects.get(model="meetings.Policy", action="update")
    assert update.before["outline"] == OUTLINE and update.after["outline"] == "- ひとつだけ\n"


def test_it_names_the_line_of_an_outline_error():
    with pytest.raises(DomainError) as info:
        services.save_policy(actor=None, fiscal_year=2024, half=2, outline="- a\n  [枠 x] b")
    assert (
        info.value.message
        == "方針の本文 2行目: 枠内の番号「x」は使えません（1.・(1)・①・ア.・i. のいずれか）。"
    )
    assert info.value.field == "outline"
    assert not Policy.objects.exists()


def test_it_refuses_a_fifth_level_of_numbered_items():
    text = "- 1\n  - 2\n    - 3\n      - 4\n        - 五階層目\n"
    with pytest.raises(DomainError) as info:
        services.save_policy(actor=None, fiscal_year=2024, half=2, outline=text)
    assert (
        info.value.message
        == "「五階層目」は5階層目の番号付き項目です。番号付き項目は4階層までです。"
    )


def test_a_box_with_its_own_numbering_may_sit_deeper():
    text = "- 1\n  - 2\n    - 3\n      - 4\n        [枠 i.] 枠\n          - 枠内\n"
    policy = services.save_policy(actor=None, fiscal_year=2024, half=2, outline=text)
    box = policy_tree(policy)[0].children[0].children[0].children[0].children[0]
    assert box.children[0].label == "i."


def test_it_rejects_a_second_policy_for_the_same_half():
    services.save_policy(actor=None, fiscal_year=2024, half=2, outline=OUTLINE)
    with pytest.raises(DomainError) as info:
        services.save_policy(actor=None, fiscal_year=2024, half=2, outline=OUTLINE)
    assert info.value.message == "2024年度下期の推進活動方針は既に登録されています。"


def test_a_new_half_starts_from_the_previous_halfs_text():
    first = services.save_policy(
        actor=None,
        fiscal_year=2024,
        half=1,
        title="独自の表題",
        intro="上期の前文",
        outline=OUTLINE,
    )
    second = services.copy_policy_from_previous(actor=None, fiscal_year=2024, half=2)
    assert second.intro == "上期の前文"
    assert second.title == "" and second.display_title == "2024年度下期推進活動方針（案）"
    assert policy_tree(second) == policy_tree(first)
    third = services.copy_policy_from_previous(actor=None, fiscal_year=2025, half=1)
    assert third.display_title == "2025年度上期推進活動方針（案）"


def test_copying_needs_a_previous_half_and_an_empty_target():
    with pytest.raises(DomainError) as info:
        services.copy_policy_from_previous(actor=None, fiscal_year=2024, half=1)
    assert info.value.message == "前期（2023年度下期）の推進活動方針がありません。"
    services.save_policy(actor=None, fiscal_year=2024, half=1, outline=OUTLINE)
    services.save_policy(actor=None, fiscal_year=2024, half=2, outline="- 既存\n")
    with pytest.raises(DomainError) as info:
        services.copy_policy_from_previous(actor=None, fiscal_year=2024, half=2)
    assert info.value.message == "2024年度下期の推進活動方針は既に作成されています。"


def test_a_spring_meeting_may_review_the_previous_years_second_half():
    from suishin.meetings.queries import meeting_policy

    services.save_policy(actor=None, fiscal_year=2025, half=1, outline="- 2025年度上期の方針\n")
    m = services.save_meeting(
        actor=None, name="定期総会", starts_at=jst(2025, 5, 20, 13), half=2, review_year=2024
    ).obj
    assert m.fiscal_year == 2025
    assert m.summary_period == (2024, 2) and m.policy_period == (2025, 1)
    assert meeting_policy(m).fiscal_year == 2025
    # without a reviewed half the year is dropped; by default it is the meeting's own
    assert (
        services.save_meeting(
            actor=None, name="臨時", starts_at=jst(2025, 5, 21, 13), review_year=2024
        ).obj.review_year
        is None
    )
    assert (
        services.save_meeting(
            actor=None, name="第1回", starts_at=jst(2025, 11, 13, 14), half=1
        ).obj.review_year
        == 2025
    )


def test_it_refuses_to_review_a_later_year():
    with pytest.raises(DomainError) as info:
        services.save_meeting(
            actor=None, name="会議", starts_at=jst(2025, 5, 20, 13), half=1, review_year=2026
        )
    assert info.value.message == "総括する年度（2026年度）が会議の年度（2025年度）より後です。"
    assert info.value.field == "review_year"
