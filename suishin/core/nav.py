"""The navigation frame: one list of entries, filtered by role.

An entry whose URL name does not resolve (its app has no page yet) is hidden,
so apps can grow without touching the frame.
"""

from __future__ import annotations

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
    from suishin.accounts.scoping import has_perm

    out = []
    for entry in ENTRIES:
        if entry.perm is not None and not has_perm(user, entry.perm):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        out.append({"label": entry.label, "url": url, "url_name": entry.url_name})
    return out
