"""Two secretariat members approve the last of the budget at the same moment."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import OperationalError, connections

from suishin.activities import rules, services
from suishin.activities.models import Application, State, YearSetting
from suishin.activities.tests.conftest import at
from suishin.core.errors import DomainError


def _approve_with_retry(app: Application, barrier: threading.Barrier, results: dict) -> None:
    """SQLite's shared-cache in-memory *test* database reports a lock conflict at
    once instead of waiting (busy_timeout does not apply to shared-cache locks),
    so the harness retries the whole call, as the busy timeout does on the file
    database. PostgreSQL waits on the row lock and never gets here."""
    try:
        barrier.wait(timeout=30)
        for _ in range(500):
            try:
                services.approve(actor=None, application=app, now=at(dt.date(2024, 6, 3)))
            except OperationalError as exc:
                if "locked" not in str(exc):
                    raise
                time.sleep(0.01)
                continue
            results[app.pk] = "approved"
            return
        results[app.pk] = "gave up"
    except DomainError as exc:
        results[app.pk] = exc.message
    except Exception as exc:  # pragma: no cover - reported by the assertion below
        results[app.pk] = repr(exc)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_two_racing_approvals_of_the_last_of_the_budget_let_exactly_one_win(
    make_application, monkeypatch
):
    YearSetting.objects.filter(fiscal_year=2024).update(budget_yen=100_000)
    make_application(state="approved", requested=40_000, planned=30)  # 60,000 left
    first = make_application(state="submitted", requested=60_000, planned=30)
    second = make_application(state="submitted", requested=60_000, planned=30)

    check_budget = rules.check_budget

    def slow_check_budget(**kwargs):
        # Widen the window between reading the year's total and writing the
        # approval: without the lock both threads would read 40,000 here.
        time.sleep(0.3)
        return check_budget(**kwargs)

    monkeypatch.setattr(rules, "check_budget", slow_check_budget)
    barrier = threading.Barrier(2)
    results: dict[int, str] = {}
    threads = [
        threading.Thread(target=_approve_with_retry, args=(app, barrier, results))
        for app in (first, second)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert sorted(results.values(), key=len) == [
        "approved",
        "予算残額（0円）を超えるため承認できません。承認額 60,000円、2024年度予算 100,000円、承認済み合計 100,000円。",
    ]
    assert Application.objects.filter(fiscal_year=2024).committed_total() == 100_000
    assert Application.objects.filter(state=State.APPROVED).count() == 2
