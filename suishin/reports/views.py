"""Report pages: the summary (web, and PDF/XLSX/JSON downloads), the narrative
editor and the trace of a figure. The scope is always resolved through
suishin.kpis.scope.visible_scope: another branch's or union's scope is 404."""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from suishin.accounts.scoping import Perm, has_perm
from suishin.core import fiscal
from suishin.core.errors import DomainError
from suishin.core.exports import content_disposition, export_response
from suishin.core.viewmixins import perm_required
from suishin.kpis import providers
from suishin.kpis.cache import cached
from suishin.kpis.models import Item
from suishin.kpis.periods import working_period
from suishin.kpis.queries import compute_figures
from suishin.kpis.scope import visible_scope
from suishin.reports import jobs as report_jobs
from suishin.reports import renderers, services
from suishin.reports.definitions import BlockSpec, load_definition
from suishin.reports.engine import build_report
from suishin.reports.forms import BlockFormSet, DefinitionForm, ReportParamsForm
from suishin.reports.trace import SPAN_LABELS, SPANS, batch_row_url, trace_rows, trace_spec


def _params(request) -> tuple[int, int]:
    fy, half = working_period()
    try:
        fy = int(request.GET.get("fy") or fy)
        half = int(request.GET.get("half") or half)
    except ValueError:
        raise Http404("見つかりません。") from None
    if half not in (1, 2) or not 2000 <= fy <= 2100:
        raise Http404("見つかりません。")
    return fy, half


@perm_required(Perm.VIEW_REPORTS)
def summary(request):
    fy, half = _params(request)
    scope = visible_scope(request.user, request.GET.get("scope"))
    fmt = request.GET.get("format", "html")
    if fmt in ("pdf", "xlsx", "json"):
        report = build_report(
            fiscal_year=fy, half=half, scope=scope, links=False, charts=fmt == "pdf", for_print=fmt == "pdf"
        )
        response = HttpResponse(renderers.render(report, fmt), content_type=renderers.CONTENT_TYPES[fmt])
        if fmt != "json":
            response["Content-Disposition"] = content_disposition(renderers.filename(report, fmt))
        return response
    page = cached("report_page", _page, fy, half, scope)
    report = {**page, "body": mark_safe(page["body"])}
    form = ReportParamsForm(initial={"fy": fy, "half": half, "scope": scope.text})
    query = urlencode({"fy": fy, "half": half, "scope": scope.text})
    return render(
        request,
        "reports/summary.html",
        {"report": report, "form": form, "query": query, "can_edit": has_perm(request.user, Perm.EDIT_NARRATIVE),
         "job_formats": report_jobs.JOB_FORMATS},
    )


def _page(fiscal_year: int, half: int, scope) -> dict:
    """The web report: its body (reports/_body.html, the same for every user
    who may see `scope`), what the page around it shows, and its charts.
    Cached on the data version by `summary`: a repeated view renders only the
    frame. The charts are separate images (`chart`), so the page is not 150 KB
    of inline SVG that a browser could never cache."""
    report = build_report(fiscal_year=fiscal_year, half=half, scope=scope)
    charts: list[str] = []
    for block in report.blocks:
        if block.chart_svg:
            block.chart_src = _chart_url(fiscal_year, half, scope, len(charts), block.chart_svg)
            charts.append(block.chart_svg)
    return {
        "body": render_to_string("reports/_body.html", {"report": report}),
        "charts": charts,
        "title": report.title,
        "scope": report.scope,
        "fiscal_year": report.fiscal_year,
        "half": report.half,
        "definition_saved": report.definition_saved,
        "copied_from": report.copied_from,
    }


def _chart_digest(svg: str) -> str:
    return hashlib.sha256(svg.encode()).hexdigest()[:16]


def _chart_url(fiscal_year: int, half: int, scope, n: int, svg: str) -> str:
    query = urlencode({"fy": fiscal_year, "half": half, "scope": scope.text, "n": n, "v": _chart_digest(svg)})
    return f"{reverse('reports:chart')}?{query}"


@perm_required(Perm.VIEW_REPORTS)
def chart(request):
    """Chart `n` of the web report of a period and scope, as SVG. `v` (the
    SVG's digest, in the page's URL) makes the URL's content fixed, so a
    browser keeps it for a day; the ETag answers a revalidation with 304."""
    fy, half = _params(request)
    scope = visible_scope(request.user, request.GET.get("scope"))
    try:
        n = int(request.GET.get("n", ""))
    except ValueError:
        raise Http404("見つかりません。") from None
    charts = cached("report_page", _page, fy, half, scope)["charts"]
    if not 0 <= n < len(charts):
        raise Http404("見つかりません。")
    svg = charts[n]
    digest = _chart_digest(svg)
    etag = f'"{digest}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = "private, max-age=86400" if request.GET.get("v") == digest else "private, no-cache"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@perm_required(Perm.VIEW_REPORTS)
