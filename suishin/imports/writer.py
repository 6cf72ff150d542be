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
  bitmap over primary keys) to tell them apart from rows the file no longer
  contains (`remove`) and to find duplicates, and records which earlier
  batches they came from (`confirmed`).

In-file duplicates: within a chunk by a dict; across chunks, for provenance
tables, by finding the key already stamped with this batch (its
``source_row`` is the first line) or remembered as unchanged; for other
tables by a dict of every key seen (such tables are small master data).
"""

from __future__ import annotations

import datetime as dt
import decimal
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
    """Primary keys of rows the file left unchanged, with their lines.

    Integer keys live in a bitmap (a million rows cost a few hundred KB) and
    in two parallel arrays used only to name the first line of a duplicate."""

    def __init__(self) -> None:
        self.bits = bytearray()
        self.pks = array("q")
        self.lines = array("l")
        self.other: dict[Any, int] = {}

    def add(self, pk: Any, line: int) -> None:
        if not isinstance(pk, int):
            self.other[pk] = line
            return
        index = pk >> 3
        if index >= len(self.bits):
            self.bits.extend(bytes(max(index + 1 - len(self.bits), len(self.bits))))
        self.bits[index] |= 1 << (pk & 7)
        self.pks.append(pk)
        self.lines.append(line)

    def __contains__(self, pk: Any) -> bool:
        if not isinstance(pk, int):
            return pk in self.other
        index = pk >> 3
        return index < len(self.bits) and bool(self.bits[index] >> (pk & 7) & 1)

    def line_of(self, pk: Any) -> int:
        if not isinstance(pk, int):
            return self.other[pk]
        return self.lines[self.pks.index(pk)]


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

    # --- upsert ----------------------------------------------------------

    def upsert(self, table: Table, rows: Iterable[Staged], *, primary: bool = True) -> list[Staged]:
        """Write `rows` to `table`; returns the rows accepted (duplicates are
        reported through `on_duplicate` and left out), each with `status`."""
        model = table.model
        pk_name = model._meta.pk.attname
        seen_keys = self._seen_keys.setdefault(table.label, {}) if not table.provenance else {}
        unchanged_pks = self._unchanged.setdefault(table.label, _Seen())
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
        for row in unique:
            old = existing.get(tuple(row.values[k] for k in table.key))
            if old is None:
                row.status = ChangeAction.ADDED
                new.append(row)
            elif table.provenance and old["import_batch_id"] == self.batch.pk:
                self.on_duplicate(row.line, old["source_row"])
                continue
            elif table.provenance and old[pk_name] in unchanged_pks:
                self.on_duplicate(row.line, unchanged_pks.line_of(old[pk_name]))
                continue
            elif all(old[f] == row.values[f] for f in table.fields):
                row.pk, row.status = old[pk_name], ChangeAction.UNCHANGED
                if table.provenance:
                    unchanged_pks.add(row.pk, row.line)
                    if old["import_batch_id"]:
                        self.confirmed.add(old["import_batch_id"])
            else:
                row.pk, row.status = old[pk_name], ChangeAction.CHANGED
                changed.append((row, old))
            written.append(row)

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
        written by this batch nor left unchanged), keeping their values."""
        if not table.provenance:
            raise ValueError("only provenance tables support replacement")
        model = table.model
        manager = model._default_manager
        unchanged = self._unchanged.get(table.label, _Seen())
        candidates = (
            manager.filter(q).exclude(import_batch_id=self.batch.pk).values_list("pk", flat=True)
        )
        gone = [pk for pk in candidates.iterator(chunk_size=5000) if pk not in unchanged]
        attnames = concrete_attnames(model)
        for start in range(0, len(gone), WRITE_BATCH):
            part = gone[start : start + WRITE_BATCH]
            recs = list(manager.filter(pk__in=part).values(*attnames))
            self._record(
                [
                    self._change(
                        table, rec[model._meta.pk.attname], ChangeAction.REMOVED, None, rec
                    )
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
            manager.filter(pk__in=part).delete()
        self.removed += len(gone)
        return len(gone)

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
