"""Import pages: upload → dry-run preview → apply, history, batch detail, rollback.

"取り込む" (apply) runs as a background job (suishin.imports.jobs): the
browser is sent to the job's page, which shows the progress and then the
outcome with a link to the batch.

Every batch is resolved through the scoping layer (branch committees see
their branch's uploads; another organisation's batch is a 404). A scoped
user may still open one row of a council-wide batch (`?row=N`) when a
figure of that row is visible to them, so a report can be traced to its file.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from suishin.accounts.scoping import Perm, get_visible_or_404, has_perm
from suishin.core import jobs as core_jobs
from suishin.core.errors import DomainError
from suishin.core.exports import export_response
from suishin.core.viewmixins import domain_error_to_form, perm_required
from suishin.imports import jobs as import_jobs
from suishin.imports import queries, registry, services
from suishin.imports.forms import ApplyForm, HistoryFilterForm, UploadForm
from suishin.imports.models import ChangeAction, ImportBatch
from suishin.imports.readers import human_size, limits

PENDING_KEY = "imports_pending"


def _spec(user, kind: str):
    try:
        spec_cls = registry.get(kind)
    except DomainError:
        raise Http404("見つかりません。") from None
    if not services.may_import(user, spec_cls):
        raise PermissionDenied(f"{spec_cls.label}のファイルを取り込む権限がありません。")
    return spec_cls


def _remember(request, kind: str, outcome) -> None:
    pending = request.session.get(PENDING_KEY, {})
    pending[outcome.sha256] = {
        "kind": kind,
        "file_name": outcome.file_name,
        "sheet": outcome.sheet if outcome.file_format.startswith("XLSX") else "",
    }
    request.session[PENDING_KEY] = dict(list(pending.items())[-10:])


def _query_without(request, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _too_large(request) -> str | None:
    limit = limits()["max_upload"]
    if int(request.META.get("CONTENT_LENGTH") or 0) > limit + (1 << 20):
        return f"ファイルが大きすぎます（上限 {human_size(limit)}）。"
    return None


@perm_required(Perm.IMPORT_FILES)
def index(request):
    context = {
        "specs": services.allowed_specs(request.user),
        "recent": queries.history(request.user)[:10],
        "max_upload": human_size(limits()["max_upload"]),
    }
    return render(request, "imports/index.html", context)


@perm_required(Perm.IMPORT_FILES)
def upload(request, kind: str):
    spec_cls = _spec(request.user, kind)
    max_bytes = limits()["max_upload"]
    context = {
        "spec": spec_cls,
        "max_upload": human_size(max_bytes),
        "max_bytes": max_bytes,
        "form": UploadForm(),
    }
    if request.method != "POST":
        return render(request, "imports/upload.html", context)
    if too_large := _too_large(request):  # refused before the body is read
        context["upload_error"] = too_large
        return render(request, "imports/upload.html", context, status=413)
    form = context["form"] = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload_file, sheet = form.cleaned_data["file"], form.cleaned_data["sheet"]
        try:
            outcome = services.import_file(
                kind=kind,
                file=upload_file,
                file_name=upload_file.name,
                actor=request.user,
                dry_run=True,
                sheet=sheet or None,
                size=upload_file.size,
            )
        except DomainError as exc:
            domain_error_to_form(request, form, exc)
        else:
            _remember(request, kind, outcome)
            apply_form = ApplyForm(
                initial={
                    "sha256": outcome.sha256,
                    "file_name": outcome.file_name,
                    "sheet": sheet,
                    "nonce": uuid.uuid4().hex,
                }
            )
            return render(
                request,
                "imports/preview.html",
                {"spec": spec_cls, "outcome": outcome, "apply_form": apply_form},
            )
    return render(request, "imports/upload.html", context)


@require_POST
@perm_required(Perm.IMPORT_FILES)
def apply(request, kind: str):
    _spec(request.user, kind)
    form = ApplyForm(request.POST)
    pending = request.session.get(PENDING_KEY, {})
    data = form.cleaned_data if form.is_valid() else {}
    key = f"web-apply:{data['nonce']}" if data.get("nonce") else None
    already = core_jobs.find_by_key(request.user, key) if key else None
    if already is not None:
        return redirect("jobs:detail", job_id=already.pk)
    entry = pending.get(data.get("sha256", ""))
    if not entry or entry["kind"] != kind or entry["file_name"] != data["file_name"]:
        messages.error(
            request, "確認したファイルが見つかりません。もう一度アップロードしてください。"
        )
        return redirect("imports:upload", kind=kind)
    try:
        job = import_jobs.submit_stored(
            kind=kind,
            sha256=data["sha256"],
            file_name=data["file_name"],
            actor=request.user,
            sheet=entry["sheet"] or None,
            idempotency_key=key,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("imports:upload", kind=kind)
    pending.pop(data["sha256"], None)
    request.session[PENDING_KEY] = pending
    # The job page shows the progress, then the outcome and the batch.
    return redirect("jobs:detail", job_id=job.pk)


@perm_required(Perm.IMPORT_FILES)
def sample(request, kind: str, fmt: str):
    spec_cls = _spec(request.user, kind)
    headers = [c.header for c in spec_cls.columns]
    rows = [[row.get(c.key, "") for c in spec_cls.columns] for row in spec_cls.sample]
    return export_response(f"{spec_cls.label}_見本", headers, rows, fmt)


HISTORY_HEADERS = [
    "取込番号",
    "種類",
    "ファイル名",
    "取込日時",
    "取込者",
    "店",
    "状態",
    "行数",
    "追加",
    "変更",
    "変更なし",
    "削除",
    "SHA-256",
]


@perm_required(Perm.IMPORT_FILES)
def history(request):
    form = HistoryFilterForm(
        request.GET or None, kinds=[(s.kind, s.label) for s in registry.all_specs()]
    )
    kind = form.cleaned_data["kind"] if form.is_valid() else None
    batches = queries.history(request.user, kind=kind)
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        return export_response("取込履歴", HISTORY_HEADERS, queries.history_rows(batches), fmt)
    page = Paginator(batches, 50).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "query": _query_without(request, "page")}
    return render(request, "imports/history.html", context)


def _batch_for(request, pk: int, line: int | None) -> tuple[ImportBatch, bool]:
    """(batch, full view?). Importers see the batches visible to them in full;
    anyone who may read figures may trace one row (`?row=N`) when a figure
    stored from that row is visible to them (a report's trace link)."""
    if has_perm(request.user, Perm.IMPORT_FILES):
        try:
            return get_visible_or_404(request.user, ImportBatch, pk=pk), True
        except Http404:
            pass
    batch = ImportBatch.objects.filter(pk=pk).first()
    if batch is not None and line is not None and queries.figure_visible(request.user, batch, line):
        return batch, False
    raise Http404("見つかりません。")


@perm_required(Perm.VIEW_FIGURES)
def batch_detail(request, pk: int):
    row = request.GET.get("row", "")
    line = int(row) if row.isdigit() and 0 < int(row) < 10**9 else None
    batch, full = _batch_for(request, pk, line)
    action = request.GET.get("action") if request.GET.get("action") in ChangeAction.values else None
    stored = services.batch_file_path(batch)
    detail = queries.batch_detail(
        batch,
        full=full,
        line=line,
        action=action,
        page=request.GET.get("page"),
        rows_page=request.GET.get("rows_page"),
        stored_path=stored,
    )
    context = {
        "batch": batch,
        "d": detail,
        "action": action or "",
        "actions": [(a.value, a.label) for a in ChangeAction if a != ChangeAction.UNCHANGED],
        "can_rollback": full and batch.can_roll_back and has_perm(request.user, Perm.IMPORT_ALL),
        "has_file": full and stored is not None,
        "query": _query_without(request, "page", "rows_page", "row"),
    }
    return render(request, "imports/batch_detail.html", context)


@perm_required(Perm.IMPORT_ALL)
def rollback(request, pk: int):
    batch = get_visible_or_404(request.user, ImportBatch, pk=pk)
    error = None
    if request.method == "POST":
        try:
            services.rollback_batch(actor=request.user, batch_id=batch.pk)
        except DomainError as exc:
            error = exc.message
            messages.error(request, error)
        else:
            messages.success(
                request, f"取込番号 #{batch.pk} を取り消し、取込前の状態に戻しました。"
            )
            return redirect("imports:batch_detail", pk=batch.pk)
    return render(
        request,
        "imports/rollback_confirm.html",
        {"batch": batch, "label": registry.label_for(batch.kind), "error": error},
    )


@perm_required(Perm.IMPORT_FILES)
def download(request, pk: int):
    batch = get_visible_or_404(request.user, ImportBatch, pk=pk)
    path = services.batch_file_path(batch)
    if path is None:
        raise Http404("ファイルが保存されていません。")
    return FileResponse(open(path, "rb"), as_attachment=True, filename=batch.file_name)  # noqa: SIM115


def trace_url(batch_id: int, source_row: int | None) -> str:
    """The link a report puts behind a figure: the batch with its source row."""
    url = reverse("imports:batch_detail", args=[batch_id])
    return f"{url}?row={source_row}" if source_row else url
