"""A cart line never keeps a stale price (issue #16 item 6). Added at 150 -25 %, the price then raised,
the quantity changed or the SKU added again: the original (and we, before) charged the first price for
the cart's 30 days. The rule now: every change re-prices the line it changes, and checkout refuses an
order whose prices changed since the cart showed them, re-pricing the cart and naming what changed, so
the shopper sees the new price before paying it. Lowered prices are passed on the same way."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chalicelib.orders import store as orders_store
from tests.cart.test_cart import add_body
from tests.helpers import body, call
from tests.orders.test_orders import ready_cart, submit
from tests.shop_fixtures import admin_headers, shop_with_methods


@pytest.fixture
def shop(client, built_once):
    return shop_with_methods(client, built_once)


def set_czk_price(client, product_id: int, sku: str, price: str) -> None:
    """What the dashboard's product editor does: read the product, change one price, save it all back."""
    path = f"/product/dashboard/detail/{product_id}/"
    product = body(call(client, "GET", path, headers=admin_headers()))
    for variant in product["product_variants"]:
        if variant["sku"] == sku:
            for entry in variant["price"]:
                if entry["price_list"] == "CZK_retail":
                    entry["price"], entry["discount"] = price, None
    response = call(client, "PUT", path, product, headers=admin_headers())
    assert response.status_code == 200, response.body


def cart_line(client, token: str) -> dict:
    (line,) = body(call(client, "GET", f"/cart/storefront/{token}/"))["cart_items"]
    return line


def test_adding_the_sku_again_charges_todays_price(client, shop):
    token = body(call(client, "POST", "/cart/storefront/", add_body(shop)))["token"]
    assert cart_line(client, token)["unit_price_without_vat"] == "112.50"  # 150 -25 %
    set_czk_price(client, shop["heat"], "HEAT-EN", "1000")
    assert call(client, "POST", f"/cart/storefront/{token}/", add_body(shop, quantity=2)).status_code == 200
    line = cart_line(client, token)
    assert line["quantity"] == 3 and line["unit_price_without_vat"] == "1000.00"
    assert line["unit_price_incl_vat"] == "1210.00"


def test_changing_the_quantity_charges_todays_price(client, shop):
    token = body(call(client, "POST", "/cart/storefront/", add_body(shop)))["token"]
    set_czk_price(client, shop["heat"], "HEAT-EN", "1000")
    response = call(client, "PUT", f"/cart/storefront/{token}/update-quantity/", {"sku": "HEAT-EN", "quantity": 6})
    assert response.status_code == 204
    line = cart_line(client, token)
    assert line["quantity"] == 6 and line["unit_price_without_vat"] == "1000.00"


def test_checkout_refuses_a_price_the_shopper_has_not_seen_then_charges_it_once_seen(client, shop):
    token = ready_cart(client, shop, quantity=6)
    set_czk_price(client, shop["heat"], "HEAT-EN", "1000")
    refused = submit(client, token)
    assert refused.status_code == 400
    message = body(refused)["error"]
    assert "HEAT-EN" in message and "1 210 Kč" in message and "136.13 Kč" in message
    assert cart_line(client, token)["unit_price_incl_vat"] == "1210.00"  # the cart shows it now
    placed = submit(client, token)
    assert placed.status_code == 201, placed.body
    order = orders_store.get_order(body(placed)["token"])
    assert [(line["quantity"], line["unit_price_without_vat"]) for line in order["lines"]] == [(6, Decimal("1000.00"))]
    assert order["totals"]["items_incl_vat"] == Decimal("7260.00")


def test_a_lowered_price_is_passed_on_too(client, shop):
    token = ready_cart(client, shop, quantity=1)
    set_czk_price(client, shop["heat"], "HEAT-EN", "50")
    assert submit(client, token).status_code == 400
    placed = submit(client, token)
    assert placed.status_code == 201
    assert orders_store.get_order(body(placed)["token"])["lines"][0]["unit_price_without_vat"] == Decimal("50.00")


def test_an_unchanged_price_orders_at_once(client, shop):
    token = ready_cart(client, shop, quantity=2)
    assert submit(client, token).status_code == 201
