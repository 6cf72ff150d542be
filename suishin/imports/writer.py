"""Set-based writes for the import engine, with what rollback needs.

`Writer.upsert(table, rows)` matches a chunk of staged rows on the table's
natural key with one query (a row-value ``IN (VALUES …)`` lookup), classifies
each row as added / changed / unchanged, and writes with one
``executemany`` INSERT for new rows and one ``executemany`` UPDATE (by
primary key) for changed rows. No row is saved through the ORM one by one
and no signal fires, so the engine writes one audit entry per batch.

* Changed and removed rows: their previous values go to `ImportChange` in
  the same transaction (for an exact rollback).
* Added rows of provenance tables carry ``import_batch``; they are not
  listed (a first import of a million rows writes a million rows, not two
  million). Added rows of other tables are listed with action "added" (those
  go through ``bulk_create`` because their primary keys are needed).
* Unchanged rows are not written at all: they keep the provenance of the
  file that first delivered the same value. The writer remembers them (a
  bitmap over primary keys, their lines in a temporary table) to tell them
  apart from rows the file no longer contains (`remove`) and to find
  duplicates, and records which earlier batches they came from (`confirmed`).

Memory does not grow with the file: rows live one chunk at a time, the
unchanged rows cost one bit per primary key of the table, and `remove` runs
one query per alternative of its filter (see `_alternatives`).

In-file duplicates: within a chunk by a dict; across chunks, for provenance
tables, by finding the key already stamped with this batch (its
``source_row`` is the first line) or remembered as unchanged; for other
tables by a dict of every key seen (such tables are small master data).
"""

from __future__ import annotations

import datetime as dt
import decimal
import itertools
import uuid
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, router
from django.db.models import Model, Q
from django.utils import timezone

from suishin.imports.models import ChangeAction, ImportBatch, ImportChange
from suishin.imports.spec import ImportSpec, Table, field_label

LOOKUP_BATCH = 1000
WRITE_BATCH = 2000
_INTEGER_PKS = frozenset({"AutoField", "BigAutoField", "SmallAutoField"})
_RANK = {None: -1, ChangeAction.UNCHANGED: 0, ChangeAction.CHANGED: 1, ChangeAction.ADDED: 2}


@dataclass
class Staged:
    """A valid row ready to write: the source line and the values (attnames)."""

    line: int
    values: dict[str, Any]
    pk: int | None = None  # set for written rows, except rows added to provenance tables
    status: str | None = None  # set by Writer.upsert; None = rejected as a duplicate


@dataclass
class PreviewRow:
    line: int | None
    action: str  # a ChangeAction value
    table: str  # verbose name of the model
    label: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (field, before, after)

    @property
    def action_label(self) -> str:
        return ChangeAction(self.action).label


def jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    return value


