"""The auth endpoints of contract table 1.6 and section 4, over HTTP (chalice.test.Client)."""

from __future__ import annotations

import time

import jwt
import pytest

from chalicelib.core.auth import tokens
from tests.helpers import auth, body, call, make_user

SIGNING_KEY = "test-signing-key-not-for-production-0123456789"


def login(client, email, password, dashboard_login=None, path="/user/login"):
    payload = {"email": email, "password": password}
    if dashboard_login is not None:
        payload["dashboard_login"] = dashboard_login
    return call(client, "POST", path, payload)


# --- U4 login ---------------------------------------------------------------------------------

def test_login_answers_token_pair_with_contract_claims(client):
    make_user("staff@example.com", "pw-staff", staff=True)
    response = login(client, "staff@example.com", "pw-staff", dashboard_login=True, path="/user/login/")
    assert response.status_code == 200
    data = body(response)
    assert set(data) == {"refresh", "access", "dashboard_login"}
    assert data["dashboard_login"] is True
    access = jwt.decode(data["access"], SIGNING_KEY, algorithms=["HS256"])
    refresh = jwt.decode(data["refresh"], SIGNING_KEY, algorithms=["HS256"])
    assert access["token_type"] == "access" and refresh["token_type"] == "refresh"
    assert access["user_id"] == refresh["user_id"] == "staff@example.com"
    assert access["dashboard_user"] is True and refresh["dashboard_user"] is True
    assert access["exp"] - access["iat"] == 300
    assert refresh["exp"] - refresh["iat"] == 86400
    assert access["jti"] != refresh["jti"]


def test_storefront_login_of_shopper_echoes_flag_and_marks_not_dashboard_user(client):
    make_user("shopper@example.com", "pw")
    data = body(login(client, "shopper@example.com", "pw", dashboard_login=False))
    assert data["dashboard_login"] is False
    assert jwt.decode(data["refresh"], SIGNING_KEY, algorithms=["HS256"])["dashboard_user"] is False


def test_login_without_flag_defaults_to_false(client):
    make_user("shopper@example.com", "pw")
    assert body(login(client, "shopper@example.com", "pw"))["dashboard_login"] is False


@pytest.mark.parametrize(
    ("email", "password", "flag", "error"),
    [
        ("nobody@example.com", "pw", False, "Check provided credentials."),
        ("shopper@example.com", "wrong", False, "Error login"),
        ("shopper@example.com", "pw", True, "Not authorized for this action"),
    ],
)
def test_login_errors_have_contract_bodies(client, email, password, flag, error):
    make_user("shopper@example.com", "pw")
    response = login(client, email, password, dashboard_login=flag)
    assert response.status_code == 400
    assert body(response) == {"error": error}


def test_inactive_user_cannot_log_in(client):
    from chalicelib.users import store

    make_user("gone@example.com", "pw")
    store.update_user("gone@example.com", {"is_active": False})
    response = login(client, "gone@example.com", "pw")
    assert response.status_code == 400 and body(response) == {"error": "Error login"}


def test_login_missing_and_mistyped_fields_name_the_field(client):
    response = call(client, "POST", "/user/login", {"password": "x"})
    assert response.status_code == 400 and body(response) == {"email": ["This field is required."]}
    response = call(client, "POST", "/user/login", {"email": "a@example.com", "password": "x",
                                                      "dashboard_login": "maybe"})
    assert response.status_code == 400 and body(response) == {"dashboard_login": ["Must be a valid boolean."]}


def test_invalid_json_is_400_not_500(client):
    response = call(client, "POST", "/user/login", raw="{not json")
    assert response.status_code == 400
    assert body(response)["detail"].startswith("JSON parse error")
    response = call(client, "POST", "/user/login", raw="[1, 2]")
    assert response.status_code == 400
    assert body(response) == {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}


def test_login_upgrades_a_weaker_stored_hash(client):
    from chalicelib.core.auth import passwords
    from chalicelib.users import store

    make_user("old@example.com", "pw")
    store.update_user("old@example.com", {"password": passwords.make_password("pw", 500)})
    assert login(client, "old@example.com", "pw").status_code == 200
    assert store.get_user("old@example.com")["password"].startswith("pbkdf2_sha256$1000$")


