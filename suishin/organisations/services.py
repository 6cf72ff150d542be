"""Writes to the organisation tree. Each runs in one transaction with an audit entry."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from suishin.core import audit
from suishin.core.errors import DomainError
from suishin.organisations.models import Block, Branch, Member, MemberHeadcount


def _save(actor: Any, obj, fields: dict[str, Any]):
    return audit.save_audited(obj, actor=actor, fields=fields, clean=True)


@transaction.atomic
def save_block(
    *, actor: Any, block: Block | None = None, name: str, sort_order: int = 0, active: bool = True
) -> Block:
    name = name.strip()
    if not name:
        raise DomainError("ブロック名を入力してください。", field="name")
    clash = Block.objects.filter(name=name).exclude(pk=getattr(block, "pk", None))
    if clash.exists():
        raise DomainError(f"ブロック名「{name}」は既に登録されています。", field="name")
    return _save(
        actor, block or Block(), {"name": name, "sort_order": sort_order, "active": active}
    )


@transaction.atomic
def save_branch(
    *,
    actor: Any,
    branch: Branch | None = None,
    code: str,
    name: str,
    block: Block,
    active: bool = True,
) -> Branch:
    code = code.strip()
    if not code:
        raise DomainError("店番を入力してください。", field="code")
    if Branch.objects.filter(code=code).exclude(pk=getattr(branch, "pk", None)).exists():
        raise DomainError(f"店番「{code}」は既に登録されています。", field="code")
    return _save(
        actor,
        branch or Branch(),
        {"code": code, "name": name.strip(), "block": block, "active": active},
    )


@transaction.atomic
def save_member(
    *,
    actor: Any,
    member: Member | None = None,
    code: str,
    name: str,
    federation: str,
    branch: Branch,
    active: bool = True,
) -> Member:
    code = code.strip()
    if not code:
        raise DomainError("会員コードを入力してください。", field="code")
    if Member.objects.filter(code=code).exclude(pk=getattr(member, "pk", None)).exists():
        raise DomainError(f"会員コード「{code}」は既に登録されています。", field="code")
    return _save(
        actor,
        member or Member(),
        {
            "code": code,
            "name": name.strip(),
            "federation": federation.strip(),
            "branch": branch,
            "active": active,
        },
    )


@transaction.atomic
def set_headcount(
    *, actor: Any, member: Member, fiscal_year: int, headcount: int
) -> MemberHeadcount:
    if headcount < 0:
        raise DomainError("組合員数は0以上で入力してください。", field="headcount")
    row = MemberHeadcount.objects.filter(member=member, fiscal_year=fiscal_year).first()
    return _save(
        actor,
        row or MemberHeadcount(member=member, fiscal_year=fiscal_year),
        {"headcount": headcount},
    )
