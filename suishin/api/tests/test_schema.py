"""The OpenAPI schema and the docs page, and schemathesis against the schema:
generated requests for every operation (bounded examples), in-process through
Django's WSGI application, must get no server error and only responses the
schema documents (status, content type, body)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core.serializers.json import DjangoJSONEncoder
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from suishin.api.urls import api_v1
from suishin.kpis import factories as kf

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_the_schema_is_openapi_3_generated_from_the_code(client_for):
    response = client_for("viewer").get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    generated = json.loads(json.dumps(api_v1.get_openapi_schema(), cls=DjangoJSONEncoder))
    assert schema == generated  # what is served is what the routers declare
    assert schema["components"]["securitySchemes"] == {
        "TokenAuth": {"type": "http", "scheme": "bearer"}
    }
    operations = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert {
        "member_list",
        "summary",
        "result_list",
        "import_submit",
        "job_detail",
        "import_history",
    } <= operations
    problem = schema["paths"]["/api/v1/members/{code}"]["get"]["responses"]["404"]["content"]
    assert list(problem) == ["application/problem+json"]


@pytest.mark.django_db
def test_the_schema_needs_a_session_or_a_token(client, issue):
    anonymous = client.get("/api/v1/openapi.json")
    assert anonymous.status_code == 401
    assert anonymous["Content-Type"] == "application/problem+json"
    secret = issue("bank")
    assert (
        client.get(
            "/api/v1/openapi.json", headers={"Authorization": f"Bearer {secret}"}
        ).status_code
        == 200
    )


def test_the_docs_page_uses_only_local_assets(client_for):
    response = client_for("viewer").get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert '"validatorUrl": null' in html  # Swagger UI would otherwise call an online validator
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assets = [u for u in urls if u.startswith("/static/")]
    assert len(assets) >= 3
    assert not [u for u in urls if u.startswith(("http:", "https:", "//"))]
    for url in assets:
        found = finders.find(url.removeprefix("/static/"))
        assert found, url
        text = Path(found).read_bytes()
        assert b"cdn.jsdelivr" not in text and b"unpkg.com" not in text, url
    assert client_for("viewer").get(assets[0]).status_code == 200


@pytest.mark.django_db
def test_the_docs_page_needs_a_sign_in(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 302 and "/accounts/login" in response["Location"]


# --- schemathesis ------------------------------------------------------------------------


@pytest.fixture
def keep_test_connection():
    """Django's WSGI handler closes the database connection after each request
    (request_finished → close_old_connections); the test client switches that
    off, and so must we, or on PostgreSQL the test's transaction is gone."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_secret(org, issue, keep_test_connection):
    atm = kf.item("ATM", name="ATM利用件数")
    kf.target(atm, member=org.member_a, count=10)
    kf.result(atm, "2024-06", member=org.member_a, count=5)
    return issue("secretariat")


def _schema():
    """The schema the routers generate (test_the_schema_is_openapi_3_generated_from_the_code
    proves it is the one served), run in-process against Django's WSGI application.
    (schemathesis' lazy `from_fixture` loader does not work with pytest 9.2.)"""
    raw = json.loads(json.dumps(api_v1.get_openapi_schema(), cls=DjangoJSONEncoder))
    loaded = schemathesis.openapi.from_dict(raw)
    loaded.app = get_wsgi_application()
    return loaded


schema = _schema()


@pytest.mark.django_db
@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@schema.parametrize()
def test_schemathesis_finds_no_server_error_and_no_schema_violation(case, api_secret):
    case.call_and_validate(headers={"Authorization": f"Bearer {api_secret}"}, checks=CHECKS)