def test_login_and_register_accept_mixed_case_domain(client):
    make_user("case@example.com", "pw")
    assert login(client, "case@EXAMPLE.com", "pw").status_code == 200


# --- U6 refresh, U5 logout ---------------------------------------------------------------------

def test_refresh_gives_new_access_token_keeping_dashboard_claim(client):
    make_user("staff@example.com", "pw", staff=True)
    pair = body(login(client, "staff@example.com", "pw", dashboard_login=True))
    response = call(client, "POST", "/user/refresh-token", {"refresh": pair["refresh"]})
    assert response.status_code == 200
    new_access = body(response)["access"]
    claims = jwt.decode(new_access, SIGNING_KEY, algorithms=["HS256"])
    assert claims["token_type"] == "access" and claims["dashboard_user"] is True
    detail = call(client, "GET", "/user/detail", headers={"Authorization": f"JWT {new_access}"})
    assert body(detail)["email"] == "staff@example.com"


def test_refresh_requires_field_and_rejects_access_token(client):
    make_user("u@example.com", "pw")
    pair = body(login(client, "u@example.com", "pw"))
    response = call(client, "POST", "/user/refresh-token", {})
    assert response.status_code == 400 and body(response) == {"refresh": ["This field is required."]}
    response = call(client, "POST", "/user/refresh-token", {"refresh": pair["access"]})
    assert response.status_code == 401 and body(response)["code"] == "token_not_valid"


def test_refresh_ignores_a_stale_authorization_header(client):
    """The frontends refresh exactly when their access token has expired, and may still send it."""
    make_user("u@example.com", "pw")
    pair = body(login(client, "u@example.com", "pw"))
    response = call(client, "POST", "/user/refresh-token", {"refresh": pair["refresh"]},
                    headers={"Authorization": "JWT expired.or.garbage"})
    assert response.status_code == 200


def test_logout_blacklists_refresh_token(client):
    make_user("u@example.com", "pw")
    pair = body(login(client, "u@example.com", "pw"))
    response = call(client, "POST", "/user/logout", {"refresh": pair["refresh"]})
    assert response.status_code == 201 and response.body in (b"", "")
    again = call(client, "POST", "/user/refresh-token", {"refresh": pair["refresh"]})
    assert again.status_code == 401
    assert body(again) == {"detail": "Token is blacklisted", "code": "token_not_valid"}
    # A token pair from a new login is unaffected.
    fresh = body(login(client, "u@example.com", "pw"))
    assert call(client, "POST", "/user/refresh-token", {"refresh": fresh["refresh"]}).status_code == 200


def test_logout_with_bad_token_is_empty_400(client):
    response = call(client, "POST", "/user/logout", {"refresh": "garbage"})
    assert response.status_code == 400 and response.body in (b"", "")
    assert call(client, "POST", "/user/logout", {}).status_code == 400


def test_refresh_of_deleted_user_is_refused(client):
    from chalicelib.core.store import db, keys

    make_user("u@example.com", "pw")
    pair = body(login(client, "u@example.com", "pw"))
    db.delete("main", keys.user("u@example.com"))
    assert call(client, "POST", "/user/refresh-token", {"refresh": pair["refresh"]}).status_code == 401


# --- U3 register, U1/U2 detail -----------------------------------------------------------------

def test_register_then_login(client):
    response = call(client, "POST", "/user/register", {"email": "new@example.com", "password": "pw"})
    assert response.status_code == 201 and body(response) == {"email": "new@example.com"}
    duplicate = call(client, "POST", "/user/register/", {"email": "new@example.com", "password": "x"})
    assert duplicate.status_code == 400
    assert body(duplicate) == {"email": ["user with this email already exists."]}
    data = body(login(client, "new@example.com", "pw"))
    claims = jwt.decode(data["access"], SIGNING_KEY, algorithms=["HS256"])
    assert claims["dashboard_user"] is False
    assert login(client, "new@example.com", "pw", dashboard_login=True).status_code == 400


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "not-an-email", "password": "pw"}, "email"),
        ({"email": "x" * 35 + "@example.com", "password": "pw"}, "email"),
        ({"email": "a@example.com"}, "password"),
        ({"email": "a@example.com", "password": ""}, "password"),
    ],
)
def test_register_bad_input_names_field_and_writes_nothing(client, payload, field):
    from chalicelib.users import store

    response = call(client, "POST", "/user/register", payload)
    assert response.status_code == 400 and field in body(response)
    assert store.get_user("a@example.com") is None


