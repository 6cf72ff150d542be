import datetime as dt

from suishin.kpis import factories as kf
from suishin.kpis.periods import working_fiscal_year, working_period

TODAY = dt.date(2026, 11, 29)  # FY2026 下期


def test_with_nothing_the_working_period_is_today(db):
    assert working_period(TODAY) == (2026, 2)
    assert working_fiscal_year(TODAY) == 2026


def test_without_results_the_latest_catalog_up_to_this_year(db):
    kf.item("A", fiscal_year=2024)
    kf.item("B", fiscal_year=2027)  # next year's catalog prepared in advance
    assert working_fiscal_year(TODAY) == 2024
    assert working_period(TODAY) == (2026, 2)


def test_the_latest_results_decide(org, db):
    it = kf.item("A", fiscal_year=2024)
    kf.result(it, "2024-09", member=org.member_a, count=1)
    kf.result(it, "2024-04", member=org.member_a, count=1)
    assert working_period(TODAY) == (2024, 1)
    assert working_fiscal_year(TODAY) == 2024
    kf.result(it, "2025-01", member=org.member_a, count=1)  # 下期 of FY2024
    assert working_period(TODAY) == (2024, 2)
