"""User administration (contract U7-U14) and the rules against privilege escalation."""

from __future__ import annotations

import pytest

from chalicelib.core.auth import passwords
from chalicelib.users import store
from tests.helpers import auth, body, call, make_user

MANAGER_PERMS = ("user_add_permission", "user_change_permission")


@pytest.fixture
def manager(client):
    make_user("manager@example.com", "pw", staff=True, permissions=MANAGER_PERMS)
    return auth("manager@example.com")


@pytest.fixture
def root(client):
    make_user("root@example.com", "pw", staff=True, admin=True)
    return auth("root@example.com")


def test_u8_u9_create_then_read_user(client, manager):
    response = call(client, "POST", "/user/users/", {"email": "new@example.com", "password": "pw"}, headers=manager)
    assert response.status_code == 201 and body(response) == {"email": "new@example.com"}
    response = call(client, "GET", "/user/users/new@example.com", headers=manager)
    assert response.status_code == 200
    assert body(response) == {"email": "new@example.com", "first_name": "", "last_name": "", "birth_date": None,
                              "is_active": True, "is_admin": False, "is_staff": False}
    # An e-mail in a URL may arrive percent-encoded.
    assert call(client, "GET", "/user/users/new%40example.com", headers=manager).status_code == 200


def test_u8_bad_email_is_400_and_writes_nothing(client, manager):
    response = call(client, "POST", "/user/users", {"email": "nope", "password": "pw"}, headers=manager)
    assert response.status_code == 400 and body(response) == {"email": ["Enter a valid email address."]}
    assert len(body(call(client, "GET", "/user/users", headers=manager))["results"]) == 1


def test_u10_manager_edits_profile_and_staff_flag(client, manager):
    make_user("clerk@example.com", "pw")
    response = call(client, "PUT", "/user/users/clerk@example.com",
                    {"first_name": "Clerk", "last_name": "Kent", "birth_date": None, "is_active": True,
                     "is_admin": False, "is_staff": True}, headers=manager)
    assert response.status_code == 200
    assert body(response)["is_staff"] is True and body(response)["first_name"] == "Clerk"


def test_u10_only_admin_grants_admin(client, manager, root):
    make_user("clerk@example.com", "pw")
    refused = call(client, "PUT", "/user/users/clerk@example.com", {"is_admin": True}, headers=manager)
    assert refused.status_code == 403
    assert store.get_user("clerk@example.com")["is_admin"] is False
    granted = call(client, "PUT", "/user/users/clerk@example.com", {"is_admin": True}, headers=root)
    assert granted.status_code == 200 and body(granted)["is_admin"] is True


@pytest.mark.parametrize("field", ["is_admin", "is_staff", "is_active"])
def test_nobody_changes_own_privileges(client, manager, field):
    value = not store.get_user("manager@example.com")[field]
    for method in ("PUT", "PATCH"):
        response = call(client, method, "/user/users/manager@example.com", {field: value}, headers=manager)
        assert response.status_code == 403
    assert store.get_user("manager@example.com")[field] is (not value)


def test_own_detail_put_cannot_escalate_either(client, manager):
    call(client, "PUT", "/user/detail", {"is_admin": True, "is_staff": True}, headers=manager)
    assert store.get_user("manager@example.com")["is_admin"] is False


def test_manager_cannot_touch_an_admin(client, manager, root):
    for method, path, payload in [
        ("PUT", "/user/users/root@example.com", {"first_name": "x"}),
        ("DELETE", "/user/users/root@example.com", None),
        ("PUT", "/user/password/root@example.com", {"new_password": "taken-over"}),
    ]:
        assert call(client, method, path, payload, headers=manager).status_code == 403
    assert passwords.check_password("pw", store.get_user("root@example.com")["password"])


def test_u11_patch_changes_only_given_fields(client, manager):
    make_user("clerk@example.com", "pw")
    store.update_user("clerk@example.com", {"last_name": "Kent"})
    response = call(client, "PATCH", "/user/users/clerk@example.com", {"first_name": "Clark"}, headers=manager)
    assert response.status_code == 200
    assert body(response)["first_name"] == "Clark" and body(response)["last_name"] == "Kent"
    bad = call(client, "PATCH", "/user/users/clerk@example.com", {"is_staff": "sometimes"}, headers=manager)
    assert bad.status_code == 400 and "is_staff" in body(bad)


