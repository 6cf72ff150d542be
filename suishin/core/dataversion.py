"""The data version: one integer that changes with every business write.

`bump()` runs `UPDATE core_dataversion SET n = n + 1` in the caller's
transaction (`core.audit.record` calls it, so every audited write bumps it);
`current()` reads n. Because the bump commits or rolls back with the write, a
reader sees either (old data, old n) or (new data, new n), never a mix, and a
cache keyed by n (`suishin.kpis.cache`) is exact by construction.

Rules that keep it exact:

* A connection that has bumped inside a transaction that has not ended yet
  sees its own uncommitted n + 1, which another writer may commit later with
  different data (after a rollback). `bumped_in_open_transaction()` says so;
  caches neither read nor write then.
* Under READ COMMITTED every statement may see newer data, so a cache stores
  a value only when the version read before and after computing it is the
  same (no write committed in between): see `kpis.cache`.

Lock order (PostgreSQL): the UPDATE holds the row lock until commit, so
writers serialise on it. `record` is called after the rows it records are
written (save_audited), and it locks the recorded row (SELECT ... FOR UPDATE)
before bumping, also where a service records and then deletes, so a writer
takes its data-row locks before the version lock (tests/test_dataversion.py).
"""

from __future__ import annotations

import logging

from django.db import connection, transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

_FLAG = "_suishin_bumped"

# Sent (robustly: a receiver's error is logged, never raised into the writer)
# once the bump is committed: the reports app queues the warming of the
# council's pages on it (suishin/reports/warm.py).
changed = Signal()


def current() -> int:
    """The version this connection sees now (0 when the row is missing, e.g.
    after a test flush; the next bump recreates it)."""
    _forget_if_transaction_ended()
    with connection.cursor() as cursor:
        cursor.execute("SELECT n FROM core_dataversion WHERE id = 1")
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def bump() -> None:
    """Advance the version inside the caller's transaction."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_dataversion SET n = n + 1 WHERE id = 1")
        if cursor.rowcount == 0:
            cursor.execute("INSERT INTO core_dataversion (id, n) VALUES (1, 1)")
    if connection.in_atomic_block:
        # Remember *which* transaction bumped: its outermost atomic block. A
        # rolled-back transaction never runs on_commit, so a bare flag would
        # outlive it (and every later transaction of this connection would
        # then skip the cache; in the test suite every test runs in one).
        setattr(connection, _FLAG, connection.atomic_blocks[0])
        transaction.on_commit(_committed)
    else:  # autocommit: already committed
        _committed()


def _committed() -> None:
    _forget()
    for receiver, result in changed.send_robust(sender=None):
        if isinstance(result, Exception):
            logger.warning("data version: receiver %r failed", receiver, exc_info=result)


def bumped_in_open_transaction() -> bool:
    """True while this connection's current transaction holds an uncommitted bump."""
    _forget_if_transaction_ended()
    owner = getattr(connection, _FLAG, None)
    # A decorator's Atomic object is reused by every call, so after a rolled-back
    # bump a later transaction of the same function may be taken for the one
    # that bumped: the cache is then skipped, never wrongly used.
    return (
        owner is not None
        and bool(connection.atomic_blocks)
        and connection.atomic_blocks[0] is owner
    )


def _forget() -> None:
    setattr(connection, _FLAG, None)


def _forget_if_transaction_ended() -> None:
    # Outside any atomic block the earlier transaction has committed or rolled back.
    if not connection.in_atomic_block:
        _forget()
