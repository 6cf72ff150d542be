"""The demo files keep the file contract (SPEC.md) and are consistent with each
other: codes are text, every code refers to something that exists, results
only for items that take imported results, and the seed's own identities hold
per member and month."""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter, defaultdict

import pytest
from openpyxl import load_workbook

from suishin.demo.loader import DATA_DIR, DEMO_FILES
from suishin.demo.tests.datafiles import (
    MOVEMENT_LABELS,
    RESULT_FILES,
    catalog,
    half_months,
    movement_members,
    movements,
    read,
    results,
    rows_of,
    table,
)

BLOCK_ORDER = ["石狩", "道央", "道南", "上川", "道北", "道東"]
HEADERS = {
    "blocks": ["ブロック名"],
    "branches": ["店番", "店名", "ブロック名"],
    "members": ["会員コード", "会員名", "産別", "店番", "組合員数", "年度"],
    "items": [
        "年度",
        "項目コード",
        "項目名",
        "区分",
        "単位",
        "集計方法",
        "寄付単価",
        "親項目コード",
        "集計元",
        "累計起算日",
        "表示順",
    ],
    "targets": ["年度", "項目コード", "対象", "目標件数", "目標金額", "種別"],
    "results": ["年月", "会員コード", "店番", "項目コード", "件数", "金額"],
    "self_targets": ["年度", "会員コード", "項目コード", "自主目標"],
}


def test_demo_files_are_listed_in_dependency_order():
    kinds = [kind for kind, _ in DEMO_FILES]
    assert kinds == [
        "blocks",
        "branches",
        "members",
        "items",
        "targets",
        "self_targets",
        "results",
        "results",
        "results",
    ]
    assert [name for kind, name in DEMO_FILES if kind == "results"] == RESULT_FILES


@pytest.mark.parametrize(("kind", "name"), DEMO_FILES)
def test_each_demo_file_is_utf8_with_bom_and_the_contract_header(kind, name):
    raw = (DATA_DIR / name).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    raw.decode("utf-8")
    assert list(read(name)[0].keys()) == HEADERS[kind]
    assert len(raw) < 10 * 1024 * 1024


def test_blocks_are_the_six_hokkaido_blocks_in_order():
    assert [r["ブロック名"] for r in table("blocks.csv")] == BLOCK_ORDER


def test_branch_codes_are_three_digit_text_some_with_leading_zeros():
    branches = table("branches.csv")
    codes = [r["店番"] for r in branches]
    assert all(re.fullmatch(r"\d{3}", c) for c in codes)
    assert "007" in codes and sum(c.startswith("0") for c in codes) >= 5
    assert len(set(codes)) == len(codes)
    assert 28 <= len(codes) <= 40
    assert {r["ブロック名"] for r in branches} == set(BLOCK_ORDER)
    assert any(r["店名"].endswith("出張所") for r in branches)
    assert b"\r\n007," in (DATA_DIR / "branches.csv").read_bytes()  # written as typed, unquoted


def members(fy: int) -> list[dict[str, str]]:
    return [r for r in table("members.csv") if r["年度"] == str(fy)]


def test_members_have_codes_names_federations_and_a_headcount_per_year():
    now, prev = members(2024), members(2023)
    assert len(now) + len(prev) == len(table("members.csv"))
    assert 1_000 <= len(now) <= 1_200
    codes = [r["会員コード"] for r in now]
    assert all(re.fullmatch(r"K\d{5}", c) for c in codes) and len(set(codes)) == len(codes)
    assert {r["会員コード"] for r in prev} < set(codes)  # a few unions joined in FY2024
    same = {r["会員コード"]: (r["会員名"], r["産別"], r["店番"]) for r in now}
    assert all(same[r["会員コード"]] == (r["会員名"], r["産別"], r["店番"]) for r in prev)
    headcounts = [int(r["組合員数"]) for r in now + prev]
    assert min(headcounts) == 10 and 2_000 < max(headcounts) < 10_000
    federations = Counter(r["産別"] for r in now)
    assert {"自治労", "JP労組", "UAゼンセン", "北教組", "私鉄総連", "全開発"} <= set(federations)
    assert federations.most_common(1)[0][0] == "自治労"


def test_member_names_are_unique_and_exercise_normalisation():
    names = [r["会員名"] for r in members(2024)]
    normalised = [unicodedata.normalize("NFKC", n) for n in names]
    assert len(set(normalised)) == len(names)
    assert any("髙" in n for n in names) and any("﨑" in n for n in names)
    assert any("ＪＰ労組" in n for n in names) and any("JP労組" in n for n in names)
    for name in names:
        name.encode("cp932")  # every name can be sent in a CP932 file too


def test_members_are_spread_over_the_blocks_with_ishikari_largest():
    block_of = {r["店番"]: r["ブロック名"] for r in table("branches.csv")}
    per_block = Counter(block_of[r["店番"]] for r in members(2024))
    assert set(per_block) == set(BLOCK_ORDER)
    assert per_block.most_common(1)[0][0] == "石狩"
    assert all(per_block[b] >= 40 for b in BLOCK_ORDER)


