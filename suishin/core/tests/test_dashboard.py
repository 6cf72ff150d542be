from __future__ import annotations

import datetime as dt

import pytest

from suishin.core import dashboard
from suishin.kpis import factories as f
from suishin.kpis.queries import compute_figures
from suishin.kpis.scope import Scope


@pytest.fixture
def figures(org):
    loan = f.item("LOAN", name="住宅ローン", sort_order=1)
    dep = f.item("DEP", name="財形貯蓄", unit="円", sort_order=2)
    f.item("NOTARGET", name="目標なし", sort_order=3)
    f.target(loan, member=org.member_a, count=10)
    f.target(loan, member=org.member_a2, count=20)
    f.target(loan, member=org.member_b, count=8)
    f.target(dep, member=org.member_b, amount=1_000_000)
    f.result(loan, "2024-05", member=org.member_a, count=9)
    f.result(loan, "2024-06", member=org.member_a2, count=4)
    f.result(loan, "2024-07", member=org.member_b, count=7)
    f.result(dep, "2024-08", member=org.member_b, amount=300_000)
    return {"loan": loan, "dep": dep}


def test_the_default_period_is_the_latest_half_with_results_not_today(figures, users):
    ctx = dashboard.dashboard_context(users["secretariat"])
    assert (ctx["fiscal_year"], ctx["half"], ctx["fiscal_label"]) == (2024, 1, "2024年度上期")
    assert ctx["period_choices"] == [(2024, 1, "2024年度上期")]


def test_secretariat_sees_council_progress_blocks_and_risk(figures, users):
    ctx = dashboard.dashboard_context(users["secretariat"], {"item": "LOAN"})
    rows = {r.code: r for r in ctx["progress"]}
    assert set(rows) == {"LOAN", "DEP"}  # items without a target are not shown
    loan = rows["LOAN"]
    assert (loan.value, loan.target, loan.rate, loan.bar) == (20, 38, "52.6%", "52.6%")
    # the latest result is August: 5 months elapsed, projection 20 × 12 // 5 = 48 ≥ 38
    assert (ctx["months"], loan.projection, loan.at_risk) == (5, 48, False)
    dep = rows["DEP"]
    assert (dep.projection, dep.at_risk, dep.projection_text, dep.shortfall_text) == (
        720_000,
        True,
        "720,000円",
        "▲280,000円",
    )
    assert [r.code for r in ctx["at_risk"]] == ["DEP"]
    assert [(b["name"], b["value"], b["target"], b["rate"]) for b in ctx["blocks"]] == [
        ("石狩", 13, 30, "43.3%"),
        ("上川", 7, 8, "87.5%"),
    ]
    assert ctx["pace_width"] == "41.6%"  # 5 × 1000 // 12 per-mille
    assert [p.value for p in ctx["trend"]] == [0, 9, 13, 20, 20, 20]


def test_projection_counts_only_months_up_to_the_latest_result(org):
    loan = f.item("LOAN", sort_order=1)
    f.target(loan, member=org.member_a, count=100)
    f.result(loan, "2024-04", member=org.member_a, count=10)
    f.result(loan, "2024-05", member=org.member_a, count=10)
    assert dashboard.months_elapsed(2024, 1, dt.date(2024, 5, 1)) == 2
    assert dashboard.months_elapsed(2024, 2, dt.date(2024, 5, 1)) == 2  # no data after May yet
    assert (
        dashboard.months_elapsed(2023, 2, dt.date(2024, 5, 1)) == 12
    )  # a closed year counts whole
    assert dashboard.months_elapsed(2024, 1, None) == 6
    assert dashboard.projection(20, 2, "sum") == 120
    assert dashboard.projection(7, 5, "sum") == 16  # 84 // 5, truncated
    assert dashboard.projection(500, 2, "snapshot") == 500


