from __future__ import annotations

import pytest
from django.http import Http404

from suishin.accounts.models import Role, User
from suishin.accounts.scoping import Perm, get_visible_or_404, has_perm, visible
from suishin.organisations.models import Block, Branch, Member


def codes(qs, field="code"):
    return sorted(qs.values_list(field, flat=True))


def test_unscoped_roles_see_every_member(users, org):
    for role in ("secretariat", "bank", "viewer"):
        assert codes(visible(users[role], Member)) == ["A0001", "A0002", "B0001"]


def test_branch_committee_sees_only_its_branchs_members(users):
    assert codes(visible(users["branch"], Member)) == ["A0001", "A0002"]
    assert codes(visible(users["other_branch"], Member)) == ["B0001"]


def test_member_officer_sees_only_its_own_union(users):
    assert codes(visible(users["member"], Member)) == ["A0001"]
    assert codes(visible(users["other_member"], Member)) == ["B0001"]


def test_scoped_users_see_only_their_own_branch_and_block(users):
    assert codes(visible(users["branch"], Branch)) == ["101"]
    assert codes(visible(users["member"], Branch)) == ["101"]
    assert codes(visible(users["branch"], Block), "name") == ["石狩"]


def test_another_organisations_object_is_a_404_not_a_403(users, org):
    assert get_visible_or_404(users["branch"], Member, pk=org.member_a.pk) == org.member_a
    with pytest.raises(Http404):
        get_visible_or_404(users["branch"], Member, pk=org.member_b.pk)
    with pytest.raises(Http404):
        get_visible_or_404(users["member"], Member, pk=org.member_a2.pk)


def test_anonymous_and_inactive_users_see_nothing(users, org):
    from django.contrib.auth.models import AnonymousUser

    assert not visible(AnonymousUser(), Member).exists()
    users["secretariat"].is_active = False
    assert not visible(users["secretariat"], Member).exists()


def test_an_unregistered_model_is_invisible_to_scoped_roles(users):
    # Fail closed: a model the scoping layer does not know shows nothing.
    assert visible(users["branch"], User).count() == 0
    assert visible(users["secretariat"], User).count() == User.objects.count()


def test_visible_narrows_a_given_queryset(users, org):
    qs = Member.objects.filter(code__startswith="A")
    assert codes(visible(users["member"], qs)) == ["A0001"]


@pytest.mark.parametrize(
    ("role", "perm", "allowed"),
    [
        ("secretariat", Perm.EDIT_ORGANISATION, True),
        ("bank", Perm.EDIT_ORGANISATION, False),
        ("bank", Perm.IMPORT_ALL, True),
        ("branch", Perm.IMPORT_FILES, True),
        ("branch", Perm.IMPORT_ALL, False),
        ("member", Perm.SELF_SERVICE, True),
        ("member", Perm.IMPORT_FILES, False),
        ("viewer", Perm.VIEW_REPORTS, True),
        ("viewer", Perm.ENTER_ACTIVITIES, False),
        ("branch", Perm.VIEW_PERSONAL_DATA, False),
        ("bank", Perm.ADMIN_SITE, False),
    ],
)
def test_role_permissions(users, role, perm, allowed):
    assert has_perm(users[role], perm) is allowed


def test_database_refuses_a_branch_user_without_branch(db):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(username="x", password="p", role=Role.BRANCH)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(username="y", password="p", role=Role.MEMBER)


@pytest.mark.real_hashing
def test_passwords_are_hashed_with_argon2(db):
    user = User.objects.create_user(username="hash", password="a-long-password-1", role=Role.VIEWER)
    assert user.password.startswith("argon2")
