"""The data version (suishin.core.dataversion): bumped by every audited write,
in the writer's transaction, with a lock order that cannot deadlock."""

from __future__ import annotations

import threading
import time

import pytest
from django.conf import settings as django_settings
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from suishin.core import audit, dataversion
from suishin.organisations.models import Member

ON_POSTGRESQL = "postgresql" in django_settings.DATABASES["default"]["ENGINE"]


def test_record_bumps_the_version_and_a_rollback_undoes_it(org):
    n = dataversion.current()
    audit.record(actor=None, action="update", obj=org.member_a, before={}, after={})
    assert dataversion.current() == n + 1

    class Abort(Exception):
        pass

    with pytest.raises(Abort):
        with transaction.atomic():
            audit.save_audited(org.member_a, actor=None, fields={"name": "変更"})
            assert dataversion.current() == n + 2
            raise Abort
    assert dataversion.current() == n + 1


def test_a_missing_row_reads_zero_and_the_next_bump_recreates_it(db):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_dataversion")
    assert dataversion.current() == 0
    dataversion.bump()
    assert dataversion.current() == 1


def test_record_locks_the_row_before_the_version(org):
    with CaptureQueriesContext(connection) as ctx:
        audit.delete_audited(org.member_a2, actor=None)
    sqls = [q["sql"] for q in ctx.captured_queries]
    lock = next(i for i, s in enumerate(sqls) if "organisations_member" in s and "SELECT" in s)
    bump = next(i for i, s in enumerate(sqls) if "UPDATE core_dataversion" in s)
    assert lock < bump
    if ON_POSTGRESQL:
        assert "FOR UPDATE" in sqls[lock]


@pytest.mark.skipif(not ON_POSTGRESQL, reason="SQLite serialises writers (IMMEDIATE transactions)")
@pytest.mark.django_db(transaction=True)
def test_an_update_and_a_delete_of_the_same_row_do_not_deadlock(org):
    """Writer 1 holds the row (updated, not yet recorded); writer 2 deletes it
    through delete_audited. Writer 2 must wait on the row before it takes the
    version lock, else writer 1's record() and writer 2 wait on each other."""
    pk = org.member_a2.pk
    locked, go = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def updater():
        try:
            with transaction.atomic():
                Member.objects.filter(pk=pk).update(name="更新中")
                locked.set()
                go.wait(10)
                audit.record(
                    actor=None, action="update", model="organisations.Member", object_pk=pk
                )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    def deleter():
        try:
            audit.delete_audited(Member.objects.get(pk=pk), actor=None)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    t1 = threading.Thread(target=updater)
    t1.start()
    assert locked.wait(10)
    t2 = threading.Thread(target=deleter)
    t2.start()
    time.sleep(0.5)  # writer 2 is now blocked on the row (or, wrongly, holds the version)
    go.set()
    t1.join(30)
    t2.join(30)
    assert not errors, errors
    assert not Member.objects.filter(pk=pk).exists()


@pytest.mark.skipif(not ON_POSTGRESQL, reason="SQLite serialises writers (IMMEDIATE transactions)")
@pytest.mark.django_db(transaction=True)
def test_a_target_update_and_its_deletion_do_not_deadlock(org):
    """kpis.services.delete_target records and then deletes: record() must
    take the row before the version there too."""
    from suishin.kpis import factories as kf
    from suishin.kpis import services
    from suishin.kpis.models import Target

    target = kf.target(kf.item("ATM"), count=5)
    locked, go = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def updater():
        try:
            with transaction.atomic():
                Target.objects.filter(pk=target.pk).update(target_count=6)
                locked.set()
                go.wait(10)
                audit.record(actor=None, action="update", model="kpis.Target", object_pk=target.pk)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    def deleter():
        try:
            services.delete_target(actor=None, target=Target.objects.get(pk=target.pk))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    t1 = threading.Thread(target=updater)
    t1.start()
    assert locked.wait(10)
    t2 = threading.Thread(target=deleter)
    t2.start()
    time.sleep(0.5)
    go.set()
    t1.join(30)
    t2.join(30)
    assert not errors, errors
    assert not Target.objects.filter(pk=target.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_bump_does_not_mark_the_next_transaction():
    """Regression (CI, suite order): the mark of a rolled-back transaction's
    bump outlived it, and every later transaction skipped the cache."""

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        dataversion.bump()
        assert dataversion.bumped_in_open_transaction()
        raise Boom
    with transaction.atomic():
        assert not dataversion.bumped_in_open_transaction()
        dataversion.bump()
        assert dataversion.bumped_in_open_transaction()
    assert not dataversion.bumped_in_open_transaction()
