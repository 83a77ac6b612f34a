"""Cross-cutting HTTP conventions: optional trailing slash, pagination envelope, JSON errors."""

from __future__ import annotations

import pytest

from tests.helpers import auth, body, call, make_user


@pytest.mark.parametrize("path", ["/user/detail", "/user/detail/"])
def test_trailing_slash_is_optional(client, path):
    make_user("u@example.com", "pw")
    response = call(client, "GET", path, headers=auth("u@example.com"))
    assert response.status_code == 200 and body(response)["email"] == "u@example.com"


def test_user_list_uses_dashboard_pagination_envelope(client):
    make_user("staff@example.com", "pw", staff=True)
    for index in range(4):
        make_user(f"user{index}@example.com", "pw")
    response = call(client, "GET", "/user/users/?page=2&limit=2", headers=auth("staff@example.com"))
    assert response.status_code == 200
    data = body(response)
    assert data["count"] == 5 and data["total_pages"] == 3
    assert [u["email"] for u in data["results"]] == ["user1@example.com", "user2@example.com"]
    assert data["links"]["next"].endswith("/user/users/?limit=2&page=3")
    assert data["links"]["previous"].endswith("/user/users/?limit=2")
    assert data["links"]["next"].startswith("http")
    out_of_range = call(client, "GET", "/user/users/?page=9&limit=2", headers=auth("staff@example.com"))
    assert out_of_range.status_code == 404 and body(out_of_range) == {"detail": "Invalid page."}


def test_unknown_user_is_json_404(client):
    make_user("staff@example.com", "pw", staff=True)
    response = call(client, "GET", "/user/users/nobody@example.com", headers=auth("staff@example.com"))
    assert response.status_code == 404 and body(response) == {"detail": "Not found."}


def test_unexpected_failure_is_json_500_without_trace(client, monkeypatch):
    from chalicelib.users import service

    def broken(*_args, **_kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(service, "login", broken)
    response = call(client, "POST", "/user/login", {"email": "a@example.com", "password": "pw"})
    assert response.status_code == 500
    assert body(response) == {"detail": "Internal server error."}
    assert b"secret internals" not in response.body


def test_form_encoded_login_works_like_json(client):
    make_user("u@example.com", "pw")
    response = client.http.post("/user/login", headers={"Content-Type": "application/x-www-form-urlencoded"},
                                 body="email=u%40example.com&password=pw")
    assert response.status_code == 200 and "access" in body(response)


def test_a_read_takes_any_content_type_and_a_write_documents_its_415(client):
    """The fuzzer sent GET /country/languages with `Content-Type: U~J`: Chalice answered 415 itself, which
    the document did not say. A read ignores the header; a write may still answer 415, documented."""
    response = client.http.get("/category/storefront/", headers={"Content-Type": "U~J"})
    assert response.status_code == 200
    refused = client.http.post("/user/login", headers={"Content-Type": "U~J"}, body=b"{}")
    assert refused.status_code == 415
    from tests import openapi_check

    assert "415" in openapi_check.document()["paths"]["/user/login"]["post"]["responses"]
