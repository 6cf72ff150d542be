"""Build the council's pages in the background after a write.

Every business write moves the data version (suishin/core/dataversion.py), so
the first view after an import computes the council's figures, the other
apps' sections and the page: 5–9 s for the report at national scale on a
loaded machine (bench/RESULTS.md §3). When a task worker runs
(`SUISHIN_TASK_BACKEND=django_tasks_db.DatabaseBackend`, as `make demo`
does), each committed write queues one `warm_pages` task (at most one waits
at a time) that fills the figures cache with what the secretariat, the bank
and the viewers open first: the report page of the working period for the
whole council, and their dashboards. Users who arrive while it runs wait for
its values rather than computing them again (the cache's lock). With the
default ImmediateBackend (no worker) nothing is queued: the warming would
run inside the writer's request.
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.tasks import task, task_backends
from django.tasks.backends.immediate import ImmediateBackend

from suishin.kpis import cache as figures_cache

logger = logging.getLogger(__name__)

PENDING = "suishin:warm:pending"
PENDING_SECONDS = 600  # a lost task (worker stopped) holds later ones back at most this long


def schedule(sender=None, **kwargs) -> bool:
    """Queue `warm_pages` unless the cache is off, no worker runs tasks, or one is waiting."""
    if not figures_cache.enabled():
        return False
    if isinstance(task_backends[warm_pages.backend], ImmediateBackend):
        return False
    try:
        if not cache.add(PENDING, 1, PENDING_SECONDS):
            return False
        warm_pages.enqueue()
    except Exception:
        logger.warning("could not queue the warming of the pages", exc_info=True)
        cache.delete(PENDING)
        return False
    return True


@task
def warm_pages() -> None:
    """The council's report page and the unscoped roles' dashboards, through
    the same cached calls as the views (so with the same keys)."""
    from suishin.accounts.models import Role, User
    from suishin.core.dashboard import dashboard_html
    from suishin.kpis.cache import cached
    from suishin.kpis.periods import working_period
    from suishin.kpis.scope import Scope
    from suishin.reports.views import _page

    cache.delete(PENDING)  # a write from now on queues the next warming
    fy, half = working_period()
    cached("report_page", _page, fy, half, Scope.council())
    for role in (Role.SECRETARIAT, Role.BANK, Role.VIEWER):
        dashboard_html(User(username=f"warm-{role}", role=role), {})
