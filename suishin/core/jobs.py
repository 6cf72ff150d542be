"""Background jobs with progress (issue #7 "long work shows progress").

A `Job` row (suishin.core.models) records one piece of long work: who asked,
what for (`params`), and how it ended (`status`, `result`, `result_file`).
The work itself runs as a Django task (settings.TASKS): in the request with
the ImmediateBackend (tests, the default), in `suishin db_worker` with
django_tasks_db.DatabaseBackend (`make demo`, production).

Live progress is *not* written to the database: an import runs in one
transaction, and on SQLite that transaction holds the write lock, so another
connection could not record progress until the end. The worker writes it to
Django's cache instead (FileBasedCache under var/cache by default, shared by
every process; Redis when SUISHIN_CACHE_URL says so); the final state goes to
the Job row. `job_status()` merges both for the web poll and the API.

Apps use it in three steps:

* create the job: `create(kind=, actor=, params=, idempotency_key=)`;
* define a task that calls `execute(job_id, work)`, where
  `work(job, progress) -> JobResult` does the work and calls
  `progress.report(done, total, message)` as it goes;
* `enqueue(job, task)` after the job row is committed: call the submit
  functions outside `transaction.atomic`, or a database-queue worker may look
  for the job before it exists (it then leaves it queued and logs a warning).

Who may see a job: its creator, and the secretariat (who reads the audit
trail and so sees everyone's work) — `visible_jobs()` / `get_job_or_404()`;
anyone else gets 404 as for a missing job.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from suishin.accounts.scoping import Perm, has_perm
from suishin.core.errors import DomainError
from suishin.core.models import FINISHED_STATUSES, Job, JobStatus

logger = logging.getLogger(__name__)

CACHE_PREFIX = "suishin:job-progress:"
FAILED_MESSAGE = "処理中に予期しないエラーが発生しました（管理者に連絡してください）。"
ENQUEUE_FAILED_MESSAGE = "処理を開始できませんでした（管理者に連絡してください）。"
MAX_KEY_LENGTH = 100
POLL_SECONDS = 1


def progress_key(job_id: Any) -> str:
    return f"{CACHE_PREFIX}{job_id}"


# --- progress --------------------------------------------------------------------


class ProgressReporter:
    """Passed to the work function: `report(done, total, message)`.

    Throttled: the cache is written at most once per `min_interval` seconds,
    and then only when the fraction moved by at least `min_step` or the
    message changed; `force=True` (phase changes, the first and last call)
    always writes. `total` 0 means "size unknown" (the page shows the count
    and the message only)."""

    def __init__(
        self,
        job_id: Any,
        *,
        min_interval: float = 0.5,
        min_step: float = 0.01,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.job_id = job_id
        self.min_interval = min_interval
        self.min_step = min_step
        self.clock = clock
        self.done = 0
        self.total = 0
        self.message = ""
        self.writes = 0
        self._written_at: float | None = None
        self._written_fraction = -1.0
        self._written_message: str | None = None

    def __call__(self, done: int, total: int, message: str | None = None) -> None:
        self.report(done, total, message)

    def report(self, done: int, total: int, message: str | None = None, *, force: bool = False):
        self.done = max(0, int(done))
        self.total = max(0, int(total))
        if message is not None:
            self.message = message
        now = self.clock()
        fraction = self.done / self.total if self.total else 0.0
        if not force and self._written_at is not None:
            if now - self._written_at < self.min_interval:
                return
            moved = abs(fraction - self._written_fraction) >= self.min_step
            # With the size unknown the count alone moves: once per interval.
            if self.total and not moved and self.message == self._written_message:
                return
        self._write(now, fraction)

    def phase(self, message: str) -> None:
        """A new phase ("検証中", "反映中"): shown at once."""
        self.report(self.done, self.total, message, force=True)

    def _write(self, now: float, fraction: float) -> None:
        self._written_at = now
        self._written_fraction = fraction
        self._written_message = self.message
        self.writes += 1
        try:
            cache.set(
                progress_key(self.job_id),
                {"done": self.done, "total": self.total, "message": self.message},
                timeout=24 * 60 * 60,
            )
        except Exception:  # noqa: BLE001 - progress is best effort, the work goes on
            logger.warning("could not write progress of job %s", self.job_id, exc_info=True)

    def clear(self) -> None:
        try:
            cache.delete(progress_key(self.job_id))
        except Exception:  # noqa: BLE001
            logger.warning("could not clear progress of job %s", self.job_id, exc_info=True)


def live_progress(job_id: Any) -> dict[str, Any] | None:
    try:
        value = cache.get(progress_key(job_id))
    except Exception:  # noqa: BLE001 - an unreadable cache only hides live progress
        logger.warning("could not read progress of job %s", job_id, exc_info=True)
        return None
    return value if isinstance(value, dict) else None


# --- creating and running ------------------------------------------------------------


@dataclass
class JobResult:
    """What a work function returns: SUCCEEDED or REJECTED (bad input, nothing
    written), the JSON result, an optional file under MEDIA_ROOT and the final
    Japanese message. Links: {"name": url} shown on the job page and in
    job_status()["urls"]."""

    status: str = JobStatus.SUCCEEDED
    result: dict[str, Any] = field(default_factory=dict)
    message: str = ""
    result_file: str = ""
    links: dict[str, str] = field(default_factory=dict)


def check_key(idempotency_key: str | None) -> str:
    key = (idempotency_key or "").strip()
    if len(key) > MAX_KEY_LENGTH:
        raise DomainError(
            f"冪等キー（idempotency_key）は {MAX_KEY_LENGTH}文字以内で指定してください。",
            field="idempotency_key",
        )
    return key


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def find_by_key(actor: Any, key: str) -> Job | None:
    if not key:
        return None
    user = _user(actor)
    qs = Job.objects.filter(idempotency_key=key)
    qs = qs.filter(created_by=user) if user else qs.filter(created_by__isnull=True)
    return qs.first()


def create(
    *, kind: str, actor: Any, params: dict[str, Any], idempotency_key: str = "", message: str = ""
) -> tuple[Job, bool]:
    """(job, created). A concurrent request with the same key gets the job the
    other one created (created=False); the caller compares its params."""
    user = _user(actor)
    try:
        with transaction.atomic():
            job = Job.objects.create(
                kind=kind,
                created_by=user,
                params={**params, "system": user is None},
                idempotency_key=idempotency_key,
                message=message or "待機中です。",
            )
    except IntegrityError:
        existing = find_by_key(actor, idempotency_key)
        if existing is None:
            raise
        return existing, False
    return job, True


def enqueue(job: Job, task: Any) -> Job:
    """Hand the job to the task backend. With the ImmediateBackend the work is
    done when this returns; the job is refreshed either way."""
    try:
        task_result = task.enqueue(str(job.pk))
    except Exception:  # noqa: BLE001 - the user gets a failed job, never a 500
        logger.exception("could not enqueue job %s", job.pk)
        Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
            status=JobStatus.FAILED, message=ENQUEUE_FAILED_MESSAGE, finished_at=timezone.now()
        )
    else:
        Job.objects.filter(pk=job.pk).update(task_id=str(task_result.id)[:64])
    job.refresh_from_db()
    return job


def actor_of(job: Job) -> Any:
    """The user the work runs as (None: the system). A job whose user has been
    deleted never runs with the system's rights."""
    if job.created_by_id is None and not job.params.get("system"):
        raise PermissionDenied("依頼したユーザーが削除されているため、実行できません。")
    return job.created_by


