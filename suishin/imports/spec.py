"""The spec API: how an app declares an import kind (docs/imports.md "Writing a spec").

A spec is a class registered with ``@register`` in ``suishin/<app>/importers.py``::

    @register
    class BlockSpec(ImportSpec):
        kind = "blocks"
        label = "ブロック"
        columns = (Column("name", "ブロック名", "block", parsers.text(50), required=True),)
        key_columns = ("name",)
        tables = (Table(Block, key=("name",), fields=("sort_order",)),)

        def clean(self, row):
            return {"name": row["name"], "sort_order": row.line - 1}

The engine reads the file, maps headers to `columns`, parses every cell with
the column's parser, calls `prepare()` once (preload lookups: no per-row
queries), `clean(row)` per row (row-level rules; return the values for the
first table, or None after `row.error(...)`), then `apply(rows, writer)` per
chunk (set-based writes through the `Writer`), and finally removes the rows
of `replaced()` that the file no longer contains. One spec instance serves
one run, so it may keep lookups on `self`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from django.db.models import Model, Q

from suishin.core import jpformat
from suishin.imports import parsers
from suishin.imports.parsers import Parser

if TYPE_CHECKING:
    from suishin.imports.models import ImportBatch
    from suishin.imports.writer import Staged, Writer


# Labels for foreign keys that other apps declared without a verbose name.
_FIELD_LABELS = {
    "member": "会員",
    "branch": "店",
    "block": "ブロック",
    "item": "推進項目",
    "parent": "親項目",
}


def field_label(f: Any) -> str:
    """A model field's Japanese label for previews and the history."""
    label = str(f.verbose_name)
    return _FIELD_LABELS.get(f.name, label) if label == f.name.replace("_", " ") else label


@dataclass(frozen=True)
class RowError:
    """One problem; line 0 means the file as a whole, line 1 the header."""

    line: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        if self.line <= 0:
            return f"ファイル: {self.message}"
        if self.column:
            return f"行 {self.line} 列 {self.column}: {self.message}"
        return f"行 {self.line}: {self.message}"


@dataclass(frozen=True)
class Column:
    """A file column: `key` (used in code), the Japanese `header`, the English
    `alias`, more accepted spellings in `aliases`. `required`: the column
    must be present and every row must have a value. `parser` gets non-blank
    cells only; a blank cell is None."""

    key: str
    header: str
    alias: str
    parser: Parser = field(default_factory=parsers.text)
    required: bool = False
    aliases: tuple[str, ...] = ()
    help: str = ""
    example: str = ""

    def names(self) -> list[str]:
        return [self.header, self.alias, *self.aliases]


@dataclass(frozen=True)
class Table:
    """A model a spec writes. `key`: attnames of its natural key (a unique
    constraint; rows of the file are matched on it). `fields`: the attnames
    written and compared (a row whose `fields` are all equal is "unchanged").
    `provenance`: the model has ``import_batch`` (FK to ImportBatch) and
    ``source_row`` columns, set on every row a file adds or changes; such
    tables support replacement (`ImportSpec.replaced`), tracing a figure to
    its file row, and cheap rollback."""

    model: type[Model]
    key: tuple[str, ...]
    fields: tuple[str, ...]
    provenance: bool = False
    shown: tuple[str, ...] = ()  # fields listed in the preview (default: all of `fields`)

    @property
    def label(self) -> str:
        return self.model._meta.label


class Row:
    """One data row: parsed values by column key (None when blank or absent)."""

    __slots__ = ("line", "values", "raw", "_engine", "has_errors")

    def __init__(self, line: int, values: dict[str, Any], raw: dict[str, Any], engine: Any):
        self.line = line
        self.values = values
        self.raw = raw
        self._engine = engine
        self.has_errors = False

    def __getitem__(self, key: str) -> Any:
        return self.values.get(key)

    def get(self, key: str, default: Any = None) -> Any:
        value = self.values.get(key)
        return default if value is None else value

    def error(self, column: str | None, message: str) -> None:
        """Report a problem in this row; `column` is a column key (or None)."""
        self.has_errors = True
        self._engine.row_error(self.line, column, self.raw.get(column) if column else None, message)


