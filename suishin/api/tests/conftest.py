"""API test fixtures: a token per role and a client that sends it."""

from __future__ import annotations

import pytest
from django.test import Client

from suishin.api import services


@pytest.fixture
def issue(users):
    """issue("branch", scopes=["read"]) → the bearer secret of a new token for that role's user."""

    def make(role: str, scopes: tuple[str, ...] = ("read", "import"), **kw) -> str:
        user = users[role]
        if "import" in scopes and role not in ("secretariat", "bank", "branch", "other_branch"):
            scopes = tuple(s for s in scopes if s != "import") or ("read",)
        return services.issue_token(
            actor=None, user=user, name=f"{role}のテスト", scopes=list(scopes), **kw
        ).secret

    return make


@pytest.fixture
def api(issue):
    """api("branch") → a test client whose every request carries that role's token."""

    def make(role: str, scopes: tuple[str, ...] = ("read", "import")) -> Client:
        secret = issue(role, scopes)
        return Client(raise_request_exception=False, headers={"Authorization": f"Bearer {secret}"})

    return make
