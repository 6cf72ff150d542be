"""Imports: submit a file (a background job, `imports.jobs.submit_import`),
poll the job, read the history.

History is `imports.queries.history`, the same scoped query as the history
page: a branch committee's token sees the batches of its own branch. Jobs are
seen by their creator and the secretariat (`core.jobs.get_job_or_404`)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from django.http import HttpResponse
from django.urls import reverse
from ninja import File, Form, Header, Query, Router, Schema, Status, UploadedFile
from pydantic import Field

from suishin.accounts.scoping import Perm, get_visible_or_404
from suishin.api.auth import TokenAuth, read
from suishin.api.models import TokenScope
from suishin.api.problems import (
    TYPE_IDEMPOTENCY,
    TYPE_IMPORT_REJECTED,
    TYPE_RULE,
    ApiProblem,
    Problem,
)
from suishin.api.v1.common import (
    DEFAULT_PER_PAGE,
    ERRORS,
    ERRORS_404,
    NO_NUL,
    Code,
    PageBase,
    PageNumber,
    PerPage,
    Text,
    paginate,
)
from suishin.core import jobs
from suishin.core.errors import DomainError
from suishin.core.models import JobStatus
from suishin.imports import jobs as import_jobs
from suishin.imports import queries, registry
from suishin.imports import services as import_services
from suishin.imports.models import ImportBatch
from suishin.imports.spec import RowError

router = Router(tags=["ファイル取込"])
HISTORY = read(Perm.IMPORT_FILES)


class BatchOut(Schema):
    id: int
    kind: str
    kind_label: str
    file_name: str
    sha256: str
    size: int
    uploaded_by: str | None
    created_at: dt.datetime
    status: str
    scope: str
    branch_code: str | None
    period_first: str | None
    period_last: str | None
    rows_total: int
    rows_added: int
    rows_changed: int
    rows_unchanged: int
    rows_removed: int
    replaces_id: int | None
    rolled_back_at: dt.datetime | None


class BatchPage(PageBase):
    results: list[BatchOut]


def _month(day: dt.date | None) -> str | None:
    return day.strftime("%Y-%m") if day else None


def batch_row(b: ImportBatch) -> dict:
    return {
        "id": b.pk,
        "kind": b.kind,
        "kind_label": b.get_kind_display_ja(),
        "file_name": b.file_name,
        "sha256": b.sha256,
        "size": b.size,
        "uploaded_by": b.uploaded_by.username if b.uploaded_by_id else None,
        "created_at": b.created_at,
        "status": b.status,
        "scope": b.scope_key,
        "branch_code": b.branch.code if b.branch_id else None,
        "period_first": _month(b.period_first),
        "period_last": _month(b.period_last),
        "rows_total": b.rows_total,
        "rows_added": b.rows_added,
        "rows_changed": b.rows_changed,
        "rows_unchanged": b.rows_unchanged,
        "rows_removed": b.rows_removed,
        "replaces_id": b.replaces_id,
        "rolled_back_at": b.rolled_back_at,
    }


@router.get(
    "/imports",
    response={200: BatchPage, **ERRORS},
    auth=HISTORY,
    url_name="import_history",
    summary="取込履歴",
)
def import_history(
    request,
    kind: Code | None = Query(None, description="取込の種類（results など）"),
    page: PageNumber = 1,
    per_page: PerPage = DEFAULT_PER_PAGE,
):
    qs = queries.history(request.user, kind=kind)
    return paginate(request, qs, page=page, per_page=per_page, row=batch_row)


@router.get(
    "/imports/batches/{batch_id}",
    response={200: BatchOut, **ERRORS_404},
    auth=HISTORY,
    url_name="import_batch",
    summary="取込履歴の1件",
)
def import_batch(request, batch_id: int):
    qs = ImportBatch.objects.select_related("uploaded_by", "branch")
    return batch_row(get_visible_or_404(request.user, qs, pk=batch_id))


# --- submit an import and poll its job ---------------------------------------------


class JobOut(Schema):
    """A background job (an import). `status`: queued, running, succeeded,
    rejected (the file had errors; nothing was written) or failed. For an
    import, `result` holds batch_id, counts and errors [{line, column, value,
    message}]; a rejected or failed job also carries `problem`, the same
    errors as a problem details object (RFC 9457)."""

    id: str
    kind: str
    status: str
    status_label: str
    finished: bool
    progress_done: int
    progress_total: int
    percent: int | None
    message: str
    result: dict[str, Any]
    urls: dict[str, str]
    created_at: str | None
    started_at: str | None
    finished_at: str | None
    problem: Problem | None


def _may_import_kind(request, user) -> None:
    """Runs with the authentication, before the upload is read: an unknown
    kind is 404, a kind this role may not import 403."""
    kind = (request.resolver_match.kwargs if request.resolver_match else {}).get("kind", "")
    try:
        spec_cls = registry.get(kind)
    except DomainError:
        raise ApiProblem(404, f"取込の種類「{kind}」はありません。") from None
    if not import_services.may_import(user, spec_cls):
        raise ApiProblem(403, f"{spec_cls.label}のファイルを取り込む権限がありません。")


def _printable(name: str | None) -> str:
    """A client's file name without control characters (PostgreSQL refuses NUL)."""
    return "".join(c for c in (name or "") if c.isprintable())[:255]