def test_u12_delete_is_hard_and_not_for_oneself(client, manager):
    make_user("gone@example.com", "pw")
    assert call(client, "DELETE", "/user/users/gone@example.com", headers=manager).status_code == 204
    assert store.get_user("gone@example.com") is None
    assert call(client, "DELETE", "/user/users/gone@example.com", headers=manager).status_code == 404
    assert call(client, "DELETE", "/user/users/manager@example.com", headers=manager).status_code == 403


def test_u13_own_password_change(client):
    make_user("u@example.com", "old-pw")
    wrong = call(client, "PUT", "/user/password", {"old_password": "nope", "new_password": "new-pw"},
                 headers=auth("u@example.com"))
    assert wrong.status_code == 400 and body(wrong) == {"old_password": ["Wrong password."]}
    response = call(client, "PUT", "/user/password/", {"old_password": "old-pw", "new_password": "new-pw",
                                                      "email": "u@example.com", "selfEdit": True},
                    headers=auth("u@example.com"))
    assert response.status_code == 200
    assert body(response) == {"message": "Password updated successfully", "data": []}
    assert passwords.check_password("new-pw", store.get_user("u@example.com")["password"])
    anonymous = call(client, "PUT", "/user/password", {"old_password": "a", "new_password": "b"})
    assert anonymous.status_code == 401


def test_u14_admin_sets_password_and_ends_sessions(client, manager):
    make_user("clerk@example.com", "pw")
    old_session = auth("clerk@example.com")
    response = call(client, "PUT", "/user/password/clerk@example.com", {"new_password": "fresh"}, headers=manager)
    assert response.status_code == 200 and body(response)["message"] == "Password updated successfully"
    assert passwords.check_password("fresh", store.get_user("clerk@example.com")["password"])
    assert call(client, "GET", "/user/detail", headers=old_session).status_code == 401
    unknown = call(client, "PUT", "/user/password/nobody@example.com", {"new_password": "x"}, headers=manager)
    assert unknown.status_code == 400


def _login(client, email, password):
    return body(call(client, "POST", "/user/login", {"email": email, "password": password}))


def test_logout_everywhere_self_invalidates_access_and_refresh(client):
    make_user("u@example.com", "pw")
    first = _login(client, "u@example.com", "pw")
    second = _login(client, "u@example.com", "pw")
    response = call(client, "POST", "/user/logout-all", {}, headers={"Authorization": f"JWT {first['access']}"})
    assert response.status_code == 200
    for pair in (first, second):
        headers = {"Authorization": f"JWT {pair['access']}"}
        assert call(client, "GET", "/user/detail", headers=headers).status_code == 401
        assert call(client, "POST", "/user/refresh-token", {"refresh": pair["refresh"]}).status_code == 401
    fresh = _login(client, "u@example.com", "pw")
    assert call(client, "GET", "/user/detail", headers={"Authorization": f"JWT {fresh['access']}"}).status_code == 200


def test_logout_everywhere_by_manager(client, manager):
    make_user("clerk@example.com", "pw")
    pair = _login(client, "clerk@example.com", "pw")
    response = call(client, "POST", "/user/users/clerk@example.com/logout-all", {}, headers=manager)
    assert response.status_code == 200
    assert call(client, "GET", "/user/detail", headers={"Authorization": f"JWT {pair['access']}"}).status_code == 401
    assert call(client, "POST", "/user/refresh-token", {"refresh": pair["refresh"]}).status_code == 401
    assert call(client, "POST", "/user/users/nobody@example.com/logout-all", {}, headers=manager).status_code == 404


def test_deactivated_user_token_stops_working(client, manager):
    make_user("clerk@example.com", "pw")
    session = auth("clerk@example.com")
    call(client, "PUT", "/user/users/clerk@example.com", {"is_active": False}, headers=manager)
    response = call(client, "GET", "/user/detail", headers=session)
    assert response.status_code == 401 and body(response)["code"] == "user_inactive"
