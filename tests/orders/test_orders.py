"""Checkout, orders, complaints and stats (contract K27, K30-K38, O1-O11) through the HTTP contract."""

from __future__ import annotations

import json
import threading
import uuid
from decimal import Decimal

import pytest

from chalicelib.core.store import db
from chalicelib.orders import checkout
from tests.cart.test_cart import BILLING, SHIPPING, add_body
from tests.helpers import AwsCalls, auth, body, call, make_user
from tests.shop_fixtures import admin_headers, shop_with_methods


@pytest.fixture
def shop(client, built_once):
    return shop_with_methods(client, built_once)


def ready_cart(client, shop, *, quantity=3, country="CZ", pricelist="CZK_retail", payment="cash_cz",
               shipping="post_cz", headers=None, sku="HEAT-EN", product=None) -> str:
    body_ = {**add_body(shop, sku=sku, quantity=quantity, country=country, pricelist=pricelist)}
    if product is not None:
        body_["product"] = product
    token = body(call(client, "POST", "/cart/storefront/", body_, headers))["token"]
    path = f"/cart/storefront/{token}"
    assert call(client, "PUT", f"{path}/shipping-info/", {**SHIPPING, "country": country}).status_code == 204
    assert call(client, "PUT", f"{path}/billing-info/", {**BILLING, "country": country}).status_code == 204
    assert call(client, "PUT", f"{path}/shipping-method/{shop['rows'][shipping]}/").status_code == 204
    assert call(client, "PUT", f"{path}/payment-method/{shop['rows'][payment]}/").status_code == 204
    return token


def submit(client, cart_token, **extra):
    return call(client, "POST", "/order/storefront/", {"cart_token": cart_token, "agreed_to_terms": True,
                                                        "marketing_flag": False, "session_id": "rs-1", **extra})


def stock_of(client, product_id, sku) -> int:
    detail = body(call(client, "GET", f"/product/storefront/{product_id}?country=CZ&pricelist=CZK_retail"))
    return next(v["stock_quantity"] for v in detail["product_variants"] if v["sku"] == sku)


def outbox_events() -> list[dict]:
    found = []
    for raw in db.client().scan(TableName=db.table("outbox"))["Items"]:
        item = db.deserialize(raw)
        if item["type"] == "BATCH":
            found += [{"type": e["type"], "payload": json.loads(e["payload"])} for e in item["events"]]
        else:
            found.append({"type": item["type"], "payload": json.loads(item["payload"])})
    return found


def single_product(client, shop, sku_prefix: str, stock: int) -> int:
    from tests.catalog_fixtures import product_payload

    payload = product_payload(shop, sku_prefix, f"Solo {sku_prefix}")
    payload["product_variants"] = [{**payload["product_variants"][0], "stock_quantity": stock}]
    response = call(client, "POST", "/product/dashboard/detail/", payload, admin_headers())
    assert response.status_code == 201, response.body
    return body(response)["id"]


# --- K32-K36: methods in the cart --------------------------------------------------------------------

def test_k34_k33_chosen_methods_are_shown_with_their_prices(client, shop):
    token = ready_cart(client, shop)
    shipping = body(call(client, "GET", f"/cart/storefront/{token}/shipping-method/"))
    assert shipping == {"id": shop["rows"]["post_cz"],
                        "shipping_method": {"title": "Pošta", "description": "", "image": None},
                        "price_incl_vat": "121 Kč", "price_without_vat": "100 Kč"}
    payment = body(call(client, "GET", f"/cart/storefront/{token}/payment-method/"))
    assert payment["id"] == shop["rows"]["cash_cz"] and payment["price_incl_vat"] == "24.20 Kč"
    detail = body(call(client, "GET", f"/cart/storefront/{token}/detail/"))
    assert detail["shipping_method_country"] == shop["rows"]["post_cz"]
    assert detail["payment_method_country"] == shop["rows"]["cash_cz"]