def test_items_have_the_same_codes_and_rates_in_fy2023_and_fy2024():
    fy = {
        year: {code: row for (y, code), row in catalog().items() if y == year}
        for year in (2023, 2024)
    }
    assert list(fy[2023]) == list(fy[2024])
    assert {c: r["寄付単価"] for c, r in fy[2023].items()} == {
        c: r["寄付単価"] for c, r in fy[2024].items()
    }
    assert len(fy[2024]) == 45


def test_earlier_catalogs_hold_only_the_cumulative_items_they_need():
    earlier = Counter()
    for (year, code), row in catalog().items():
        if year < 2023:
            assert row["集計方法"] == "cumulative"
            earlier[code] += 1
    assert earlier == {
        "SCHOLAR_REFI": 6,
        "APP_CONTRACT": 4,
        "UNION_SCHOLAR": 1,
    }  # FY2017–22, FY2019–22, FY2022


def test_items_rows_respect_the_catalog_rules():
    seen: set[tuple[str, str]] = set()
    for r in table("items.csv"):
        assert r["集計方法"] in ("sum", "distinct_members", "snapshot", "cumulative")
        if r["親項目コード"]:
            assert (r["年度"], r["親項目コード"]) in seen, "parents come before children"
        assert (r["集計方法"] == "cumulative") == bool(r["累計起算日"])
        seen.add((r["年度"], r["項目コード"]))
    starts = {r["項目コード"]: r["累計起算日"] for r in table("items.csv") if r["累計起算日"]}
    assert starts == {
        "SCHOLAR_REFI": "2017-10-01",
        "APP_CONTRACT": "2019-10-22",
        "UNION_SCHOLAR": "2022-12-01",
    }


def test_result_rows_refer_to_existing_items_members_and_branches():
    known = {
        "2024": {r["会員コード"] for r in members(2024)},
        "older": {r["会員コード"] for r in members(2023)},
    }
    branches = {r["店番"] for r in table("branches.csv")}
    for row in results():
        year, month = map(int, row.month.split("-"))
        fiscal_year = year if month >= 4 else year - 1
        assert (fiscal_year, row.item) in catalog(), row
        assert not (row.member and row.branch), row
        if row.member:
            assert row.member in known["2024" if fiscal_year == 2024 else "older"], row
        if row.branch:
            assert row.branch in branches, row


def test_results_are_monthly_for_the_two_halves_plus_the_cumulative_history():
    months = {name: {r.month for r in results() if r.file == name} for name in RESULT_FILES}
    assert months["results_fy2024.csv"] == set(half_months(2024))
    assert months["results_fy2023.csv"] == set(half_months(2023))
    history_items = {r.item for r in results() if r.file == "results_history.csv"}
    assert history_items == {"SCHOLAR_REFI", "APP_CONTRACT", "UNION_SCHOLAR"}


def test_no_result_rows_for_totals_or_computed_items():
    parents = {row["親項目コード"] for row in catalog().values() if row["親項目コード"]}
    sourced = {code for (_y, code), row in catalog().items() if row["集計元"]}
    assert sourced == {
        "MOV_STUDY",
        "MOV_PUBLISH",
        "POLICY_MEMBERS",
        "NEWSLETTER_MEMBERS",
        "COMMITTEE_MEMBERS",
        "SELF_TARGET_MEMBERS",
        "DISPOSABLE",
        "STUDY_DISPOSABLE",
        "STUDY_DEFENCE",
    }
    assert not {r.item for r in results()} & (parents | sourced)


def test_results_have_one_row_per_month_scope_and_item_with_non_negative_integers():
    keys = Counter((r.month, r.member, r.branch, r.item) for r in results())
    assert max(keys.values()) == 1
    assert all(r.count >= 0 and r.amount >= 0 and (r.count or r.amount) for r in results())


def test_each_item_is_reported_at_its_level():
    levels = defaultdict(set)
    for r in results():
        levels[r.item].add("member" if r.member else "branch" if r.branch else "council")
    assert levels["SITE_ACCESS"] == {"council"}
    for item in (
        "ATM_USE",
        "CHARGE",
        "CONTACT_QR",
        "NPO_CONSULT",
        "NPO_ACCOUNT",
        "DEBT_CONSULT",
        "PENSION_ACCOUNTS",
    ):
        assert levels[item] == {"branch"}, item
    for item in (
        "SVC_MAIN",
        "NONFACE",
        "ACE_NEW",
        "ZAIKEI_NEW",
        "CONTACT_IB",
    ):
        assert levels[item] == {"member"}, item


