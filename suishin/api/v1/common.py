"""Shared pieces of the v1 endpoints: parameter types, pagination, periods."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from typing import Annotated, Any

from django.db.models import QuerySet
from ninja import Schema
from pydantic import Field

from suishin.api.problems import TYPE_VALIDATION, ApiProblem, Problem
from suishin.core import fiscal
from suishin.core.fiscal import Period

# Free text in a query: bounded, and never a NUL (PostgreSQL refuses it in a query).
NO_NUL = r"^[^\x00]*$"
Text = Annotated[str, Field(max_length=100, pattern=NO_NUL)]
Code = Annotated[str, Field(max_length=40, pattern=NO_NUL)]
HeaderText = Annotated[str, Field(max_length=2000, pattern=NO_NUL)]
FiscalYear = Annotated[int, Field(ge=2000, le=2100)]
Half = Annotated[int, Field(ge=1, le=2)]
Month = Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}$")]
PageNumber = Annotated[int, Field(ge=1, le=1_000_000)]
PerPage = Annotated[int, Field(ge=1, le=1000)]

DEFAULT_PER_PAGE = 100

# Error responses every token-authenticated operation may give.
ERRORS: dict[int, Any] = {400: Problem, 401: Problem, 403: Problem}
ERRORS_404: dict[int, Any] = {**ERRORS, 404: Problem}


class PageBase(Schema):
    """A page of a list: `results` holds at most `per_page` rows; `next` and
    `previous` are the URLs of the neighbouring pages (null at the ends)."""

    count: int
    page: int
    per_page: int
    pages: int
    next: str | None
    previous: str | None


def _page_url(request, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return f"{request.path}?{query.urlencode()}"


def paginate(
    request, qs: QuerySet | list, *, page: int, per_page: int, row: Callable[[Any], dict]
) -> dict[str, Any]:
    count = qs.count() if isinstance(qs, QuerySet) else len(qs)
    pages = max(1, math.ceil(count / per_page))
    start = (page - 1) * per_page
    rows: Iterable[Any] = qs[start : start + per_page] if start < count else []
    return {
        "count": count,
        "page": page,
        "per_page": per_page,
        "pages": pages,
        "next": _page_url(request, page + 1) if page < pages else None,
        "previous": _page_url(request, min(page - 1, pages)) if page > 1 else None,
        "results": [row(o) for o in rows],
    }


def parse_month(text: str) -> dt.date:
    try:
        year, month = (int(p) for p in text.split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        raise ApiProblem(
            400,
            f"年月「{text}」は YYYY-MM の形式の実在する月で指定してください。",
            type=TYPE_VALIDATION,
            errors=[
                {"location": "query.month", "message": "年月: YYYY-MM の形式で指定してください。"}
            ],
        ) from None


def period_of(*, fiscal_year: int | None, half: int | None, month: str | None) -> Period | None:
    """The period a list is limited to: one month, a half, a fiscal year, or none."""
    if month:
        first = parse_month(month)
        if fiscal_year is not None and fiscal.fiscal_year_of(first) != fiscal_year:
            raise ApiProblem(
                400,
                f"年月「{month}」は{fiscal_year}年度に含まれません。",
                type=TYPE_VALIDATION,
                errors=[
                    {"location": "query.month", "message": "年月: 年度の中の月を指定してください。"}
                ],
            )
        if half is not None and int(fiscal.half_of(first)) != half:
            raise ApiProblem(
                400,
                f"年月「{month}」は指定の期に含まれません。",
                type=TYPE_VALIDATION,
                errors=[
                    {"location": "query.month", "message": "年月: 期の中の月を指定してください。"}
                ],
            )
        return Period(first, first)
    if half is not None:
        if fiscal_year is None:
            raise ApiProblem(
                400,
                "期（half）を指定するときは年度（fiscal_year）も指定してください。",
                type=TYPE_VALIDATION,
                errors=[{"location": "query.fiscal_year", "message": "年度: 必須です。"}],
            )
        return fiscal.half_period(fiscal_year, half)
    if fiscal_year is not None:
        return fiscal.fiscal_year_period(fiscal_year)
    return None


def scope_text(level: str, scope_key: str) -> str:
    """'全体', a block name, a 店番 or a 会員コード: what `scope=` accepts."""
    return "全体" if level == "council" else scope_key.split(":", 1)[-1]
