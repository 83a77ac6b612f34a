"""Hostile bodies on every route that takes one (issue #16, items 5 and 10): nested JSON deep enough to
overflow a recursive parser, and bytes that are not UTF-8. Each is a 400 naming the problem, never a 500,
and never a value stored other than the one sent. The routes are the app's own table, so a new route is
swept the moment it exists."""

from __future__ import annotations

import re

import pytest

from app import app  # noqa: F401 - registers every route in ROUTES
from chalicelib.core.auth import tokens
from chalicelib.core.http.routing import MAX_JSON_DEPTH, ROUTES
from chalicelib.users import store
from tests.helpers import auth, body, call, make_user

WRITES = sorted({(spec.method, spec.path) for spec in ROUTES if spec.method in ("POST", "PUT", "PATCH")})
DECLARED_BODY = {(spec.method, spec.path) for spec in ROUTES if spec.body is not None}


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


@pytest.fixture
def admin(client):
    """Fresh admin headers for each request: a swept "log out everywhere" ends the earlier tokens."""
    make_user("sweeper@example.com", "pw", admin=True)

    def headers() -> dict:
        generation = int(store.get_user("sweeper@example.com").get("token_generation", 0))
        _refresh, access = tokens.issue_pair("sweeper@example.com", True, generation)
        return {"Authorization": f"JWT {access}"}

    return headers


def test_there_are_write_routes_with_bodies():
    assert len(DECLARED_BODY) >= 40


def test_json_nested_past_the_limit_is_a_400_on_every_write_route(client, admin):
    deep = "[" * 10_000 + "]" * 10_000
    for method, path in WRITES:
        response = call(client, method, _concrete(path), raw=deep, headers=admin())
        assert response.status_code < 500, (method, path, response.status_code)
        if (method, path) in DECLARED_BODY:
            assert response.status_code == 400, (method, path, response.status_code)
            assert "nested deeper" in body(response)["detail"], (method, path)


def test_json_at_the_limit_still_parses(client, admin):
    nested = {"first_name": "Ann"}
    for _ in range(MAX_JSON_DEPTH - 2):
        nested = {"x": nested}
    response = call(client, "PUT", "/user/detail", {"first_name": "Ann", "extra": nested}, headers=admin())
    assert response.status_code == 200
    too_deep = {"first_name": "Ann", "extra": {"x": nested}}
    assert call(client, "PUT", "/user/detail", too_deep, headers=admin()).status_code == 400


def test_a_body_that_is_not_utf8_is_refused_on_every_write_route(client, admin):
    for method, path in WRITES:
        request_headers = {"Content-Type": "application/json", **admin()}
        raw = b'{"email": "\xff@example.com", "password": "a-long-password"}'
        response = client.http.request(method, _concrete(path), headers=request_headers, body=raw)
        assert response.status_code < 500, (method, path, response.status_code)
        if (method, path) in DECLARED_BODY:
            assert response.status_code == 400, (method, path, response.status_code)
            assert "UTF-8" in body(response)["detail"], (method, path)


def test_registering_with_an_invalid_utf8_address_stores_nothing(client):
    raw = b'{"email": "\xff@example.com", "password": "a-long-password"}'
    response = client.http.request("POST", "/user/register", headers={"Content-Type": "application/json"},
                                   body=raw)
    assert response.status_code == 400
    make_user("boss@example.com", "pw", admin=True)
    users = body(call(client, "GET", "/user/users", headers=auth("boss@example.com")))
    emails = [user["email"] for user in (users["results"] if isinstance(users, dict) else users)]
    assert not any(email.endswith("@example.com") and not email.isascii() for email in emails)
