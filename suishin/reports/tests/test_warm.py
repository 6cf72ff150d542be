"""After a committed write, the council's pages are built in the background
(suishin/reports/warm.py) when a task worker runs; never inside the writer's
request, never while the figures cache is off."""

from __future__ import annotations

import pytest
from django.core.cache import cache as django_cache
from django.tasks import task_backends
from django.test import override_settings

from suishin.core import dashboard
from suishin.kpis.tests.test_figures_cache import set_council_target
from suishin.reports import views, warm

pytestmark = pytest.mark.django_db(transaction=True)

DUMMY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def cache_on(settings):
    settings.SUISHIN_FIGURES_CACHE = True
    django_cache.clear()


def queued() -> int:
    return len(task_backends["default"].results)


def test_a_committed_write_queues_one_warming_while_one_waits(seed_catalog, users, cache_on):
    from suishin.kpis.models import Item

    atm = Item.objects.filter(fiscal_year=2024).first()
    with override_settings(TASKS=DUMMY):
        set_council_target(users, atm, 11)
        assert queued() == 1
        set_council_target(users, atm, 12)
        assert queued() == 1  # the first one has not run yet
        warm.warm_pages.call()  # a worker runs it: the next write queues again
        set_council_target(users, atm, 13)
        assert queued() == 2


def test_no_warming_without_a_worker_or_without_the_cache(seed_catalog, users, settings):
    from suishin.kpis.models import Item

    atm = Item.objects.filter(fiscal_year=2024).first()
    django_cache.clear()
    with override_settings(TASKS=DUMMY):
        settings.SUISHIN_FIGURES_CACHE = False
        set_council_target(users, atm, 11)
        assert queued() == 0
    settings.SUISHIN_FIGURES_CACHE = True
    assert warm.schedule() is False  # the ImmediateBackend of the test settings


def test_warming_fills_what_the_views_read(seed_catalog, users, cache_on, client_for, monkeypatch):
    """The keys are the views' own: after warming, the secretariat's dashboard
    and the council's report page are read without building anything."""
    warm.warm_pages.call()
    built = []
    real_page, real_context = views._page, dashboard.dashboard_context
    monkeypatch.setattr(views, "_page", lambda *a: built.append("report") or real_page(*a))
    monkeypatch.setattr(dashboard, "dashboard_context", lambda *a: built.append("dashboard") or real_context(*a))
    client = client_for("secretariat")
    assert client.get("/reports/").status_code == 200
    assert client.get("/").status_code == 200
    assert built == []
    assert client_for("branch").get("/").status_code == 200  # not warmed: built on its first view
    assert built == ["dashboard"]
