"""Token revocation (issue #16 item 8): a deleted account's tokens must not open a new account with the
same e-mail, and changing one's own password ends every other session (a stolen token included), while
the session that made the change goes on."""

from __future__ import annotations

import time

from tests.helpers import body, call, make_user


def login(client, email: str, password: str) -> dict:
    response = call(client, "POST", "/user/login", {"email": email, "password": password, "dashboard_login": False})
    assert response.status_code == 200, response.body
    return body(response)


def me(client, access: str) -> int:
    return call(client, "GET", "/user/detail", headers={"Authorization": f"JWT {access}"}).status_code


def refresh(client, refresh_token: str) -> int:
    return call(client, "POST", "/user/refresh-token", {"refresh": refresh_token}).status_code


def test_a_deleted_accounts_tokens_do_not_open_a_new_account_with_the_same_email(client):
    make_user("root@example.com", "pw", staff=True, admin=True)
    admin = login(client, "root@example.com", "pw")["access"]
    make_user("ann@example.com", "first-pass")
    old = login(client, "ann@example.com", "first-pass")
    deleted = call(client, "DELETE", "/user/users/ann@example.com", headers={"Authorization": f"JWT {admin}"})
    assert deleted.status_code == 204
    time.sleep(1.1)  # the new account joins in a later second than the old tokens were issued
    assert call(client, "POST", "/user/register", {"email": "ann@example.com", "password": "second-pass"}
                ).status_code == 201
    assert me(client, old["access"]) == 401
    assert refresh(client, old["refresh"]) == 401
    new = login(client, "ann@example.com", "second-pass")
    assert me(client, new["access"]) == 200 and refresh(client, new["refresh"]) == 200


def test_changing_ones_password_ends_the_other_sessions_and_keeps_this_one(client):
    make_user("ann@example.com", "first-pass")
    phone = login(client, "ann@example.com", "first-pass")
    laptop = login(client, "ann@example.com", "first-pass")  # say, a session an attacker took
    response = call(client, "PUT", "/user/password", {"old_password": "first-pass", "new_password": "second-pass"},
                    headers={"Authorization": f"JWT {phone['access']}"})
    assert response.status_code == 200, response.body
    assert me(client, laptop["access"]) == 401 and refresh(client, laptop["refresh"]) == 401
    assert me(client, phone["access"]) == 200
    renewed = call(client, "POST", "/user/refresh-token", {"refresh": phone["refresh"]})
    assert renewed.status_code == 200 and me(client, body(renewed)["access"]) == 200
    # A second change from the same session keeps it again; "log out everywhere" then ends it too.
    assert call(client, "PUT", "/user/password", {"old_password": "second-pass", "new_password": "third-pass"},
                headers={"Authorization": f"JWT {phone['access']}"}).status_code == 200
    assert me(client, phone["access"]) == 200
    assert call(client, "POST", "/user/logout-all", headers={"Authorization": f"JWT {phone['access']}"}
                ).status_code in (200, 204)
    assert me(client, phone["access"]) == 401 and refresh(client, phone["refresh"]) == 401
    assert me(client, login(client, "ann@example.com", "third-pass")["access"]) == 200