def test_k35_payment_must_belong_to_the_shipping_method_and_country(client, shop):
    token = body(call(client, "POST", "/cart/storefront/", add_body(shop)))["token"]
    path = f"/cart/storefront/{token}"
    response = call(client, "PUT", f"{path}/payment-method/{shop['rows']['cash_cz']}/")
    assert response.status_code == 400  # no shipping method chosen yet
    assert call(client, "PUT", f"{path}/shipping-method/{shop['rows']['post_sk']}/").status_code == 400  # SK row
    assert call(client, "PUT", f"{path}/shipping-method/{shop['rows']['post_cz']}/").status_code == 204
    assert call(client, "PUT", f"{path}/payment-method/{shop['rows']['transfer_sk']}/").status_code == 400
    assert call(client, "PUT", f"{path}/payment-method/999/").status_code == 404
    assert call(client, "PUT", f"{path}/payment-method/{shop['rows']['cash_cz']}/").status_code == 204


def _version(token: str) -> int:
    from chalicelib.cart import store as cart_store

    return int(cart_store.get_cart(token)["version"])


def test_cart_puts_are_one_write_and_keep_every_answer_of_the_careful_path(client, shop, warm_container):
    """Issue 14: an address or a method choice is one conditional UpdateItem; whatever the condition
    refuses takes the read-check-write path from the cart the refusal handed back, with its answers."""
    token = ready_cart(client, shop, quantity=1)
    path = f"/cart/storefront/{token}"
    version = _version(token)
    for put, payload in ((f"{path}/billing-info/", BILLING), (f"{path}/shipping-info/", SHIPPING),
                         (f"{path}/shipping-method/{shop['rows']['post_cz']}/", None),
                         (f"{path}/payment-method/{shop['rows']['cash_cz']}/", None)):
        with AwsCalls() as calls:
            assert call(client, "PUT", put, payload).status_code == 204
        assert calls.operations == ["UpdateItem"], (put, calls.operations)  # the same again: refused, no write
    assert _version(token) == version
    with AwsCalls() as calls:
        assert call(client, "PUT", f"{path}/billing-info/", {**BILLING, "city": "Brno"}).status_code == 204
    assert calls.operations == ["UpdateItem"] and _version(token) == version + 1
    assert body(call(client, "GET", f"{path}/billing-info/"))["city"] == "Brno"
    # A shipping method that no longer offers the chosen payment drops it (the careful path).
    admin = admin_headers()
    response = call(client, "PATCH", f"/cart/dashboard/shipping/method/country/{shop['rows']['post_cz']}/",
                    {"payment_methods": [shop["rows"]["transfer_cz"]]}, admin)
    assert response.status_code == 200, response.body
    assert call(client, "GET", "/cart/storefront/methods/CZ/").status_code == 200  # re-reads the changed methods
    with AwsCalls() as calls:
        assert call(client, "PUT", f"{path}/shipping-method/{shop['rows']['post_cz']}/").status_code == 204
    assert calls.operations == ["UpdateItem", "PutItem"]  # refused (a payment to drop), then the careful write
    assert call(client, "GET", f"{path}/payment-method/").status_code == 404
    response = call(client, "PUT", f"{path}/payment-method/{shop['rows']['cash_cz']}/")
    assert response.status_code == 400 and "not offered with the chosen shipping method" in body(response)["error"]
    assert call(client, "PUT", f"{path}/payment-method/{shop['rows']['transfer_cz']}/").status_code == 204
    # Another country's or currency's row, an unknown row, an unknown cart: the answers as before.
    response = call(client, "PUT", f"{path}/shipping-method/{shop['rows']['post_sk']}/")
    assert response.status_code == 400 and body(response) == {"error": "This shipping method is not offered in CZ."}
    assert call(client, "PUT", f"{path}/shipping-method/999/").status_code == 404
    missing = f"/cart/storefront/{uuid.uuid4()}"
    assert call(client, "PUT", f"{missing}/shipping-method/{shop['rows']['post_cz']}/").status_code == 404
    assert call(client, "PUT", f"{missing}/billing-info/", BILLING).status_code == 404
    # An ordered cart is no longer changed: 400 with its message, and nothing written.
    assert submit(client, token).status_code == 201
    version = _version(token)
    for put, payload in ((f"{path}/billing-info/", {**BILLING, "city": "Plzeň"}),
                         (f"{path}/shipping-method/{shop['rows']['post_cz']}/", None),
                         (f"{path}/payment-method/{shop['rows']['transfer_cz']}/", None)):
        response = call(client, "PUT", put, payload)
        assert response.status_code == 400 and "already been ordered" in body(response)["error"], put
    assert _version(token) == version


def test_update_quantity_reads_cart_and_product_together_and_survives_a_wrong_guess(client, shop, warm_container):
    from chalicelib.cart import service as cart_service

    token = body(call(client, "POST", "/cart/storefront/", add_body(shop)))["token"]
    path = f"/cart/storefront/{token}/update-quantity/"
    with AwsCalls() as calls:
        assert call(client, "PUT", path, {"sku": "HEAT-EN", "quantity": 2}).status_code == 204
    assert calls.operations == ["BatchGetItem", "PutItem"]
    other = single_product(client, shop, "OTHER", 5)
    cart_service._SKU_PRODUCT["HEAT-EN"] = other  # a wrong guess costs the GetItem it always cost
    with AwsCalls() as calls:
        assert call(client, "PUT", path, {"sku": "HEAT-EN", "quantity": 3}).status_code == 204
    assert calls.operations == ["BatchGetItem", "GetItem", "PutItem"]
    cart = body(call(client, "GET", f"/cart/storefront/{token}/"))
    assert cart["cart_items"][0]["quantity"] == 3 and cart["cart_items"][0]["unit_price_incl_vat"] == "136.13"
    assert call(client, "PUT", path, {"sku": "HEAT-EN", "quantity": 11}).status_code == 400  # stock 10


def test_checkout_checks_a_method_chosen_from_a_stale_copy_with_a_consistent_read(client, shop):
    """The cart chooses from the container's copy of the methods (up to versioned.CHECK_SECONDS behind
    another container's change); checkout reads them consistently and refuses a switched-off one."""
    from chalicelib.methods.store import PAYMENT

    token = ready_cart(client, shop, quantity=1)
    key = PAYMENT.rows.key(shop["rows"]["transfer_cz"])
    # Another container switches the row off: this container's copy does not know yet.
    db.client().update_item(TableName=db.table("main"), Key=db.serialize(key),
                            UpdateExpression="SET is_active = :f", ExpressionAttributeValues={":f": {"BOOL": False}})
    path = f"/cart/storefront/{token}"
    assert call(client, "PUT", f"{path}/payment-method/{shop['rows']['transfer_cz']}/").status_code == 204
    response = submit(client, token)
    assert response.status_code == 400
    assert body(response) == {"error": "The chosen payment method is no longer available; choose another one."}


# --- O7: checkout -------------------------------------------------------------------------------------

def test_o7_checkout_creates_the_order_with_exact_totals_and_takes_stock(client, shop):
    token = ready_cart(client, shop, quantity=3)
    response = submit(client, token)
    assert response.status_code == 201, response.body
    order_token = body(response)["token"]
    assert str(uuid.UUID(order_token)) == order_token
    result = body(call(client, "GET", f"/order/storefront/{order_token}"))
    order = result["order"]
    assert result["payment"] is None  # cash on delivery: no api_request
    assert order["status"] == "PENDING" and order["agreed_to_terms"] is True and order["marketing_flag"] is False
    cart = order["cart"]
    assert cart["token"] == token and cart["cart_items"][0]["complaints"] == []
    # items 3 x 136.13 = 408.39; shipping 100 + 21 % = 121; cash 20 + 21 % = 24.20
    assert cart["total_items_price_incl_vat_formatted"] == "408.39 Kč"
    assert cart["total_price_incl_vat"] == "553.59"  # 408.39 + 121 + 24.20
    assert cart["total_price_without_vat"] == "457.50"  # 337.50 + 100 + 20
    assert cart["total_price_incl_vat_formatted"] == "553.59 Kč"
    assert cart["total_price_without_vat_formatted"] == "457.50 Kč"
    assert stock_of(client, shop["heat"], "HEAT-EN") == 7


def test_o7_totals_on_a_rounding_price_list(client, shop):
    token = ready_cart(client, shop, quantity=4, country="SK", pricelist="EUR_retail", shipping="post_sk",
                       payment="transfer_sk")
    order_token = body(submit(client, token))["token"]
    from chalicelib.orders.store import get_order

    totals = get_order(order_token)["totals"]
    # 4 x 5.76 = 23.04; shipping 4 + 20 % = 4.80; transfer 0.50 + 20 % = 0.60
    assert totals["items_incl_vat"] == Decimal("23.04") and totals["items_without_vat"] == Decimal("19.20")
    assert totals["total_incl_vat"] == Decimal("28.44") and totals["total_without_vat"] == Decimal("23.70")
    cart = body(call(client, "GET", f"/order/storefront/{order_token}"))["order"]["cart"]
    assert cart["total_price_incl_vat_formatted"] == "€ 28" and cart["total_price_without_vat_formatted"] == "€ 24"