def test_movement_reports_are_one_per_member_kind_and_half_of_members_of_that_year():
    codes = {fy: {r["会員コード"] for r in members(fy)} for fy in (2023, 2024)}
    assert list(read("movement_reports.csv")[0]) == ["会員コード", "報告の種類", "実施日", "内容"]
    assert {m.kind for m in movements()} == set(MOVEMENT_LABELS.values())
    for fy in (2023, 2024):
        months = set(half_months(fy))
        half = [m for m in movements() if m.day[:7] in months]
        assert len({(m.member, m.kind) for m in half}) == len(half), "one per member, kind, half"
        assert {m.member for m in half} <= codes[fy]
    assert all(m.day[:7] in set(half_months(2023)) | set(half_months(2024)) for m in movements())
    assert {m.day[:7] for m in movements() if m.kind == "職場推進委員会設置"} == {
        "2023-09",
        "2024-09",
    }


@pytest.mark.parametrize("fy", [2023, 2024])
def test_mov_publish_is_the_disjoint_union_of_policy_and_newsletter_members(fy):
    months = half_months(fy)
    policy, newsletter = movement_members("policy", months), movement_members("newsletter", months)
    assert not policy & newsletter
    assert movement_members("publish", months) == policy | newsletter


def test_the_summer_campaign_is_only_in_june_and_july():
    assert {r.month[5:] for r in rows_of("SUMMER_DEPOSIT")} == {"06", "07"}


def test_amount_items_carry_no_count_and_loans_are_whole_ten_thousands():
    for item in ("RETIRE_FUNDS", "MORTGAGE"):
        assert all(r.count == 0 and r.amount > 0 for r in rows_of(item))
    for item in ("SCHOLAR_REFI", "SCHOLAR_PLUS", "UNION_SCHOLAR", "MORTGAGE"):
        assert all(r.amount % 10_000 == 0 for r in rows_of(item))
    assert all(r.amount == 0 for r in rows_of("SVC_MAIN"))


def test_union_guaranteed_scholarship_loans_go_to_jichiro_members_only():
    federation = {r["会員コード"]: r["産別"] for r in members(2024)}
    assert {federation[r.member] for r in rows_of("UNION_SCHOLAR")} == {"自治労"}


COMPOSITES = {
    "SVC_ASSET": (["IDECO_NEW", "TOSHIN_NEW", "JGB_NEW"], True),
    "NONFACE": (["APP_CONTRACT", "ECO_PASSBOOK", "CONTACT_IB"], True),
    "SVC_DEPOSIT": (["ZAIKEI_NEW", "ACE_NEW"], False),
    "SVC_LOAN": (
        ["SCHOLAR_REFI", "SCHOLAR_PLUS", "UNION_SCHOLAR", "ZENRYOKU", "YOUNG_PACK"],
        False,
    ),
}


@pytest.mark.parametrize("composite", sorted(COMPOSITES))
def test_composite_items_agree_with_their_parts_per_member_and_month(composite):
    parts, exact = COMPOSITES[composite]
    for fy in (2023, 2024):
        months = half_months(fy)
        whole = Counter({(r.member, r.month): r.count for r in rows_of(composite, months)})
        summed: Counter[tuple[str, str]] = Counter()
        for part in parts:
            for r in rows_of(part, months):
                summed[(r.member, r.month)] += r.count
        if exact:
            assert whole == summed
        else:
            assert all(whole[key] >= n for key, n in summed.items())


def test_bigger_unions_do_more():
    headcount = {r["会員コード"]: int(r["組合員数"]) for r in members(2024)}
    per_member = Counter()
    for r in rows_of("SVC_MAIN", half_months(2024)):
        per_member[r.member] += r.count
    ranked = sorted(headcount, key=headcount.get)
    small, large = ranked[: len(ranked) // 4], ranked[-len(ranked) // 4 :]
    assert sum(per_member[m] for m in large) > 5 * sum(per_member[m] for m in small)


def test_the_cp932_example_is_what_a_bank_might_send():
    raw = (DATA_DIR / "examples" / "results_sample_cp932.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp932")
    assert text.splitlines()[0] == ",".join(HEADERS["results"])
    assert "▲" in text and "１２" in text and "令和6年10月" in text and "００７" in text
    codes = {r["会員コード"] for r in members(2024)}
    for line in text.splitlines()[1:]:
        code = line.split(",")[1]
        assert code == "" or code in codes


def test_the_xlsx_example_holds_all_fy2024_self_targets_with_codes_as_text_cells():
    wb = load_workbook(io.BytesIO((DATA_DIR / "examples" / "targets_sample.xlsx").read_bytes()))
    assert wb.sheetnames == ["自主目標"]
    rows = list(wb.active.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS["targets"]
    assert all(
        isinstance(r[0], int) and isinstance(r[2], str) and isinstance(r[3], int) for r in rows[1:]
    )
    as_csv = [tuple("" if v is None else str(v) for v in r) for r in rows[1:]]
    own = [
        (r["年度"], r["項目コード"], r["会員コード"], r["自主目標"], "", "自主")
        for r in table("self_targets.csv")
        if r["年度"] == "2024"
    ]
    assert as_csv == own  # a complete (item, 自主) set: importing it into the demo changes nothing