SUBMIT = TokenAuth(TokenScope.IMPORT, Perm.IMPORT_FILES, check=_may_import_kind)
POLL = TokenAuth((TokenScope.IMPORT, TokenScope.READ))


def job_out(job) -> dict[str, Any]:
    data = jobs.job_status(job)
    data["urls"] = {**data["urls"], "api": reverse("api:v1:job_detail", args=[job.pk])}
    data["problem"] = None
    result = data["result"]
    if job.status == JobStatus.REJECTED:
        errors = result.get("errors") or []
        count = result.get("error_count") or len(errors)
        data["problem"] = {
            "type": TYPE_IMPORT_REJECTED,
            "title": "ファイルに誤りがあるため取り込めませんでした",
            "status": 422,
            "detail": f"{count:,}件の誤りがあります。何も書き込んでいません。直したファイルをもう一度送ってください。",
            "instance": data["urls"]["api"],
            "errors": [
                {
                    "line": e.line,
                    "column": e.column or None,
                    "value": e.value,
                    "message": str(e),
                }
                for e in (RowError(**e) for e in errors)
            ],
        }
    elif job.status == JobStatus.FAILED:
        data["problem"] = {
            "type": "about:blank",
            "title": "処理に失敗しました",
            "status": 500,
            "detail": job.message or jobs.FAILED_MESSAGE,
            "instance": data["urls"]["api"],
            "errors": [],
        }
    return data


@router.post(
    "/imports/{kind}",
    response={
        202: JobOut,
        400: Problem,
        401: Problem,
        403: Problem,
        404: Problem,
        409: Problem,
        413: Problem,
    },
    auth=SUBMIT,
    url_name="import_submit",
    summary="ファイルを取り込む（ジョブとして受け付け）",
    description=(
        "CSV または XLSX を multipart/form-data の `file` で送ります。Idempotency-Key ヘッダーは必須で、"
        "同じキーで同じファイルを送り直すと同じジョブが返ります（別のファイルなら 409）。"
        "202 と Location（ジョブのURL）を返すので、`GET /api/v1/jobs/{id}` で結果を確かめます。"
        "ファイル全体が取り込まれるか、何も書き込まれないかのどちらかです。"
    ),
)
def import_submit(
    request,
    response: HttpResponse,
    kind: Code,
    file: File[UploadedFile],
    idempotency_key: Annotated[str, Field(min_length=1, max_length=100, pattern=NO_NUL)] = Header(
        ..., alias="Idempotency-Key"
    ),
    sheet: Form[Text | None] = None,
    dry_run: Form[bool] = False,
):
    replay = jobs.find_by_key(request.user, idempotency_key.strip()) is not None
    try:
        job = import_jobs.submit_import(
            kind=kind,
            file=file,
            file_name=_printable(file.name) or "upload",
            actor=request.user,
            sheet=sheet or None,
            idempotency_key=idempotency_key,
            dry_run=dry_run,
            size=file.size,
        )
    except DomainError as error:
        if error.code == "idempotency_conflict":
            raise ApiProblem(409, error.message, type=TYPE_IDEMPOTENCY) from None
        errors = [
            {"location": f"body.{error.field}" if error.field else None, "message": error.message}
        ]
        status = 413 if error.code == "file_rejected" and "大きすぎ" in error.message else 400
        raise ApiProblem(status, error.message, type=TYPE_RULE, errors=errors) from None
    response["Location"] = reverse("api:v1:job_detail", args=[job.pk])
    if replay:
        response["Idempotent-Replayed"] = "true"
    return Status(202, job_out(job))


@router.get(
    "/jobs/{job_id}",
    response={200: JobOut, **ERRORS_404},
    auth=POLL,
    url_name="job_detail",
    summary="ジョブの状態（取込の結果）",
)
def job_detail(request, job_id: uuid.UUID):
    return job_out(jobs.get_job_or_404(request.user, job_id))