def summary_job(request):
    """"作成": build the PDF/XLSX as a background job and show its progress."""
    try:
        fy = int(request.POST.get("fy") or 0)
        half = int(request.POST.get("half") or 0)
    except ValueError:
        fy, half = 0, 0
    scope_text = request.POST.get("scope", "")
    visible_scope(request.user, scope_text)  # another organisation's scope: 404, as for GET
    try:
        job = report_jobs.submit_summary(
            actor=request.user,
            fiscal_year=fy,
            half=half,
            scope=scope_text,
            fmt=request.POST.get("format", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("reports:summary")
    return redirect("jobs:detail", job_id=job.pk)


ALL_FIELDS = ("kind", "title", "body", "group", "value_label", "show_prev", "section_key", "chart", "item_code", "ORDER", "DELETE")
KIND_FIELDS = {
    "narrative": ("kind", "title", "body", "ORDER", "DELETE"),
    "group_table": ("kind", "title", "group", "value_label", "show_prev", "body", "ORDER", "DELETE"),
    "section": ("kind", "title", "section_key", "body", "ORDER", "DELETE"),
    "chart": ("kind", "title", "chart", "item_code", "ORDER", "DELETE"),
    "page_break": ("kind", "ORDER", "DELETE"),
}


def _blocks_from(formset) -> tuple[list[BlockSpec], list]:
    specs, forms = [], []
    for form in formset.ordered_forms:
        data = form.cleaned_data
        if not data.get("kind"):
            continue
        specs.append(BlockSpec(**{k: data.get(k) or ("" if k != "show_prev" else False) for k in BlockSpec.__dataclass_fields__}))
        forms.append(form)
    return specs, forms


@perm_required(Perm.EDIT_NARRATIVE)
def narrative_edit(request, fiscal_year: int, half: int):
    if half not in (1, 2):
        raise Http404("見つかりません。")
    definition = load_definition(fiscal_year, half)
    initial = [dict(b.as_dict(), ORDER=n) for n, b in enumerate(definition.blocks, start=1)]
    kwargs = {"form_kwargs": {"fiscal_year": fiscal_year}, "prefix": "blocks"}
    head = DefinitionForm(request.POST or None, initial={"title": definition.title})
    formset = BlockFormSet(request.POST or None, initial=initial, **kwargs)
    if request.method == "POST" and head.is_valid() and formset.is_valid():
        specs, forms = _blocks_from(formset)
        try:
            services.save_definition(actor=request.user, fiscal_year=fiscal_year, half=half, title=head.cleaned_data["title"], blocks=specs)
        except DomainError as exc:
            _show_error(request, exc, head, forms)
        else:
            messages.success(request, f"{fiscal.label(fiscal_year, half)}の推進活動総括を保存しました。")
            return redirect(f"{reverse('reports:summary')}?fy={fiscal_year}&half={half}")
    for form in formset:
        kind = form["kind"].value() or form.initial.get("kind") or ""
        form.shown = KIND_FIELDS.get(kind, ALL_FIELDS)
    codes = Item.objects.filter(fiscal_year=fiscal_year).order_by("sort_order", "code").values_list("code", "name")
    return render(
        request,
        "reports/narrative_edit.html",
        {"head": head, "formset": formset, "definition": definition, "fiscal_year": fiscal_year, "half": half,
         "label": fiscal.label(fiscal_year, half), "codes": codes},
    )


def _show_error(request, exc: DomainError, head, forms) -> None:
    index, _, name = (exc.field or "").partition(".")
    if exc.field == "title":
        head.add_error("title", exc.message)
    elif index.isdigit() and int(index) < len(forms) and name in forms[int(index)].fields:
        forms[int(index)].add_error(name, exc.message)
    messages.error(request, exc.message)


@perm_required(Perm.VIEW_REPORTS)
def trace(request):
    fy, half = _params(request)
    scope = visible_scope(request.user, request.GET.get("scope"))
    span = request.GET.get("span", "half")
    item = Item.objects.filter(fiscal_year=fy, code=request.GET.get("item", "")).first()
    if item is None or span not in SPANS:
        raise Http404("見つかりません。")
    figure = compute_figures(fiscal_year=fy, half=half, scope=scope, codes=[item.code]).get(item.code)
    spec = trace_spec(item, half, span, as_of=figure.as_of if figure else None)
    rows = trace_rows(request.user, spec, scope)
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        return export_response(
            f"根拠_{item.code}_{fy}_{half}_{span}",
            ["年月", "項目コード", "集計単位", "ブロック", "店番", "会員コード", "会員名", "件数", "金額", "取込", "取込行"],
            ([r.month.strftime("%Y-%m"), r.item.code, r.get_level_display(), r.block.name if r.block else "",
              r.branch.code if r.branch else "", r.member.code if r.member else "", r.member.name if r.member else "",
              r.count, r.amount, r.import_batch_id, r.source_row] for r in rows),
            fmt,
        )
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    for r in page:
        r.batch_url = batch_row_url(r.import_batch_id, r.source_row)
    query = request.GET.copy()
    query.pop("page", None)
    provider = providers.get(item.source) if item.source else None
    return render(
        request,
        "reports/trace.html",
        {"item": item, "figure": figure, "scope": scope, "span_label": SPAN_LABELS[span], "spec": spec, "page": page,
         "query": query.urlencode(), "fy": fy, "half": half, "half_label": fiscal.Half(half).label,
         "provider": provider, "period_first": spec.period.first, "period_last": spec.period.last},
    )
