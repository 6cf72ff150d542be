"""A reporting scope: the whole council, one block, one branch or one member.

Parsed from what users type ('全体', a block name, a 店番, a 会員コード) and
turned into filters. Results carry snapshot block/branch columns, so a scope
filters them directly; other models pass the lookup paths to their member.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from suishin.core.errors import DomainError
from suishin.kpis.models import ScopeLevel

COUNCIL_NAMES = ("全体", "council", "")


@dataclass(frozen=True)
class Scope:
    level: str  # a ScopeLevel value
    block_id: int | None = None
    branch_id: int | None = None
    member_id: int | None = None
    code: str = ""  # block name, 店番 or 会員コード; "" for the council
    label: str = "全道推進会議"

    @classmethod
    def council(cls) -> Scope:
        return cls(level=ScopeLevel.COUNCIL)

    @classmethod
    def parse(cls, text: str | None) -> Scope:
        """'全体' → council; else a block name, a 店番 or a 会員コード (tried in that order)."""
        from suishin.organisations.models import Block, Branch, Member

        value = (text or "").strip()
        if value in COUNCIL_NAMES:
            return cls.council()
        block = Block.objects.filter(name=value).first()
        if block:
            return cls(level=ScopeLevel.BLOCK, block_id=block.pk, code=block.name, label=f"{block.name}ブロック")
        branch = Branch.objects.filter(code=value).select_related("block").first()
        if branch:
            return cls(
                level=ScopeLevel.BRANCH,
                block_id=branch.block_id,
                branch_id=branch.pk,
                code=branch.code,
                label=branch.name,
            )
        member = Member.objects.filter(code=value).select_related("branch").first()
        if member:
            return cls(
                level=ScopeLevel.MEMBER,
                block_id=member.branch.block_id,
                branch_id=member.branch_id,
                member_id=member.pk,
                code=member.code,
                label=member.name,
            )
        raise DomainError(f"対象「{value}」は、ブロック名・店番・会員コードのいずれにも見つかりません。", field="scope")

    @property
    def key(self) -> str:
        return self.level if self.level == ScopeLevel.COUNCIL else f"{self.level}:{self.code}"

    def q(self, *, block: str = "block", branch: str = "branch", member: str = "member") -> Q:
        """The filter for this scope, given the lookup paths of a model's block,
        branch and member (Result's snapshot columns by default)."""
        if self.level == ScopeLevel.COUNCIL:
            return Q()
        if self.level == ScopeLevel.BLOCK:
            return Q(**{f"{block}_id": self.block_id})
        if self.level == ScopeLevel.BRANCH:
            return Q(**{f"{branch}_id": self.branch_id})
        return Q(**{f"{member}_id": self.member_id})

    def member_q(self, member_path: str = "member") -> Q:
        """For models that reach the tree only through a member (current tree)."""
        return self.q(
            block=f"{member_path}__branch__block", branch=f"{member_path}__branch", member=member_path
        )
