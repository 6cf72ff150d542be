"""Web pages of the API: the docs page (Swagger UI served from the
application's own static files), the JSON index, and the secretariat's
token page (issue / revoke)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from suishin.accounts.scoping import Perm
from suishin.api import services
from suishin.api.forms import TokenForm
from suishin.api.models import ApiToken
from suishin.api.problems import ApiProblem, problem_response, unauthorized
from suishin.core.errors import DomainError
from suishin.core.viewmixins import domain_error_to_form, perm_required


def schema_access(view):
    """The schema is for signed-in users (the docs page) and token holders."""

    def wrapped(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        header = request.headers.get("Authorization", "")
        scheme, _, secret = header.partition(" ")
        if scheme.lower() == "bearer" and services.authenticate(secret) is not None:
            return view(request, *args, **kwargs)
        return problem_response(
            request, unauthorized("スキーマの取得にはサインインまたはAPIトークンが必要です。")
        )

    wrapped.login_required = False
    return wrapped


@login_not_required
def index(request):
    """GET /api/v1/: where the schema and the docs are."""
    if request.method != "GET":
        return problem_response(
            request, ApiProblem(405, "GET だけが使えます。", headers={"Allow": "GET"})
        )
    return JsonResponse(
        {
            "name": "suishin API",
            "version": "1",
            "openapi": reverse("api:v1:openapi-json"),
            "docs": reverse("api:docs"),
        },
        json_dumps_params={"ensure_ascii": False},
    )


def docs(request):
    """The browsable reference (signed-in users; Swagger UI from local static files)."""
    settings = {
        "url": reverse("api:v1:openapi-json"),
        "layout": "BaseLayout",
        "deepLinking": True,
        "validatorUrl": None,  # the default would call an online validator
        "persistAuthorization": False,
    }
    return render(request, "api/docs.html", {"swagger_settings": json.dumps(settings)})


@perm_required(Perm.MANAGE_API_TOKENS)
def token_list(request):
    tokens = ApiToken.objects.select_related("user", "created_by", "revoked_by").order_by(
        "-created_at", "-id"
    )
    page = Paginator(tokens, 100).get_page(request.GET.get("page"))
    return render(request, "api/token_list.html", {"page": page})


@perm_required(Perm.MANAGE_API_TOKENS)
def token_create(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.issue_token(
                actor=request.user,
                user=form.cleaned_data["user"],
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=form.expires_at(),
            )
        except DomainError as error:
            domain_error_to_form(request, form, error)
        else:
            # The secret is shown on this response only; it is never stored.
            response = render(request, "api/token_created.html", {"issued": issued})
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "api/token_form.html", {"form": form})


@require_POST
@perm_required(Perm.MANAGE_API_TOKENS)
def token_revoke(request, pk: int):
    token = ApiToken.objects.filter(pk=pk).first()
    if token is None:
        raise Http404("見つかりません。")
    try:
        services.revoke_token(actor=request.user, token=token)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"トークン「{token.name}」を失効させました。以後このトークンは使えません。"
        )
    return redirect("api:token_list")
