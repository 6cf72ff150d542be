"""The demo files load through the real importers (suishin.imports), and the
stored rows carry the seed's figures; the two example files are accepted.
Slow (about 50,000 rows, half a minute): marked. The history and FY2023
results files are left out here; test_seed_figures.py checks their sums."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Sum

from suishin.demo.loader import DATA_DIR, DEMO_FILES
from suishin.imports.services import import_path
from suishin.kpis.models import Result, Target, TargetKind
from suishin.organisations.models import Branch, MemberHeadcount

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

SKIPPED = {"results_history.csv", "results_fy2023.csv"}


def h1(code: str):
    return Result.objects.filter(
        item__code=code, month__gte=dt.date(2024, 4, 1), month__lte=dt.date(2024, 9, 1)
    )


def test_the_demo_files_load_through_the_importers_with_the_seed_figures():
    for kind, name in DEMO_FILES:
        if name not in SKIPPED:
            outcome = import_path(kind=kind, path=DATA_DIR / name, actor=None)
            assert outcome.ok, (name, outcome.summary_line())

    assert Branch.objects.get(code="007").name == "札幌西支店"
    assert MemberHeadcount.objects.filter(fiscal_year=2023).count() > 1_000
    assert h1("SVC_MAIN").aggregate(n=Sum("count"))["n"] == 11_180
    assert h1("ATM_USE").filter(level="branch").aggregate(n=Sum("count"))["n"] == 717_841
    assert h1("SITE_ACCESS").filter(level="council").aggregate(n=Sum("count"))["n"] == 5_817
    assert not h1("MOV_PUBLISH").exists()  # computed from movement reports (selfservice)
    assert (
        h1("PENSION_ACCOUNTS").filter(month=dt.date(2024, 9, 1)).aggregate(n=Sum("count"))["n"]
        == 27_198
    )
    assert h1("MORTGAGE").aggregate(a=Sum("amount"))["a"] // 100_000_000 == 349
    assert (
        Target.objects.filter(fiscal_year=2024, kind=TargetKind.SELF)
        .values("member")
        .distinct()
        .count()
        == 676
    )
    assert (
        Target.objects.get(fiscal_year=2024, item__code="SVC_LOAN", level="council").target_count
        == 15_131
    )

    cp932 = import_path(
        kind="results", path=DATA_DIR / "examples" / "results_sample_cp932.csv", dry_run=True
    )
    assert cp932.summary_line() == "追加 10行・変更 0行・変更なし 0行"
    xlsx = import_path(
        kind="targets", path=DATA_DIR / "examples" / "targets_sample.xlsx", dry_run=True
    )
    assert xlsx.summary_line().startswith("追加 0行・変更 0行・変更なし ")
