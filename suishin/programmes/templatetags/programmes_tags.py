"""Tabs of the programmes pages, filtered by what the user may open."""

from __future__ import annotations

from django import template
from django.urls import reverse

from suishin.accounts.models import Role
from suishin.accounts.scoping import Perm, has_perm

register = template.Library()

TABS = [
    ("index", "概要", Perm.VIEW_FIGURES),
    ("refinancing_list", "借換実績", Perm.VIEW_FIGURES),
    ("loans", "ローン商品", Perm.VIEW_FIGURES),
    ("donation_list", "寄付先別寄付額", Perm.VIEW_FIGURES),
    ("recipients", "寄付先の選定", Perm.EDIT_CATALOG),
    ("calculator", "借換試算", Perm.VIEW_FIGURES),
    ("settings", "年度設定", Perm.VIEW_FIGURES),
]


@register.inclusion_tag("programmes/_tabs.html", takes_context=True)
def programme_tabs(context, current: str, query: str = ""):
    user = context["request"].user
    tabs = []
    for name, label, perm in TABS:
        if not has_perm(user, perm):
            continue
        if name == "donation_list" and user.role == Role.MEMBER:
            continue  # a member officer has no committee: see views.donation_list
        url = reverse(f"programmes:{name}")
        if query and name in ("index", "refinancing_list", "loans"):
            url += f"?{query}"
        tabs.append({"label": label, "url": url, "active": name == current})
    return {"tabs": tabs}
