"""Imports as background jobs (issue #7): the web's "取り込む" step and the API.

* `submit_import(kind=, file=, file_name=, actor=, ...)` stores an uploaded
  stream (size limit as `services.store_file`) and queues its import;
* `submit_stored(kind=, sha256=, file_name=, actor=, ...)` queues the import
  of a file an earlier dry run stored (the web's preview → apply).

Both check the permission first (`services.may_import`, PermissionDenied),
create a `Job` (kind "import"), enqueue `import_task` and return the job
(with the ImmediateBackend it has finished on return). The task runs
`services.import_stored` with a progress reporter, so the engine's
guarantees hold: a rejected file ends the job as "rejected" with nothing
written; an unexpected error ends it as "failed", logged.

Idempotency: the same actor with the same `idempotency_key` gets the job it
already has when the file (sha256) and kind are the same; a different file
under a reused key is refused with a DomainError.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.tasks import task
from django.urls import reverse

from suishin.core import jobs
from suishin.core.errors import DomainError
from suishin.core.models import Job, JobStatus
from suishin.imports import registry, services
from suishin.imports.readers import FileRejected, check_size

JOB_KIND = "import"
RESULT_ERRORS = 100  # errors kept in a job's result; error_count has them all


def _check(kind: str, actor: Any, dry_run: bool):
    spec_cls, _context = services._context(kind=kind, actor=actor, dry_run=dry_run)
    return spec_cls


def _title(spec_cls, file_name: str, dry_run: bool) -> str:
    return f"{spec_cls.label}の{'確認（ドライラン）' if dry_run else '取込'}：{file_name}"


def _submit(
    *,
    spec_cls,
    kind: str,
    stored: services.StoredFile,
    file_name: str,
    actor: Any,
    sheet: str | None,
    key: str,
    dry_run: bool,
) -> Job:
    params = {
        "import_kind": kind,
        "sha256": stored.sha256,
        "file_name": file_name,
        "size": stored.size,
        "sheet": sheet or "",
        "dry_run": bool(dry_run),
        "title": _title(spec_cls, file_name, dry_run),
        "back_url": reverse("imports:upload", args=[kind]),
        "back_label": f"{spec_cls.label}の取込",
    }
    existing = jobs.find_by_key(actor, key)
    if existing is None:
        job, created = jobs.create(
            kind=JOB_KIND,
            actor=actor,
            params=params,
            idempotency_key=key,
            message="待機中です（順番に取り込みます）。",
        )
    else:
        job, created = existing, False
    if not created:
        same = (
            job.kind == JOB_KIND
            and job.params.get("sha256") == stored.sha256
            and job.params.get("import_kind") == kind
            and bool(job.params.get("dry_run")) == bool(dry_run)
        )
        if not same:
            raise DomainError(
                f"冪等キー（idempotency_key）「{key}」は別のファイルまたは別の取込ですでに使われています。"
                "新しい取込には別のキーを指定してください。",
                field="idempotency_key",
                code="idempotency_conflict",
            )
        return job
    return jobs.enqueue(job, import_task)


def submit_import(
    *,
    kind: str,
    file: IO[bytes],
    file_name: str,
    actor: Any,
    sheet: str | None = None,
    idempotency_key: str | None = None,
    dry_run: bool = False,
    size: int | None = None,
) -> Job:
    """Store `file` and queue its import; see the module docstring."""
    spec_cls = _check(kind, actor, dry_run)
    key = jobs.check_key(idempotency_key)
    file_name = Path(file_name or "upload").name[:255]
    try:
        if size is not None:
            check_size(size)
        stored = services.store_file(file, file_name=file_name)
    except FileRejected as exc:
        raise DomainError(exc.message, field="file", code="file_rejected") from None
    return _submit(
        spec_cls=spec_cls,
        kind=kind,
        stored=stored,
        file_name=file_name,
        actor=actor,
        sheet=sheet,
        key=key,
        dry_run=dry_run,
    )


def submit_stored(
    *,
    kind: str,
    sha256: str,
    file_name: str,
    actor: Any,
    sheet: str | None = None,
    idempotency_key: str | None = None,
    dry_run: bool = False,
) -> Job:
    """Queue the import of a file an earlier dry run stored (DomainError when
    it is gone)."""
    spec_cls = _check(kind, actor, dry_run)
    key = jobs.check_key(idempotency_key)
    file_name = Path(file_name or "upload").name[:255]
    path = services.stored_path(sha256, file_name)
    stored = services.StoredFile(
        path=path,
        relative=str(path.relative_to(settings.MEDIA_ROOT)),
        sha256=sha256,
        size=path.stat().st_size,
    )
    return _submit(
        spec_cls=spec_cls,
        kind=kind,
        stored=stored,
        file_name=file_name,
        actor=actor,
        sheet=sheet,
        key=key,
        dry_run=dry_run,
    )


# --- the task ------------------------------------------------------------------------


def outcome_result(outcome) -> dict[str, Any]:
    """The JSON result of an import job (also what the API returns)."""
    return {
        "status": "ok" if outcome.ok else "rejected",
        "kind": outcome.kind,
        "label": outcome.label,
        "file_name": outcome.file_name,
        "sha256": outcome.sha256,
        "file_format": outcome.file_format,
        "dry_run": outcome.dry_run,
        "written": outcome.written,
        "batch_id": outcome.batch.pk if outcome.batch is not None else None,
        "previous_batch_id": outcome.previous_batch_id,
        "counts": {
            "rows_total": outcome.rows_total,
            "added": outcome.added,
            "changed": outcome.changed,
            "unchanged": outcome.unchanged,
            "removed": outcome.removed,
        },
        "summary": outcome.status_line(),
        "error_count": outcome.error_count,
        "errors": [
            {"line": e.line, "column": e.column, "value": e.value, "message": e.message}
            for e in outcome.errors[:RESULT_ERRORS]
        ],
        "duration_ms": outcome.duration_ms,
    }


def _work(job: Job, progress: jobs.ProgressReporter) -> jobs.JobResult:
    p = job.params
    actor = jobs.actor_of(job)
    registry.get(p["import_kind"])  # DomainError when the kind is gone
    outcome = services.import_stored(
        kind=p["import_kind"],
        sha256=p["sha256"],
        file_name=p["file_name"],
        actor=actor,
        dry_run=bool(p.get("dry_run")),
        sheet=p.get("sheet") or None,
        progress=progress,
    )
    result = outcome_result(outcome)
    links = {}
    if outcome.batch is not None:
        links["batch"] = reverse("imports:batch_detail", args=[outcome.batch.pk])
    if outcome.previous_batch_id:
        links["previous_batch"] = reverse("imports:batch_detail", args=[outcome.previous_batch_id])
    status = JobStatus.SUCCEEDED if outcome.ok else JobStatus.REJECTED
    return jobs.JobResult(status=status, result=result, message=outcome.status_line(), links=links)


@task
def import_task(job_id: str) -> str:
    return jobs.execute(job_id, _work)
