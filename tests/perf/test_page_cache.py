"""The rendered dashboard and report pages, and the report's sections, are
cached on the data version (issue #12): a cached answer must always be the
page the uncached code renders for the data the reader sees, and must never
cross from one role or scope to another.

Writes commit for real here (transactional tests), as in
suishin/kpis/tests/test_figures_cache.py, whose seed and import helpers
these tests share.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache as django_cache
from django.test import override_settings

from suishin.core.dashboard import dashboard_html
from suishin.kpis.scope import Scope
from suishin.kpis.tests.test_figures_cache import ROWS, _import, seed, set_council_target
from suishin.organisations import services as org_services
from suishin.organisations.models import Member
from suishin.reports import sections
from suishin.reports.engine import build_report
from suishin.reports.views import _page

pytestmark = pytest.mark.django_db(transaction=True)

ROLES = ("secretariat", "bank", "viewer", "branch", "other_branch", "member", "other_member")


@pytest.fixture
def cache_on(settings):
    settings.SUISHIN_FIGURES_CACHE = True
    django_cache.clear()


def uncached(func, *args, **kwargs):
    with override_settings(SUISHIN_FIGURES_CACHE=False):
        return func(*args, **kwargs)


def test_each_role_and_scope_gets_its_own_dashboard(org, users, cache_on):
    """In this order a key without the scope would hand bob2 bob's branch, and
    one without the role would hand the bank the secretariat's queue links."""
    seed(org)
    for role in ROLES:
        user = users[role]
        first = dashboard_html(user, {})
        assert dashboard_html(user, {}) == first == uncached(dashboard_html, user, {}), role
    assert dashboard_html(users["branch"], {}) != dashboard_html(users["other_branch"], {})
    assert dashboard_html(users["member"], {}) != dashboard_html(users["other_member"], {})


def test_the_dashboard_and_the_report_follow_every_write(org, users, cache_on, client_for):
    atm = seed(org)
    client = client_for("secretariat")

    def pages():
        """The dashboard's content and the report page's body, each checked
        against the uncached code for the data as it is now."""
        dashboard = dashboard_html(users["secretariat"], {})
        assert dashboard == uncached(dashboard_html, users["secretariat"], {})
        body = uncached(_page, 2024, 1, Scope.council())["body"]
        page = client.get("/reports/?fy=2024&half=1").content.decode()
        assert body in page
        assert client.get("/reports/?fy=2024&half=1").content.decode().count(body) == 1
        return dashboard, body

    before = pages()
    _import(users, ROWS)  # results
    after_import = pages()
    assert after_import[0] != before[0] and after_import[1] != before[1]
    set_council_target(users, atm, 777)  # a target
    after_target = pages()
    assert "777" in after_target[0] and "777" in after_target[1]


def test_a_section_is_cached_and_follows_writes_to_its_own_app(org, users, cache_on):
    """A section reads another app's records (here: members); an audited write
    there bumps the data version, so the next report shows it."""
    from suishin.reports.definitions import BlockSpec, Definition
    from suishin.reports.models import BlockKind

    builds = []

    def build(fiscal_year, half, scope):
        builds.append(scope)
        return sections.SectionData(title="会員数", values={"members": Member.objects.count()})

    sections.register_section("test_members", "会員数", build)
    try:
        definition = Definition(2024, 1, "総括", [BlockSpec(BlockKind.NARRATIVE, body="会員{test_members.members}組合")], saved=True)

        def text():
            report = build_report(fiscal_year=2024, half=1, definition=definition)
            return report.blocks[0].paragraphs[0].text

        assert text() == text() == "会員3組合"
        assert len(builds) == 1  # the second report read the section from the cache
        org_services.save_member(actor=users["secretariat"], code="A0009", name="新しい組合", federation="", branch=org.branch_a)
        assert text() == "会員4組合"
    finally:
        sections._SECTIONS.pop("test_members", None)
