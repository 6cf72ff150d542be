from __future__ import annotations

import pytest

from suishin.core.models import AuditEntry
from suishin.meetings import demo, queries
from suishin.meetings.models import AgendaItem, BlockSession, Meeting, Policy, PolicyNode
from suishin.organisations import factories


@pytest.mark.django_db
def test_the_demo_holds_the_seed_meetings_and_is_idempotent():
    for name in ("石狩", "上川", "道東"):
        factories.block(name)
    lines: list[str] = []
    demo.load(lines.append)
    counts = (
        Meeting.objects.count(),
        AgendaItem.objects.count(),
        BlockSession.objects.count(),
        PolicyNode.objects.count(),
        AuditEntry.objects.count(),
    )
    demo.load(lines.append)
    assert counts == (
        Meeting.objects.count(),
        AgendaItem.objects.count(),
        BlockSession.objects.count(),
        PolicyNode.objects.count(),
        AuditEntry.objects.count(),
    )
    first = Meeting.objects.get(name="第1回全道推進会議")
    assert first.local_start.isoformat() == "2024-11-14T14:00:00+09:00"
    assert (first.venue, first.room, first.address, first.phone) == (
        "札幌ガーデンパレス",
        "2階「丹頂」",
        "札幌市中央区北1条西6丁目",
        "(011) 261-5311",
    )
    printed = [(b.label, [ln.presenter for ln in b.lines]) for b in queries.agenda(first)]
    assert printed[3] == ("報告事項", ["石川専務理事", "//", "榎田室長"])
    assert printed[5] == ("協議事項", ["紺野事務局長", "//"])
    assert [(r.block, r.date_label, r.city) for r in queries.block_sessions(2024)] == [
        ("上川", "9月28日（土）", "旭川市"),
        ("道東", "10月18日（金）", "釧路市"),
        ("石狩", "11月9日（土）", "札幌市"),
    ]
    assert [(r.label, r.name) for r in queries.upcoming_after(first)] == [
        ("2025年2月3日（月）15時", "第2回全道推進会議")
    ]
    tree = queries.policy_tree(Policy.objects.get(fiscal_year=2024, half=2))
    assert [n.text for n in tree if n.kind == "heading"] == ["重点取組項目", "共通取組み"]
    common = tree[tree.index(next(n for n in tree if n.text == "共通取組み")) + 1 :]
    assert [n.label for n in common] == ["1.", "2.", "3.", "4.", "5.", "6."]
    app_box = common[0].children[3].children[0]
    assert app_box.kind == "box" and [n.label for n in app_box.children if n.kind == "item"] == [
        "i.",
        "ii.",
        "iii.",
    ]
    box_ア = common[1].children[0].children[3].children[0]
    assert [n.label for n in box_ア.children] == ["ア.", "イ.", "ウ.", "エ.", "オ."]


@pytest.mark.django_db
def test_the_demo_skips_a_missing_block_with_a_log_line():
    factories.block("上川")
    lines: list[str] = []
    demo.load(lines.append)
    assert "meetings         ブロック別研修会 道東: ブロック「道東」がないため省略" in lines
    assert BlockSession.objects.count() == 1
