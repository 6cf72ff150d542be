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


def _naive():
    from django.db.models import Max

    from suishin.core import fiscal
    from suishin.kpis.models import Result

    months = set(Result.objects.order_by().values_list("month", flat=True).distinct())
    halves = sorted({(fiscal.fiscal_year_of(m), int(fiscal.half_of(m))) for m in months}, reverse=True)
    return Result.objects.aggregate(m=Max("month"))["m"], tuple(halves)


def test_month_bounds_equal_a_scan_of_every_result(org, db):
    """Seeks per item give what DISTINCT month over the table gives, for items
    with results in one half, in both, at council/branch/member level, and an
    item whose results (not through the importers) span two fiscal years."""
    import random

    from suishin.kpis.periods import _month_bounds, latest_result_month, result_halves

    assert _month_bounds() == (None, ()) == _naive()
    rng = random.Random(12)
    for n, fy in enumerate((2022, 2023, 2024)):
        for k in range(4):
            it = kf.item(f"I{n}{k}", fiscal_year=fy)
            start = dt.date(fy, 4, 1)
            for _ in range(rng.randint(0, 4)):
                offset = rng.choice([0, 1, 5] if k % 2 else [6, 8, 11])
                month = dt.date(start.year + (start.month + offset - 1) // 12, (start.month + offset - 1) % 12 + 1, 1)
                level = rng.choice([{"member": org.member_a}, {"branch": org.branch_a}, {}])
                if not _exists(it, month, level):
                    kf.result(it, month, count=1, **level)
        assert _month_bounds() == _naive()
    odd = kf.item("ODD", fiscal_year=2020)
    kf.result(odd, "2020-05", member=org.member_a, count=1)
    kf.result(odd, "2020-11", member=org.member_a, count=1)
    kf.result(odd, "2021-11", member=org.member_a, count=1)  # FY2021 下期, not FY2020's
    assert {(2020, 1), (2020, 2), (2021, 2)} <= set(result_halves())
    assert _month_bounds() == _naive()
    assert latest_result_month() == _naive()[0]


def _exists(it, month, level) -> bool:
    from suishin.kpis.models import Result

    qs = Result.objects.filter(item=it, month=month)
    if "member" in level:
        return qs.filter(member=level["member"]).exists()
    if "branch" in level:
        return qs.filter(branch=level["branch"], member__isnull=True).exists()
    return qs.filter(branch__isnull=True, member__isnull=True).exists()
