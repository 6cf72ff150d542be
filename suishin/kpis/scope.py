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

    @classmethod
    def for_block(cls, block) -> Scope:
        return cls(level=ScopeLevel.BLOCK, block_id=block.pk, code=block.name, label=f"{block.name}ブロック")

    @property
    def text(self) -> str:
        """What a user types to get this scope back from `parse` ('全体' for the council)."""
        return "全体" if self.level == ScopeLevel.COUNCIL else self.code


def default_scope_for(user) -> Scope:
    """The scope a report opens on: a branch user's branch, a member officer's
    union, everyone else the whole council."""
    from suishin.accounts.models import Role

    if getattr(user, "role", None) == Role.BRANCH and user.branch_id:
        return Scope.parse(user.branch.code)
    if getattr(user, "role", None) == Role.MEMBER and user.member_id:
        return Scope.parse(user.member.code)
    return Scope.council()


def visible_scope(user, text: str | None) -> Scope:
    """Parse `text` as a scope the user may see, else raise Http404.

    A branch committee user may ask for its own branch or one of its members;
    a member officer only for its own union; other roles for anything. An
    unknown scope and another organisation's scope answer alike (404), so the
    existence of another branch or union does not leak. An empty text gives
    the user's default scope.
    """
    from django.http import Http404

    from suishin.accounts import scoping
    from suishin.organisations.models import Member

    if not (text or "").strip():
        return default_scope_for(user)
    try:
        scope = Scope.parse(text)
    except DomainError:
        raise Http404("見つかりません。") from None
    if not scoping.is_scoped(user):
        return scope
    if scope.level == ScopeLevel.BRANCH and scoping.can_see_branch(user, scope.branch_id):
        return scope
    if scope.level == ScopeLevel.MEMBER:
        member = Member.objects.get(pk=scope.member_id)
        if scoping.can_see_member(user, member):
            return scope
    raise Http404("見つかりません。")
