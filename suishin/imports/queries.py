"""Read side of the import history: batches a user may see, their changes,
and the trace from a stored figure back to its file row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from suishin.accounts.scoping import visible
from suishin.imports import registry
from suishin.imports.models import ImportBatch, ImportChange
from suishin.imports.readers import FileRejected, read_row
from suishin.imports.spec import field_label


def history(user: Any, *, kind: str | None = None) -> QuerySet[ImportBatch]:
    """Batches `user` may see (branch committees: their branch's uploads), newest first."""
    qs = visible(user, ImportBatch).select_related("uploaded_by", "branch", "rolled_back_by")
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-id")


def history_rows(batches: QuerySet[ImportBatch]) -> list[list[Any]]:
    """Rows for the history export (HISTORY_HEADERS in views)."""
    from django.utils import timezone

    rows = []
    for b in batches:
        who = (
            (b.uploaded_by.display_name or b.uploaded_by.username) if b.uploaded_by else "システム"
        )
        rows.append(
            [
                b.pk,
                registry.label_for(b.kind),
                b.file_name,
                timezone.localtime(b.created_at).strftime("%Y-%m-%d %H:%M"),
                who,
                b.branch.code if b.branch else "",
                b.get_status_display(),
                b.rows_total,
                b.rows_added,
                b.rows_changed,
                b.rows_unchanged,
                b.rows_removed,
                b.sha256,
            ]
        )
    return rows


def changes(batch: ImportBatch, *, action: str | None = None) -> QuerySet[ImportChange]:
    qs = ImportChange.objects.filter(batch=batch).exclude(action="unchanged")
    if action:
        qs = qs.filter(action=action)
    return qs.order_by("line", "id")


@dataclass
class StoredFigure:
    table: str
    values: list[tuple[str, str]]


@dataclass
class RowTrace:
    """One line of a batch's file and what the system stored from it."""

    line: int
    header: list[str] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)
    file_note: str = ""
    figures: list[StoredFigure] = field(default_factory=list)


def _text(value: Any) -> str:
    from suishin.imports.parsers import display

    return display(value)


