"""Named users, one per role, plus an "other branch" and an "other union" user
who must see nothing of the first ones' data (healthchecks' alice/bob)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from suishin.accounts.models import Role, User
from suishin.organisations import factories
from suishin.organisations.models import Block, Branch, Member

PASSWORD = "test-password-123"


def pytest_configure(config):
    config.addinivalue_line("markers", "real_hashing: keep Argon2 (other tests use a fast hasher)")


@pytest.fixture(autouse=True)
def _private_media_root(settings, tmp_path_factory):
    """Stored import files go to a temporary directory, never into var/."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _private_cache(settings):
    """Job progress lives in the cache (suishin.core.jobs): tests keep theirs in
    memory, never in var/cache where another run could read it."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}
    }
    from django.core.cache import cache

    cache.clear()
    # The figures cache (suishin.kpis.cache) trusts that every write is
    # audited; test fixtures write rows directly, so it is off unless a test
    # turns it on (suishin/kpis/tests/test_figures_cache.py).
    settings.SUISHIN_FIGURES_CACHE = False


@pytest.fixture(autouse=True)
def _fast_password_hashing(request, settings):
    """Argon2 is deliberately slow; tests that do not check hashing skip it."""
    if request.node.get_closest_marker("real_hashing") is None:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Org:
    block_a: Block
    block_b: Block
    branch_a: Branch  # 店番 "101" in 石狩
    branch_b: Branch  # 店番 "201" in 上川
    member_a: Member  # belongs to branch_a
    member_a2: Member  # also branch_a
    member_b: Member  # belongs to branch_b


@pytest.fixture
def org(db) -> Org:
    block_a = factories.block("石狩", sort_order=1)
    block_b = factories.block("上川", sort_order=2)
    branch_a = factories.branch("101", block_obj=block_a, name="札幌中央店")
    branch_b = factories.branch("201", block_obj=block_b, name="旭川店")
    return Org(
        block_a=block_a,
        block_b=block_b,
        branch_a=branch_a,
        branch_b=branch_b,
        member_a=factories.member(
            "A0001",
            branch_obj=branch_a,
            name="札幌市職員労働組合",
            federation="自治労",
            headcount=1200,
        ),
        member_a2=factories.member(
            "A0002",
            branch_obj=branch_a,
            name="北海道教職員組合札幌支部",
            federation="日教組",
            headcount=800,
        ),
        member_b=factories.member(
            "B0001",
            branch_obj=branch_b,
            name="旭川交通労働組合",
            federation="私鉄総連",
            headcount=300,
        ),
    )


def _user(username: str, role: str, **kw) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, role=role, **kw)
    if role == Role.SECRETARIAT:
        user.is_staff = user.is_superuser = True
        user.save()
    return user


@pytest.fixture
def users(org) -> dict[str, User]:
    return {
        "secretariat": _user("alice", Role.SECRETARIAT),
        "bank": _user("bank", Role.BANK),
        "viewer": _user("viewer", Role.VIEWER),
        "branch": _user("bob", Role.BRANCH, branch=org.branch_a),
        "other_branch": _user("bob2", Role.BRANCH, branch=org.branch_b),
        "member": _user("charlie", Role.MEMBER, member=org.member_a),
        "other_member": _user("charlie2", Role.MEMBER, member=org.member_b),
    }


@pytest.fixture
def client_for(client, users):
    """client_for("branch") → a test client signed in as that user."""

    def login(role: str):
        client.force_login(users[role])
        return client

    return login
