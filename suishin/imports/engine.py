"""The import engine: one file → validated rows → one transaction.

Invariants:

* Nothing is committed unless the whole file is valid. Valid rows are
  written chunk by chunk inside one transaction as the file streams by
  (so memory stays bounded and in-file duplicates across chunks are found
  in the database, or among the rows remembered as unchanged); any problem, a dry run, or a file that changes nothing
  rolls the whole transaction back, batch record included.
* Every problem is a `RowError` with the file's row number and column as the
  file names it; the first `max_errors()` are kept, all are counted.
* One audit entry per applied batch, with its counts (bulk writes bypass
  signals).
"""

from __future__ import annotations

import re
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from suishin.core import audit
from suishin.imports import readers
from suishin.imports.models import BatchStatus, ChangeAction, ImportBatch
from suishin.imports.parsers import ParseError, display, is_blank, nfkc
from suishin.imports.readers import FileRejected
from suishin.imports.spec import Column, ImportContext, ImportSpec, Row, RowError
from suishin.imports.writer import PreviewRow, Staged, Writer


def max_errors() -> int:
    return int(getattr(settings, "SUISHIN_IMPORT_MAX_ERRORS", 1000))


def preview_limit() -> int:
    return int(getattr(settings, "SUISHIN_IMPORT_PREVIEW_ROWS", 500))


@dataclass
class ImportOutcome:
    """What an import (or a dry run) did or would do."""

    kind: str
    label: str
    file_name: str
    sha256: str = ""
    size: int = 0
    dry_run: bool = False
    file_format: str = ""
    sheet: str = ""
    rows_total: int = 0
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    preview: list[PreviewRow] = field(default_factory=list)
    batch: ImportBatch | None = None
    written: bool = False
    previous_batch_id: int | None = None
    duration_ms: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def summary_line(self) -> str:
        """'追加 12行・変更 0行・変更なし 0行' (and '・削除 N行' when rows were removed)."""
        line = f"追加 {self.added:,}行・変更 {self.changed:,}行・変更なし {self.unchanged:,}行"
        return line + (f"・削除 {self.removed:,}行" if self.removed else "")

    def status_line(self) -> str:
        """The one line the CLI prints and the web shows after a run."""
        if not self.ok:
            return (
                f"取り込めません: 問題が {self.error_count:,}件あります（何も書き込んでいません）。"
            )
        if self.dry_run:
            return f"確認のみ（書き込んでいません）: {self.summary_line()}"
        if self.written and self.batch is not None:
            return f"取り込みました: {self.summary_line()}（取込番号 #{self.batch.pk}）"
        same = (
            f"取込番号 #{self.previous_batch_id} と同じ内容です。" if self.previous_batch_id else ""
        )
        return f"変更はありません: {self.summary_line()}（{same}何も書き込んでいません）"

    def error_lines(self, limit: int | None = None) -> list[str]:
        shown = self.errors if limit is None else self.errors[:limit]
        return [str(e) for e in shown]


# progress(done, total, message): how far the file has been read, in the
# reader's units (bytes of a CSV, rows of an XLSX; total 0 = unknown), and the
# phase in Japanese. Called every PROGRESS_EVERY rows; the callee throttles.
Progress = Callable[[int, int, str], None]
PROGRESS_EVERY = 500


def header_key(value: Any) -> str:
    """How headers are compared: NFKC, no spaces, case-folded."""
    return re.sub(r"\s+", "", nfkc(display(value))).casefold()