def test_branch_user_sees_only_own_members_ranked(figures, users, org):
    ctx = dashboard.dashboard_context(users["branch"], {"item": "LOAN"})
    assert [(m.rank, m.code, m.value, m.target, m.rate) for m in ctx["ranking"]] == [
        (1, "A0001", 9, 10, "90.0%"),
        (2, "A0002", 4, 20, "20.0%"),
    ]
    assert ctx["scope"].label == "札幌中央店"
    assert {r.code: r.value for r in ctx["progress"]} == {"LOAN": 13}  # DEP has no target in 101
    assert "blocks" not in ctx and "budget" not in ctx and "imports" not in ctx
    assert ctx["counts"] == {"blocks": 1, "branches": 1, "members": 2}


def test_ranking_agrees_with_the_engine_per_member(figures, org):
    ranking = dashboard.ranked_members(branch=org.branch_a, fiscal_year=2024, half=1, code="LOAN")
    for m in ranking:
        engine = compute_figures(
            fiscal_year=2024, half=1, scope=Scope.parse(m.code), codes=["LOAN"]
        ).get("LOAN")
        assert (m.value, m.target) == (engine.fy_value, engine.target_value)


def test_member_officer_sees_only_own_union(figures, users):
    ctx = dashboard.dashboard_context(users["other_member"], {"item": "DEP"})
    assert ctx["scope"].code == "B0001"
    assert {r.code: (r.value, r.target) for r in ctx["progress"]} == {
        "LOAN": (7, 8),
        "DEP": (300_000, 1_000_000),
    }
    assert "ranking" not in ctx and "blocks" not in ctx and "budget" not in ctx
    assert ctx["member"].code == "B0001"
    assert ctx["self_url"] == "/self/B0001/targets/"


def test_home_page_per_role_never_shows_another_branch(figures, client_for):
    page = client_for("branch").get("/?item=LOAN").content.decode()
    assert (
        "北海道教職員組合札幌支部" in page and "旭川交通労働組合" not in page and "上川" not in page
    )
    page = client_for("member").get("/").content.decode()
    assert "札幌市職員労働組合" in page and "北海道教職員組合札幌支部" not in page
    page = client_for("viewer").get("/?period=2024-1&item=LOAN").content.decode()
    assert (
        "ブロック別の進捗：住宅ローン" in page and 'class="pace"' in page and "2024年度上期" in page
    )


def test_dashboard_lists_export(figures, client_for):
    response = client_for("branch").get("/?item=LOAN&export=csv&list=ranking")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "順位,会員コード,会員名,年度累計,年間目標,達成率"
    assert lines[1] == "1,A0001,札幌市職員労働組合,9,10,90.0%"
    assert len(lines) == 3
    response = client_for("secretariat").get("/?export=xlsx&list=progress")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    # a list the role does not see falls back to the page
    assert (
        client_for("member").get("/?export=csv&list=blocks")["Content-Type"].startswith("text/html")
    )


def test_the_budget_card_shows_the_selected_fiscal_year_not_todays(figures, users):
    from suishin.activities import services as activity_services
    from suishin.core import fiscal

    current = fiscal.current_fiscal_year()
    assert current != 2024  # the figures are FY2024; today is later
    for year, budget in ((2024, 30_000_000), (current, 5_000_000)):
        activity_services.save_year_setting(
            actor=users["secretariat"],
            fiscal_year=year,
            budget_yen=budget,
            cap_per_person_yen=2_000,
        )
    ctx = dashboard.dashboard_context(users["secretariat"])  # default: FY2024 上期
    assert (ctx["budget"].fiscal_year, ctx["budget"].budget_yen) == (2024, 30_000_000)
    assert ctx["budget_url"] == "/activities/budget/?fiscal_year=2024"
    ctx = dashboard.dashboard_context(users["bank"], {"period": f"{current}-1"})
    assert (ctx["budget"].fiscal_year, ctx["budget"].budget_yen) == (current, 5_000_000)
    # A year without a budget setting shows no budget card (not another year's).
    assert (
        dashboard.dashboard_context(users["viewer"], {"fy": "2023", "half": "1"})["budget"] is None
    )
