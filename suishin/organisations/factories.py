"""Test and demo helpers that build organisation rows with sensible defaults."""

from __future__ import annotations

import itertools

from suishin.organisations.models import Block, Branch, Member, MemberHeadcount

_seq = itertools.count(1)


def block(name: str | None = None, **kw) -> Block:
    return Block.objects.create(name=name or f"ブロック{next(_seq)}", **kw)


def branch(code: str | None = None, *, block_obj: Block | None = None, name: str | None = None, **kw) -> Branch:
    n = next(_seq)
    return Branch.objects.create(
        code=code or f"{n:03d}", name=name or f"テスト{n}店", block=block_obj or block(), **kw
    )


def member(
    code: str | None = None, *, branch_obj: Branch | None = None, name: str | None = None, headcount: int | None = None, fiscal_year: int = 2024, **kw
) -> Member:
    n = next(_seq)
    m = Member.objects.create(
        code=code or f"M{n:05d}", name=name or f"テスト労働組合{n}", branch=branch_obj or branch(), **kw
    )
    if headcount is not None:
        MemberHeadcount.objects.create(member=m, fiscal_year=fiscal_year, headcount=headcount)
    return m
