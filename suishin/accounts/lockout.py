"""Failed-login throttling.

Locked by (username, client address) with a cool-off, never by address alone:
a union office behind one NAT address must not lock out all its colleagues
(PITFALLS.md, django-axes' default). After LOCKOUT_THRESHOLD failures inside
LOCKOUT_WINDOW, that pair is refused until the window has passed since the
last failure. A successful login clears the pair's failures.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from suishin.accounts.models import LoginFailure


def _threshold() -> int:
    return getattr(settings, "SUISHIN_LOCKOUT_THRESHOLD", 5)


def _window() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "SUISHIN_LOCKOUT_SECONDS", 15 * 60))


def client_ip(request) -> str:
    return (request.META.get("REMOTE_ADDR") or "")[:45]


def _recent(username: str, ip: str):
    since = timezone.now() - _window()
    return LoginFailure.objects.filter(username=username.lower()[:150], ip=ip, at__gte=since)


def is_locked(username: str, ip: str) -> bool:
    return _recent(username, ip).count() >= _threshold()


def record_failure(username: str, ip: str) -> None:
    LoginFailure.objects.create(username=username.lower()[:150], ip=ip)


def clear(username: str, ip: str) -> None:
    LoginFailure.objects.filter(username=username.lower()[:150], ip=ip).delete()


def lockout_minutes() -> int:
    return max(1, int(_window().total_seconds() // 60))
