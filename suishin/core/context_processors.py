from __future__ import annotations

from suishin.core.nav import entries_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_entries": []}
    current = getattr(getattr(request, "resolver_match", None), "view_name", "") or ""
    entries = entries_for(user)
    for e in entries:
        ns = e["url_name"].split(":")[0]
        e["active"] = current == e["url_name"] or (":" in current and current.split(":")[0] == ns)
    return {"nav_entries": entries}
