"""Roles and permissions (contract G1-G11)."""

from __future__ import annotations

import pytest

import app  # noqa: F401 - registers every route
from chalicelib.core.http.routing import ROUTES
from chalicelib.users import permissions, store
from tests.helpers import auth, body, call, make_user

GROUP_MANAGER = ("group_add_permission", "group_change_permission", "user_change_permission")


@pytest.fixture
def manager(client):
    make_user("manager@example.com", "pw", staff=True, permissions=GROUP_MANAGER)
    return auth("manager@example.com")


@pytest.fixture
def root(client):
    make_user("root@example.com", "pw", staff=True, admin=True)
    return auth("root@example.com")


def test_every_checked_permission_is_in_the_catalogue():
    checked = {name for spec in ROUTES for name in spec.access.permissions}
    assert checked and all(permissions.is_known(name) for name in checked)


def test_g11_role_editor_catalogue(client, manager):
    response = call(client, "GET", "/roles/permissions", headers=manager)
    assert response.status_code == 200
    names = {p["name"] for p in body(response)}
    assert len(names) == 18
    assert {"page_change_permission", "productprice_add_permission", "group_add_permission"} <= names
    assert {"name": "product_change_permission", "model": "product", "description": "Can change product",
            "type": "change"} in body(response)


def test_g9_default_groups(client, manager):
    groups = {g["name"]: g for g in body(call(client, "GET", "/roles/groups", headers=manager))}
    assert set(groups) == {"Editor", "Copywriter", "UserManager"}
    assert len(groups["Editor"]["permissions"]) == 21
    assert {"name", "model", "description", "type"} == set(groups["Copywriter"]["permissions"][0])


def test_g10_g4_g5_g6_group_lifecycle(client, root):
    created = call(client, "POST", "/roles/groups", {"name": "Support", "description": "Helps",
                                                     "permissions": ["order_change_permission"]}, headers=root)
    assert created.status_code == 201 and created.body in (b"", "")
    again = call(client, "POST", "/roles/groups", {"name": "Support", "permissions": []}, headers=root)
    assert again.status_code == 400 and body(again) == "Group already exists"
    group = body(call(client, "GET", "/roles/groups/Support", headers=root))
    assert group == {"name": "Support", "description": "Helps", "permissions": [
        {"name": "order_change_permission", "model": "order", "description": "Can change order", "type": "change"}]}
    # G5 sends permission objects, as the dashboard does.
    updated = call(client, "PUT", "/roles/groups/Support", {
        "name": "Support", "description": "Helps more",
        "permissions": group["permissions"] + [permissions.describe("review_change_permission")]}, headers=root)
    assert updated.status_code == 200
    assert [p["name"] for p in body(call(client, "GET", "/roles/groups/Support", headers=root))["permissions"]] == [
        "order_change_permission", "review_change_permission"]
    assert call(client, "DELETE", "/roles/groups/Support", headers=root).status_code == 200
    assert call(client, "GET", "/roles/groups/Support", headers=root).status_code == 400


def test_g10_unknown_permission_is_400_and_writes_nothing(client, root):
    response = call(client, "POST", "/roles/groups", {"name": "Odd", "permissions": ["fly_permission"]}, headers=root)
    assert response.status_code == 400 and "permissions" in body(response)
    assert store.get_group("Odd") is None


def test_g5_rename_moves_members(client, root):
    make_user("clerk@example.com", "pw", groups=("Copywriter",))
    response = call(client, "PUT", "/roles/groups/Copywriter", {"name": "Writers", "description": "",
                                                                "permissions": ["page_change_permission"]},
                    headers=root)
    assert response.status_code == 200
    assert store.get_group("Copywriter") is None
    assert store.get_user("clerk@example.com")["groups"] == ["Writers"]


def test_g2_g3_user_groups_and_g1_permissions(client, manager):
    make_user("clerk@example.com", "pw", staff=True)
    store.put_group("Orders", "", ["order_change_permission"])
    store.update_user("manager@example.com", {"user_permissions": list(GROUP_MANAGER) + ["order_change_permission"]})
    response = call(client, "PUT", "/roles/user-groups/clerk@example.com", {"roles": ["Orders"]}, headers=manager)
    assert response.status_code == 200
    groups = body(call(client, "GET", "/roles/user-groups/clerk@example.com", headers=manager))
    assert [g["name"] for g in groups] == ["Orders"]
    perms = body(call(client, "GET", "/roles/user-permissions/clerk@example.com", headers=manager))
    assert [p["name"] for p in perms] == ["order_change_permission"]
    # The clerk can now change orders' status but not products.
    assert call(client, "GET", "/roles/user-groups/nobody@example.com", headers=manager).status_code == 400


def test_g3_unknown_group_restores_nothing_changed(client, root):
    make_user("clerk@example.com", "pw", groups=("Copywriter",))
    response = call(client, "PUT", "/roles/user-groups/clerk@example.com", {"roles": ["Editor", "Ghosts"]},
                    headers=root)
    assert response.status_code == 400 and "roles" in body(response)
    assert store.get_user("clerk@example.com")["groups"] == ["Copywriter"]


def test_no_escalation_through_groups(client, manager):
    """A user manager cannot give anyone (least of all themselves) rights they do not hold."""
    make_user("clerk@example.com", "pw", staff=True)
    grant_editor = call(client, "PUT", "/roles/user-groups/clerk@example.com", {"roles": ["Editor"]}, headers=manager)
    assert grant_editor.status_code == 403
    own = call(client, "PUT", "/roles/user-groups/manager@example.com", {"roles": ["UserManager"]}, headers=manager)
    assert own.status_code == 403
    widen = call(client, "PUT", "/roles/groups/UserManager", {
        "name": "UserManager", "description": "", "permissions": ["user_add_permission", "product_add_permission"]},
        headers=manager)
    assert widen.status_code == 403
    assert "product_add_permission" not in store.get_group("UserManager")["permissions"]
    create = call(client, "POST", "/roles/groups", {"name": "Mine", "permissions": ["product_add_permission"]},
                  headers=manager)
    assert create.status_code == 403 and store.get_group("Mine") is None


def test_g7_permission_detail(client, manager):
    assert body(call(client, "GET", "/roles/permission/user_add_permission", headers=manager))["model"] == "user"
    assert call(client, "GET", "/roles/permission/nope", headers=manager).status_code == 400


def test_group_permissions_take_effect_in_one_batch_read(client, root, monkeypatch):
    from chalicelib.core.store import db

    store.put_group("A", "", ["user_add_permission"])
    store.put_group("B", "", ["review_change_permission"])
    make_user("clerk@example.com", "pw", staff=True, groups=("A", "B"))
    calls = []
    original = db.batch_get
    monkeypatch.setattr(db, "batch_get", lambda *a, **k: calls.append(a) or original(*a, **k))
    response = call(client, "POST", "/user/users", {"email": "x@example.com", "password": "pw"},
                    headers=auth("clerk@example.com"))
    assert response.status_code == 201
    assert len(calls) == 1