class _Run:
    def __init__(
        self,
        spec_cls: type[ImportSpec],
        context: ImportContext,
        outcome: ImportOutcome,
        progress: Progress | None = None,
    ):
        self.spec_cls = spec_cls
        self.progress = progress
        self.context = context
        self.outcome = outcome
        self.limit = max_errors()
        self.header_names: dict[str, str] = {}  # column key → header as written in the file
        self.mapping: list[tuple[int, Column]] = []
        self.unnamed: list[int] = []
        self.header_len = 0
        self.chunk_errors: set[int] = set()

    # --- errors ----------------------------------------------------------

    def add_error(self, error: RowError) -> None:
        self.outcome.error_count += 1
        if len(self.outcome.errors) < self.limit:
            self.outcome.errors.append(error)

    def row_error(self, line: int, column: str | None, value: Any, message: str) -> None:
        self.chunk_errors.add(line)
        label = ""
        if column:
            label = self.header_names.get(column) or self._column_header(column) or column
        self.add_error(RowError(line, label, display(value), message))

    def _column_header(self, key: str) -> str | None:
        try:
            return self.spec_cls.column(key).header
        except KeyError:
            return None

    def duplicate(self, line: int, first: int) -> None:
        keys = self.spec_cls.key_columns or [c.key for c in self.spec_cls.columns if c.required]
        names = "・".join(self.header_names.get(k) or self._column_header(k) or k for k in keys)
        self.chunk_errors.add(line)
        self.add_error(
            RowError(line, names, "", f"{names}の組合せが 行 {first} と重複しています。")
        )

    # --- header ----------------------------------------------------------

    def map_header(self, header: list[Any]) -> None:
        by_name: dict[str, Column] = {}
        for col in self.spec_cls.columns:
            for name in col.names():
                by_name[header_key(name)] = col
        allowed = "、".join(c.header for c in self.spec_cls.columns)
        self.header_len = len(header)
        for index, cell in enumerate(header):
            if is_blank(cell):
                self.unnamed.append(index)
                continue
            shown = display(cell)
            col = by_name.get(header_key(cell))
            if col is None:
                self.add_error(
                    RowError(
                        1,
                        shown,
                        shown,
                        f"列「{shown}」はこの取込では使えません（使える列: {allowed}）。",
                    )
                )
            elif col.key in self.header_names:
                first = self.header_names[col.key]
                self.add_error(
                    RowError(
                        1,
                        shown,
                        shown,
                        f"列「{col.header}」が2回あります（「{first}」と「{shown}」）。",
                    )
                )
            else:
                self.header_names[col.key] = shown
                self.mapping.append((index, col))
        for col in self.spec_cls.columns:
            if col.required and col.key not in self.header_names:
                self.add_error(
                    RowError(
                        1, col.header, "", f"必須の列「{col.header}」（{col.alias}）がありません。"
                    )
                )

    # --- rows --------------------------------------------------------------

    def parse_row(self, line: int, cells: list[Any]) -> Row | None:
        if all(is_blank(c) for c in cells):
            return None
        values: dict[str, Any] = {c.key: None for c in self.spec_cls.columns}
        raw: dict[str, Any] = {}
        row = Row(line, values, raw, self)
        for index, col in self.mapping:
            cell = cells[index] if index < len(cells) else None
            raw[col.key] = cell
            if is_blank(cell):
                if col.required:
                    row.error(col.key, f"{col.header}を入力してください。")
                continue
            try:
                values[col.key] = col.parser(cell)
            except ParseError as exc:
                row.error(col.key, exc.message)
        extra = [i for i in self.unnamed if i < len(cells)] + list(
            range(self.header_len, len(cells))
        )
        for index in extra:
            if not is_blank(cells[index]):
                row.has_errors = True
                self.chunk_errors.add(line)
                self.add_error(
                    RowError(
                        line,
                        f"{index + 1}列目",
                        display(cells[index]),
                        "見出しのない列に値があります。",
                    )
                )
        return row

    def chunks(
        self, rows: Iterable[tuple[int, list[Any]]]
    ) -> Iterator[list[tuple[int, list[Any]]]]:
        size = self.spec_cls.chunk_size
        chunk: list[tuple[int, list[Any]]] = []
        for item in rows:
            chunk.append(item)
            if size is None and len(chunk) > self.spec_cls.WHOLE_FILE_MAX_ROWS:
                raise FileRejected(
                    f"行数が多すぎます（{self.spec_cls.label}の取込は {self.spec_cls.WHOLE_FILE_MAX_ROWS:,}行まで）。"
                )
            if size is not None and len(chunk) >= size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def process(self, source: readers.RowSource, batch: ImportBatch) -> tuple[ImportSpec, Writer]:
        spec = self.spec_cls(self.context)
        spec._report = self.row_error
        spec.prepare()
        writer = Writer(
            batch=batch, spec=spec, on_duplicate=self.duplicate, preview_limit=preview_limit()
        )
        outcome = self.outcome
        verb = "検証中" if self.context.dry_run else "検証・反映中"
        for chunk in self.chunks(source.rows):
            self.chunk_errors = set()
            staged: list[Staged] = []
            for line, cells in chunk:
                row = self.parse_row(line, cells)
                if row is None:
                    continue
                outcome.rows_total += 1
                if self.progress is not None and outcome.rows_total % PROGRESS_EVERY == 0:
                    self.report(source, f"{verb}（{outcome.rows_total:,}行）")
                if row.has_errors:
                    continue
                values = spec.clean(row)
                if values is not None and not row.has_errors:
                    staged.append(Staged(line, values))
            if staged:
                spec.apply(staged, writer)
            for item in staged:
                if item.line in self.chunk_errors:
                    continue
                status = writer.line_status.get(item.line, ChangeAction.UNCHANGED)
                if status == ChangeAction.ADDED:
                    outcome.added += 1
                elif status == ChangeAction.CHANGED:
                    outcome.changed += 1
                else:
                    outcome.unchanged += 1
            writer.line_status.clear()
            if self.progress is not None:
                self.report(source, f"{verb}（{outcome.rows_total:,}行）")
        if outcome.error_count == 0:
            self.report(source, "反映中（ファイルにない行を確認しています）")
            for table, q in spec.replaced():
                writer.remove(table, q)
            outcome.removed = writer.removed
        writer.close()
        outcome.preview = writer.preview
        return spec, writer

    def report(self, source: readers.RowSource, message: str) -> None:
        if self.progress is None:
            return
        done, total = source.position() if source.position else (0, 0)
        self.progress(done, total, message)


