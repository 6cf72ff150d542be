"""Bearer-token authentication with a scope and a permission per operation.

`TokenAuth(scope, perm)` is given to each operation. The order of the checks
is the web's: who are you (401), may your token and your role do this at all
(403), and only then the object lookup through the scoping layer (404 for
another organisation's object). All of it runs before the request body is
read, so a refused request learns nothing and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from suishin.accounts.scoping import Perm, has_perm
from suishin.api import services
from suishin.api.models import TokenScope
from suishin.api.problems import ApiProblem, unauthorized


class TokenAuth(HttpBearer):
    def __init__(
        self,
        scope: str | tuple[str, ...] = TokenScope.READ,
        perm: Perm | None = None,
        check: Callable[[HttpRequest, Any], None] | None = None,
    ):
        super().__init__()
        self.scopes = (scope,) if isinstance(scope, str) else tuple(scope)
        self.perm = perm
        self.check = check

    def __call__(self, request: HttpRequest) -> Any:
        if not request.headers.get(self.header):
            raise unauthorized("Authorization: Bearer ヘッダーでAPIトークンを送ってください。")
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = services.authenticate(token)
        if api_token is None:
            raise unauthorized("APIトークンが正しくないか、失効または有効期限切れです。")
        # The token acts as its user: scoping.visible() and has_perm() see this user.
        request.user = api_token.user
        request.api_token = api_token
        if not any(api_token.has_scope(s) for s in self.scopes):
            wanted = "」または「".join(TokenScope(s).label for s in self.scopes)
            raise ApiProblem(403, f"このトークンには「{wanted}」のスコープがありません。")
        if self.perm is not None and not has_perm(api_token.user, self.perm):
            raise ApiProblem(403, "この操作を行う権限がありません。")
        if self.check is not None:
            self.check(request, api_token.user)
        return api_token


def read(perm: Perm) -> TokenAuth:
    return TokenAuth(TokenScope.READ, perm)