def execute(job_id: Any, work: Callable[[Job, ProgressReporter], JobResult]) -> str:
    """Run `work` for the job (the body of every job task); returns the final
    status. Already started or finished jobs are left alone (a task retried by
    the backend does not run twice). DomainError / PermissionDenied end the job
    as failed with their Japanese message; anything else is logged and ends it
    as failed with a general message."""
    try:
        job = Job.objects.select_related("created_by").get(pk=job_id)
    except (Job.DoesNotExist, ValidationError, ValueError):
        logger.warning("job %s does not exist", job_id)
        return "missing"
    claimed = Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), message="処理を開始しました。"
    )
    if not claimed:
        return job.status
    job.refresh_from_db()
    progress = ProgressReporter(job.pk)
    progress.report(0, 0, "処理を開始しました。", force=True)
    try:
        outcome = work(job, progress)
    except (DomainError, PermissionDenied) as exc:
        message = getattr(exc, "message", None) or str(exc) or FAILED_MESSAGE
        outcome = JobResult(status=JobStatus.FAILED, result={"error": message}, message=message)
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        outcome = JobResult(
            status=JobStatus.FAILED, result={"error": FAILED_MESSAGE}, message=FAILED_MESSAGE
        )
    status = outcome.status if outcome.status in FINISHED_STATUSES else JobStatus.FAILED
    result = dict(outcome.result)
    if outcome.links:
        result["urls"] = outcome.links
    total = progress.total
    done = total if status != JobStatus.FAILED and total else progress.done
    Job.objects.filter(pk=job.pk).update(
        status=status,
        result=result,
        result_file=outcome.result_file,
        message=(outcome.message or JobStatus(status).label)[:300],
        progress_done=done,
        progress_total=total,
        finished_at=timezone.now(),
    )
    progress.clear()
    return status