def run_import(
    *,
    spec_cls: type[ImportSpec],
    path: Path,
    context: ImportContext,
    file_name: str,
    sha256: str,
    size: int,
    stored_file: str = "",
    sheet: str | None = None,
    progress: Progress | None = None,
) -> ImportOutcome:
    """Import one file (see the module's invariants). `progress`, when given,
    hears how far the file has been read and in which phase."""
    started = time.monotonic()
    outcome = ImportOutcome(
        kind=spec_cls.kind,
        label=spec_cls.label,
        file_name=file_name,
        sha256=sha256,
        size=size,
        dry_run=context.dry_run,
    )
    run = _Run(spec_cls, context, outcome, progress)
    if progress is not None:
        progress(0, size, "読込中（ファイルを確認しています）")
    try:
        source = readers.open_table(path, sheet=sheet)
    except FileRejected as exc:
        run.add_error(RowError(exc.line or 0, "", "", exc.message))
        return outcome
    outcome.file_format = source.format_label
    outcome.sheet = source.sheet
    with source:
        run.map_header(source.header)
        if outcome.error_count:
            return outcome
        try:
            with transaction.atomic():
                _serialise(spec_cls.kind)
                batch = ImportBatch.objects.create(
                    kind=spec_cls.kind,
                    file_name=file_name[:255],
                    sha256=sha256,
                    size=size,
                    uploaded_by=context.actor
                    if getattr(context.actor, "is_authenticated", False)
                    else None,
                    scope_key=context.scope_key,
                    branch=context.branch,
                    stored_file=stored_file,
                    file_format=source.format_label[:40],
                    sheet=source.sheet[:100],
                )
                context.batch = batch
                spec, writer = run.process(source, batch)
                if outcome.ok and outcome.rows_total == 0:
                    run.add_error(
                        RowError(0, "", "", "データ行がありません（見出し行だけのファイルです）。")
                    )
                outcome.previous_batch_id = (
                    ImportBatch.objects.filter(
                        kind=spec_cls.kind, sha256=sha256, status=BatchStatus.APPLIED
                    )
                    .exclude(pk=batch.pk)
                    .values_list("pk", flat=True)
                    .first()
                )
                if outcome.ok and outcome.has_changes and not context.dry_run:
                    run.report(source, "反映中（取込履歴と監査記録を書き込んでいます）")
                    _finish(batch, spec, writer, outcome, context, started)
                else:
                    transaction.set_rollback(True)
        except FileRejected as exc:
            run.add_error(RowError(exc.line or 0, "", "", exc.message))
    context.batch = None
    outcome.errors.sort(key=lambda e: e.line)  # stable: columns stay in file order
    outcome.preview.sort(key=lambda r: (r.line is None, r.line or 0))
    if not outcome.written:
        outcome.batch = None
    outcome.duration_ms = int((time.monotonic() - started) * 1000)
    return outcome


