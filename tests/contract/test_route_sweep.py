"""Every dashboard route declares a permission; anonymous callers get 401, callers without it 403.

The list of routes is the app's own route table, so a new dashboard route is covered the moment it exists.
"""

from __future__ import annotations

import re

import pytest

from app import app
from chalicelib.core.http.routing import ROUTES
from tests.helpers import auth, body, call, make_user

# Everything is a dashboard route unless it is a storefront route or a shopper's self-service route:
# a new route is guarded by default in this test's eyes, and opening one up is a visible decision.
STOREFRONT_PATH = re.compile(r"/storefront(/|$)")
SELF_SERVICE = {
    "/user/login", "/user/refresh-token", "/user/logout", "/user/register", "/user/detail", "/user/password",
    "/user/logout-all",
}
PUBLIC_MEDIA = re.compile(r"^/media/")
# Payment gateways call back (verified by the method's signature, not a login), and the test gateway's
# hosted page is what a shopper sees.
PAYMENT_GATEWAY = re.compile(r"^/payments/\{key\}/(callback|test-gateway/)")


# Reads the contract makes public outside the storefront's paths: L5 lists the countries L1 already lists.
PUBLIC_READS = {("GET", "/country")}


def is_dashboard(path: str) -> bool:
    return not (STOREFRONT_PATH.search(path) or path in SELF_SERVICE or PUBLIC_MEDIA.search(path)
                or PAYMENT_GATEWAY.search(path) or path.startswith(("/api/", "/swagger", "/review/product-rating")))


DASHBOARD_ROUTES = [spec for spec in ROUTES if is_dashboard(spec.path) and (spec.method, spec.path) not in PUBLIC_READS]


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_route_table_and_registry_agree():
    """Every route Chalice serves went through the access-declaring layer, and vice versa."""
    served = {(path, method) for path, entries in app.routes.items() for method in entries}
    declared = {(spec.path, spec.method) for spec in ROUTES}
    assert served == declared


def test_there_are_dashboard_routes_to_sweep():
    assert len(DASHBOARD_ROUTES) >= 3


@pytest.mark.parametrize("spec", DASHBOARD_ROUTES, ids=lambda s: f"{s.method} {s.path}")
def test_dashboard_route_declares_a_staff_or_permission_rule(spec):
    assert spec.access.kind in ("staff", "permission"), f"{spec.method} {spec.path} is {spec.access.kind}"
    if spec.method in ("POST", "PUT", "PATCH", "DELETE"):
        assert spec.access.kind == "permission", f"write {spec.method} {spec.path} needs a named permission"


@pytest.mark.parametrize("spec", DASHBOARD_ROUTES, ids=lambda s: f"{s.method} {s.path}")
def test_dashboard_route_anonymous_is_401(client, spec):
    response = call(client, spec.method, _concrete(spec.path), {})
    assert response.status_code == 401
    assert body(response) == {"detail": "Authentication credentials were not provided."}


@pytest.mark.parametrize("spec", DASHBOARD_ROUTES, ids=lambda s: f"{s.method} {s.path}")
def test_dashboard_route_without_the_right_is_403(client, spec):
    # A shopper fails a staff check; a staff member holding every other permission fails a permission check.
    if spec.access.kind == "staff":
        make_user("shopper@example.com", "pw")
        headers = auth("shopper@example.com")
    else:
        others = {name for s in ROUTES for name in s.access.permissions} - set(spec.access.permissions)
        make_user("staff@example.com", "pw", staff=True, permissions=tuple(sorted(others)))
        headers = auth("staff@example.com")
    response = call(client, spec.method, _concrete(spec.path), {}, headers=headers)
    assert response.status_code == 403
    assert body(response) == "User doesnt have permission"


def test_permission_through_group_and_admin_bypass(client):
    from chalicelib.users import store

    store.put_group("Hiring", "adds users", ["user_add_permission"])
    make_user("hr@example.com", "pw", staff=True, groups=("Hiring",))
    created = call(client, "POST", "/user/users", {"email": "hired@example.com", "password": "pw"},
                   headers=auth("hr@example.com"))
    assert created.status_code == 201
    make_user("root@example.com", "pw", admin=True)
    created = call(client, "POST", "/user/users/", {"email": "hired2@example.com", "password": "pw"},
                   headers=auth("root@example.com"))
    assert created.status_code == 201


def test_staff_alone_gets_reads_but_no_writes(client):
    make_user("staff@example.com", "pw", staff=True)
    assert call(client, "GET", "/user/users", headers=auth("staff@example.com")).status_code == 200
    response = call(client, "POST", "/user/users", {"email": "x@example.com", "password": "pw"},
                    headers=auth("staff@example.com"))
    assert response.status_code == 403


def test_default_groups_come_from_config(client):
    from chalicelib.users import store

    editor = store.get_group("Editor")
    assert "product_add_permission" in editor["permissions"]
    assert set(store.get_group("UserManager")["permissions"]) == {
        "user_add_permission", "user_change_permission", "group_add_permission", "group_change_permission"}
