"""targets.csv: council targets of the seed, allocations that add up along the
tree (council = Σ branches, branch = Σ its members); self_targets.csv: 676
members with 自主 targets in FY2024."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest

from suishin.demo.tests.datafiles import catalog, table

ALLOCATED = ["SVC_MAIN", "SVC_DEPOSIT", "SVC_LOAN", "SVC_ASSET", "NONFACE"]


def targets(fy: int, kind: str = "配分") -> list[dict[str, str]]:
    if kind == "自主":  # self_targets.csv (import kind self_targets), as targets rows
        return [
            {
                "年度": r["年度"],
                "項目コード": r["項目コード"],
                "対象": r["会員コード"],
                "目標件数": r["自主目標"],
                "目標金額": "",
                "種別": "自主",
            }
            for r in table("self_targets.csv")
            if int(r["年度"]) == fy
        ]
    return [r for r in table("targets.csv") if int(r["年度"]) == fy and r["種別"] == kind]


def branch_of() -> dict[str, str]:
    return {r["会員コード"]: r["店番"] for r in table("members.csv") if r["年度"] == "2024"}


def level(scope: str) -> str:
    if scope == "全体":
        return "council"
    if scope.startswith("K"):
        return "member"
    assert scope.isdigit() and len(scope) == 3, scope
    return "branch"


def test_it_sets_the_seed_council_targets_for_fy2024():
    council = {
        r["項目コード"]: (r["目標件数"], r["目標金額"])
        for r in targets(2024)
        if r["対象"] == "全体"
    }
    assert council == {
        "SVC_MAIN": ("17800", ""),
        "SVC_DEPOSIT": ("6350", ""),
        "SVC_LOAN": ("15131", ""),
        "SVC_ASSET": ("1234", ""),
        "NONFACE": ("21100", ""),
        "DISPOSABLE": ("", "1000000000"),
        "RETIRE_FUNDS": ("", "5005000000"),
        "MORTGAGE": ("", "33400000000"),
    }
    assert sum(int(council[c][0]) for c in ALLOCATED[:4]) == 40_515


@pytest.mark.parametrize("fy", [2023, 2024])
def test_branch_targets_add_up_to_the_council_target(fy):
    council = {
        r["項目コード"]: int(r["目標件数"])
        for r in targets(fy)
        if r["対象"] == "全体" and r["目標件数"]
    }
    by_item: Counter[str] = Counter()
    for r in targets(fy):
        if level(r["対象"]) == "branch":
            by_item[r["項目コード"]] += int(r["目標件数"])
    assert dict(by_item) == {item: council[item] for item in ALLOCATED}


@pytest.mark.parametrize("fy", [2023, 2024])
def test_member_targets_add_up_to_their_branch_target(fy):
    branch_target = {
        (r["項目コード"], r["対象"]): int(r["目標件数"])
        for r in targets(fy)
        if level(r["対象"]) == "branch"
    }
    members = branch_of()
    sums: Counter[tuple[str, str]] = Counter()
    for r in targets(fy):
        if level(r["対象"]) == "member":
            sums[(r["項目コード"], members[r["対象"]])] += int(r["目標件数"])
    assert dict(sums) == branch_target


def test_block_targets_derived_from_branches_add_up_to_the_council():
    block_of = {r["店番"]: r["ブロック名"] for r in table("branches.csv")}
    per_block: dict[str, Counter[str]] = defaultdict(Counter)
    for r in targets(2024):
        if level(r["対象"]) == "branch":
            per_block[block_of[r["対象"]]][r["項目コード"]] += int(r["目標件数"])
    assert set(per_block) == {"石狩", "道央", "道南", "上川", "道北", "道東"}
    assert sum(c["SVC_MAIN"] for c in per_block.values()) == 17_800
    assert max(per_block, key=lambda b: per_block[b]["SVC_MAIN"]) == "石狩"


def test_exactly_676_members_set_their_own_targets_in_fy2024():
    own = targets(2024, "自主")
    assert len({r["対象"] for r in own}) == 676
    assert all(level(r["対象"]) == "member" for r in own)
    assert all(int(r["目標件数"]) >= 1 and r["目標金額"] == "" for r in own)
    assert {r["項目コード"] for r in own} == set(ALLOCATED)
    assert len({r["対象"] for r in targets(2023, "自主")}) == 651


def test_totals_and_no_other_item_get_allocated_below_the_council():
    parents = {row["親項目コード"] for row in catalog().values() if row["親項目コード"]}
    assert parents == {"SVC_TOTAL", "MOV_TOTAL", "NPO_TOTAL", "CONTACT_TOTAL"}
    for r in table("targets.csv"):
        assert r["項目コード"] not in parents
        if level(r["対象"]) != "council":
            assert r["項目コード"] in ALLOCATED


def test_targets_have_one_row_per_year_item_scope_and_kind():
    keys = Counter((r["年度"], r["項目コード"], r["対象"], r["種別"]) for r in table("targets.csv"))
    assert max(keys.values()) == 1


def test_every_target_scope_and_item_exists():
    members = set(branch_of())
    branches = {r["店番"] for r in table("branches.csv")}
    for r in table("targets.csv"):
        assert (int(r["年度"]), r["項目コード"]) in catalog()
        scope = r["対象"]
        assert scope == "全体" or scope in members or scope in branches, scope
        assert r["種別"] in ("配分", "自主")


def test_self_targets_are_their_own_file_one_row_per_year_member_and_item():
    assert {r["種別"] for r in table("targets.csv")} == {"配分"}
    members = {
        fy: {r["会員コード"] for r in table("members.csv") if r["年度"] == str(fy)}
        for fy in (2023, 2024)
    }
    keys = Counter((r["年度"], r["会員コード"], r["項目コード"]) for r in table("self_targets.csv"))
    assert max(keys.values()) == 1
    for r in table("self_targets.csv"):
        fy = int(r["年度"])
        assert (fy, r["項目コード"]) in catalog()
        assert r["会員コード"] in members[fy]
