"""API docs: the OpenAPI document covers every route; Swagger UI and its assets are served locally."""

from __future__ import annotations

import json
import re

import pytest
from jsonschema import Draft202012Validator

from app import app
from tests import openapi_check
from tests.helpers import auth, body, make_user


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


def _operations(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def test_every_operation_documents_one_success_with_its_body():
    document = openapi_check.document()
    for path, method, operation in _operations(document):
        successes = [code for code in operation["responses"] if code.startswith("2") or code.startswith("3")]
        assert len(successes) == 1, (method, path, successes)
        assert sum(code.startswith("2") for code in successes) <= 1
        content = operation["responses"][successes[0]].get("content") or {}
        if "application/json" in content:
            assert content["application/json"]["schema"], f"{method} {path}: JSON success without a schema"
        if successes[0] == "204":
            assert not content, f"{method} {path}: 204 with a body"
        if method == "get" and successes[0] != "302":
            # a read always answers something: a route added without `response=` is caught here
            assert content, f"{method} {path}: declare its response (or media type) on the route"
    # A storefront read is not a 201; a creation is; a deletion answers nothing.
    paths = document["paths"]
    assert list(paths["/country"]["post"]["responses"])[0] == "201"
    assert list(paths["/country/{code}"]["delete"]["responses"])[0] == "204"
    assert "content" not in paths["/country/{code}"]["delete"]["responses"]["204"]
    assert paths["/api/docs"]["get"]["responses"]["200"]["content"].keys() == {"text/html"}


def test_error_responses_follow_access_path_and_input():
    paths = openapi_check.document()["paths"]
    storefront_read = paths["/category/storefront"]["get"]["responses"]
    assert "403" not in storefront_read and "404" not in storefront_read and "400" not in storefront_read
    assert "401" in storefront_read  # a bad token is refused everywhere
    login = paths["/user/login"]["post"]["responses"]
    assert "401" not in login and {"400", "429"} <= set(login)
    dashboard_write = paths["/country/{code}"]["put"]["responses"]
    assert {"400", "401", "403", "404"} <= set(dashboard_write)


def test_component_schemas_are_valid_and_every_ref_resolves():
    document = openapi_check.document()
    components = document["components"]["schemas"]
    for schema in components.values():
        Draft202012Validator.check_schema(schema)
    refs = set(re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(document)))
    assert refs - components.keys() == set()
    assert {"Cart", "StorefrontOrder", "DashboardProduct", "Country", "CategoryProductPage", "User"} <= refs


def test_check_response_accepts_what_the_code_answers_and_rejects_the_rest():
    country = {"code": "cz", "name": "Czechia", "locale": "cs", "default_price_list": None,
               "update_at": "2024-01-01T00:00:00Z", "create_at": "2024-01-01T00:00:00Z", "extra": 1}
    openapi_check.check_response("GET", "/country/cz/", 200, country)
    openapi_check.check_response("POST", "/country", 201, country)
    with pytest.raises(AssertionError, match="status not documented"):
        openapi_check.check_response("POST", "/country", 200, country)
    with pytest.raises(AssertionError, match="name"):
        openapi_check.check_response("GET", "/country/cz", 200, {**country, "name": 5})
    with pytest.raises(AssertionError, match="'locale' is a required property"):
        openapi_check.check_response("GET", "/country/cz", 200, {k: v for k, v in country.items() if k != "locale"})
    with pytest.raises(AssertionError, match="without a body"):
        openapi_check.check_response("DELETE", "/country/cz", 204, b"{}")
    with pytest.raises(AssertionError, match="Content-Type"):
        openapi_check.check_response("GET", "/api/docs", 200, b"<html>", "application/json")
    openapi_check.check_response("GET", "/no/such/route", 403, {"message": "Missing Authentication Token"})


def test_a_page_envelope_checks_its_items(client):
    make_user("staff@example.com", staff=True)
    response = client.http.get("/user/users?page=1", headers=auth("staff@example.com"))
    assert response.status_code == 200
    page = body(response)
    openapi_check.check_response("GET", "/user/users", 200, page)
    page["results"][0]["is_staff"] = "yes"
    with pytest.raises(AssertionError, match="results/0/is_staff"):
        openapi_check.check_response("GET", "/user/users", 200, page)


def test_an_invalid_page_is_a_documented_404(client):
    make_user("staff@example.com", staff=True)
    for path in ("/product/dashboard?page=0", "/user/users?page=nope"):
        response = client.http.get(path, headers=auth("staff@example.com"))
        assert response.status_code == 404, path
        openapi_check.check_response("GET", path, 404, response.body, response.headers["Content-Type"])


def test_empty_error_answers_are_documented_without_a_body(client):
    from chalicelib.core.http.openapi import EMPTY_ERRORS

    paths = openapi_check.document()["paths"]
    for operation, statuses in EMPTY_ERRORS.items():
        method, path = operation.split(" ", 1)
        assert path in paths and method.lower() in paths[path], f"{operation} is no operation"
        for status in statuses:
            assert "content" not in paths[path][method.lower()]["responses"][str(status)], operation
    response = client.http.get("/category/storefront/987654")  # C7: a missing category is a 404 with no body
    assert response.status_code == 404 and not response.body
    openapi_check.check_response("GET", "/category/storefront/987654", 404, response.body)
    with pytest.raises(AssertionError, match="without a body"):
        openapi_check.check_response("GET", "/category/storefront/987654", 404, {"detail": "Not found."})


def test_an_anonymous_profile_update_is_the_documented_403_of_the_original(client):
    """U2 answers 403 `{error}` to no token, as U1 does (the contract; the storefront goes by it); a bad token is
    still a 401."""
    response = client.http.put("/user/detail", body=json.dumps({"first_name": "A"}),
                               headers={"Content-Type": "application/json"})
    assert response.status_code == 403 and body(response) == {"error": "User does not exist"}
    response = client.http.put("/user/detail", body=json.dumps({"first_name": "A"}),
                               headers={"Content-Type": "application/json", "Authorization": "JWT nonsense"})
    assert response.status_code == 401
