"""Errors as problem details (RFC 9457, application/problem+json), in Japanese.

Every error the API answers goes through `problem_response`: request
validation (400, one entry per field in `errors`), authentication (401),
scope or permission (403), another organisation's or a missing object (404,
exactly like the web), business rules (400 / 409 / 422 for a rejected import,
whose `errors` carry the file's row numbers) and anything unexpected (500,
logged, never a stack trace).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from suishin.core.errors import DomainError

logger = logging.getLogger("suishin.api")

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_BLANK = "about:blank"
TYPE_VALIDATION = "urn:suishin:problem:validation"
TYPE_RULE = "urn:suishin:problem:rule"
TYPE_IMPORT_REJECTED = "urn:suishin:problem:import-rejected"
TYPE_IDEMPOTENCY = "urn:suishin:problem:idempotency-conflict"

TITLES = {
    400: "リクエストが正しくありません",
    401: "認証が必要です",
    403: "権限がありません",
    404: "見つかりません",
    405: "このメソッドは使えません",
    409: "競合しています",
    413: "ファイルが大きすぎます",
    422: "処理できない内容です",
    429: "リクエストが多すぎます",
    500: "サーバーエラー",
}


class ProblemError(Schema):
    """One problem of a request or a file. Field errors name `location`
    ("query.fiscal_year"); import errors name the file's `line` (1 = header),
    `column` and `value`."""

    message: str
    location: str | None = None
    line: int | None = None
    column: str | None = None
    value: str | None = None


class Problem(Schema):
    type: str = TYPE_BLANK
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[ProblemError] = []


class ApiProblem(Exception):
    """Raise anywhere in an API view to answer with a problem document."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        type: str = TYPE_BLANK,
        title: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.type = type
        self.title = title or TITLES.get(status, "エラー")
        self.errors = errors or []
        self.headers = headers or {}


def problem_response(request: HttpRequest, problem: ApiProblem) -> HttpResponse:
    body = {
        "type": problem.type,
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
        "instance": request.path,
        "errors": problem.errors,
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, cls=DjangoJSONEncoder),
        status=problem.status,
        content_type=PROBLEM_MEDIA_TYPE,
    )
    for key, value in problem.headers.items():
        response[key] = value
    return response


def unauthorized(detail: str) -> ApiProblem:
    return ApiProblem(401, detail, headers={"WWW-Authenticate": 'Bearer realm="suishin"'})


# --- request validation in Japanese -----------------------------------------

FIELD_LABELS = {
    "fiscal_year": "年度",
    "half": "期（1=上期、2=下期）",
    "month": "年月",
    "scope": "対象",
    "page": "ページ",
    "per_page": "1ページの件数",
    "item": "項目コード",
    "kind": "種類",
    "group": "区分",
    "block": "ブロック",
    "branch": "店番",
    "federation": "産別",
    "active": "有効",
    "status": "状態",
    "file": "ファイル",
    "sheet": "シート",
    "dry_run": "確認のみ",
    "job_id": "ジョブID",
    "batch_id": "取込ID",
    "code": "コード",
    "block_id": "ブロックID",
    "idempotency-key": "Idempotency-Key",
    "if-none-match": "If-None-Match",
}


def _message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "必須です。"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "整数で指定してください。"
    if kind in ("bool_parsing", "bool_type"):
        return "true または false で指定してください。"
    if kind == "greater_than_equal":
        return f"{ctx.get('ge')}以上で指定してください。"
    if kind == "greater_than":
        return f"{ctx.get('gt')}より大きい値で指定してください。"
    if kind == "less_than_equal":
        return f"{ctx.get('le')}以下で指定してください。"
    if kind == "less_than":
        return f"{ctx.get('lt')}未満で指定してください。"
    if kind == "string_too_long":
        return f"{ctx.get('max_length')}文字以内で指定してください。"
    if kind == "string_too_short":
        return f"{ctx.get('min_length')}文字以上で指定してください。"
    if kind == "string_pattern_mismatch":
        return "形式が正しくありません。"
    if kind in ("literal_error", "enum"):
        return f"{ctx.get('expected', '決められた値')}のいずれかを指定してください。"
    if kind in ("uuid_parsing", "uuid_type"):
        return "UUIDの形式で指定してください。"
    if kind in ("string_type", "string_unicode"):
        return "文字列で指定してください。"
    if kind == "value_error":
        return str(ctx.get("error") or "値が正しくありません。")
    return "値が正しくありません。"


def validation_errors(exc: ValidationError) -> list[dict[str, Any]]:
    out = []
    for error in exc.errors:
        loc = [str(p) for p in error.get("loc", ()) if p not in ("", None)]
        # ninja reports (source, model field, field): keep source and the last name.
        where = ".".join([loc[0], loc[-1]]) if len(loc) >= 2 else ".".join(loc)
        label = FIELD_LABELS.get(loc[-1].lower(), loc[-1]) if loc else ""
        message = _message(error)
        out.append({"location": where, "message": f"{label}: {message}" if label else message})
    return out


def install(api) -> None:
    """Register the handlers on a NinjaAPI: every error becomes a problem."""

    def on_problem(request, exc: ApiProblem):
        return problem_response(request, exc)

    def on_validation(request, exc: ValidationError):
        errors = validation_errors(exc)
        detail = "入力が正しくありません。" + " ".join(e["message"] for e in errors[:5])
        return problem_response(
            request, ApiProblem(400, detail, type=TYPE_VALIDATION, errors=errors)
        )

    def on_authentication(request, exc: AuthenticationError):
        return problem_response(
            request,
            unauthorized("Authorization: Bearer ヘッダーでAPIトークンを送ってください。"),
        )

    def on_http_error(request, exc: HttpError):
        return problem_response(request, ApiProblem(exc.status_code, str(exc)))

    def on_404(request, exc: Http404):
        return problem_response(request, ApiProblem(404, "見つかりません。"))

    def on_403(request, exc: PermissionDenied):
        return problem_response(
            request, ApiProblem(403, str(exc) or "この操作を行う権限がありません。")
        )

    def on_domain(request, exc: DomainError):
        errors = [{"location": exc.field, "message": exc.message}] if exc.field else []
        return problem_response(
            request, ApiProblem(400, exc.message, type=TYPE_RULE, errors=errors)
        )

    def on_unexpected(request, exc: Exception):
        logger.exception("API error on %s %s", request.method, request.path)
        return problem_response(
            request,
            ApiProblem(
                500,
                "サーバーで予期しないエラーが発生しました。時間をおいてもう一度お試しください。",
            ),
        )

    api.add_exception_handler(Exception, on_unexpected)
    api.add_exception_handler(ApiProblem, on_problem)
    api.add_exception_handler(ValidationError, on_validation)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(AuthenticationError, on_authentication)
    api.add_exception_handler(Http404, on_404)
    api.add_exception_handler(PermissionDenied, on_403)
    api.add_exception_handler(DomainError, on_domain)
