from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from suishin.core.dashboard import dashboard_context, dashboard_html, export_table
from suishin.core.exports import export_response


def home(request: HttpRequest) -> HttpResponse:
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        table = export_table(dashboard_context(request.user, request.GET), request.GET.get("list", ""))
        if table is not None:
            return export_response(*table, fmt)
    return render(request, "core/home.html", {"content": mark_safe(dashboard_html(request.user, request.GET))})


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _error(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    return render(request, "core/error.html", {"title": title, "text": text, "status": status}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, "リクエストが正しくありません", "入力内容をご確認のうえ、もう一度お試しください。")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, "権限がありません", "このページを表示する権限がありません。")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "ページが見つかりません", "お探しのページは存在しないか、表示する権限がありません。")


def server_error(request: HttpRequest) -> HttpResponse:
    # No template context processors that could fail again: plain render.
    from django.template import loader

    body = loader.get_template("core/500.html").render()
    return HttpResponse(body, status=500)
