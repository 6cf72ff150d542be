"""/api/v1/…: the token-authenticated JSON API (django-ninja) with its schema;
/api/v1/docs: the browsable reference; /api/tokens/: the secretariat's token page."""

from __future__ import annotations

from django.urls import URLPattern, include, path

from suishin.api import views
from suishin.api.v1.api import build_api

app_name = "api"

api_v1 = build_api(docs_decorator=views.schema_access)


def _v1_patterns() -> tuple[list, str]:
    """ninja's patterns, marked as answering for themselves (a token, not the
    sign-in page: the login-required middleware must let them through) and
    with ninja's root view replaced by a small JSON index."""
    patterns, app, _namespace = api_v1.urls
    out: list = [path("", views.index, name="api-root")]
    for pattern in patterns:
        if isinstance(pattern, URLPattern) and pattern.name == "api-root":
            continue
        pattern.callback.login_required = False
        out.append(pattern)
    return out, app


urlpatterns = [
    path("v1/docs", views.docs, name="docs"),
    path("v1/", include(_v1_patterns(), namespace="v1")),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/new", views.token_create, name="token_create"),
    path("tokens/<int:pk>/revoke", views.token_revoke, name="token_revoke"),
]
