"""The v1 NinjaAPI: routers, error handlers, the JSON renderer and the
OpenAPI post-processing (problem responses are application/problem+json)."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from ninja import NinjaAPI
from ninja.renderers import BaseRenderer

from suishin.api import problems
from suishin.api.v1 import figures, imports, organisation

DESCRIPTION = """\
ろうきん推進会議システム（suishin）のAPIです。

* 認証: 事務局が発行したAPIトークンを `Authorization: Bearer <トークン>` で送ります。
  トークンは発行した利用者として動き、見える範囲は画面と同じです（店推進委員会は自店、会員担当は自会員のみ）。
* スコープ: `read`（読み取り）、`import`（ファイル取込）。スコープがない操作は 403 です。
* エラー: RFC 9457 の problem details（`application/problem+json`）で、日本語のメッセージを返します。
  取込の差し戻しは `errors` に行番号・列・値・メッセージが入ります。
* 一覧は `page` と `per_page`（最大1000）でページ送りします。
"""


class JsonRenderer(BaseRenderer):
    media_type = "application/json"

    def render(self, request, data, *, response_status):
        return json.dumps(data, ensure_ascii=False, cls=DjangoJSONEncoder)


class SuishinAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        return operation.view_func.__name__

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        _problem_media_types(schema)
        return schema


def _problem_media_types(schema: Any) -> None:
    """Error responses are documented as application/problem+json, which is what they are."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content")
                if str(status)[0] in "45" and content and "application/json" in content:
                    content[problems.PROBLEM_MEDIA_TYPE] = content.pop("application/json")


def build_api(*, docs_decorator=None) -> NinjaAPI:
    api = SuishinAPI(
        title="suishin API",
        version="1",
        description=DESCRIPTION,
        urls_namespace="api:v1",
        openapi_url="/openapi.json",
        docs_url=None,  # the docs page is suishin.api.views.docs (local assets, Japanese frame)
        docs_decorator=docs_decorator,
        renderer=JsonRenderer(),
    )
    problems.install(api)
    api.add_router("", organisation.router)
    api.add_router("", figures.router)
    api.add_router("", imports.router)
    return api
