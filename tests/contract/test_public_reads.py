"""No public read opens another shopper's data (issue #16, item 1 and its sweep).

A shopper with an account orders (address, phone, e-mail), the order ships and the shopper reviews it. Then every
public GET of the route table is called, anonymously and as another logged-in shopper, with real ids of the shop
in its path: no answer may carry the first shopper's order token, cart token, e-mail, phone or street. The
routes whose path holds a cart or order token are that token's own pages (the token is the credential) and are
called with a token of the other shopper instead. The routes come from the app's own table, so a new public read
is swept the moment it exists.
"""

from __future__ import annotations

import re

import pytest

from app import app  # noqa: F401 - registers every route in ROUTES
from chalicelib.core.http.routing import ROUTES
from chalicelib.core.settings import get_settings
from chalicelib.core.store import db
from tests.cart.test_cart import BILLING, SHIPPING
from tests.helpers import auth, body, call, make_user
from tests.orders.test_orders import ready_cart, submit
from tests.shop_fixtures import add_methods, admin_headers, build_shop

PUBLIC_READS = sorted(spec.path for spec in ROUTES if spec.method == "GET" and spec.access.kind == "public")
SECRET_HOLDERS = ("{token}",)  # a cart's or an order's own pages: the token in the path is the credential

VICTIM = "victim@example.com"
OTHER = "other-shopper@example.com"
VICTIM_SHIPPING = {**SHIPPING, "email": VICTIM, "phone": "+420777000111", "street": "Tajná 13"}


@pytest.fixture
def built(client, built_once) -> dict:
    """The shop (with a media bucket) and the victim's order, written once per worker, then restored
    (built_once)."""

    def build() -> dict:
        db.aws_client("s3").create_bucket(Bucket=get_settings().media_bucket,
                                          CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
        ids = build_shop(client)
        ids["rows"] = add_methods(client, admin_headers(), ids)
        return {"shop": ids, "victim": _victim(client, ids)}

    return built_once("shop with methods, a media bucket and a victim's shipped, reviewed order", build)


@pytest.fixture
def shop(built) -> dict:
    return built["shop"]


@pytest.fixture
def victim(built) -> dict:
    """The first shopper's secrets, after an order that shipped and a review of it."""
    return built["victim"]


def _victim(client, shop: dict) -> dict:
    make_user(VICTIM, "victim-password")
    cart = ready_cart(client, shop, quantity=1, headers=auth(VICTIM))
    assert call(client, "PUT", f"/cart/storefront/{cart}/shipping-info/", VICTIM_SHIPPING).status_code == 204
    assert call(client, "PUT", f"/cart/storefront/{cart}/billing-info/", BILLING).status_code == 204
    response = submit(client, cart)
    assert response.status_code == 201, response.body
    order = body(response)["token"]
    assert call(client, "PUT", f"/order/dashboard/{order}/", {"status": "SHIPPED"}, admin_headers()).status_code == 204
    review = {"order": order, "product_id": shop["heat"], "product_variant_sku": "HEAT-EN", "rating": 90,
              "comment": "Great", "country": "CZ"}
    assert call(client, "POST", "/review/storefront/create/", review).status_code == 201
    return {"order token": order, "cart token": cart, "e-mail": VICTIM, "phone": VICTIM_SHIPPING["phone"],
            "street": VICTIM_SHIPPING["street"]}


def _values(shop: dict, other_cart: str, other_order: str) -> dict[str, str]:
    """A real value for each path parameter of the public reads."""
    return {"token": other_order, "category_id": str(shop["movies"]), "product_id": str(shop["heat"]),
            "code": "CZ", "country_code": "CZ", "country": "CZ", "locale": "cs", "language": "en",
            "query": "heat", "situation": "homepage", "trigger": "ORDER_SAVE", "identifier": "footer",
            "slug": "about", "name": "x.png", "asset": "swagger-ui.css", "key": "test_gateway",
            "payment_id": "1", "cart": other_cart}


def _path(template: str, values: dict[str, str], other_cart: str) -> str:
    if template.startswith("/cart/storefront/{token}"):
        template = template.replace("{token}", other_cart)
    return re.sub(r"\{([^}]+)\}", lambda match: values[match.group(1)], template)


def test_there_are_public_reads_to_sweep():
    assert len(PUBLIC_READS) >= 30
    assert "/review/storefront/{product_id}/{country}" in PUBLIC_READS


def test_no_public_read_carries_another_shoppers_secrets(client, shop, victim):
    make_user(OTHER, "other-password")
    other_cart = ready_cart(client, shop, quantity=1, headers=auth(OTHER))
    other_order = body(submit(client, other_cart))["token"]
    values = _values(shop, other_cart, other_order)
    swept = 0
    for template in PUBLIC_READS:
        path = _path(template, values, other_cart)
        for headers in ({}, auth(OTHER)):
            response = call(client, "GET", path, headers=headers)
            assert response.status_code < 500, (path, response.status_code)
            text = response.body.decode("utf-8", "replace") if isinstance(response.body, bytes) else str(
                response.body)
            leaked = [name for name, secret in victim.items() if secret in text]
            assert not leaked, f"GET {path} ({'as ' + OTHER if headers else 'anonymous'}) shows {leaked}"
            swept += response.status_code == 200
    assert swept >= 40  # most reads answered with content, not a 404 of a made-up id


def test_the_review_list_shows_the_review_without_its_order(client, shop, victim):
    listed = body(call(client, "GET", f"/review/storefront/{shop['heat']}/CZ"))
    assert [review["comment"] for review in listed] == ["Great"]
    assert all("order" not in review for review in listed)


def test_the_secret_holders_answer_their_own_shopper(client, shop, victim):
    """The sweep above would pass on a shop that showed nothing: the victim's own token does open its pages."""
    order = body(call(client, "GET", f"/order/storefront/{victim['order token']}"))
    assert order["order"]["customer_email"] == VICTIM
    shipping = body(call(client, "GET", f"/cart/storefront/{victim['cart token']}/shipping-info"))
    assert shipping["phone"] == victim["phone"]
