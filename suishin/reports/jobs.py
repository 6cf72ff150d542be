"""The summary report's PDF/XLSX built as a background job (issue #7).

`submit_summary(actor=, fiscal_year=, half=, scope=, fmt=)` checks the
permission and the scope *as the user* (another organisation's scope is a
DomainError that reads like a missing one), creates a Job (kind "report")
and queues `report_task`. The task builds the report section by section
(progress by block), renders it and stores the file under
MEDIA_ROOT/jobs/<job id>/; the job page offers it for download to its
creator (and the secretariat). The direct download (`/reports/?format=pdf`)
stays as it was.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.tasks import task
from django.urls import reverse

from suishin.accounts.scoping import Perm, has_perm
from suishin.core import fiscal, jobs
from suishin.core.errors import DomainError
from suishin.core.models import Job
from suishin.kpis.scope import visible_scope
from suishin.reports import renderers
from suishin.reports.engine import build_report

JOB_KIND = "report"
JOB_FORMATS = {"pdf": "PDF（A4）", "xlsx": "XLSX"}


def _scope(actor: Any, text: str):
    try:
        return visible_scope(actor, text)
    except Http404:
        raise DomainError(f"集計範囲「{text}」は見つかりません。", field="scope") from None


def submit_summary(
    *,
    actor: Any,
    fiscal_year: int,
    half: int,
    scope: str = "",
    fmt: str = "pdf",
    idempotency_key: str | None = None,
) -> Job:
    if actor is not None and not has_perm(actor, Perm.VIEW_REPORTS):
        raise PermissionDenied("推進活動総括を見る権限がありません。")
    if fmt not in JOB_FORMATS:
        raise DomainError("形式は PDF か XLSX を選んでください。", field="format")
    if half not in (1, 2) or not 2000 <= fiscal_year <= 2100:
        raise DomainError("年度と上期・下期の指定が正しくありません。", field="half")
    key = jobs.check_key(idempotency_key)
    resolved = _scope(actor, scope)
    query = urlencode({"fy": fiscal_year, "half": half, "scope": resolved.text})
    params = {
        "fiscal_year": fiscal_year,
        "half": half,
        "scope": resolved.text,
        "format": fmt,
        "title": f"{fiscal.label(fiscal_year, half)}推進活動総括（{resolved.label}）の{JOB_FORMATS[fmt]}作成",
        "back_url": f"{reverse('reports:summary')}?{query}",
        "back_label": "推進活動総括",
    }
    existing = jobs.find_by_key(actor, key)
    if existing is not None:
        same = existing.kind == JOB_KIND and all(
            existing.params.get(k) == params[k] for k in ("fiscal_year", "half", "scope", "format")
        )
        if not same:
            raise DomainError(
                f"冪等キー（idempotency_key）「{key}」は別の条件ですでに使われています。",
                field="idempotency_key",
                code="idempotency_conflict",
            )
        return existing
    job, created = jobs.create(
        kind=JOB_KIND, actor=actor, params=params, idempotency_key=key, message="待機中です。"
    )
    if not created:
        return job
    return jobs.enqueue(job, report_task)


def _work(job: Job, progress: jobs.ProgressReporter) -> jobs.JobResult:
    p = job.params
    actor = jobs.actor_of(job)
    if actor is not None and not has_perm(actor, Perm.VIEW_REPORTS):
        raise PermissionDenied("推進活動総括を見る権限がありません。")
    scope = _scope(actor, p["scope"])  # checked again: the user's rights may have changed
    fmt = p["format"]
    report = build_report(
        fiscal_year=int(p["fiscal_year"]),
        half=int(p["half"]),
        scope=scope,
        links=False,
        charts=fmt == "pdf",
        for_print=fmt == "pdf",
        progress=progress,
    )
    total = progress.total
    progress.report(max(total - 1, 0), total, f"{JOB_FORMATS[fmt]}を作成しています", force=True)
    data = renderers.render(report, fmt)
    name = renderers.filename(report, fmt)
    path = jobs.result_dir(job) / f"report.{fmt}"
    path.write_bytes(data)
    relative = f"jobs/{job.pk}/report.{fmt}"
    return jobs.JobResult(
        result={"file_name": name, "size": len(data), "format": fmt, "warnings": report.warnings},
        result_file=relative,
        message=f"{name} を作成しました。",
    )


@task
def report_task(job_id: str) -> str:
    return jobs.execute(job_id, _work)