def _finish(
    batch: ImportBatch,
    spec: ImportSpec,
    writer: Writer,
    outcome: ImportOutcome,
    context: ImportContext,
    started: float,
) -> None:
    superseded = []
    for batch_id in sorted(writer.touched_batches - {batch.pk}):
        still_used = any(
            t.model._default_manager.filter(import_batch_id=batch_id).exists()
            for t in spec.tables
            if t.provenance
        )
        if not still_used:
            superseded.append(batch_id)
    if superseded:
        ImportBatch.objects.filter(pk__in=superseded, status=BatchStatus.APPLIED).update(
            status=BatchStatus.SUPERSEDED
        )
    for name, value in spec.batch_fields().items():
        setattr(batch, name, value)
    batch.rows_total = outcome.rows_total
    batch.rows_added = outcome.added
    batch.rows_changed = outcome.changed
    batch.rows_unchanged = outcome.unchanged
    batch.rows_removed = outcome.removed
    earlier = (writer.touched_batches | writer.confirmed) - {batch.pk}
    batch.replaces_id = superseded[-1] if superseded else (max(earlier) if earlier else None)
    batch.summary = {
        "format": outcome.file_format,
        "superseded": superseded,
        "confirms": sorted(writer.confirmed - {batch.pk}),
        "seconds": round(time.monotonic() - started, 3),
    }
    batch.save()
    if writer.confirmed - {batch.pk}:
        batch.confirms.set(sorted(writer.confirmed - {batch.pk}))
    audit.record(
        actor=context.actor,
        action="import",
        obj=batch,
        after={
            "kind": batch.kind,
            "file_name": batch.file_name,
            "sha256": batch.sha256,
            "rows": outcome.rows_total,
            "added": outcome.added,
            "changed": outcome.changed,
            "unchanged": outcome.unchanged,
            "removed": outcome.removed,
            "superseded": superseded,
        },
        note=f"{spec.label}の取込 {batch.file_name}",
    )
    outcome.batch = batch
    outcome.written = True


_LOCK_NAMESPACE = 0x5355  # "SU": suishin's advisory-lock namespace


def _serialise(kind: str) -> None:
    """Imports of one kind run one at a time.

    Two files for the same scope would otherwise both read "no row yet" and
    collide on insert (or mix). SQLite's IMMEDIATE transactions already queue
    writers; on PostgreSQL a transaction-level advisory lock per kind makes the
    second import wait and then see the first one's committed rows.
    """
    if connection.vendor != "postgresql":
        return
    key = zlib.crc32(kind.encode("utf-8")) & 0x7FFFFFFF
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, key])
