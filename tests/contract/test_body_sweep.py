"""Hostile bodies on every route that takes one (issue #16, items 5 and 10): nested JSON deep enough to
overflow a recursive parser, and bytes that are not UTF-8. Each is a 400 naming the problem, never a 500,
and never a value stored other than the one sent. The routes are the app's own table, so a new route is
swept the moment it exists."""

from __future__ import annotations

import json
import re

import pytest

from app import app  # noqa: F401 - registers every route in ROUTES
from chalicelib.core.auth import tokens
from chalicelib.core.http.routing import MAX_JSON_DEPTH, ROUTES
from chalicelib.core.http.validation import DecimalField, Integer, Schema, String
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


# Every route that documents a JSON object body: the router's schema or the one its handler validates.
OBJECT_BODIES = sorted({(spec.method, spec.path) for spec in ROUTES
                        if spec.method in ("POST", "PUT", "PATCH") and (spec.body is not None or spec.reads is not None)
                        and "content" not in (spec.reads if isinstance(spec.reads, dict) else {})
                        and not spec.path.startswith("/payments/")})  # a gateway's report: signed, own format


def _fields(spec) -> dict:
    schema = spec.reads if isinstance(spec.reads, Schema) else spec.body
    return dict(schema.fields) if isinstance(schema, Schema) else {}


def _oversized(field) -> object | None:
    """A value past the field's declared limit, or None where the field declares none."""
    if isinstance(field, DecimalField):
        return "1" + "0" * 40
    if isinstance(field, Integer):
        return 10**40
    if isinstance(field, String) and field.max_length is not None:
        return "x" * (field.max_length + 1)
    if isinstance(field, String):
        return "x" * 500_000  # no limit of its own: DynamoDB's 400 KB item limit answers
    return None


@pytest.mark.parametrize("value", ["hello", [1, 2], None, 7])
def test_a_body_that_is_not_an_object_is_a_400_on_every_route_taking_one(client, admin, value):
    assert len(OBJECT_BODIES) >= 80
    for method, path in OBJECT_BODIES:
        response = call(client, method, _concrete(path), raw=json.dumps(value), headers=admin())
        # 404: the handler looked up the path's entity first (there is no product 1 to change).
        assert response.status_code in (400, 404), (method, path, value, response.status_code, response.body)


def test_a_value_past_its_limit_is_a_400_naming_the_field_on_every_route(client, admin):
    checked = 0
    by_route = {(spec.method, spec.path): spec for spec in ROUTES}
    for method, path in OBJECT_BODIES:
        for name, field in _fields(by_route[(method, path)]).items():
            value = _oversized(field)
            if value is None:
                continue
            response = call(client, method, _concrete(path), {name: value}, headers=admin())
            assert response.status_code < 500, (method, path, name, response.status_code)
            if response.status_code == 400:
                answer = body(response)
                if answer is None:  # the contract's empty 400: U5 refuses a refresh token that is not one so
                    assert (method, path) == ("POST", "/user/logout"), (method, path, name)
                    continue
                named = name in answer or name in json.dumps(answer.get("error", "")) or "detail" in answer
                assert named, (method, path, name, answer)
                checked += 1
            else:
                assert response.status_code == 404, (method, path, name, response.status_code, response.body)
    assert checked >= 150
