"""One currency per cart (issue #16 item 2): the client could pick a price list of another currency than
its country's, or a method priced in another currency, and the order added amounts of two currencies
without converting them (124.36 Kč with a "5.36 Kč" shipping that was €5.36). An unknown country or
price list fell back to the default. Each is now a 400 naming the field, and nothing is stored."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chalicelib.core.store import db
from chalicelib.orders import store as orders_store
from tests.cart.test_cart import add_body
from tests.helpers import body, call
from tests.orders.test_orders import BILLING, SHIPPING, ready_cart, submit
from tests.shop_fixtures import admin_headers, shop_with_methods


@pytest.fixture
def shop(client, built_once):
    return shop_with_methods(client, built_once)


def stored_items() -> int:
    return len(db.client().scan(TableName=db.table("main"))["Items"])


@pytest.mark.parametrize(("country", "pricelist", "field"), [
    ("CZ", "EUR_retail", "pricelist"),   # CZ pays in CZK
    ("SK", "CZK_retail", "pricelist"),   # SK pays in EUR
    ("ZZ", "CZK_retail", "country"),     # no such country: never the default in its place
    ("CZ", "NOPE", "pricelist"),
])
def test_new_cart_in_a_price_list_of_another_currency_or_an_unknown_code_is_a_400_naming_it(
        client, shop, country, pricelist, field):
    before = stored_items()
    response = call(client, "POST", "/cart/storefront/", add_body(shop, country=country, pricelist=pricelist))
    assert response.status_code == 400, response.body
    assert list(body(response)) == [field]
    assert stored_items() == before


def test_a_numeric_price_list_is_refused_too(client, shop):
    response = call(client, "POST", "/cart/storefront/", {**add_body(shop), "pricelist": 5})
    assert response.status_code == 400 and "pricelist" in body(response)


def test_adding_to_a_cart_in_another_currency_is_refused_and_the_cart_is_unchanged(client, shop):
    token = body(call(client, "POST", "/cart/storefront/", add_body(shop, quantity=2)))["token"]
    response = call(client, "POST", f"/cart/storefront/{token}/", add_body(shop, country="CZ", pricelist="EUR_retail"))
    assert response.status_code == 400 and list(body(response)) == ["pricelist"]
    cart = body(call(client, "GET", f"/cart/storefront/{token}/"))
    assert [line["quantity"] for line in cart["cart_items"]] == [2]
    assert cart["total_items_price_incl_vat_formatted"].endswith("Kč")


def test_a_new_country_without_a_price_list_takes_the_countrys_own(client, shop):
    token = body(call(client, "POST", "/cart/storefront/", add_body(shop)))["token"]
    response = call(client, "POST", f"/cart/storefront/{token}/",
                    {"sku": "HEAT-EN", "quantity": 1, "product": shop["heat"], "country": "SK"})
    assert response.status_code == 200, response.body
    detail = body(call(client, "GET", f"/cart/storefront/{token}/detail/"))
    assert detail["country"] == "SK" and detail["pricelist"] == "EUR_retail"


def test_a_method_priced_in_another_currency_cannot_be_chosen(client, shop):
    # A CZ shipping row priced in EUR (the dashboard allows it: a merchant may price CZ shipping in EUR
    # for a EUR price list); a CZK cart cannot take it.
    headers = admin_headers()
    method = body(call(client, "POST", "/cart/dashboard/shipping/method/", {}, headers))["id"]
    response = call(client, "POST", f"/cart/dashboard/shipping/method/{method}/country/",
                    {"shipping_method": method, "is_active": True, "country": "CZ", "currency": "EUR",
                     "vat_group": shop["vat_cz"], "price": "5.36", "payment_methods": [shop["rows"]["transfer_cz"]]},
                    headers)
    assert response.status_code == 201, response.body
    euro_row = body(response)["id"]
    token = body(call(client, "POST", "/cart/storefront/", add_body(shop)))["token"]
    response = call(client, "PUT", f"/cart/storefront/{token}/shipping-method/{euro_row}/")
    assert response.status_code == 400
    assert body(response) == {"error": "This shipping method is priced in EUR; the cart is in CZK."}
    assert call(client, "GET", f"/cart/storefront/{token}/shipping-method/").status_code == 404


def test_an_order_is_in_one_currency_and_its_total_adds_up(client, shop):
    token = ready_cart(client, shop, quantity=1, payment="transfer_cz")
    response = submit(client, token)
    assert response.status_code == 201, response.body
    order = orders_store.get_order(body(response)["token"])
    assert order["currency"]["code"] == "CZK"
    assert order["shipping_method_country"]["currency"] == order["payment_method_country"]["currency"] == "CZK"
    # 1 x 136.13 + shipping 121.00 + transfer 0.00
    assert order["totals"]["total_incl_vat"] == Decimal("257.13")


def test_a_cart_switched_to_another_currency_drops_methods_priced_in_the_old_one(client, shop):
    token = ready_cart(client, shop, quantity=1, payment="transfer_cz")
    path = f"/cart/storefront/{token}"
    assert call(client, "PUT", f"{path}/shipping-info/", {**SHIPPING, "country": "SK"}).status_code == 204
    assert call(client, "PUT", f"{path}/billing-info/", {**BILLING, "country": "SK"}).status_code == 204
    response = call(client, "POST", f"{path}/", add_body(shop, country="SK", pricelist="EUR_retail"))
    assert response.status_code == 200
    assert call(client, "GET", f"{path}/shipping-method/").status_code == 404
    assert call(client, "GET", f"{path}/payment-method/").status_code == 404
    refused = submit(client, token)
    assert refused.status_code == 400 and body(refused) == {"error": "Choose a shipping method."}