@dataclass
class ImportContext:
    """Who imports and within which limits.

    `branch` is set for a branch committee: every row must concern a member
    of that branch, and replacement is limited to that branch's rows.
    `actor` is None for the system (the demo)."""

    kind: str
    actor: Any = None
    branch: Any = None  # organisations.Branch or None
    dry_run: bool = False
    batch: ImportBatch | None = None

    @property
    def scope_key(self) -> str:
        return f"branch:{self.branch.code}" if self.branch is not None else "council"


class ImportSpec:
    do_not_call_in_templates: ClassVar[bool] = True  # templates get the class itself

    kind: ClassVar[str]
    label: ClassVar[str]
    description: ClassVar[str] = ""
    columns: ClassVar[Sequence[Column]]
    key_columns: ClassVar[Sequence[str]] = ()
    tables: ClassVar[Sequence[Table]]
    # True: a branch committee may import this kind (rows of its own members only).
    branch_scoped: ClassVar[bool] = False
    # Rows per apply() call; None = the whole file at once (small master files
    # whose rows refer to each other), limited to WHOLE_FILE_MAX_ROWS rows.
    chunk_size: ClassVar[int | None] = 2000
    # Example rows for the sample file (column key → text).
    sample: ClassVar[Sequence[dict[str, str]]] = ()

    WHOLE_FILE_MAX_ROWS: ClassVar[int] = 100_000

    def __init__(self, context: ImportContext):
        self.context = context
        self._report: Any = None  # set by the engine: (line, column, value, message) -> None

    # --- declaration ---------------------------------------------------

    @classmethod
    def validate_declaration(cls) -> None:
        keys = [c.key for c in cls.columns]
        if len(set(keys)) != len(keys):
            raise RuntimeError(f"{cls.__name__}: duplicate column keys")
        missing = set(cls.key_columns) - set(keys)
        if missing:
            raise RuntimeError(f"{cls.__name__}: key_columns {missing} are not columns")
        if not cls.tables:
            raise RuntimeError(f"{cls.__name__}: no tables")

    @classmethod
    def column(cls, key: str) -> Column:
        for col in cls.columns:
            if col.key == key:
                return col
        raise KeyError(key)

    # --- hooks -----------------------------------------------------------

    def prepare(self) -> None:
        """Load the lookups `clean` needs (one query each, not one per row)."""

    def clean(self, row: Row) -> dict[str, Any] | None:
        """Row-level rules. Return the values (attnames) for `tables[0]`, or
        None after reporting with `row.error(column_key, message)`."""
        raise NotImplementedError

    def apply(self, rows: list[Staged], writer: Writer) -> None:
        """Write one chunk of valid rows; the default upserts `tables[0]`."""
        writer.upsert(self.tables[0], rows)

    def replaced(self) -> list[tuple[Table, Q]]:
        """After the last chunk: (table, filter) pairs whose rows the file
        replaces; rows matching the filter that the file did not contain are
        removed. Provenance tables only. Default: nothing is replaced."""
        return []

    def batch_fields(self) -> dict[str, Any]:
        """Extra ImportBatch fields (e.g. period_first/period_last)."""
        return {}

    def describe(self, table: Table, values: dict[str, Any]) -> str:
        """A short Japanese label of a row for the preview and history."""
        return "・".join(str(values.get(k, "")) for k in table.key)

    def display_value(self, table: Table, attname: str, value: Any) -> str:
        """A stored value as shown in the preview (override for foreign keys)."""
        if value is None:
            return ""
        if isinstance(value, bool):
            return "はい" if value else "いいえ"
        if (
            isinstance(value, int)
            and not attname.endswith("_id")
            and attname not in ("fiscal_year", "sort_order")
        ):
            return jpformat.number(value)
        if isinstance(value, dt.date) and attname == "month":
            return jpformat.month_ja(value)
        if isinstance(value, dt.date):
            return jpformat.date_plain_ja(value)
        return str(value)

    # --- helpers for specs ----------------------------------------------

    def reject(self, line: int, column: str | None, message: str, value: Any = None) -> None:
        """Report a problem found in `apply` (after `clean`), e.g. a cycle
        between rows; the line is then not counted and the file is refused."""
        self._report(line, column, value, message)

    def member_allowed(self, row: Row, member: Any, column: str = "member_code") -> bool:
        """For branch committees: the member must belong to their branch."""
        branch = self.context.branch
        if branch is None or member.branch_id == branch.pk:
            return True
        row.error(
            column,
            f"会員コード「{member.code}」は貴店（店番{branch.code}）の会員ではないため取り込めません。",
        )
        return False
