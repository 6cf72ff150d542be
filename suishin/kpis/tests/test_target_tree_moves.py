"""Allocated targets of a branch that moved to another block during the year:
its target rows keep the block they were recorded under (like results), so a
block counts only the rows recorded under it, the branch counts all of its
rows and the council counts each row once."""

from __future__ import annotations

from suishin.kpis import factories as kf
from suishin.kpis import queries
from suishin.kpis.models import Target
from suishin.kpis.queries import TargetTree
from suishin.kpis.scope import Scope
from suishin.organisations import factories as of
from suishin.organisations.models import Branch, Member

SCOPES = ("全体", "石狩", "上川", "101", "201")


def _move_branch_a_to_block_b(org) -> tuple[Member, Member]:
    """Branch 101 (石狩) moves to 上川; its members as read again from the tree."""
    Branch.objects.filter(pk=org.branch_a.pk).update(block=org.block_b)
    return Member.objects.get(pk=org.member_a.pk), Member.objects.get(pk=org.member_a2.pk)


def _targets(code: str) -> dict[str, tuple[int | None, int | None]]:
    """Every scope's target of item `code`, from both engine paths where a
    scope has two; they must agree."""
    out = {}
    for text in SCOPES:
        scope = Scope.parse(text)
        general = queries._general_figures(2024, 1, scope, None).get(code)
        out[text] = (general.target_count, general.target_amount)
        if scope.level == "branch":
            fast = queries._small_scope_figures(2024, 1, scope, None).get(code)
            assert (fast.target_count, fast.target_amount) == out[text], text
    return out


def _chart(code: str) -> dict[str, int | None]:
    """The by-block chart's targets (the council-scope tree's block values)."""
    return {b.name: b.target for b in queries._block_figures(2024, 1, code)}


def test_member_targets_recorded_under_two_blocks(org):
    it = kf.item("X")
    kf.target(it, member=org.member_a, count=10, amount=100)  # under 石狩
    kf.target(it, member=org.member_b, count=40, amount=7)  # 201, 上川
    member_a, member_a2 = _move_branch_a_to_block_b(org)
    kf.target(it, member=member_a2, count=20)  # under 上川, after the move
    assert set(Target.objects.filter(branch=org.branch_a).values_list("block_id", flat=True)) == {
        org.block_a.pk,
        org.block_b.pk,
    }
    got = _targets("X")
    assert got["101"] == (10 + 20, 100)  # all of the branch's rows, whatever their block
    assert got["石狩"] == (10, 100)  # only the rows recorded under 石狩
    assert got["上川"] == (20 + 40, 7)
    assert got["201"] == (40, 7)
    assert got["全体"] == (10 + 20 + 40, 100 + 7)
    assert got["全体"][0] == got["石狩"][0] + got["上川"][0]
    assert got["全体"][0] == got["101"][0] + got["201"][0]
    assert _chart("X") == {"石狩": 10, "上川": 60}


def test_an_explicit_branch_row_counts_once_under_the_block_it_was_recorded_under(org):
    it = kf.item("X")
    kf.target(it, branch=org.branch_a, count=100, amount=1000)  # 101's own row, under 石狩
    kf.target(it, member=org.member_a, count=10, amount=5)  # replaced by the branch's row
    kf.target(it, member=org.member_b, count=40)  # 201, 上川
    member_a, member_a2 = _move_branch_a_to_block_b(org)
    kf.target(it, member=member_a2, count=20)  # under 上川: also replaced by 101's own row
    got = _targets("X")
    assert got["101"] == (100, 1000)
    assert got["石狩"] == (100, 1000)
    assert got["上川"] == (40, None)  # 101's own row stays with 石狩, where it was recorded
    assert got["201"] == (40, None)
    assert got["全体"] == (140, 1000)
    assert got["全体"][0] == got["石狩"][0] + got["上川"][0] == got["101"][0] + got["201"][0]
    assert _chart("X") == {"石狩": 100, "上川": 40}


def test_an_explicit_branch_row_recorded_after_the_move(org):
    it = kf.item("X")
    kf.target(it, member=org.member_a, count=10)  # under 石狩
    kf.target(it, member=org.member_b, count=40)
    member_a, _ = _move_branch_a_to_block_b(org)
    kf.target(it, branch=Branch.objects.get(pk=org.branch_a.pk), count=100)  # under 上川
    got = _targets("X")
    assert got["101"] == (100, None)
    assert got["石狩"] == (None, None)  # 101's member row is replaced by its own row
    assert got["上川"] == (140, None)
    assert got["全体"] == (140, None)
    assert _chart("X") == {"石狩": None, "上川": 140}


def test_block_rows_still_win_and_other_branches_add_up(org):
    it = kf.item("X")
    branch_c = of.branch("301", block_obj=org.block_a)
    kf.target(it, member=of.member("C0001", branch_obj=branch_c), count=7)  # 石狩
    kf.target(it, member=org.member_a, count=10)  # 石狩
    member_a, member_a2 = _move_branch_a_to_block_b(org)
    kf.target(it, member=member_a2, count=20)  # 上川
    kf.target(it, member=org.member_b, count=40)  # 上川
    got = _targets("X")
    assert (got["石狩"][0], got["上川"][0], got["101"][0]) == (17, 60, 30)
    assert got["全体"][0] == 77 == got["石狩"][0] + got["上川"][0]
    kf.target(it, block=org.block_b, count=500)  # 上川's own row
    got = _targets("X")
    assert (got["石狩"][0], got["上川"][0], got["101"][0], got["全体"][0]) == (17, 500, 30, 517)


def test_the_tree_keeps_its_two_queries(org, django_assert_num_queries):
    it = kf.item("X")
    kf.target(it, member=org.member_a, count=10)
    _, member_a2 = _move_branch_a_to_block_b(org)
    kf.target(it, member=member_a2, count=20)
    for scope in [Scope.parse(text) for text in SCOPES]:
        with django_assert_num_queries(2):
            TargetTree([it.pk], scope)