# --- files -------------------------------------------------------------------------


def result_dir(job: Job) -> Path:
    path = Path(settings.MEDIA_ROOT) / "jobs" / str(job.pk)
    path.mkdir(parents=True, exist_ok=True)
    return path


def result_path(job: Job) -> Path | None:
    if not job.result_file:
        return None
    root = (Path(settings.MEDIA_ROOT) / "jobs").resolve()
    path = (Path(settings.MEDIA_ROOT) / job.result_file).resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path


# --- who sees what -------------------------------------------------------------------


def visible_jobs(user: Any) -> QuerySet[Job]:
    """The creator sees its jobs; the secretariat (Perm.VIEW_AUDIT) every job."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Job.objects.none()
    if has_perm(user, Perm.VIEW_AUDIT):
        return Job.objects.all()
    return Job.objects.filter(created_by=user)


def get_job_or_404(user: Any, job_id: Any) -> Job:
    try:
        return visible_jobs(user).select_related("created_by").get(pk=uuid.UUID(str(job_id)))
    except (Job.DoesNotExist, ValueError, ValidationError):
        raise Http404("見つかりません。") from None


# --- status --------------------------------------------------------------------------


def percent(done: int, total: int) -> int | None:
    if not total:
        return None
    return max(0, min(100, int(done * 100 // total)))


def job_status(job: Job) -> dict[str, Any]:
    """The JSON-able state of a job: the row, merged with the live progress in
    the cache while it is queued or running. `percent` is None when the size
    of the work is not known yet."""
    done, total, message = job.progress_done, job.progress_total, job.message
    if not job.finished:
        live = live_progress(job.pk)
        if live:
            done = int(live.get("done") or 0)
            total = int(live.get("total") or 0)
            message = str(live.get("message") or message)
    result = dict(job.result or {})
    urls = {
        "page": reverse("jobs:detail", args=[job.pk]),
        "status": reverse("jobs:status", args=[job.pk]),
        **result.pop("urls", {}),
    }
    if job.result_file and job.status == JobStatus.SUCCEEDED:
        urls["download"] = reverse("jobs:download", args=[job.pk])
    pct = percent(done, total)
    if job.status in (JobStatus.SUCCEEDED, JobStatus.REJECTED):
        pct = 100
    return {
        "id": str(job.pk),
        "kind": job.kind,
        "status": job.status,
        "status_label": JobStatus(job.status).label,
        "finished": job.finished,
        "progress_done": done,
        "progress_total": total,
        "percent": pct,
        "message": message,
        "result": result,
        "urls": urls,
        "created_at": job.created_at.isoformat() if job.created_at else None,
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }
