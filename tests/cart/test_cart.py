"""Storefront carts (contract K22-K26, K28, K29, K33-K37) through the HTTP contract."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from chalicelib.cart import store as cart_store
from chalicelib.core.store import db
from tests.helpers import AwsCalls, auth, body, call, make_user
from tests.shop_fixtures import build_shop


@pytest.fixture
def shop(client, built_once):
    # written once per worker, then restored (built_once)
    return built_once("shop without methods", lambda: build_shop(client))


def add_body(ids, sku="HEAT-EN", quantity=1, country="CZ", pricelist="CZK_retail"):
    return {"sku": sku, "quantity": quantity, "product": ids["heat"], "pricelist": pricelist, "country": country}


def new_cart(client, ids, **kw) -> str:
    response = call(client, "POST", "/cart/storefront/", add_body(ids, **kw))
    assert response.status_code == 200, response.body
    return body(response)["token"]


def test_k22_empty_cart_gets_a_uuid_token(client, shop):
    response = call(client, "POST", "/cart/storefront/", {})
    assert response.status_code == 200
    token = body(response)["token"]
    assert str(uuid.UUID(token)) == token
    cart = body(call(client, "GET", f"/cart/storefront/{token}/"))
    assert cart["cart_items"] == [] and cart["token"] == token


def test_k22_k23_cart_with_first_line_priced_in_the_country(client, shop):
    token = new_cart(client, shop, quantity=3)
    cart = body(call(client, "GET", f"/cart/storefront/{token}/"))
    (line,) = cart["cart_items"]
    # 150 CZK -25 % = 112.50 net; 21 % VAT: 136.125 -> 136.13 a piece (cents, half up)
    assert line["product_variant_sku"] == "HEAT-EN" and line["product_id"] == shop["heat"]
    assert line["unit_price_without_vat"] == "112.50" and line["unit_price_incl_vat"] == "136.13"
    assert line["unit_price_incl_vat_formatted"] == "136.13 Kč"
    assert line["total_price_without_vat_formatted"] == "337.50 Kč"
    assert line["total_price_incl_vat_formatted"] == "408.39 Kč"
    assert line["quantity"] == 3 and line["discount"] is None
    # texts in the cart country's locale (CZ -> cs)
    assert line["product_slug"] == "heat-cz"
    assert line["product_variant_name"] == "Heat CZ: Jazyk: Angličtina"
    assert cart["total_items_price_incl_vat_formatted"] == "408.39 Kč"
    assert cart["total_price_without_vat_formatted"] == "337.50 Kč"
    assert cart["shipping_method_country"] is None and cart["payment_method_country"] is None


def test_k22_bad_line_stores_no_cart(client, shop):
    before = len(list(db.client().scan(TableName=db.table("main"))["Items"]))
    response = call(client, "POST", "/cart/storefront/", {"sku": "HEAT-EN", "quantity": 0, "product": shop["heat"]})
    assert response.status_code == 400 and "quantity" in body(response)
    response = call(client, "POST", "/cart/storefront/", add_body(shop, sku="NOPE"))
    assert response.status_code == 404
    assert len(list(db.client().scan(TableName=db.table("main"))["Items"])) == before


def test_k22_a_body_that_is_not_an_object_is_a_400_and_stores_no_cart(client, shop):
    """Issue #16 item 10: "hello" or [1, 2] created an empty cart; `{}` (or no body) still does (K22)."""
    before = len(list(db.client().scan(TableName=db.table("main"))["Items"]))
    for sent in ("hello", [1, 2], 5):
        response = call(client, "POST", "/cart/storefront/", sent)
        assert response.status_code == 400, sent
        assert "Expected a dictionary" in body(response)["non_field_errors"][0]
    assert len(list(db.client().scan(TableName=db.table("main"))["Items"])) == before
    assert call(client, "POST", "/cart/storefront/").status_code == 200


def test_k22_cart_created_with_a_jwt_belongs_to_the_user(client, shop):
    make_user("shopper@example.com")
    response = call(client, "POST", "/cart/storefront/", add_body(shop), auth("shopper@example.com"))
    token = body(response)["token"]
    assert body(call(client, "GET", f"/cart/storefront/{token}/detail/"))["user"] == "shopper@example.com"


def test_k22_price_missing_in_price_list_is_400(client, shop):
    response = call(client, "POST", "/cart/storefront/", add_body(shop, sku="HEAT-CS", country="SK",
                                                                  pricelist="EUR_retail"))
    assert response.status_code == 400
    assert body(response) == {"error": "ProductPrice does not exist"}


def test_k23_unknown_or_malformed_token_is_404(client, shop):
    assert call(client, "GET", f"/cart/storefront/{uuid.uuid4()}/").status_code == 404
    assert call(client, "GET", "/cart/storefront/not-a-token/").status_code == 404


def test_k24_new_line_201_same_sku_200_increments_without_repricing(client, shop):
    token = new_cart(client, shop)
    assert call(client, "POST", f"/cart/storefront/{token}/", add_body(shop, quantity=2)).status_code == 200
    cart = body(call(client, "GET", f"/cart/storefront/{token}/"))
    assert [(i["product_variant_sku"], i["quantity"]) for i in cart["cart_items"]] == [("HEAT-EN", 3)]


def test_k24_unknown_cart_or_sku_is_404(client, shop):
    response = call(client, "POST", f"/cart/storefront/{uuid.uuid4()}/", add_body(shop))
    assert response.status_code == 404 and body(response) == {"error": "Cart does not exist"}
    token = new_cart(client, shop)
    assert call(client, "POST", f"/cart/storefront/{token}/", add_body(shop, sku="NOPE")).status_code == 404


def test_k24_quantity_beyond_stock_is_refused(client, shop):
    token = new_cart(client, shop, quantity=10)
    response = call(client, "POST", f"/cart/storefront/{token}/", add_body(shop, quantity=1))
    assert response.status_code == 400
    assert body(response) == {"quantity": ["Only 10 pieces of HEAT-EN are in stock."]}


def test_k24_switching_country_and_price_list_reprices_every_line(client, shop):
    token = new_cart(client, shop, quantity=3)
    response = call(client, "POST", f"/cart/storefront/{token}/", add_body(shop, quantity=1, country="SK",
                                                                              pricelist="EUR_retail"))
    assert response.status_code == 200
    cart = body(call(client, "GET", f"/cart/storefront/{token}/"))
    (line,) = cart["cart_items"]
    # 4.80 EUR, 20 % VAT = 5.76 a piece; the EUR list rounds for display
    assert line["unit_price_without_vat"] == "4.80" and line["unit_price_incl_vat"] == "5.76"
    assert line["quantity"] == 4
    assert cart["total_items_price_incl_vat_formatted"] == "€ 23"  # 23.04 rounded
    assert cart["total_price_incl_vat"] == "23.04"
    detail = body(call(client, "GET", f"/cart/storefront/{token}/detail/"))
    assert detail["country"] == "SK" and detail["pricelist"] == "EUR_retail"
    assert line["product_slug"] == "heat"  # SK's locale is en


def test_k26_update_quantity(client, shop):
    token = new_cart(client, shop)
    path = f"/cart/storefront/{token}/update-quantity/"
    assert call(client, "PUT", path, {"sku": "HEAT-EN", "quantity": 5}).status_code == 204
    assert body(call(client, "GET", f"/cart/storefront/{token}/"))["cart_items"][0]["quantity"] == 5
    response = call(client, "PUT", path, {"sku": "HEAT-EN", "quantity": 0})
    assert response.status_code == 400 and "quantity" in body(response)
    assert call(client, "PUT", path, {"sku": "OTHER", "quantity": 1}).status_code == 404
    assert call(client, "PUT", f"/cart/storefront/{uuid.uuid4()}/update-quantity/",
                {"sku": "HEAT-EN", "quantity": 1}).status_code == 404
    response = call(client, "PUT", path, {"sku": "HEAT-EN", "quantity": 11})
    assert response.status_code == 400


def test_k37_remove_line(client, shop):
    token = new_cart(client, shop)
    assert call(client, "DELETE", f"/cart/storefront/{token}/HEAT-EN/").status_code == 204
    assert body(call(client, "GET", f"/cart/storefront/{token}/"))["cart_items"] == []
    assert call(client, "DELETE", f"/cart/storefront/{token}/HEAT-EN/").status_code == 404


SHIPPING = {"first_name": "Jan", "surname": "Novák", "street": "Dlouhá 1", "city": "Praha", "postal_code": "11000",
            "country": "CZ", "email": "jan@example.com", "phone": "+420123456789", "additional_info": ""}
BILLING = {"first_name": "Jan", "surname": "Novák", "street": "Dlouhá 1", "city": "Praha", "postal_code": "11000",
           "country": "CZ", "company_name": "", "company_id": "", "vat_number": ""}


def test_k28_k29_addresses_empty_then_set(client, shop):
    token = new_cart(client, shop)
    empty_billing = body(call(client, "GET", f"/cart/storefront/{token}/billing-info/"))
    assert empty_billing["user"] is None and empty_billing["first_name"] == "" and empty_billing["country"] is None
    assert call(client, "PUT", f"/cart/storefront/{token}/shipping-info/", SHIPPING).status_code == 204
    assert call(client, "PUT", f"/cart/storefront/{token}/billing-info/", BILLING).status_code == 204
    shipping = body(call(client, "GET", f"/cart/storefront/{token}/shipping-info/"))
    assert {k: shipping[k] for k in SHIPPING} == SHIPPING and shipping["safe_deleted"] is False
    billing = body(call(client, "GET", f"/cart/storefront/{token}/billing-info/"))
    assert {k: billing[k] for k in BILLING} == BILLING


def test_k28_k29_bad_address_names_the_field(client, shop):
    token = new_cart(client, shop)
    response = call(client, "PUT", f"/cart/storefront/{token}/shipping-info/", {**SHIPPING, "country": "XX"})
    assert response.status_code == 400 and "country" in body(response)
    response = call(client, "PUT", f"/cart/storefront/{token}/billing-info/", {**BILLING, "city": ""})
    assert response.status_code == 400 and "city" in body(response)
    assert call(client, "PUT", f"/cart/storefront/{uuid.uuid4()}/billing-info/", BILLING).status_code == 404
    assert call(client, "GET", f"/cart/storefront/{uuid.uuid4()}/billing-info/").status_code == 404


def test_k33_k34_nothing_chosen_is_404(client, shop):
    token = new_cart(client, shop)
    assert call(client, "GET", f"/cart/storefront/{token}/payment-method/").status_code == 404
    assert call(client, "GET", f"/cart/storefront/{token}/shipping-method/").status_code == 404


def test_cart_expires_30_days_after_its_last_change(client, shop):
    import time

    token = new_cart(client, shop)
    stored = cart_store.get_cart(token)
    assert abs(int(stored["ttl"]) - (time.time() + 30 * 24 * 3600)) < 60
    assert stored["lines"][0]["unit_price_incl_vat"] == Decimal("136.13")


def test_add_to_cart_and_cart_read_stay_within_their_aws_call_budget(client, shop, warm_container):
    """Issue 14, on a warm container (pricing and catalog reference are the container's copies): add to
    cart is the cart and the product in one BatchGetItem, then the write; a cart read one GetItem; a
    new cart with its line the product and the write; each cart PUT 2 calls at most (the method choices
    are in test_orders)."""
    token = new_cart(client, shop)
    with AwsCalls() as calls:
        assert call(client, "POST", f"/cart/storefront/{token}/", add_body(shop, quantity=1)).status_code == 200
    assert calls.operations == ["BatchGetItem", "PutItem"]
    with AwsCalls() as calls:
        call(client, "GET", f"/cart/storefront/{token}/")
    assert calls.operations == ["GetItem"]
    with AwsCalls() as calls:
        call(client, "POST", "/cart/storefront/", add_body(shop))
    assert len(calls) <= 2, calls.operations
    for path, payload in (("shipping-info", SHIPPING), ("billing-info", BILLING),
                          ("update-quantity", {"sku": "HEAT-EN", "quantity": 3})):
        with AwsCalls() as calls:
            assert call(client, "PUT", f"/cart/storefront/{token}/{path}/", payload).status_code == 204
        assert len(calls) <= 2, (path, calls.operations)
