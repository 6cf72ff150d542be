"""The navigation frame: one list of entries, filtered by role.

An entry whose URL name does not resolve (its app has no page yet) is hidden,
so apps can grow without touching the frame.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    perm: str | None = None  # a suishin.accounts.scoping.Perm value; None = every signed-in user


ENTRIES: list[NavEntry] = [
    NavEntry("ダッシュボード", "home"),
    NavEntry("組織", "organisations:block_list", "view_organisation"),
    NavEntry("推進項目・目標", "kpis:item_list", "view_figures"),
    NavEntry("ファイル取込", "imports:index", "import_files"),
    NavEntry("推進活動総括", "reports:summary", "view_reports"),
    NavEntry("寄付・可処分所得", "programmes:index", "view_figures"),
    NavEntry("学習会・職域活動費", "activities:index", "view_activities"),
    NavEntry("会員自主目標・運動報告", "selfservice:index", "self_service"),
    NavEntry("キャンペーン・抽選", "campaigns:index", "view_campaigns"),
    NavEntry("会議・日程", "meetings:index", "view_meetings"),
    NavEntry("監査記録", "audit:index", "view_audit"),
    NavEntry("APIトークン", "api:token_list", "manage_api_tokens"),
    NavEntry("管理画面", "admin:index", "admin_site"),
]


def entries_for(user) -> list[dict[str, str]]:
    """The entries `user`'s role may open, each a fresh dict (callers mark the active one)."""
    from django.conf import settings
    from django.urls import get_script_prefix, get_urlconf

    signed_in = getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)
    role = getattr(user, "role", None) if signed_in else None
    key = (role, settings.ROOT_URLCONF, get_urlconf(), get_script_prefix())
    return [dict(e) for e in _entries(*key)]


@functools.lru_cache(maxsize=64)
def _entries(role: str | None, root_urlconf: str, urlconf: str | None, prefix: str) -> tuple[dict[str, str], ...]:
    """Per role (permissions are per role) and URLconf: reversing 13 names on
    every page was a few milliseconds of every request."""
    from suishin.accounts.scoping import ROLE_PERMS, Perm

    perms = ROLE_PERMS.get(role, frozenset())
    out = []
    for entry in ENTRIES:
        if entry.perm is not None and Perm(entry.perm) not in perms:
            continue
        try:
            url = reverse(entry.url_name, urlconf=urlconf)
        except NoReverseMatch:
            continue
        out.append({"label": entry.label, "url": url, "url_name": entry.url_name})
    return tuple(out)
