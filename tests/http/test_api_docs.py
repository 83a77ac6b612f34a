"""API docs: the OpenAPI document covers every route; Swagger UI and its assets are served locally."""

from __future__ import annotations

import json

from app import app
from tests.helpers import body


def test_openapi_document_lists_every_route(client):
    response = client.http.get("/api/openapi.json")
    assert response.status_code == 200
    document = body(response)
    assert document["openapi"].startswith("3.1")
    documented = {(path, method.upper()) for path, ops in document["paths"].items() for method in ops}
    served = {(path, method) for path, entries in app.routes.items() for method in entries}
    assert served - documented == set(), "routes missing from the API docs"
    login = document["paths"]["/user/login"]["post"]
    assert login["requestBody"]["content"]["application/json"]["schema"]["required"] == ["email", "password"]
    assert document["paths"]["/user/users"]["post"]["x-access"] == "permission user_add_permission"
    assert document["paths"]["/user/users/{email}"]["get"]["parameters"][0]["name"] == "email"
    assert body(client.http.get("/swagger.json"))["paths"] == document["paths"]


def test_swagger_ui_and_assets_are_served_without_cdn(client):
    for path in ("/api/docs/", "/api/docs", "/swagger/"):
        page = client.http.get(path)
        assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
        html = page.body.decode()
        assert "/api/docs/swagger-ui-bundle.js" in html and "/api/openapi.json" in html
        assert "https://" not in html and "http://" not in html
    script = client.http.get("/api/docs/swagger-ui-bundle.js")
    assert script.status_code == 200 and script.headers["Content-Type"] == "application/javascript"
    assert len(script.body) > 100_000
    assert client.http.get("/api/docs/../../etc/passwd").status_code in (403, 404)
    assert client.http.get("/api/docs/nope.js").status_code == 404


def test_document_is_valid_json_schema_shapes(client):
    document = body(client.http.get("/api/openapi.json"))
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation["responses"], (path, method)
            json.dumps(operation)
