"""What the home page shows each role. Later issues add their panels here."""

from __future__ import annotations

from typing import Any

from suishin.accounts.scoping import visible
from suishin.core import fiscal
from suishin.organisations.models import Block, Branch, Member


def dashboard_context(user: Any) -> dict[str, Any]:
    fy = fiscal.current_fiscal_year()
    return {
        "fiscal_year": fy,
        "fiscal_label": fiscal.label(fy),
        "counts": {
            "blocks": visible(user, Block).count(),
            "branches": visible(user, Branch).count(),
            "members": visible(user, Member).count(),
        },
    }