def concrete_attnames(model: type[Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


class _Seen:
    """Primary keys of the rows of one table that the file left unchanged.

    Membership of integer keys is a bitmap (one bit per key up to the
    largest: 125 KB per million keys of the table, whatever the size of the
    file). The line each came from is needed only to name the first line of a
    duplicate, so it goes to a temporary table on the database (created at
    the first unchanged row, dropped by `close`; a rolled-back transaction
    takes it away too) instead of staying in memory. Non-integer keys (no
    provenance table has them today) are kept in a dict."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.bits = bytearray()
        self.other: dict[Any, int] = {}
        self.table: str | None = None  # the temporary table, once created

    def add(self, rows: list[tuple[Any, int]]) -> None:
        """rows: (primary key, line) of rows found unchanged."""
        spilled = []
        for pk, line in rows:
            if not isinstance(pk, int):
                self.other[pk] = line
                continue
            index = pk >> 3
            if index >= len(self.bits):
                self.bits.extend(bytes(max(index + 1 - len(self.bits), len(self.bits))))
            self.bits[index] |= 1 << (pk & 7)
            spilled.append((pk, line))
        if not spilled:
            return
        with self.connection.cursor() as cursor:
            if self.table is None:
                self.table = self.connection.ops.quote_name(
                    f"suishin_unchanged_{uuid.uuid4().hex[:16]}"
                )
                if self.connection.vendor == "postgresql":
                    columns, suffix = (
                        "pk bigint PRIMARY KEY, line bigint NOT NULL",
                        " ON COMMIT DROP",
                    )
                else:
                    columns, suffix = "pk INTEGER PRIMARY KEY, line INTEGER NOT NULL", ""
                cursor.execute(f"CREATE TEMPORARY TABLE {self.table} ({columns}){suffix}")
            cursor.executemany(f"INSERT INTO {self.table} (pk, line) VALUES (%s, %s)", spilled)

    def __contains__(self, pk: Any) -> bool:
        if not isinstance(pk, int):
            return pk in self.other
        index = pk >> 3
        return index < len(self.bits) and bool(self.bits[index] >> (pk & 7) & 1)

    def lines_of(self, pks: list[Any]) -> dict[Any, int]:
        """The line of each of `pks` (all members)."""
        found = {pk: self.other[pk] for pk in pks if not isinstance(pk, int)}
        ints = sorted({pk for pk in pks if isinstance(pk, int)})
        with self.connection.cursor() as cursor:
            for start in range(0, len(ints), LOOKUP_BATCH):
                part = ints[start : start + LOOKUP_BATCH]
                marks = ", ".join(["%s"] * len(part))
                cursor.execute(f"SELECT pk, line FROM {self.table} WHERE pk IN ({marks})", part)
                found.update(cursor.fetchall())
        return found

    def close(self) -> None:
        if self.table is not None:
            with self.connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
            self.table = None


def _alternatives(q: Q, limit: int = 1000) -> list[Q]:
    """`q` as a list of filters whose union is `q` (OR distributed over AND).

    `Writer.remove` runs one query per alternative: SQLite answers a single
    OR of several index ranges with a MULTI-INDEX OR that keeps the rowid of
    every matching row in memory until the query ends (a RowSet, ~24 bytes a
    row: 24 MB for a million-row results file), while each alternative alone
    is one index search. `q` itself when it would make more than `limit`."""
    if q.negated or q.connector not in (Q.AND, Q.OR):
        return [q]
    options = [_alternatives(c, limit) if isinstance(c, Q) else [Q(c)] for c in q.children]
    if q.connector == Q.OR:
        flat = [alt for alts in options for alt in alts]
        return flat if len(flat) <= limit else [q]
    combined = [Q()]
    for alts in options:
        if len(combined) * len(alts) > limit:
            return [q]
        combined = [left & right for left, right in itertools.product(combined, alts)]
    return combined


class _Sql:
    """Raw statements for one model on the batch's database connection."""

    def __init__(self, model: type[Model]):
        self.model = model
        self.connection = connections[router.db_for_write(model)]
        self.quote = self.connection.ops.quote_name
        self.table = self.quote(model._meta.db_table)
        self.pk = model._meta.pk

    # Types whose Python values (already parsed and checked) go to the
    # database as they are; everything else goes through Django's preparation.
    PLAIN = frozenset(
        {
            "AutoField",
            "BigAutoField",
            "SmallAutoField",
            "IntegerField",
            "BigIntegerField",
            "SmallIntegerField",
            "PositiveIntegerField",
            "PositiveBigIntegerField",
            "PositiveSmallIntegerField",
            "CharField",
            "TextField",
            "BooleanField",
        }
    )

    def converter(self, f: Any) -> Any:
        """None when a value goes to the database as it is, else value → parameter."""
        target = f.target_field if f.is_relation else f
        kind = target.get_internal_type()
        if kind in self.PLAIN:
            return None
        if kind == "DateField" and self.connection.vendor == "sqlite":
            return lambda v: None if v is None else v.isoformat()
        connection = self.connection
        return lambda v: f.get_db_prep_save(v, connection)

    def _params(self, fields: list[Any]) -> Any:
        convert = [self.converter(f) for f in fields]
        if not any(convert):
            return list
        return lambda values: [
            v if c is None else c(v) for c, v in zip(convert, values, strict=True)
        ]

    def insert(self, fields: list[Any], rows: Iterable[list[Any]]) -> None:
        cols = ", ".join(self.quote(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {self.table} ({cols}) VALUES ({marks})"
        params = self._params(fields)
        self._many(sql, (params(row) for row in rows))

    def update(self, fields: list[Any], rows: Iterable[tuple[Any, list[Any]]]) -> None:
        """rows: (pk, values in `fields` order)."""
        sets = ", ".join(f"{self.quote(f.column)} = %s" for f in fields)
        sql = f"UPDATE {self.table} SET {sets} WHERE {self.quote(self.pk.column)} = %s"
        params = self._params(fields)
        self._many(sql, ([*params(values), pk] for pk, values in rows))

    def _many(self, sql: str, params: Iterable[list[Any]]) -> None:
        batch: list[list[Any]] = []
        with self.connection.cursor() as cursor:
            for row in params:
                batch.append(row)
                if len(batch) >= WRITE_BATCH:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)

    def key_where(self, key: tuple[str, ...], keys: list[tuple]) -> tuple[list[str], list[Any]]:
        """WHERE clauses for QuerySet.extra() selecting exactly `keys`:
        ``(a, b) IN (VALUES (%s, %s), …)``, plus ``a IN (…)`` and ``b IN (…)``
        over the distinct values of each column. The row-value test is the
        exact one; the per-column lists let SQLite search the unique index
        (it scans the table for a row-value IN alone)."""
        fields = [self.model._meta.get_field(name) for name in key]

        def prep(f: Any, v: Any) -> Any:
            return f.get_db_prep_value(v, self.connection, prepared=False)

        cols = [self.quote(f.column) for f in fields]
        mark = "(" + ", ".join(["%s"] * len(fields)) + ")"
        where = [f"({', '.join(cols)}) IN (VALUES {', '.join([mark] * len(keys))})"]
        params = [prep(f, v) for k in keys for f, v in zip(fields, k, strict=True)]
        for index, (f, col) in enumerate(zip(fields, cols, strict=True)):
            distinct = list(dict.fromkeys(k[index] for k in keys))
            where.append(f"{col} IN ({', '.join(['%s'] * len(distinct))})")
            params += [prep(f, v) for v in distinct]
        return where, params


def _auto_now(f: Any) -> Any:
    now = timezone.now()
    return now.date() if f.get_internal_type() == "DateField" else now


class Writer:
    def __init__(
        self,
        *,
        batch: ImportBatch,
        spec: ImportSpec,
        on_duplicate: Callable[[int, int], None],
        preview_limit: int = 500,
    ):
        self.batch = batch
        self.spec = spec
        self.on_duplicate = on_duplicate
        self.preview_limit = preview_limit
        self.preview: list[PreviewRow] = []
        self.line_status: dict[int, str] = {}
        self.removed = 0
        self.touched_batches: set[int] = set()  # batches whose rows this one changed or removed
        self.confirmed: set[int] = set()  # batches whose rows this one contained unchanged
        self._seen_keys: dict[str, dict[tuple, int]] = {}
        self._unchanged: dict[str, _Seen] = {}
        self._sql: dict[str, _Sql] = {}

    def sql(self, table: Table) -> _Sql:
        if table.label not in self._sql:
            self._sql[table.label] = _Sql(table.model)
        return self._sql[table.label]

    def unchanged(self, table: Table) -> _Seen:
        if table.label not in self._unchanged:
            self._unchanged[table.label] = _Seen(self.sql(table).connection)
        return self._unchanged[table.label]

    def close(self) -> None:
        """Drop what the writer kept on the database (after the last `remove`)."""
        for seen in self._unchanged.values():
            seen.close()

    # --- upsert ----------------------------------------------------------

    def upsert(self, table: Table, rows: Iterable[Staged], *, primary: bool = True) -> list[Staged]:
        """Write `rows` to `table`; returns the rows accepted (duplicates are
        reported through `on_duplicate` and left out), each with `status`."""
        model = table.model
        pk_name = model._meta.pk.attname
        seen_keys = self._seen_keys.setdefault(table.label, {}) if not table.provenance else {}
        unchanged_pks = self.unchanged(table)
        chunk_first: dict[tuple, int] = {}
        unique: list[Staged] = []
        for row in rows:
            key = tuple(row.values[k] for k in table.key)
            first = chunk_first.get(key) or seen_keys.get(key)
            if first is not None:
                self.on_duplicate(row.line, first)
                continue
            chunk_first[key] = row.line
            unique.append(row)
        if not table.provenance:
            seen_keys.update(chunk_first)

        existing = self._existing(table, list(chunk_first))
        new: list[Staged] = []
        changed: list[tuple[Staged, dict[str, Any]]] = []
        written: list[Staged] = []
        # Duplicates of rows of earlier chunks: (line, first line), or
        # (line, None, pk) when the first was unchanged (its line is looked up).
        duplicates: list[tuple[int, int | None, Any]] = []
        unchanged: list[tuple[Any, int]] = []
        for row in unique:
            old = existing.get(tuple(row.values[k] for k in table.key))
            if old is None:
                row.status = ChangeAction.ADDED
                new.append(row)
            elif table.provenance and old["import_batch_id"] == self.batch.pk:
                duplicates.append((row.line, old["source_row"], None))
                continue
            elif table.provenance and old[pk_name] in unchanged_pks:
                duplicates.append((row.line, None, old[pk_name]))
                continue
            elif all(old[f] == row.values[f] for f in table.fields):
                row.pk, row.status = old[pk_name], ChangeAction.UNCHANGED
                if table.provenance:
                    unchanged.append((row.pk, row.line))
                    if old["import_batch_id"]:
                        self.confirmed.add(old["import_batch_id"])
            else:
                row.pk, row.status = old[pk_name], ChangeAction.CHANGED
                changed.append((row, old))
            written.append(row)
        if duplicates:
            lines = unchanged_pks.lines_of([pk for _, first, pk in duplicates if first is None])
            for line, first, pk in duplicates:
                self.on_duplicate(line, lines[pk] if first is None else first)
        if unchanged:
            unchanged_pks.add(unchanged)

        self._insert(table, new)
        self._update(table, changed)
        changes = [
            self._change(table, row.pk, ChangeAction.CHANGED, row.line, old) for row, old in changed
        ]
        if not table.provenance:
            changes += [
                self._change(table, row.pk, ChangeAction.ADDED, row.line, None) for row in new
            ]
        self._record(changes)
        for row in new:
            self._preview(table, row, ChangeAction.ADDED, None)
        for row, old in changed:
            self._preview(table, row, ChangeAction.CHANGED, old)
        for row in written:
            self._mark(row.line, row.status, primary)
        return written

    def _existing(self, table: Table, keys: list[tuple]) -> dict[tuple, dict[str, Any]]:
        found: dict[tuple, dict[str, Any]] = {}
        attnames = concrete_attnames(table.model)
        manager = table.model._default_manager
        for start in range(0, len(keys), LOOKUP_BATCH):
            part = keys[start : start + LOOKUP_BATCH]
            if len(table.key) == 1:
                qs = manager.filter(**{f"{table.key[0]}__in": [k[0] for k in part]})
            else:
                where, params = self.sql(table).key_where(table.key, part)
                qs = manager.extra(where=where, params=params)
            for rec in qs.values(*attnames):
                found[tuple(rec[k] for k in table.key)] = rec
        return found

    def _insert(self, table: Table, rows: list[Staged]) -> None:
        if not rows:
            return
        model = table.model
        if not table.provenance:  # small tables whose new primary keys are needed
            objs = [model(**row.values) for row in rows]
            model._default_manager.bulk_create(objs, batch_size=WRITE_BATCH)
            for row, obj in zip(rows, objs, strict=True):
                row.pk = obj.pk
            return
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        fill: dict[str, Any] = {}
        for f in fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                fill[f.attname] = _auto_now(f)
            elif f.has_default():
                fill[f.attname] = f.get_default()
            else:
                fill[f.attname] = None
        batch_id = self.batch.pk

        def values(row: Staged) -> list[Any]:
            given = row.values
            out = []
            for f in fields:
                name = f.attname
                if name == "import_batch_id":
                    out.append(batch_id)
                elif name == "source_row":
                    out.append(row.line)
                elif name in given:
                    out.append(given[name])
                else:
                    out.append(fill[name])
            return out

        self.sql(table).insert(fields, (values(row) for row in rows))

    def _update(self, table: Table, rows: list[tuple[Staged, dict[str, Any]]]) -> None:
        if not rows:
            return
        model = table.model
        names = list(table.fields)
        if table.provenance:
            names += ["import_batch_id", "source_row"]
        fields = [model._meta.get_field(n) for n in names]
        stamp = [
            f
            for f in model._meta.concrete_fields
            if getattr(f, "auto_now", False) and f.attname not in names
        ]
        now = [_auto_now(f) for f in stamp]
        batch_id = self.batch.pk

        def values(row: Staged) -> list[Any]:
            out = [row.values[n] for n in table.fields]
            if table.provenance:
                out += [batch_id, row.line]
            return out + now

        self.sql(table).update(fields + stamp, ((row.pk, values(row)) for row, _ in rows))

    def _change(
        self, table: Table, pk: Any, action: str, line: int | None, old: dict[str, Any] | None
    ) -> list[Any]:
        before = None if old is None else {name: jsonable(value) for name, value in old.items()}
        before_batch = (
            old.get("import_batch_id") if (old is not None and table.provenance) else None
        )
        if before_batch:
            self.touched_batches.add(before_batch)
        return [self.batch.pk, table.label, pk, action, line, before, before_batch]

    def _record(self, changes: list[list[Any]]) -> None:
        if not changes:
            return
        sql = self._sql.get("_changes") or _Sql(ImportChange)
        self._sql["_changes"] = sql
        names = ["batch_id", "model", "object_pk", "action", "line", "before", "before_batch_id"]
        sql.insert([ImportChange._meta.get_field(n) for n in names], changes)

    def _mark(self, line: int, status: str | None, primary: bool) -> None:
        if status is None:
            return
        if not primary:
            # A secondary table's new row changes the line's main row, unless
            # the line has no main row of its own (then it is an addition).
            if status == ChangeAction.UNCHANGED:
                return
            if line in self.line_status:
                status = ChangeAction.CHANGED
        if _RANK[status] > _RANK[self.line_status.get(line)]:
            self.line_status[line] = status

    # --- removal -----------------------------------------------------------

    def remove(self, table: Table, q: Q) -> int:
        """Delete the rows matching `q` that the file did not contain (neither
        written by this batch nor left unchanged), keeping their values. One
        query per alternative of `q` (`_alternatives`), each alternative's
        rows deleted before the next is read (so overlaps count once)."""
        if not table.provenance:
            raise ValueError("only provenance tables support replacement")
        model = table.model
        manager = model._default_manager
        unchanged = self.unchanged(table)
        integer_pk = model._meta.pk.get_internal_type() in _INTEGER_PKS
        removed = 0
        for alternative in _alternatives(q):
            candidates = (
                manager.filter(alternative)
                .exclude(import_batch_id=self.batch.pk)
                .values_list("pk", flat=True)
            )
            gone: Any = array("q") if integer_pk else []
            for pk in candidates.iterator(chunk_size=5000):
                if pk not in unchanged:
                    gone.append(pk)
            for start in range(0, len(gone), WRITE_BATCH):
                self._delete(table, list(gone[start : start + WRITE_BATCH]))
            removed += len(gone)
        self.removed += removed
        return removed

    def _delete(self, table: Table, pks: list[Any]) -> None:
        model = table.model
        manager = model._default_manager
        recs = list(manager.filter(pk__in=pks).values(*concrete_attnames(model)))
        self._record(
            [
                self._change(table, rec[model._meta.pk.attname], ChangeAction.REMOVED, None, rec)
                for rec in recs
            ]
        )
        for rec in recs:
            if len(self.preview) < self.preview_limit:
                self.preview.append(
                    PreviewRow(
                        None,
                        ChangeAction.REMOVED,
                        str(model._meta.verbose_name),
                        self.spec.describe(table, rec),
                        self._removed_values(table, rec),
                    )
                )
        manager.filter(pk__in=pks).delete()

    # --- preview -----------------------------------------------------------

    def _preview(self, table: Table, row: Staged, action: str, old: dict[str, Any] | None) -> None:
        if len(self.preview) >= self.preview_limit:
            return
        changes = []
        for name in table.shown or table.fields:
            new_value = row.values.get(name)
            old_value = None if old is None else old.get(name)
            if old is None or old_value != new_value:
                changes.append(
                    (
                        _verbose(table.model, name),
                        "" if old is None else self.spec.display_value(table, name, old_value),
                        self.spec.display_value(table, name, new_value),
                    )
                )
        self.preview.append(
            PreviewRow(
                row.line,
                action,
                str(table.model._meta.verbose_name),
                self.spec.describe(table, row.values),
                changes,
            )
        )

    def _removed_values(self, table: Table, rec: dict[str, Any]) -> list[tuple[str, str, str]]:
        return [
            (_verbose(table.model, n), self.spec.display_value(table, n, rec.get(n)), "")
            for n in table.shown or table.fields
        ]


def _verbose(model: type[Model], attname: str) -> str:
    return field_label(model._meta.get_field(attname))
