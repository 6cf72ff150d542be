from __future__ import annotations

import datetime as dt
import os
import secrets
import subprocess
import sys

import pytest
import time_machine
from django.urls import reverse

from conftest import PASSWORD

LOCKED = "ログインに続けて失敗したため、このユーザー名は15分間ログインできません。時間をおいて再度お試しください。"


def _login(client, username, password, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_it_locks_a_username_after_five_failures_from_one_address(client, users):
    for _ in range(5):
        _login(client, "alice", "wrong")
    response = _login(client, "alice", PASSWORD)
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_does_not_spill_over_to_colleagues_behind_the_same_address(client, users):
    for _ in range(5):
        _login(client, "alice", "wrong")
    response = _login(client, "bob", PASSWORD)
    assert response.status_code == 302


def test_the_lock_ends_after_the_cool_off(client, users):
    start = dt.datetime(2024, 11, 14, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            _login(client, "alice", "wrong")
    with time_machine.travel(start + dt.timedelta(minutes=16), tick=False):
        assert _login(client, "alice", PASSWORD).status_code == 302


def test_a_success_clears_earlier_failures(client, users):
    for _ in range(4):
        _login(client, "alice", "wrong")
    assert _login(client, "alice", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _login(client, "alice", "wrong")
    assert _login(client, "alice", PASSWORD).status_code == 302


def test_forms_carry_csrf_protection(users):
    from django.test import Client

    c = Client(enforce_csrf_checks=True)
    assert c.post(reverse("login"), {"username": "alice", "password": PASSWORD}).status_code == 403


def test_production_settings_pass_the_deploy_check():
    exe = os.path.join(os.path.dirname(sys.executable), "suishin")
    env = {
        **os.environ,
        "SUISHIN_PRODUCTION": "1",
        "SUISHIN_SECRET_KEY": secrets.token_urlsafe(60),
        "SUISHIN_ALLOWED_HOSTS": "suishin.example.jp",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests for their own process
    out = subprocess.run([exe, "check", "--deploy"], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "WARNING" not in out.stderr + out.stdout
    assert "no issues" in out.stdout


def test_production_refuses_to_start_without_a_secret_key():
    exe = os.path.join(os.path.dirname(sys.executable), "suishin")
    env = {**os.environ, "SUISHIN_PRODUCTION": "1"}
    env.pop("SUISHIN_SECRET_KEY", None)
    out = subprocess.run([exe, "check"], env=env, capture_output=True, text=True)
    assert out.returncode != 0
    assert "SUISHIN_SECRET_KEY" in out.stderr


@pytest.mark.parametrize("role", ["bank", "viewer", "branch", "member"])
def test_audit_pages_are_the_secretariats_only(client_for, role):
    assert client_for(role).get(reverse("audit:index")).status_code == 403
