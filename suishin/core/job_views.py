"""Job pages: the progress page (polled by core/job.js, refreshed by a meta
tag without JavaScript), its JSON status and the result file. A job is seen
by its creator and the secretariat only; anyone else gets 404."""

from __future__ import annotations

from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.template.loader import select_template

from suishin.core import jobs
from suishin.core.exports import content_disposition


def detail(request, job_id):
    job = jobs.get_job_or_404(request.user, job_id)
    status = jobs.job_status(job)
    result_template = select_template([f"jobs/{job.kind}_result.html", "jobs/generic_result.html"])
    context = {
        "job": job,
        "s": status,
        "title": job.params.get("title") or f"ジョブ（{job.kind}）",
        "back_url": job.params.get("back_url") or "",
        "result_template": result_template.template.name,
        "poll_seconds": jobs.POLL_SECONDS,
    }
    return render(request, "core/job_detail.html", context)


def status(request, job_id):
    job = jobs.get_job_or_404(request.user, job_id)
    response = JsonResponse(jobs.job_status(job), json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


def download(request, job_id):
    job = jobs.get_job_or_404(request.user, job_id)
    path = jobs.result_path(job) if job.status == jobs.JobStatus.SUCCEEDED else None
    if path is None:
        raise Http404("ファイルがありません。")
    name = (job.result or {}).get("file_name") or path.name
    response = FileResponse(open(path, "rb"))  # noqa: SIM115 - closed by the response
    response["Content-Disposition"] = content_disposition(name)
    return response
