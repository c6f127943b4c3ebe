"""The OpenAPI description: every operation documented with examples and
the error responses; Swagger UI and ReDoc from local files, no CDN."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(db) -> dict:
    response = Client().get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def _has_example(operation: dict) -> bool:
    bodies = [operation.get("requestBody", {}), *operation.get("responses", {}).values()]
    return any(
        "examples" in media or "example" in media for body in bodies for media in body.get("content", {}).values()
    )


def test_every_operation_is_described_with_examples_and_error_responses(schema):
    operations = [
        (method, path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]
    assert len(operations) >= 30
    for method, path, operation in operations:
        assert path.startswith("/api/v1/"), path
        assert operation.get("summary") or operation.get("description"), (method, path)
        assert _has_example(operation), (method, path)
        assert {"401", "403", "404"} <= set(operation["responses"]), (method, path)
        if method != "get":
            assert {"400", "409"} <= set(operation["responses"]), (method, path)
    shift_post = schema["paths"]["/api/v1/shifts/"]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in shift_post["parameters"])
    assert "apiToken" in schema["components"]["securitySchemes"]
    assert set(schema["components"]["schemas"]["Error"]["required"]) == {"code", "detail", "fields"}


def test_swagger_ui_and_redoc_use_local_files_only(db):
    client = Client()
    for url in ("/api/schema/swagger-ui/", "/api/schema/redoc/"):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert not re.search(r"""(src|href)=["']https?://""", html), url
        assert "/static/drf_spectacular_sidecar/" in html
        assert "<style" not in html and not re.search(r"<script>", html), "no inline code (CSP)"
    script = client.get("/api/schema/swagger-ui/?script=")
    assert script.status_code == 200 and b"SwaggerUIBundle" in script.content
