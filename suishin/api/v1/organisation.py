"""The organisation tree: blocks, branches, members (with 組合員数 per year).

Everything through `visible()` / `get_visible_or_404()`: a branch committee
token sees its branch, its members and its block; a member officer's token
its own union (and the branch and block it belongs to)."""

from __future__ import annotations

from django.db.models import Prefetch
from ninja import Query, Router, Schema

from suishin.accounts.scoping import Perm, get_visible_or_404, visible
from suishin.api.auth import read
from suishin.api.v1.common import (
    DEFAULT_PER_PAGE,
    ERRORS,
    ERRORS_404,
    Code,
    PageBase,
    PageNumber,
    PerPage,
    Text,
    paginate,
)
from suishin.organisations.models import Block, Branch, Member, MemberHeadcount

router = Router(tags=["組織"])
AUTH = read(Perm.VIEW_ORGANISATION)


class BlockRef(Schema):
    id: int
    name: str


class BranchRef(Schema):
    code: str
    name: str


class BlockOut(Schema):
    id: int
    name: str
    sort_order: int
    active: bool


class BranchOut(Schema):
    id: int
    code: str
    name: str
    block: BlockRef
    sort_order: int
    active: bool


class Headcount(Schema):
    fiscal_year: int
    headcount: int


class MemberOut(Schema):
    id: int
    code: str
    name: str
    federation: str
    branch: BranchRef
    block: BlockRef
    active: bool
    headcounts: list[Headcount]


class BlockPage(PageBase):
    results: list[BlockOut]


class BranchPage(PageBase):
    results: list[BranchOut]


class MemberPage(PageBase):
    results: list[MemberOut]


def block_row(b: Block) -> dict:
    return {"id": b.pk, "name": b.name, "sort_order": b.sort_order, "active": b.active}


def branch_row(b: Branch) -> dict:
    return {
        "id": b.pk,
        "code": b.code,
        "name": b.name,
        "block": {"id": b.block_id, "name": b.block.name},
        "sort_order": b.sort_order,
        "active": b.active,
    }


def member_row(m: Member) -> dict:
    return {
        "id": m.pk,
        "code": m.code,
        "name": m.name,
        "federation": m.federation,
        "branch": {"code": m.branch.code, "name": m.branch.name},
        "block": {"id": m.branch.block_id, "name": m.branch.block.name},
        "active": m.active,
        "headcounts": [
            {"fiscal_year": h.fiscal_year, "headcount": h.headcount} for h in m.headcounts.all()
        ],
    }


def _members():
    headcounts = MemberHeadcount.objects.order_by("-fiscal_year")
    return Member.objects.select_related("branch__block").prefetch_related(
        Prefetch("headcounts", queryset=headcounts)
    )


@router.get(
    "/blocks",
    response={200: BlockPage, **ERRORS},
    auth=AUTH,
    url_name="block_list",
    summary="ブロック一覧",
)
def block_list(
    request, active: bool | None = None, page: PageNumber = 1, per_page: PerPage = DEFAULT_PER_PAGE
):
    qs = visible(request.user, Block).order_by("sort_order", "name", "pk")
    if active is not None:
        qs = qs.filter(active=active)
    return paginate(request, qs, page=page, per_page=per_page, row=block_row)


@router.get(
    "/blocks/{block_id}",
    response={200: BlockOut, **ERRORS_404},
    auth=AUTH,
    url_name="block_detail",
    summary="ブロック",
)
def block_detail(request, block_id: int):
    return block_row(get_visible_or_404(request.user, Block, pk=block_id))


@router.get(
    "/branches",
    response={200: BranchPage, **ERRORS},
    auth=AUTH,
    url_name="branch_list",
    summary="店一覧",
)
def branch_list(
    request,
    block: Text | None = Query(None, description="ブロック名"),
    active: bool | None = None,
    page: PageNumber = 1,
    per_page: PerPage = DEFAULT_PER_PAGE,
):
    qs = visible(request.user, Branch.objects.select_related("block")).order_by("code", "pk")
    if block:
        qs = qs.filter(block__name=block)
    if active is not None:
        qs = qs.filter(active=active)
    return paginate(request, qs, page=page, per_page=per_page, row=branch_row)


@router.get(
    "/branches/{code}",
    response={200: BranchOut, **ERRORS_404},
    auth=AUTH,
    url_name="branch_detail",
    summary="店（店番で）",
)
def branch_detail(request, code: Code):
    return branch_row(
        get_visible_or_404(request.user, Branch.objects.select_related("block"), code=code)
    )


@router.get(
    "/members",
    response={200: MemberPage, **ERRORS},
    auth=AUTH,
    url_name="member_list",
    summary="会員一覧",
)
def member_list(
    request,
    branch: Text | None = Query(None, description="店番"),
    block: Text | None = Query(None, description="ブロック名"),
    federation: Text | None = Query(None, description="産別"),
    active: bool | None = None,
    page: PageNumber = 1,
    per_page: PerPage = DEFAULT_PER_PAGE,
):
    qs = visible(request.user, _members()).order_by("code", "pk")
    if branch:
        qs = qs.filter(branch__code=branch)
    if block:
        qs = qs.filter(branch__block__name=block)
    if federation:
        qs = qs.filter(federation=federation)
    if active is not None:
        qs = qs.filter(active=active)
    return paginate(request, qs, page=page, per_page=per_page, row=member_row)


@router.get(
    "/members/{code}",
    response={200: MemberOut, **ERRORS_404},
    auth=AUTH,
    url_name="member_detail",
    summary="会員（会員コードで）",
)
def member_detail(request, code: Code):
    return member_row(get_visible_or_404(request.user, _members(), code=code))
