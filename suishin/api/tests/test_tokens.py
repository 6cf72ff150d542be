"""Issuing and revoking tokens: service rules, audit, the secretariat's page
and the `suishin apitoken` command."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from suishin.api import services
from suishin.api.models import ApiToken
from suishin.core.errors import DomainError
from suishin.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_only_a_hash_is_stored_and_the_secret_authenticates(users):
    issued = services.issue_token(
        actor=users["secretariat"], user=users["bank"], name="本部連携", scopes=["read"]
    )
    token = ApiToken.objects.get()
    assert issued.secret.startswith(f"ssn_{token.prefix}_")
    assert token.secret_hash == hashlib.sha256(issued.secret.encode()).hexdigest()
    assert issued.secret not in str(ApiToken.objects.values().get())
    found = services.authenticate(issued.secret)
    assert found.pk == token.pk and found.user == users["bank"]
    assert found.last_used_at is not None
    assert (
        services.authenticate(issued.secret[:-1] + ("A" if issued.secret[-1] != "A" else "B"))
        is None
    )
    assert services.authenticate("") is None
    assert services.authenticate(f"ssn_{token.prefix}") is None


def test_issue_and_revoke_are_audited(users):
    issued = services.issue_token(
        actor=users["secretariat"], user=users["bank"], name="本部連携", scopes=["read", "import"]
    )
    entry = AuditEntry.objects.get(action="api_token_issue")
    assert entry.actor == users["secretariat"]
    assert entry.after["scopes"] == "read import"
    assert issued.secret not in str(entry.after)
    services.revoke_token(actor=users["secretariat"], token=issued.token)
    assert (
        AuditEntry.objects.filter(action="api_token_revoke", actor=users["secretariat"]).count()
        == 1
    )
    assert services.authenticate(issued.secret) is None
    with pytest.raises(DomainError, match="すでに失効しています"):
        services.revoke_token(actor=users["secretariat"], token=issued.token)


@pytest.mark.parametrize("role", ["bank", "viewer", "branch", "member"])
def test_only_the_secretariat_may_issue_or_revoke(users, role):
    with pytest.raises(DomainError) as exc:
        services.issue_token(actor=users[role], user=users[role], name="自分用", scopes=["read"])
    assert exc.value.message == "APIトークンを発行・失効できるのは事務局だけです。"
    issued = services.issue_token(
        actor=users["secretariat"], user=users[role], name="x", scopes=["read"]
    )
    with pytest.raises(DomainError):
        services.revoke_token(actor=users[role], token=issued.token)
    assert ApiToken.objects.get().revoked_at is None


def test_issue_rules_have_japanese_messages(users):
    s = users["secretariat"]
    cases = [
        (dict(user=users["bank"], name=" ", scopes=["read"]), "トークンの名前を入力してください。"),
        (dict(user=users["bank"], name="x", scopes=[]), "スコープを一つ以上選んでください。"),
        (
            dict(user=users["bank"], name="x", scopes=["write"]),
            "スコープ「write」はありません（read または import）。",
        ),
        (
            dict(user=users["viewer"], name="x", scopes=["import"]),
            "利用者「viewer」はファイル取込の権限がないため、取込スコープは付けられません。",
        ),
        (
            dict(
                user=users["bank"],
                name="x",
                scopes=["read"],
                expires_at=timezone.now() - dt.timedelta(days=1),
            ),
            "有効期限は現在より後の日時にしてください。",
        ),
    ]
    for kwargs, message in cases:
        with pytest.raises(DomainError) as exc:
            services.issue_token(actor=s, **kwargs)
        assert exc.value.message == message
    assert ApiToken.objects.count() == 0


def test_last_used_is_written_at_most_once_a_minute(users):
    issued = services.issue_token(actor=None, user=users["bank"], name="x", scopes=["read"])
    now = timezone.now()
    services.authenticate(issued.secret, now=now)
    services.authenticate(issued.secret, now=now + dt.timedelta(seconds=30))
    assert ApiToken.objects.get().last_used_at == now
    services.authenticate(issued.secret, now=now + dt.timedelta(minutes=2))
    assert ApiToken.objects.get().last_used_at == now + dt.timedelta(minutes=2)


def test_the_token_page_issues_shows_the_secret_once_and_revokes(client_for, users):
    client = client_for("secretariat")
    assert client.get("/api/tokens/").status_code == 200
    page = client.get("/api/tokens/new")
    assert "APIトークンの発行" in page.content.decode()
    response = client.post(
        "/api/tokens/new",
        {
            "user": users["bank"].pk,
            "name": "本部システム",
            "scopes": ["read", "import"],
            "expires_on": "2099-03-31",
        },
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    text = response.content.decode()
    secret = text.split('id="token-secret" type="text" readonly value="')[1].split('"')[0]
    token = ApiToken.objects.get()
    assert services.authenticate(secret).pk == token.pk
    assert timezone.localtime(token.expires_at).date() == dt.date(2099, 3, 31)
    assert "2099年3月31日（火）" in text
    listing = client.get("/api/tokens/").content.decode()
    assert "本部システム" in listing and secret not in listing
    assert client.get(f"/api/tokens/{token.pk}/revoke").status_code == 405
    revoked = client.post(f"/api/tokens/{token.pk}/revoke", follow=True)
    assert "トークン「本部システム」を失効させました。" in revoked.content.decode()
    assert services.authenticate(secret) is None


def test_the_token_form_shows_rule_errors_next_to_the_fields(client_for, users):
    response = client_for("secretariat").post(
        "/api/tokens/new", {"user": users["viewer"].pk, "name": "閲覧連携", "scopes": ["import"]}
    )
    assert response.status_code == 200
    assert "取込スコープは付けられません" in response.content.decode()
    assert ApiToken.objects.count() == 0


@pytest.mark.parametrize("role", ["bank", "viewer", "branch", "member"])
def test_other_roles_cannot_open_the_token_page(client_for, users, role):
    client = client_for(role)
    assert client.get("/api/tokens/").status_code == 403
    assert (
        client.post(
            "/api/tokens/new", {"user": users[role].pk, "name": "x", "scopes": ["read"]}
        ).status_code
        == 403
    )
    assert ApiToken.objects.count() == 0


def test_the_nav_shows_the_token_page_to_the_secretariat_only(client_for):
    assert "APIトークン" in client_for("secretariat").get("/").content.decode()
    assert "APIトークン" not in client_for("bank").get("/").content.decode()


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("apitoken", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_creates_lists_and_revokes(users):
    out, err = run(
        "create",
        "--user",
        "bank",
        "--name",
        "夜間バッチ",
        "--scope",
        "read",
        "--scope",
        "import",
        "--expires",
        "2099-12-31",
    )
    secret = out.strip()
    token = ApiToken.objects.get()
    assert services.authenticate(secret).pk == token.pk
    assert (
        f"トークン #{token.pk}「夜間バッチ」をbankに発行しました（スコープ: 読み取り・ファイル取込）"
        in err
    )
    assert AuditEntry.objects.get(action="api_token_issue").actor_label == "cli:apitoken"
    listing, _ = run("list")
    assert listing.startswith(
        f"{token.pk}\t夜間バッチ\tbank\tread import\t有効\t期限 2099-12-31\t最終利用 "
    )
    assert secret not in listing
    out, _ = run("revoke", str(token.pk))
    assert out.strip() == f"トークン #{token.pk}「夜間バッチ」を失効させました。"
    assert run("list")[0] == ""
    assert "\t失効\t" in run("list", "--all")[0]
    with pytest.raises(CommandError, match="すでに失効しています"):
        run("revoke", str(token.pk))
    with pytest.raises(CommandError, match="利用者「nobody」はいません。"):
        run("create", "--user", "nobody", "--name", "x")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("create", "--user", "bank", "--name", "x", "--expires", "来年")