def test_detail_requires_a_user(client):
    response = call(client, "GET", "/user/detail")
    assert response.status_code == 403 and body(response) == {"error": "User does not exist"}


def test_detail_put_updates_profile_but_never_privileges(client):
    make_user("u@example.com", "pw")
    response = call(client, "PUT", "/user/detail", {
        "first_name": "Ada", "last_name": "Lovelace", "birth_date": "1815-12-10",
        "is_admin": True, "is_staff": True, "is_active": False, "email": "other@example.com",
    }, headers=auth("u@example.com"))
    assert response.status_code == 200
    assert body(response) == {"email": "u@example.com", "first_name": "Ada", "last_name": "Lovelace",
                              "birth_date": "1815-12-10", "is_active": True, "is_admin": False,
                              "is_staff": False}
    bad = call(client, "PUT", "/user/detail", {"birth_date": "10.12.1815"}, headers=auth("u@example.com"))
    assert bad.status_code == 400 and "birth_date" in body(bad)


# --- tokens on every endpoint ------------------------------------------------------------------

def _forged(claims_override: dict, key: str = SIGNING_KEY, algorithm: str = "HS256") -> str:
    now = int(time.time())
    claims = {"token_type": "access", "exp": now + 300, "iat": now, "jti": "abc", "user_id": "u@example.com",
              "dashboard_user": False, **claims_override}
    return jwt.encode(claims, key, algorithm=algorithm)


def _alg_none_token() -> str:
    import base64
    import json

    def part(data):
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    now = int(time.time())
    claims = {"token_type": "access", "exp": now + 300, "iat": now, "jti": "x", "user_id": "u@example.com"}
    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


BAD_TOKENS = {
    "malformed": lambda: "not.a.jwt",
    "garbage": lambda: "garbage",
    "expired": lambda: _forged({"exp": int(time.time()) - 10, "iat": int(time.time()) - 400}),
    "wrong-signature": lambda: _forged({}, key="another-key-another-key-another-key"),
    "alg-none": _alg_none_token,
    "refresh-as-access": lambda: tokens.issue_pair("u@example.com", False)[0],
    "missing-claims": lambda: jwt.encode({"user_id": "u@example.com"}, SIGNING_KEY, algorithm="HS256"),
}

ENDPOINTS = [
    ("GET", "/user/detail"),
    ("PUT", "/user/detail"),
    ("POST", "/user/register"),
    ("POST", "/user/logout"),
    ("GET", "/user/users"),
    ("GET", "/user/users/u@example.com"),
]


@pytest.mark.parametrize("case", sorted(BAD_TOKENS))
@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_bad_token_is_401_everywhere(client, case, method, path):
    make_user("u@example.com", "pw")
    response = call(client, method, path, {}, headers={"Authorization": f"JWT {BAD_TOKENS[case]()}"})
    assert response.status_code == 401
    assert body(response) == {
        "detail": "Given token not valid for any token type",
        "code": "token_not_valid",
        "messages": [{"token_class": "AccessToken", "token_type": "access", "message": "Token is invalid or expired"}],
    }


@pytest.mark.parametrize("scheme", ["JWT", "Bearer", "bearer"])
def test_jwt_and_bearer_schemes_are_accepted(client, scheme):
    make_user("u@example.com", "pw")
    response = call(client, "GET", "/user/detail", headers=auth("u@example.com", scheme))
    assert response.status_code == 200 and body(response)["email"] == "u@example.com"


def test_token_of_deleted_user_is_401(client):
    from chalicelib.core.store import db, keys

    make_user("u@example.com", "pw")
    headers = auth("u@example.com")
    db.delete("main", keys.user("u@example.com"))
    response = call(client, "GET", "/user/detail", headers=headers)
    assert response.status_code == 401 and body(response)["code"] == "user_not_found"