@pytest.mark.parametrize("case, message", [
    ("terms", "You must agree to the terms"),
    ("unknown", "Cart does not exist"),
    ("empty", "Your cart is empty."),
    ("no-shipping-info", "The shipping address is missing."),
    ("no-email", "An e-mail address is needed with the shipping address."),
    ("no-billing-info", "The billing address is missing."),
    ("no-shipping-method", "Choose a shipping method."),
    ("no-payment-method", "Choose a payment method."),
])
def test_o7_each_failure_has_its_own_message(client, shop, case, message):
    token = body(call(client, "POST", "/cart/storefront/", add_body(shop)))["token"]
    path = f"/cart/storefront/{token}"
    if case == "empty":
        call(client, "DELETE", f"{path}/HEAT-EN/")
    if case not in ("no-shipping-info", "empty"):
        call(client, "PUT", f"{path}/shipping-info/", {**SHIPPING, "email": ""} if case == "no-email" else SHIPPING)
    if case not in ("no-billing-info", "empty", "no-shipping-info", "no-email"):
        call(client, "PUT", f"{path}/billing-info/", BILLING)
        if case != "no-shipping-method":
            call(client, "PUT", f"{path}/shipping-method/{shop['rows']['post_cz']}/")
            if case != "no-payment-method":
                call(client, "PUT", f"{path}/payment-method/{shop['rows']['cash_cz']}/")
    response = (submit(client, token, agreed_to_terms=False) if case == "terms"
                else submit(client, str(uuid.uuid4())) if case == "unknown" else submit(client, token))
    assert response.status_code == 400
    assert body(response) == {"error": message}


def test_o7_not_enough_stock_names_the_variant(client, shop):
    token = ready_cart(client, shop, quantity=3)
    other = ready_cart(client, shop, quantity=8)
    assert submit(client, token).status_code == 201
    response = submit(client, other)
    assert response.status_code == 400
    assert body(response) == {"error": "Only 7 of HEAT-EN left."}
    assert stock_of(client, shop["heat"], "HEAT-EN") == 7


def test_o7_the_last_piece_can_be_bought(client, shop):
    product = single_product(client, shop, "LAST", 1)
    token = ready_cart(client, shop, quantity=1, sku="LAST-EN", product=product)
    assert submit(client, token).status_code == 201
    assert stock_of(client, product, "LAST-EN") == 0


def test_o7_same_cart_twice_is_one_order(client, shop):
    token = ready_cart(client, shop, quantity=2)
    first = submit(client, token)
    second = submit(client, token)
    assert first.status_code == 201 and second.status_code == 201
    assert body(first)["token"] == body(second)["token"]
    admin = admin_headers()
    assert len(body(call(client, "GET", "/order/dashboard/", headers=admin))) == 1
    assert stock_of(client, shop["heat"], "HEAT-EN") == 8
    assert [e["type"] for e in outbox_events()].count("ORDER_SAVE") == 1
    # an ordered cart cannot be changed from the storefront any more
    response = call(client, "POST", f"/cart/storefront/{token}/", add_body(shop))
    assert response.status_code == 400


