"""Nobody acts on a user who holds rights they lack (issue #16 item 3). A holder of
`user_change_permission` could set the password of an editor (rights it lacks), log in as them and use
those rights. Every dashboard route that acts on a user is swept here: as a user manager on an editor
it is a 403 and changes nothing; on a user whose rights it holds too, it works."""

from __future__ import annotations

import pytest

from chalicelib.core.auth import passwords
from chalicelib.users import roles, store
from tests.helpers import auth, body, call, make_user

MANAGER = "manager@example.com"
EDITOR = "editor@example.com"
CLERK = "clerk@example.com"
MANAGER_PERMS = ("user_add_permission", "user_change_permission")
EDITOR_PERMS = ("product_change_permission", "product_add_permission")

# Every route that acts on one user, with a body a manager might send.
ACTIONS = [
    ("PUT", "/user/password/{email}", {"new_password": "taken-over-1"}),
    ("PATCH", "/user/password/{email}", {"new_password": "taken-over-1"}),
    ("PUT", "/user/users/{email}", {"first_name": "Eve", "last_name": "", "birth_date": None, "is_active": True,
                                    "is_admin": False, "is_staff": True}),
    ("PATCH", "/user/users/{email}", {"is_active": False}),
    ("DELETE", "/user/users/{email}", None),
    ("POST", "/user/users/{email}/logout-all", None),
    ("PUT", "/roles/user-groups/{email}", {"roles": []}),
]


@pytest.fixture
def people(client, built_once):
    def build() -> None:
        make_user(MANAGER, "pw", staff=True, permissions=MANAGER_PERMS)
        make_user(EDITOR, "editor-pw", staff=True, permissions=EDITOR_PERMS)
        make_user(CLERK, "clerk-pw", staff=True, permissions=("user_add_permission",))

    built_once("user manager, editor and clerk", build)  # written once per worker, then restored
    return auth(MANAGER)


def state(email: str) -> dict:
    user = store.get_user(email, consistent=True)
    return {k: user.get(k) for k in ("password", "first_name", "is_active", "groups", "token_generation")}


@pytest.mark.parametrize(("method", "path", "sent"), ACTIONS, ids=[f"{m} {p}" for m, p, _ in ACTIONS])
def test_a_user_manager_cannot_act_on_an_editor_with_rights_it_lacks(client, people, method, path, sent):
    before = state(EDITOR)
    response = call(client, method, path.format(email=EDITOR), sent, headers=people)
    assert response.status_code == 403, (response.status_code, response.body)
    assert "product_add_permission" in body(response)["error"]
    assert store.get_user(EDITOR, consistent=True) is not None and state(EDITOR) == before


@pytest.mark.parametrize(("method", "path", "sent"), ACTIONS, ids=[f"{m} {p}" for m, p, _ in ACTIONS])
def test_a_user_manager_may_act_on_a_user_whose_rights_it_holds(client, people, method, path, sent):
    response = call(client, method, path.format(email=CLERK), sent, headers=people)
    assert response.status_code in (200, 201, 204), (response.status_code, response.body)


def test_the_taken_over_password_does_not_log_in(client, people):
    assert call(client, "PUT", f"/user/password/{EDITOR}", {"new_password": "taken-over-1"},
                headers=people).status_code == 403
    assert passwords.check_password("editor-pw", store.get_user(EDITOR)["password"])
    login = call(client, "POST", "/user/login", {"email": EDITOR, "password": "taken-over-1", "dashboard_login": True})
    assert login.status_code in (400, 401)


def test_rights_held_through_a_group_count(client, people):
    roles.create_group(admin_actor(), "Editors", "", list(EDITOR_PERMS))
    make_user("grouped@example.com", "pw", staff=True, groups=("Editors",))
    response = call(client, "PUT", "/user/password/grouped@example.com", {"new_password": "x-1234567"},
                    headers=people)
    assert response.status_code == 403


def test_an_admin_acts_on_anyone(client, people):
    make_user("root@example.com", "pw", staff=True, admin=True)
    response = call(client, "PUT", f"/user/password/{EDITOR}", {"new_password": "reset-by-admin-1"},
                    headers=auth("root@example.com"))
    assert response.status_code == 200


def admin_actor():
    from chalicelib.core.auth.access import Principal

    return Principal(email="root@example.com", is_admin=True, is_staff=True, is_active=True, item={})


def test_every_write_route_on_one_user_is_in_the_sweep():
    """A new route that acts on a user (an `{email}` in its path) must join ACTIONS above to be swept."""
    from app import app  # noqa: F401 - registers every route
    from chalicelib.core.http.routing import ROUTES

    on_a_user = {(spec.method, spec.path) for spec in ROUTES if "{email}" in spec.path and spec.method != "GET"}
    assert on_a_user == {(method, path) for method, path, _sent in ACTIONS}
