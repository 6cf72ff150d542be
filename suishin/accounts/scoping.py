"""The one place that decides what a user may see and do.

Two questions, answered here and nowhere else:

* `has_perm(user, perm)`: may this role do this kind of thing at all?
* `visible(user, Model)`: which rows of this model may this user see?

Row rule (SPEC.md): a branch committee user sees only rows of its own branch,
a member officer only rows of its own union. Every model that a scoped role
can reach is registered here with the lookup paths from the model to its
branch and to its member; an unregistered model is invisible to scoped roles
(fail closed). Views, exports, reports and the API resolve objects through
`visible()` / `get_visible_or_404()`, which answers 404 for another
organisation's object so that its existence does not leak.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.core.exceptions import (
    MultipleObjectsReturned,
    ObjectDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from suishin.accounts.models import Role


class Perm(StrEnum):
    VIEW_ORGANISATION = "view_organisation"
    EDIT_ORGANISATION = "edit_organisation"
    VIEW_FIGURES = "view_figures"
    EDIT_CATALOG = "edit_catalog"  # item catalog, targets, yearly settings
    IMPORT_FILES = "import_files"  # may open the import pages (kinds limited below)
    IMPORT_ALL = "import_all"  # every kind and scope
    VIEW_REPORTS = "view_reports"
    EDIT_NARRATIVE = "edit_narrative"
    VIEW_ACTIVITIES = "view_activities"
    ENTER_ACTIVITIES = "enter_activities"  # study sessions, applications for own scope
    APPROVE_APPLICATIONS = "approve_applications"
    SELF_SERVICE = "self_service"  # a member's self-targets and movement reports
    VIEW_CAMPAIGNS = "view_campaigns"
    MANAGE_CAMPAIGNS = "manage_campaigns"  # draws, entrant personal data
    VIEW_PERSONAL_DATA = "view_personal_data"
    VIEW_MEETINGS = "view_meetings"
    EDIT_MEETINGS = "edit_meetings"
    VIEW_AUDIT = "view_audit"
    MANAGE_API_TOKENS = "manage_api_tokens"  # issue and revoke API tokens (secretariat)
    ADMIN_SITE = "admin_site"


_READ = {
    Perm.VIEW_ORGANISATION,
    Perm.VIEW_FIGURES,
    Perm.VIEW_REPORTS,
    Perm.VIEW_ACTIVITIES,
    Perm.VIEW_CAMPAIGNS,
    Perm.VIEW_MEETINGS,
}

ROLE_PERMS: dict[str, frozenset[Perm]] = {
    Role.SECRETARIAT: frozenset(Perm),
    Role.BANK: frozenset(_READ | {Perm.IMPORT_FILES, Perm.IMPORT_ALL}),
    Role.BRANCH: frozenset(_READ | {Perm.IMPORT_FILES, Perm.ENTER_ACTIVITIES}),
    Role.MEMBER: frozenset(
        {
            Perm.VIEW_ORGANISATION,
            Perm.VIEW_FIGURES,
            Perm.VIEW_REPORTS,
            Perm.VIEW_ACTIVITIES,
            Perm.ENTER_ACTIVITIES,
            Perm.SELF_SERVICE,
            Perm.VIEW_MEETINGS,
        }
    ),
    Role.VIEWER: frozenset(_READ),
}

# Roles that see every row (their limits are on what they may change).
UNSCOPED_ROLES = frozenset({Role.SECRETARIAT, Role.BANK, Role.VIEWER})


def has_perm(user: Any, perm: str | Perm) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return Perm(perm) in ROLE_PERMS.get(user.role, frozenset())


def require_perm(user: Any, perm: str | Perm) -> None:
    if not has_perm(user, perm):
        raise PermissionDenied("この操作を行う権限がありません。")


def is_scoped(user: Any) -> bool:
    """True for the roles that see only their own branch or union."""
    return getattr(user, "role", None) not in UNSCOPED_ROLES


@dataclass(frozen=True)
class ScopeRule:
    branch: str | None  # lookup path from the model to organisations.Branch (pk)
    member: str | None  # lookup path from the model to organisations.Member (pk)
    distinct: bool = False  # the path crosses a to-many relation


_RULES: dict[type[Model], ScopeRule] = {}


def register(model: type[Model], *, branch: str | None, member: str | None, distinct: bool = False):
    """Declare how rows of `model` belong to a branch and to a member.

    `branch=None` means branch users see no rows; `member=None` likewise for
    member officers. Paths end at the foreign key itself ("member" or
    "member__branch"), and "pk" means the model *is* the branch/member.
    """
    _RULES[model] = ScopeRule(branch=branch, member=member, distinct=distinct)


def rule_for(model: type[Model]) -> ScopeRule | None:
    return _RULES.get(model)


def scope_q(user: Any, model: type[Model]) -> Q | None:
    """The filter that restricts `model` to what `user` may see.

    None means "no restriction"; Q(pk__in=[]) means "nothing".
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    if user.role in UNSCOPED_ROLES:
        return None
    rule = _RULES.get(model)
    if rule is None:
        return Q(pk__in=[])
    if user.role == Role.BRANCH and rule.branch and user.branch_id:
        return Q(**{rule.branch: user.branch_id})
    if user.role == Role.MEMBER and rule.member and user.member_id:
        return Q(**{rule.member: user.member_id})
    return Q(pk__in=[])


def visible(user: Any, model_or_qs: type[Model] | QuerySet) -> QuerySet:
    """The rows of a model (or of a queryset) that `user` may see."""
    qs = model_or_qs if isinstance(model_or_qs, QuerySet) else model_or_qs._default_manager.all()
    q = scope_q(user, qs.model)
    if q is None:
        return qs
    rule = _RULES.get(qs.model)
    if rule is not None and rule.distinct:
        return qs.filter(pk__in=qs.model._default_manager.filter(q).values("pk"))
    return qs.filter(q)


def get_visible_or_404(user: Any, model_or_qs: type[Model] | QuerySet, **lookup: Any) -> Any:
    try:
        return visible(user, model_or_qs).get(**lookup)
    except (ObjectDoesNotExist, MultipleObjectsReturned, ValueError, ValidationError):
        # Another organisation's object answers exactly like a missing one.
        raise Http404("見つかりません。") from None


def can_see_branch(user: Any, branch_id: int | None) -> bool:
    if not is_scoped(user):
        return True
    if user.role == Role.BRANCH:
        return branch_id is not None and branch_id == user.branch_id
    return False


def can_see_member(user: Any, member: Any) -> bool:
    """member: an organisations.Member instance."""
    if not is_scoped(user):
        return True
    if user.role == Role.BRANCH:
        return member.branch_id == user.branch_id
    if user.role == Role.MEMBER:
        return member.pk == user.member_id
    return False