def test_o7_twenty_concurrent_checkouts_cannot_oversell_the_last_piece(client, shop):
    product = single_product(client, shop, "RACE", 1)
    carts = [ready_cart(client, shop, quantity=1, sku="RACE-EN", product=product) for _ in range(20)]
    results: list = [None] * len(carts)
    barrier = threading.Barrier(len(carts))

    def attempt(index: int) -> None:
        barrier.wait()
        try:
            results[index] = checkout.place_order({"cart_token": carts[index], "agreed_to_terms": True})
        except Exception as error:  # noqa: BLE001 - the test counts the refusals
            results[index] = error

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(carts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    placed = [r for r in results if isinstance(r, tuple)]
    assert len(placed) == 1, results
    refused = [r for r in results if not isinstance(r, tuple)]
    assert all(getattr(r, "status", None) in (400, 409) for r in refused), refused
    assert len(body(call(client, "GET", "/order/dashboard/", headers=admin_headers()))) == 1
    assert stock_of(client, product, "RACE-EN") == 0


def test_o7_records_order_save_with_what_the_email_needs(client, shop):
    token = ready_cart(client, shop, quantity=1)
    order_token = body(submit(client, token))["token"]
    (event,) = [e for e in outbox_events() if e["type"] == "ORDER_SAVE"]
    payload = event["payload"]
    assert payload["token"] == order_token and payload["customer_email"] == "jan@example.com"
    assert payload["language"] == "cs" and payload["session_id"] == "rs-1"
    cart = payload["order"]["cart"]
    assert cart["shipping_info"]["street"] == "Dlouhá 1" and cart["billing_info"]["city"] == "Praha"
    assert cart["shipping_method_country"]["title"] == "Pošta"
    assert cart["cart_items"][0]["product_variant_sku"] == "HEAT-EN"
    assert payload["order"]["totals"]["total_incl_vat"] == "281.33"  # 136.13 + 121 + 24.20
    from chalicelib.notifications.emails import builders

    email = builders.order_confirmation(payload)
    assert email.to == "jan@example.com" and "281.33 Kč" in email.text and "Pošta" in email.text
    variant_events = [e for e in outbox_events() if e["type"] == "PRODUCTVARIANT_UPDATE"]
    assert [e["payload"]["stock_quantity"] for e in variant_events if e["payload"]["sku"] == "HEAT-EN"] == [9]


def test_o7_checkout_stays_within_its_aws_call_budget(client, shop, warm_container):
    """Issue 14: 5 calls in 3 round trips: the cart with the methods' Query, the products with the order
    number, the transaction. The added latency makes calls issued together overlap on in-process moto,
    as they do on DynamoDB."""
    token = ready_cart(client, shop, quantity=1)
    with AwsCalls(latency=0.05) as calls:
        assert submit(client, token).status_code == 201
    assert len(calls) <= 5, calls.operations
    assert calls.operations.count("TransactWriteItems") == 1
    assert calls.most_in_flight == 2 and calls.round_trips <= 3, (calls.most_in_flight, calls.round_trips)


def test_seven_request_checkout_stays_within_14_calls(client, shop, warm_container):
    """Issue 14: create the cart with its line, both addresses, both methods, the order and its read, on a
    warm container: at most 14 DynamoDB calls, each cart PUT at most 2, the order at most 5."""
    ready_cart(client, shop, quantity=1)  # warms this container's copies of the reference partitions
    per_request = []

    def counted(method, path, payload=None):
        with AwsCalls() as calls:
            response = call(client, method, path, payload)
        assert response.status_code < 300, (path, response.status_code, response.body)
        per_request.append((method, path.split("/")[-2] if path.endswith("/") else path, calls.operations))
        return body(response)

    token = counted("POST", "/cart/storefront/", add_body(shop, quantity=1))["token"]
    path = f"/cart/storefront/{token}"
    counted("PUT", f"{path}/shipping-info/", SHIPPING)
    counted("PUT", f"{path}/billing-info/", BILLING)
    counted("PUT", f"{path}/shipping-method/{shop['rows']['post_cz']}/")
    counted("PUT", f"{path}/payment-method/{shop['rows']['cash_cz']}/")
    order = counted("POST", "/order/storefront/", {"cart_token": token, "agreed_to_terms": True})["token"]
    counted("GET", f"/order/storefront/{order}/")
    assert all(len(ops) <= 2 for method, _path, ops in per_request if method == "PUT"), per_request
    assert len(per_request[0][2]) <= 2 and len(per_request[5][2]) <= 5, per_request
    assert sum(len(ops) for *_rest, ops in per_request) <= 14, per_request


# --- O1, O5, O6, O8, O10, O11 ---------------------------------------------------------------------------

def test_o1_o5_dashboard_list_and_detail(client, shop):
    first = body(submit(client, ready_cart(client, shop, quantity=1)))["token"]
    second = body(submit(client, ready_cart(client, shop, quantity=1)))["token"]
    admin = admin_headers()
    listing = body(call(client, "GET", "/order/dashboard/", headers=admin))
    assert [o["token"] for o in listing] == [second, first]
    assert set(listing[0]) == {"token", "create_at", "status", "customer_email"}
    assert listing[0]["customer_email"] == "jan@example.com"
    detail = body(call(client, "GET", f"/order/dashboard/{first}/", headers=admin))
    assert detail["token"] == first and detail["status"] == "PENDING" and detail["cart"]["cart_items"]
    response = call(client, "GET", f"/order/dashboard/{uuid.uuid4()}/", headers=admin)
    assert response.status_code == 404 and body(response) == {"detail": "Not found."}


def test_o6_status_changes_shipped_schedules_review_cancelled_returns_stock(client, shop):
    order_token = body(submit(client, ready_cart(client, shop, quantity=3)))["token"]
    make_user("clerk@example.com", staff=True, permissions=("order_change_permission",))
    clerk = auth("clerk@example.com")
    path = f"/order/dashboard/{order_token}/"
    response = call(client, "PUT", path, {"status": "LOST"}, clerk)
    assert response.status_code == 400 and "status" in body(response)
    assert call(client, "PUT", path, {"status": "SHIPPED"}, clerk).status_code == 204
    types = [e["type"] for e in outbox_events()]
    assert types.count("REVIEW_SEND") == 1 and types.count("ORDER_STATUS_CHANGED") == 1
    review = next(e for e in outbox_events() if e["type"] == "REVIEW_SEND")["payload"]
    assert review["token"] == order_token and review["customer_email"] == "jan@example.com"
    assert stock_of(client, shop["heat"], "HEAT-EN") == 7
    assert call(client, "PUT", path, {"status": "CANCELLED"}, clerk).status_code == 204
    assert stock_of(client, shop["heat"], "HEAT-EN") == 10
    assert call(client, "PUT", path, {"status": "PENDING"}, clerk).status_code == 204  # reopened: taken again
    assert stock_of(client, shop["heat"], "HEAT-EN") == 7
    assert call(client, "PUT", f"/order/dashboard/{uuid.uuid4()}/", {"status": "PENDING"}, clerk).status_code == 404


def test_o8_the_shoppers_own_orders(client, shop):
    make_user("shopper@example.com")
    headers = auth("shopper@example.com")
    mine = body(submit(client, ready_cart(client, shop, quantity=1, headers=headers)))["token"]
    submit(client, ready_cart(client, shop, quantity=1))  # someone else's, anonymous
    response = call(client, "GET", "/order/storefront/orders/", headers=headers)
    assert response.status_code == 200
    assert [o["token"] for o in body(response)] == [mine]
    response = call(client, "GET", "/order/storefront/orders/")
    assert response.status_code == 400 and body(response) == {"error": "User is not authenticated"}


def test_o10_o11_unknown_order_is_400_and_items_list(client, shop):
    order_token = body(submit(client, ready_cart(client, shop, quantity=2)))["token"]
    items = body(call(client, "GET", f"/order/storefront/{order_token}/items/"))["items"]
    assert [(i["product_variant_sku"], i["quantity"]) for i in items] == [("HEAT-EN", 2)]
    assert "complaints" not in items[0]
    for path in (f"/order/storefront/{uuid.uuid4()}", f"/order/storefront/{uuid.uuid4()}/items/"):
        response = call(client, "GET", path)
        assert response.status_code == 400 and body(response) == {"error": "Order does not exist"}


# --- O9, O4: complaints -----------------------------------------------------------------------------

def test_o9_complaint_for_an_item_of_that_order_o4_status_update(client, shop):
    order_token = body(submit(client, ready_cart(client, shop, quantity=1)))["token"]
    other_token = body(submit(client, ready_cart(client, shop, quantity=1)))["token"]
    item_id = body(call(client, "GET", f"/order/storefront/{order_token}/items/"))["items"][0]["id"]
    complaint = {"cart_item": item_id, "order": order_token, "description": "Scratched", "type": "RETURN"}
    response = call(client, "POST", "/order/storefront/complaint/", complaint)
    assert response.status_code == 201 and body(response) == complaint
    response = call(client, "POST", "/order/storefront/complaint/", {**complaint, "cart_item": 99})
    assert response.status_code == 400 and "cart_item" in body(response)
    response = call(client, "POST", "/order/storefront/complaint/", {**complaint, "type": "REFUND"})
    assert response.status_code == 400 and "type" in body(response)
    response = call(client, "POST", "/order/storefront/complaint/", {**complaint, "order": str(uuid.uuid4())})
    assert response.status_code == 400 and "order" in body(response)
    assert other_token  # a second order exists, its items are not this order's

    admin = admin_headers()
    detail = body(call(client, "GET", f"/order/dashboard/{order_token}/", headers=admin))
    (shown,) = detail["cart"]["cart_items"][0]["complaints"]
    assert shown["status"] == "CREATED" and shown["type"] == "RETURN" and shown["description"] == "Scratched"
    path = f"/order/dashboard/complaint/{shown['id']}/"
    assert call(client, "PUT", path, {"status": "MAYBE"}, admin).status_code == 400
    assert call(client, "PUT", path, {"status": "APPROVED"}, admin).status_code == 204
    assert call(client, "PUT", "/order/dashboard/complaint/999/", {"status": "APPROVED"}, admin).status_code == 404
    detail = body(call(client, "GET", f"/order/dashboard/{order_token}/", headers=admin))
    assert detail["cart"]["cart_items"][0]["complaints"][0]["status"] == "APPROVED"
    types = [e["type"] for e in outbox_events()]
    assert types.count("ORDER_ITEM_COMPLAINT_CREATED") == 1 and types.count("ORDER_ITEM_COMPLAINT_UPDATED") == 1
    updated = next(e for e in outbox_events() if e["type"] == "ORDER_ITEM_COMPLAINT_UPDATED")["payload"]
    assert updated["complaint"]["status"] == "APPROVED" and updated["customer_email"] == "jan@example.com"


# --- O2, O3: stats ----------------------------------------------------------------------------------

def test_o2_o3_stats_without_orders(client, shop):
    admin = admin_headers()
    today = body(call(client, "GET", "/order/dashboard/today-stats/", headers=admin))
    assert today == {"orders_count": [{"code": "", "symbol": "", "value": 0}],
                     "revenue": [{"code": "", "symbol": "", "value": 0}],
                     "average_order_value": [{"code": "", "symbol": "", "value": 0}],
                     "average_items_per_order": [{"code": "", "symbol": "", "value": 0.0}],
                     "top_selling_products": [None], "daily_orders_count": []}
    month = body(call(client, "GET", "/order/dashboard/month-stats/", headers=admin))
    assert month["daily_orders_count"] == [0] * 30 and month["top_selling_products"] == []


def test_o2_o3_stats_count_orders_revenue_and_best_sellers(client, shop):
    submit(client, ready_cart(client, shop, quantity=3))  # 408.39 CZK of items
    submit(client, ready_cart(client, shop, quantity=1))  # 136.13
    submit(client, ready_cart(client, shop, quantity=2, country="SK", pricelist="EUR_retail", shipping="post_sk",
                              payment="transfer_sk"))  # 11.52 EUR
    admin = admin_headers()
    today = body(call(client, "GET", "/order/dashboard/today-stats/", headers=admin))
    assert today["orders_count"] == [{"code": "", "symbol": "", "value": 3}]
    assert today["revenue"] == [{"code": "CZK", "symbol": "Kč", "value": 544.52},
                                {"code": "EUR", "symbol": "€", "value": 11.52}]
    assert today["average_order_value"][0] == {"code": "CZK", "symbol": "Kč", "value": 272.26}
    assert today["average_items_per_order"] == [{"code": "", "symbol": "", "value": 2.0}]
    assert today["top_selling_products"] == [{"title": "Heat", "media": None}]
    month = body(call(client, "GET", "/order/dashboard/month-stats/", headers=admin))
    assert month["daily_orders_count"][0] == 3 and sum(month["daily_orders_count"]) == 3
    assert month["revenue"] == today["revenue"]
    with AwsCalls() as calls:
        call(client, "GET", "/order/dashboard/month-stats/", headers=admin)
    assert "Scan" not in calls.operations


# --- K27, K30, K31, K38: the dashboard edits an order's cart ------------------------------------------------

def test_k27_k38_dashboard_edits_order_items_and_stock_follows(client, shop):
    cart_token = ready_cart(client, shop, quantity=3)
    order_token = body(submit(client, cart_token))["token"]
    make_user("packer@example.com", staff=True, permissions=("cart_change_permission",))
    packer = auth("packer@example.com")
    response = call(client, "PUT", f"/cart/dashboard/{cart_token}/update-quantity/",
                    {"sku": "HEAT-EN", "quantity": 5}, packer)
    assert response.status_code == 204
    assert stock_of(client, shop["heat"], "HEAT-EN") == 5
    order = body(call(client, "GET", f"/order/storefront/{order_token}"))["order"]
    assert order["cart"]["cart_items"][0]["quantity"] == 5
    assert order["cart"]["total_items_price_incl_vat_formatted"] == "680.65 Kč"  # 5 x 136.13
    assert call(client, "PUT", f"/cart/dashboard/{cart_token}/update-quantity/",
                {"sku": "HEAT-EN", "quantity": 50}, packer).status_code == 400
    assert call(client, "DELETE", f"/cart/dashboard/{cart_token}/NOPE/", headers=packer).status_code == 404
    # the last line cannot go: cancel the order instead
    assert call(client, "DELETE", f"/cart/dashboard/{cart_token}/HEAT-EN/", headers=packer).status_code == 400
    assert call(client, "PUT", f"/cart/dashboard/{cart_token}/update-quantity/",
                {"sku": "HEAT-EN", "quantity": 1}, auth(make_user("x@example.com", staff=True)["email"])
                ).status_code == 403


def test_k30_k31_dashboard_reads_and_changes_the_order_addresses(client, shop):
    cart_token = ready_cart(client, shop, quantity=1)
    submit(client, cart_token)
    make_user("clerk@example.com", staff=True, permissions=("order_change_permission",))
    clerk = auth("clerk@example.com")
    shipping = body(call(client, "GET", f"/cart/dashboard/{cart_token}/shipping-info/", headers=clerk))
    assert shipping["street"] == "Dlouhá 1"
    response = call(client, "PUT", f"/cart/dashboard/{cart_token}/shipping-info/",
                    {**SHIPPING, "street": "Krátká 2", "email": "new@example.com"}, clerk)
    assert response.status_code == 204
    assert body(call(client, "GET", f"/cart/dashboard/{cart_token}/shipping-info/", headers=clerk))["street"] == \
        "Krátká 2"
    listing = body(call(client, "GET", "/order/dashboard/", headers=clerk))
    assert listing[0]["customer_email"] == "new@example.com"
    response = call(client, "PUT", f"/cart/dashboard/{cart_token}/billing-info/", {**BILLING, "country": "??"}, clerk)
    assert response.status_code == 400 and "country" in body(response)
    assert call(client, "GET", f"/cart/dashboard/{uuid.uuid4()}/billing-info/", headers=clerk).status_code == 404


def test_o10_bank_transfer_order_shows_a_qr_payment_for_its_own_total(client, shop):
    admin = admin_headers()
    row = shop["rows"]["transfer_cz"]
    rows = body(call(client, "GET", "/cart/dashboard/payment/method/country/", headers=admin))
    method_id = next(r["payment_method"]["id"] for r in rows if r["id"] == row)
    response = call(client, "PUT", f"/cart/dashboard/payment/method/country/{row}/",
                    {"payment_method": method_id, "country": "CZ", "vat_group": shop["vat_cz"], "currency": "CZK",
                     "price": "0", "is_active": True, "api_request": "BANKTRANSFER_CZK"}, admin)
    assert response.status_code == 200, response.body
    order_token = body(submit(client, ready_cart(client, shop, quantity=2, payment="transfer_cz")))["token"]
    result = body(call(client, "GET", f"/order/storefront/{order_token}"))
    payment = result["payment"]
    assert payment["status"] == "PENDING" and payment["data"]["payment_type"] == "PayBySquareMethod"
    # 2 x 136.13 + 121 shipping + 0 transfer
    assert Decimal(payment["data"]["payment_data"]["amount"]) == Decimal("393.26")
    assert payment["data"]["qr_code"]
    assert str(result["order"]["number"]) in json.dumps(payment["data"]["payment_data"])
    again = body(call(client, "GET", f"/order/storefront/{order_token}"))["payment"]
    assert again == payment  # pay() ran once; the stored result is shown again
