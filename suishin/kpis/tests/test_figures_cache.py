"""The cross-request figures cache (suishin.kpis.cache), exact by construction.

Writes commit for real here (transactional tests): the cache is only allowed
to answer across committed transactions, and an answer must always equal the
uncached engine's for the data the reader sees.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import threading
import time

import pytest
from django.core.cache import cache as django_cache
from django.db import connections, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suishin.core import dataversion
from suishin.imports.services import import_file, rollback_batch
from suishin.kpis import cache as figures_cache
from suishin.kpis import factories as kf
from suishin.kpis import queries, services
from suishin.kpis.models import Aggregation
from suishin.kpis.scope import Scope
from suishin.organisations import services as org_services
from suishin.selfservice import services as self_services
from tests.security.conftest import csv_bytes


@pytest.fixture
def cache_on(settings):
    settings.SUISHIN_FIGURES_CACHE = True
    django_cache.clear()


@pytest.fixture
def computes(monkeypatch):
    """Counts the engine's real runs (cache misses)."""
    calls = []
    real = queries._compute_figures

    def counting(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(queries, "_compute_figures", counting)
    return calls


def _engine(scope: Scope | None = None):
    from django.test import override_settings

    with override_settings(SUISHIN_FIGURES_CACHE=False):
        return queries.compute_figures(fiscal_year=2024, half=1, scope=scope)


def cached(scope: Scope | None = None):
    return queries.compute_figures(fiscal_year=2024, half=1, scope=scope)


def set_council_target(users, atm, n):
    existing = queries.Target.objects.filter(item=atm, scope_key="council").first()
    services.save_target(
        actor=users["secretariat"], target=existing, item=atm, scope=Scope.council(), target_count=n
    )


def seed(org):
    atm = kf.item("ATM", sort_order=1)
    kf.item("MEM", aggregation=Aggregation.DISTINCT_MEMBERS, sort_order=2)
    kf.item("MOV", source="selfservice.movement:policy", sort_order=3)
    kf.result(atm, "2024-06", member=org.member_a, count=5, amount=500)
    kf.result(atm, "2024-07", member=org.member_b, count=2, amount=200)
    kf.target(atm, count=100)
    return atm


# --- same answer, and really from the cache -------------------------------------------


def test_cached_equals_uncached_and_the_second_call_is_a_hit(org, cache_on, computes):
    seed(org)
    for scope in (None, Scope.parse("101"), Scope.parse("A0001")):
        first = cached(scope)
        second = cached(scope)
        assert first == second == _engine(scope)
        assert first is not second  # each caller gets its own copy
    assert len(computes) == 3 + 3  # one miss per scope, plus the three _engine() runs


def test_codes_and_memo_go_through_the_cache(org, cache_on, computes):
    seed(org)
    part = queries.compute_figures(fiscal_year=2024, half=1, codes=["ATM"])
    assert [f.code for f in part.items] == ["ATM"]
    with queries.figures_memo():
        whole = cached()
    assert whole == cached()
    assert len(computes) == 2  # the subset, then the whole catalog once


def test_off_by_setting_computes_every_time(org, settings, computes):
    seed(org)
    settings.SUISHIN_FIGURES_CACHE = False
    cached()
    cached()
    assert len(computes) == 2


# --- every kind of write makes the next compute see the new figures -------------------


def _import(users, rows):
    outcome = import_file(
        kind="results",
        file=io.BytesIO(csv_bytes(rows)),
        file_name="results.csv",
        actor=users["secretariat"],
    )
    assert outcome.ok, outcome
    return outcome


ROWS = [
    ["年月", "会員コード", "項目コード", "件数", "金額"],
    ["2024-08", "A0002", "ATM", "9", "900"],
]


def w_import(org, users, atm):
    _import(users, ROWS)


def w_rollback(org, users, atm):
    from suishin.imports.models import ImportBatch

    # the import happened before the first compute (see WRITES_BEFORE)
    rollback_batch(actor=users["secretariat"], batch_id=ImportBatch.objects.latest("pk").pk)


def w_target(org, users, atm):
    set_council_target(users, atm, 7)
    services.save_target(
        actor=users["secretariat"], item=atm, scope=Scope.parse("101"), target_count=3
    )


def w_catalog(org, users, atm):
    services.save_item(
        actor=users["secretariat"],
        item=atm,
        fiscal_year=2024,
        code="ATM",
        name="ATM（改称）",
        sort_order=1,
    )


def w_movement(org, users, atm):
    self_services.record_movement(
        actor=users["secretariat"],
        member=org.member_a2,
        kind="policy",
        reported_on=dt.date(2024, 6, 10),
    )


def w_member_moved(org, users, atm):
    m = org.member_a
    org_services.save_member(
        actor=users["secretariat"],
        member=m,
        code=m.code,
        name=m.name,
        federation=m.federation,
        branch=org.branch_b,
    )


WRITES = {
    "import": w_import,
    "rollback": w_rollback,
    "target": w_target,
    "catalog": w_catalog,
    "movement": w_movement,
    "member_moved": w_member_moved,
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", sorted(WRITES))
@pytest.mark.parametrize("scope_text", ["全体", "101"])
def test_after_every_kind_of_write_the_next_compute_sees_it(
    org, users, cache_on, computes, kind, scope_text
):
    atm = seed(org)
    self_services.record_movement(
        actor=users["secretariat"],
        member=org.member_a,
        kind="policy",
        reported_on=dt.date(2024, 6, 1),
    )
    if kind == "rollback":
        _import(users, ROWS)
    scope = Scope.parse(scope_text)
    before = cached(scope)
    assert cached(scope) == before  # now in the cache
    misses = len(computes)
    WRITES[kind](org, users, atm)
    after = cached(scope)
    assert len(computes) == misses + 1  # a new version: computed again
    assert after == _engine(scope)
    if kind != "member_moved" or scope_text == "101":
        assert after != before, "the write must change these figures"


# --- random writes and reads against the uncached engine ------------------------------


@pytest.mark.django_db(transaction=True)
@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(["read", "import", "target", "movement", "move"]),
            st.integers(min_value=0, max_value=50),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_random_writes_and_reads_always_match_the_engine(org, users, cache_on, steps):
    atm = (
        kf.item("ATM")
        if not queries.Item.objects.filter(code="ATM").exists()
        else queries.Item.objects.get(code="ATM", fiscal_year=2024)
    )
    if not queries.Item.objects.filter(code="MOV").exists():
        kf.item("MOV", source="selfservice.movement:policy", sort_order=3)
    scopes = [None, Scope.parse("101"), Scope.parse("201")]
    for action, n in steps:
        if action == "import":
            _import(users, [ROWS[0], ["2024-07", "A0001", "ATM", str(n), str(n * 10)]])
        elif action == "target":
            existing = queries.Target.objects.filter(item=atm, scope_key="council").first()
            services.save_target(
                actor=users["secretariat"],
                target=existing,
                item=atm,
                scope=Scope.council(),
                target_count=n + 1,
            )
        elif action == "movement":
            self_services.record_movement(
                actor=users["secretariat"],
                member=[org.member_a, org.member_a2, org.member_b][n % 3],
                kind="policy",
                reported_on=dt.date(2024, 5, 1 + n % 28),
            )
        elif action == "move":
            m = type(org.member_a).objects.get(pk=org.member_a.pk)
            org_services.save_member(
                actor=users["secretariat"],
                member=m,
                code=m.code,
                name=m.name,
                federation=m.federation,
                branch=org.branch_b if m.branch_id == org.branch_a.pk else org.branch_a,
            )
        for scope in scopes:
            # the scope's label is data too: parse it again as a page would
            s = Scope.parse(scope.code) if scope is not None else None
            assert cached(s) == _engine(s)


# --- transactions -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_bump_in_a_rolled_back_transaction_does_not_matter(org, users, cache_on, computes):
    atm = seed(org)
    base = cached()
    n = dataversion.current()

    class Abort(Exception):
        pass

    with pytest.raises(Abort):
        with transaction.atomic():
            set_council_target(users, atm, 1)
            assert dataversion.current() == n + 1
            inside = cached()  # sees its own uncommitted write: computed, never stored
            assert inside.get("ATM").target_count == 1
            raise Abort
    assert dataversion.current() == n
    assert cached() == base
    # Another writer now commits a different change under the same number n + 1.
    set_council_target(users, atm, 2)
    assert dataversion.current() == n + 1
    assert cached().get("ATM").target_count == 2
    assert cached() == _engine()


@pytest.mark.django_db(transaction=True)
def test_a_write_committed_while_computing_is_not_stored_under_the_old_version(
    org, users, cache_on, monkeypatch
):
    """Reader (this thread) reads version n, starts computing; a writer in
    another connection commits meanwhile. The reader's result may mix both, so
    it must not be stored under n; the next read sees the new version."""
    atm = seed(org)
    real = queries._compute_figures
    n = dataversion.current()
    errors = []

    def writer():
        try:
            set_council_target(users, atm, 3)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    def compute_with_a_write_in_the_middle(*args):
        first = real(*args)
        t = threading.Thread(target=writer)
        t.start()
        t.join()
        return first

    monkeypatch.setattr(queries, "_compute_figures", compute_with_a_write_in_the_middle)
    stale = cached()
    assert not errors
    assert stale.get("ATM").target_count == 100
    assert dataversion.current() == n + 1
    key = figures_cache.make_key("compute_figures", n, (2024, 1, Scope.council(), None))
    assert django_cache.get(key) is None  # not stored under the version it read
    monkeypatch.setattr(queries, "_compute_figures", real)
    assert cached().get("ATM").target_count == 3
    assert cached() == _engine()


@pytest.mark.django_db(transaction=True)
def test_readers_in_other_threads_get_the_figures_of_the_version_they_see(org, users, cache_on):
    """Readers in their own connections, concurrent with a writer, always get
    either the old or the new figures, each matching the version read after."""
    atm = seed(org)
    old, new_target = 100, 55
    seen: list[tuple[int, int | None]] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader():
        try:
            while not stop.is_set():
                v_before = dataversion.current()
                fs = cached()
                v_after = dataversion.current()
                if v_before == v_after:
                    seen.append((v_before, fs.get("ATM").target_count))
        except BaseException as exc:  # pragma: no cover
            if "locked" not in str(exc):
                errors.append(exc)
        finally:
            connections.close_all()

    n = dataversion.current()
    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    for _ in range(20):
        try:
            services.save_target(
                actor=users["secretariat"],
                target=queries.Target.objects.filter(item=atm, scope_key="council").first(),
                item=atm,
                scope=Scope.council(),
                target_count=new_target,
            )
            break
        except Exception as exc:  # SQLite's shared-cache test db: "table is locked"; retry
            if "locked" not in str(exc):
                raise
    stop.set()
    for t in threads:
        t.join()
    assert not errors
    assert dataversion.current() == n + 1
    for version, target in seen:
        assert target == (old if version == n else new_target), (version, target)
    assert cached().get("ATM").target_count == new_target


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fails", [False, True])
def test_concurrent_misses_compute_once_and_a_failure_does_not_hold_the_others(
    org, cache_on, fails
):
    """Eight requests miss at once: one computes, seven wait for its value (and
    compute themselves when the first one fails instead of storing)."""
    runs: list[int] = []
    results: list[object] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)
    lock = threading.Lock()

    def slow(n):
        with lock:
            runs.append(n)
            first = len(runs) == 1
        time.sleep(0.3)
        if fails and first:
            raise RuntimeError("the first computation fails")
        return ("value", n)

    def request():
        try:
            start.wait()
            results.append(figures_cache.cached("slow", slow, 7))
        except RuntimeError as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [("value", 7)] * (7 if fails else 8)
    assert len(errors) == (1 if fails else 0)
    # Without the lock every thread computes; with it one does, and when it
    # fails the waiters compute (once more each at most, usually one of them first).
    assert len(runs) == 1 if not fails else 2 <= len(runs) <= 8


# --- failures and limits ------------------------------------------------------------------


class BrokenCache:
    def __init__(self, *a, **kw):
        pass

    def get(self, *a, **kw):
        raise ConnectionError("cache backend down")

    def set(self, *a, **kw):
        raise ConnectionError("cache backend down")

    def clear(self):
        pass

    def close(self, **kw):
        pass


def test_a_broken_cache_backend_falls_back_to_computing(org, cache_on, monkeypatch, caplog):
    seed(org)
    monkeypatch.setattr(figures_cache, "cache", BrokenCache())
    with caplog.at_level(logging.WARNING, logger="suishin.kpis.cache"):
        assert cached() == _engine()
    assert "read failed" in caplog.text


def test_a_failed_write_still_answers(org, cache_on, monkeypatch, caplog):
    seed(org)

    class WriteFails(BrokenCache):
        def get(self, *a, **kw):
            return None

    monkeypatch.setattr(figures_cache, "cache", WriteFails())
    with caplog.at_level(logging.WARNING, logger="suishin.kpis.cache"):
        assert cached() == _engine()
    assert "write failed" in caplog.text


def test_a_huge_value_is_not_stored(org, cache_on, monkeypatch, computes):
    seed(org)
    monkeypatch.setattr(figures_cache, "MAX_BYTES", 100)
    cached()
    cached()
    assert len(computes) == 2


def test_the_key_changes_with_version_arguments_engine_and_providers(monkeypatch):
    k = figures_cache.make_key("compute_figures", 1, (2024, 1, Scope.council(), None))
    assert k != figures_cache.make_key("compute_figures", 2, (2024, 1, Scope.council(), None))
    assert k != figures_cache.make_key("compute_figures", 1, (2024, 2, Scope.council(), None))
    assert k != figures_cache.make_key("compute_figures", 1, (2024, 1, Scope.council(), ("ATM",)))
    monkeypatch.setattr(figures_cache, "ENGINE_VERSION", figures_cache.ENGINE_VERSION + 1)
    assert k != figures_cache.make_key("compute_figures", 1, (2024, 1, Scope.council(), None))
    monkeypatch.undo()
    from suishin.kpis import providers

    monkeypatch.setitem(
        providers._PROVIDERS,
        "test.other",
        providers.Provider("test.other", "テスト", lambda *a: providers.Figure()),
    )
    assert k != figures_cache.make_key("compute_figures", 1, (2024, 1, Scope.council(), None))
    monkeypatch.undo()
    monkeypatch.setattr(figures_cache, "code_fingerprint", lambda: "another deployment")
    assert k != figures_cache.make_key("compute_figures", 1, (2024, 1, Scope.council(), None))


def test_the_code_fingerprint_follows_sources_and_templates_not_tests(tmp_path):
    (tmp_path / "app" / "templates").mkdir(parents=True)
    (tmp_path / "app" / "tests").mkdir()
    (tmp_path / "app" / "views.py").write_text("x = 1\n")
    (tmp_path / "app" / "templates" / "page.html").write_text("<p>{{ x }}</p>")
    (tmp_path / "app" / "tests" / "test_views.py").write_text("def test(): pass\n")
    first = figures_cache.source_digest(tmp_path)
    (tmp_path / "app" / "tests" / "test_views.py").write_text("def test(): assert 1\n")
    (tmp_path / "app" / "notes.txt").write_text("not code")
    assert figures_cache.source_digest(tmp_path) == first
    (tmp_path / "app" / "templates" / "page.html").write_text("<p>{{ y }}</p>")
    second = figures_cache.source_digest(tmp_path)
    assert second != first
    (tmp_path / "app" / "views.py").write_text("x = 2\n")
    assert figures_cache.source_digest(tmp_path) not in (first, second)
    assert len(figures_cache.code_fingerprint()) == 64


def test_a_connection_with_an_uncommitted_bump_neither_reads_nor_stores(
    org, users, cache_on, computes
):
    atm = seed(org)
    cached()
    assert len(computes) == 1
    with transaction.atomic():
        set_council_target(users, atm, 4)
        assert dataversion.bumped_in_open_transaction()
        assert cached().get("ATM").target_count == 4
        assert cached().get("ATM").target_count == 4
    assert len(computes) == 3  # both computed inside: nothing read or stored


CHART_FUNCS = {
    "monthly_progress": lambda: queries.monthly_progress(fiscal_year=2024, half=1, code="ATM"),
    "monthly_progress_101": lambda: queries.monthly_progress(
        fiscal_year=2024, half=1, code="ATM", scope=Scope.parse("101")
    ),
    "block_figures": lambda: queries.block_figures(fiscal_year=2024, half=1, code="ATM"),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", sorted(CHART_FUNCS))
def test_chart_series_are_cached_and_follow_writes(org, users, cache_on, settings, name):
    atm = seed(org)
    func = CHART_FUNCS[name]

    def uncached_answer():
        settings.SUISHIN_FIGURES_CACHE = False
        try:
            return func()
        finally:
            settings.SUISHIN_FIGURES_CACHE = True

    first = func()
    assert func() == first == uncached_answer()
    settings.SUISHIN_FIGURES_CACHE = True
    _import(users, [ROWS[0], ["2024-05", "A0001", "ATM", "40", "4000"]])
    services.save_target(
        actor=users["secretariat"], item=atm, scope=Scope.parse("101"), target_count=9
    )
    after = func()
    assert after == uncached_answer()
    assert after != first