def _field_text(obj: Any, f: Any) -> str:
    from suishin.core import jpformat

    if f.choices:
        return str(obj._get_FIELD_display(f))
    value = getattr(obj, f.name)
    if isinstance(value, bool) or value is None:
        return _text(value)
    if isinstance(value, int) and f.name not in ("fiscal_year", "sort_order"):
        return jpformat.number(value)
    if f.name == "month":
        return jpformat.month_ja(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return jpformat.date_plain_ja(value)
    return _text(value)


def figure_visible(user: Any, batch: ImportBatch, line: int) -> bool:
    """A user who may not see the whole batch may still trace a figure of
    theirs to its row: true when a provenance row of that line is visible."""
    spec_cls = registry.get(batch.kind)
    for table in spec_cls.tables:
        if (
            table.provenance
            and visible(user, table.model).filter(import_batch=batch, source_row=line).exists()
        ):
            return True
    return False


def trace_row(batch: ImportBatch, line: int, *, stored_path: Any) -> RowTrace:
    """The source row `line` of the batch's file (read from the stored copy)
    and the rows stored from it that still carry this batch's provenance."""
    trace = RowTrace(line=line)
    if stored_path is None:
        trace.file_note = "元のファイルは保存されていません。"
    else:
        try:
            found = read_row(stored_path, line, sheet=batch.sheet or None)
        except FileRejected as exc:
            found, trace.file_note = None, exc.message
        if found is None and not trace.file_note:
            trace.file_note = f"ファイルに行 {line} はありません。"
        elif found is not None:
            header, cells = found
            width = max(len(header), len(cells))
            trace.header = [_text(h) for h in header] + [""] * (width - len(header))
            trace.cells = [_text(c) for c in cells] + [""] * (width - len(cells))
    spec_cls = registry.get(batch.kind)
    for table in spec_cls.tables:
        if not table.provenance:
            continue
        names = [
            f
            for f in table.model._meta.concrete_fields
            if f.name not in ("id", "import_batch", "source_row")
        ]
        for obj in table.model._default_manager.filter(import_batch=batch, source_row=line):
            values = [(field_label(f), _field_text(obj, f)) for f in names]
            trace.figures.append(StoredFigure(str(table.model._meta.verbose_name), values))
    return trace


# --- batch detail: rows and changes with labels ---------------------------------


@dataclass
class DisplayRow:
    line: int | None
    action: str  # a ChangeAction value, "" for a plain row
    table: str
    label: str
    values: list[tuple[str, str, str]]  # (field, before, after)

    @property
    def action_label(self) -> str:
        from suishin.imports.models import ChangeAction

        return ChangeAction(self.action).label if self.action else ""


def _display_spec(batch: ImportBatch) -> Any:
    from suishin.imports.spec import ImportContext

    spec = registry.get(batch.kind)(ImportContext(kind=batch.kind))
    spec.prepare()
    return spec


def _python_values(model: Any, data: dict[str, Any]) -> dict[str, Any]:
    fields = {f.attname: f for f in model._meta.concrete_fields}
    return {k: fields[k].to_python(v) for k, v in data.items() if k in fields}


def describe_changes(batch: ImportBatch, changes_page: Any) -> list[DisplayRow]:
    """Labels and before → after values for one page of a batch's changes."""
    spec = _display_spec(batch)
    tables = {t.label: t for t in registry.get(batch.kind).tables}
    current: dict[tuple[str, int], dict[str, Any]] = {}
    by_model: dict[str, list[int]] = {}
    for change in changes_page:
        by_model.setdefault(change.model, []).append(change.object_pk)
    for label, pks in by_model.items():
        table = tables.get(label)
        if table is not None:
            for rec in table.model._default_manager.filter(pk__in=pks).values():
                current[(label, rec["id"])] = _python_values(table.model, rec)
    rows = []
    for change in changes_page:
        table = tables.get(change.model)
        if table is None:
            continue
        before = _python_values(table.model, change.before) if change.before else {}
        after = current.get((change.model, change.object_pk), {})
        shown = table.shown or table.fields
        values = [
            (
                field_label(table.model._meta.get_field(n)),
                spec.display_value(table, n, before.get(n)) if before else "",
                spec.display_value(table, n, after.get(n)) if after else "",
            )
            for n in shown
        ]
        label = (
            spec.describe(table, before or after) if (before or after) else f"#{change.object_pk}"
        )
        rows.append(
            DisplayRow(
                change.line, change.action, str(table.model._meta.verbose_name), label, values
            )
        )
    return rows


def batch_rows(batch: ImportBatch) -> tuple[Any, QuerySet | None]:
    """(table, rows that still carry this batch's provenance) of the first
    provenance table of the kind, or (None, None)."""
    for table in registry.get(batch.kind).tables:
        if table.provenance:
            fields = ["id", "source_row", *table.key, *table.fields]
            qs = (
                table.model._default_manager.filter(import_batch=batch)
                .order_by("source_row", "id")
                .values(*fields)
            )
            return table, qs
    return None, None


def describe_rows(batch: ImportBatch, table: Any, page: Any) -> list[DisplayRow]:
    spec = _display_spec(batch)
    shown = table.shown or table.fields
    out = []
    for rec in page:
        values = [
            (
                field_label(table.model._meta.get_field(n)),
                "",
                spec.display_value(table, n, rec.get(n)),
            )
            for n in shown
        ]
        out.append(
            DisplayRow(
                rec["source_row"],
                "",
                str(table.model._meta.verbose_name),
                spec.describe(table, rec),
                values,
            )
        )
    return out


@dataclass
class BatchDetail:
    label: str
    full: bool
    trace: RowTrace | None = None
    changes_page: Any = None
    changes: list[DisplayRow] = field(default_factory=list)
    rows_page: Any = None
    rows: list[DisplayRow] = field(default_factory=list)


def batch_detail(
    batch: ImportBatch,
    *,
    full: bool,
    line: int | None,
    action: str | None,
    page: Any,
    rows_page: Any,
    stored_path: Any,
) -> BatchDetail:
    """Everything the batch page shows; a partial view (`full=False`) only traces `line`."""
    from django.core.paginator import Paginator

    detail = BatchDetail(label=registry.label_for(batch.kind), full=full)
    if line:
        detail.trace = trace_row(batch, line, stored_path=stored_path)
    if not full:
        return detail
    detail.changes_page = Paginator(changes(batch, action=action), 100).get_page(page)
    detail.changes = describe_changes(batch, list(detail.changes_page))
    table, qs = batch_rows(batch)
    if table is not None:
        detail.rows_page = Paginator(qs, 100).get_page(rows_page)
        detail.rows = describe_rows(batch, table, list(detail.rows_page))
    return detail
