"""The demo's users: one per role, plus an "other branch" and "other union"
user who must see nothing of the first ones' data."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from suishin.accounts.models import Role, User
from suishin.organisations.models import Branch, Member

DEMO_PASSWORD = "suishin-demo-2024"


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    display_name: str
    branch_code: str | None = None
    member_code: str | None = None


def demo_users() -> list[DemoUser]:
    """Branch and member users attach to the first and last branch/member in code
    order, so the two scoped users always belong to different organisations."""
    branches = list(Branch.objects.order_by("code").values_list("code", flat=True))
    first_branch = branches[0] if branches else None
    other_branch = branches[-1] if len(branches) > 1 else None
    member = Member.objects.filter(branch__code=first_branch).order_by("code").first() if first_branch else None
    other_member = (
        Member.objects.filter(branch__code=other_branch).order_by("code").first() if other_branch else None
    )
    users = [
        DemoUser("jimukyoku", Role.SECRETARIAT, "事務局 紺野"),
        DemoUser("roukin", Role.BANK, "ろうきん本店 推進部"),
        DemoUser("etsuran", Role.VIEWER, "推進会議 委員"),
    ]
    if first_branch:
        users.append(DemoUser("ten", Role.BRANCH, "店推進委員会", branch_code=first_branch))
    if other_branch:
        users.append(DemoUser("ten2", Role.BRANCH, "他店推進委員会", branch_code=other_branch))
    if member:
        users.append(DemoUser("kaiin", Role.MEMBER, "会員担当", member_code=member.code))
    if other_member:
        users.append(DemoUser("kaiin2", Role.MEMBER, "他会員担当", member_code=other_member.code))
    return users


@transaction.atomic
def ensure_demo_users() -> list[DemoUser]:
    """Create or reset the demo users (idempotent: running twice changes nothing)."""
    created = demo_users()
    for spec in created:
        user, _ = User.objects.get_or_create(username=spec.username)
        user.role = spec.role
        user.display_name = spec.display_name
        user.branch = Branch.objects.get(code=spec.branch_code) if spec.branch_code else None
        user.member = Member.objects.get(code=spec.member_code) if spec.member_code else None
        user.is_staff = user.is_superuser = spec.role == Role.SECRETARIAT
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
        user.save()
    return created
