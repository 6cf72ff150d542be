"""Import services: the only entry points the web, the CLI and the demo use.

* `import_file(kind=, file=, file_name=, actor=, dry_run=False, sheet=None)`
  stores the upload under ``MEDIA_ROOT/imports/<sha256><ext>`` and runs the
  engine; returns an `ImportOutcome` (rejected files are an outcome with
  errors, not an exception).
* `import_stored(...)` applies a file stored by an earlier dry run (the
  web's "取り込む" button), `import_path(...)` a file on disk (the demo).
* `rollback_batch(actor=, batch_id=)` undoes an applied batch exactly.

Who may import (docs/imports.md "Roles"): the secretariat and bank staff
(Perm.IMPORT_ALL) every kind; a branch committee (Perm.IMPORT_FILES only)
the kinds whose spec is `branch_scoped`, for members of its own branch;
`actor=None` is the system (demo, scripts) with every right.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone

from suishin.accounts.scoping import Perm, has_perm
from suishin.core import audit
from suishin.core.errors import DomainError
from suishin.imports import registry
from suishin.imports.engine import ImportOutcome, Progress, run_import
from suishin.imports.models import BatchStatus, ChangeAction, ImportBatch, ImportChange
from suishin.imports.readers import FileRejected, check_size, human_size, limits
from suishin.imports.spec import ImportContext, ImportSpec, RowError, Table

COPY_CHUNK = 1 << 20
KEPT_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")
_SHA_RE = re.compile(r"^[0-9a-f]{64}$")


class ImportRejected(DomainError):
    """Raised by `import_path(check=True)` when the file is not valid."""

    def __init__(self, outcome: ImportOutcome):
        first = "\n".join(outcome.error_lines(5))
        super().__init__(
            f"{outcome.file_name}: {outcome.status_line()}\n{first}", code="import_rejected"
        )
        self.outcome = outcome


@dataclass(frozen=True)
class StoredFile:
    path: Path
    relative: str  # under MEDIA_ROOT
    sha256: str
    size: int


# --- permissions -----------------------------------------------------------


def may_import(actor: Any, spec_cls: type[ImportSpec]) -> bool:
    if actor is None:
        return True
    if has_perm(actor, Perm.IMPORT_ALL):
        return True
    return (
        spec_cls.branch_scoped
        and has_perm(actor, Perm.IMPORT_FILES)
        and getattr(actor, "branch_id", None) is not None
    )


def allowed_specs(actor: Any) -> list[type[ImportSpec]]:
    return [s for s in registry.all_specs() if may_import(actor, s)]


def _context(*, kind: str, actor: Any, dry_run: bool) -> tuple[type[ImportSpec], ImportContext]:
    spec_cls = registry.get(kind)
    if not may_import(actor, spec_cls):
        raise PermissionDenied(f"{spec_cls.label}のファイルを取り込む権限がありません。")
    branch = None
    if actor is not None and not has_perm(actor, Perm.IMPORT_ALL):
        branch = actor.branch
    return spec_cls, ImportContext(kind=kind, actor=actor, branch=branch, dry_run=dry_run)


# --- storage -----------------------------------------------------------------


def import_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _suffix(file_name: str) -> str:
    suffix = Path(file_name).suffix.lower()
    return suffix if suffix in KEPT_SUFFIXES else ""


def store_file(file: IO[bytes], *, file_name: str) -> StoredFile:
    """Copy a binary stream to the import store, hashing it on the way.

    Files are content-addressed (the same bytes are stored once). A stream
    longer than SUISHIN_MAX_UPLOAD_BYTES is refused as soon as it passes the
    limit, so an oversized upload never fills the disk."""
    limit = limits()["max_upload"]
    directory = import_dir()
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := file.read(COPY_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise FileRejected(f"ファイルが大きすぎます（上限 {human_size(limit)}）。")
                digest.update(chunk)
                out.write(chunk)
        sha = digest.hexdigest()
        relative = f"imports/{sha}{_suffix(file_name)}"
        final = Path(settings.MEDIA_ROOT) / relative
        if final.exists():
            os.unlink(tmp_name)
        else:
            os.replace(tmp_name, final)
    except BaseException:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise
    return StoredFile(path=final, relative=relative, sha256=sha, size=size)


def stored_path(sha256: str, file_name: str) -> Path:
    """The stored file of a dry run; DomainError if it is gone."""
    if not _SHA_RE.match(sha256 or ""):
        raise DomainError("ファイルの指定が正しくありません。もう一度アップロードしてください。")
    path = Path(settings.MEDIA_ROOT) / "imports" / f"{sha256}{_suffix(file_name)}"
    if not path.exists():
        raise DomainError("確認したファイルが見つかりません。もう一度アップロードしてください。")
    return path


def batch_file_path(batch: ImportBatch) -> Path | None:
    if not batch.stored_file:
        return None
    path = Path(settings.MEDIA_ROOT) / batch.stored_file
    return path if path.exists() else None


# --- importing ---------------------------------------------------------------


def _rejected(kind: str, file_name: str, message: str, *, dry_run: bool) -> ImportOutcome:
    spec_cls = registry.get(kind)
    outcome = ImportOutcome(kind=kind, label=spec_cls.label, file_name=file_name, dry_run=dry_run)
    outcome.errors.append(RowError(0, "", "", message))
    outcome.error_count = 1
    return outcome


def import_file(
    *,
    kind: str,
    file: IO[bytes],
    file_name: str,
    actor: Any,
    dry_run: bool = False,
    sheet: str | None = None,
    size: int | None = None,
) -> ImportOutcome:
    """Store the stream and import it. `size`, when known (an upload), is
    checked against the limit before a byte is copied."""
    spec_cls, context = _context(kind=kind, actor=actor, dry_run=dry_run)
    file_name = Path(file_name or "upload").name
    try:
        if size is not None:
            check_size(size)
        stored = store_file(file, file_name=file_name)
    except FileRejected as exc:
        return _rejected(kind, file_name, exc.message, dry_run=dry_run)
    return run_import(
        spec_cls=spec_cls,
        path=stored.path,
        context=context,
        file_name=file_name,
        sha256=stored.sha256,
        size=stored.size,
        stored_file=stored.relative,
        sheet=sheet or None,
    )


def import_stored(
    *,
    kind: str,
    sha256: str,
    file_name: str,
    actor: Any,
    dry_run: bool = False,
    sheet: str | None = None,
    progress: Progress | None = None,
) -> ImportOutcome:
    """Import a file kept by an earlier `import_file` (preview → apply), or
    by `imports.jobs` (a background job). `progress(done, total, message)`
    hears how far the engine has got (suishin.imports.engine.Progress)."""
    spec_cls, context = _context(kind=kind, actor=actor, dry_run=dry_run)
    path = stored_path(sha256, file_name)
    return run_import(
        spec_cls=spec_cls,
        path=path,
        context=context,
        file_name=file_name,
        sha256=sha256,
        size=path.stat().st_size,
        stored_file=str(path.relative_to(settings.MEDIA_ROOT)),
        sheet=sheet or None,
        progress=progress,
    )


def import_path(
    *,
    kind: str,
    path: Path,
    actor: Any = None,
    dry_run: bool = False,
    sheet: str | None = None,
    check: bool = True,
) -> ImportOutcome:
    """Import a file on disk (the demo loader, scripts). With `check` a
    rejected file raises `ImportRejected` (a DomainError) instead of
    returning quietly."""
    path = Path(path)
    if not path.is_file():
        raise DomainError(f"ファイル「{path}」がありません。")
    with open(path, "rb") as f:
        outcome = import_file(
            kind=kind,
            file=f,
            file_name=path.name,
            actor=actor,
            dry_run=dry_run,
            sheet=sheet,
            size=path.stat().st_size,
        )
    if check and not outcome.ok:
        raise ImportRejected(outcome)
    return outcome


# --- rollback ----------------------------------------------------------------


def rollback_batch(*, actor: Any, batch_id: int) -> ImportBatch:
    """Undo an applied batch: rows it added are deleted, rows it changed or
    removed get back their exact earlier values (with their earlier
    provenance). Refused when a later applied batch has built on it
    (roll that one back first) or when an added row is now referenced."""
    if actor is not None and not has_perm(actor, Perm.IMPORT_ALL):
        raise PermissionDenied("取込を取り消す権限がありません。")
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None:
            raise DomainError("取込履歴が見つかりません。")
        if batch.status != BatchStatus.APPLIED:
            raise DomainError(
                f"取込番号 #{batch.pk} は{batch.get_status_display()}のため、取り消せません。"
            )
        spec_cls = registry.get(batch.kind)
        blocker = _later_batch_on_top(batch, spec_cls.tables)
        if blocker is not None:
            raise DomainError(
                f"取込番号 #{batch.pk} の行は、その後の取込番号 #{blocker} で変更されています。"
                f"先に取込番号 #{blocker} を取り消してください。"
            )
        try:
            with transaction.atomic():
                counts = _restore(batch, spec_cls.tables)
        except (ProtectedError, RestrictedError) as exc:
            used = (
                exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
            )
            objs = "、".join(str(o) for o in list(used)[:3])
            raise DomainError(
                f"取込番号 #{batch.pk} で追加したデータが、ほかのデータから使われているため取り消せません（{objs}）。"
            ) from None
        except IntegrityError:
            raise DomainError(
                f"取込番号 #{batch.pk} の取消で元に戻す行が、現在のデータと重なるため取り消せません。"
            ) from None
        revived = sorted(
            set(
                ImportChange.objects.filter(batch=batch, before_batch__isnull=False).values_list(
                    "before_batch_id", flat=True
                )
            )
        )
        ImportBatch.objects.filter(pk__in=revived, status=BatchStatus.SUPERSEDED).update(
            status=BatchStatus.APPLIED
        )
        batch.status = BatchStatus.ROLLED_BACK
        batch.rolled_back_at = timezone.now()
        batch.rolled_back_by = actor if getattr(actor, "is_authenticated", False) else None
        batch.save(update_fields=["status", "rolled_back_at", "rolled_back_by"])
        audit.record(
            actor=actor,
            action="import_rollback",
            obj=batch,
            before={"status": BatchStatus.APPLIED},
            after={"status": BatchStatus.ROLLED_BACK, **counts, "restored_batches": revived},
            note=f"{spec_cls.label}の取込 #{batch.pk} を取消",
        )
    return batch


def _later_batch_on_top(batch: ImportBatch, tables: list[Table] | tuple[Table, ...]) -> int | None:
    """The first later applied batch that changed, removed or restated
    (contained unchanged) rows this batch wrote."""
    later = ImportChange.objects.filter(batch_id__gt=batch.pk, batch__status=BatchStatus.APPLIED)
    hits = [
        later.filter(before_batch=batch)
        .order_by("batch_id")
        .values_list("batch_id", flat=True)
        .first(),
        batch.confirmed_by.filter(status=BatchStatus.APPLIED, pk__gt=batch.pk)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first(),
    ]
    for table in tables:
        mine = ImportChange.objects.filter(batch=batch, model=table.label).values("object_pk")
        hits.append(
            later.filter(model=table.label, object_pk__in=mine)
            .order_by("batch_id")
            .values_list("batch_id", flat=True)
            .first()
        )
    found = [h for h in hits if h is not None]
    return min(found) if found else None


def _restore(batch: ImportBatch, tables: list[Table] | tuple[Table, ...]) -> dict[str, int]:
    """Changed rows get their earlier values back first (those only refer to
    rows older than the batch), then the rows the batch added are deleted
    (self-references cleared first), then removed rows are re-inserted with
    their original primary keys. Set-based: one statement per 2,000 rows."""
    from suishin.imports.writer import _Sql

    counts = {"restored": 0, "deleted": 0, "reinserted": 0}
    reinsert: list[tuple[_Sql, list[Any], list[list[Any]]]] = []
    for table in tables:
        model = table.model
        sql = _Sql(model)
        fields = list(model._meta.concrete_fields)
        others = [f for f in fields if not f.primary_key]
        changes = (
            ImportChange.objects.filter(batch=batch, model=table.label)
            .exclude(action=ChangeAction.ADDED)
            .values_list("action", "object_pk", "before")
        )
        updated, removed = [], []
        for action, pk, before in changes.iterator(chunk_size=2000):
            if action == ChangeAction.REMOVED:
                removed.append([f.to_python(before.get(f.attname)) for f in fields])
            else:
                updated.append((pk, [f.to_python(before.get(f.attname)) for f in others]))
        sql.update(others, updated)
        counts["restored"] += len(updated)
        reinsert.append((sql, fields, removed))
    for table in reversed(tables):
        model = table.model
        changes = ImportChange.objects.filter(batch=batch, model=table.label)
        if table.provenance:
            added = model._default_manager.filter(import_batch=batch).exclude(
                pk__in=changes.values("object_pk")
            )
        else:
            added = model._default_manager.filter(
                pk__in=changes.filter(action=ChangeAction.ADDED).values("object_pk")
            )
        for f in model._meta.concrete_fields:
            if f.is_relation and f.related_model is model and f.null:
                added.update(**{f.name: None})
        counts["deleted"] += added.delete()[0]
    for sql, fields, rows in reinsert:
        sql.insert(fields, rows)
        counts["reinserted"] += len(rows)
    return counts
