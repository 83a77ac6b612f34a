"""A sell-out burst on `make run` (issue 18): 20 concurrent checkouts of a variant with 12 in stock, then
the shop goes on. Before, the outbox's stream consumers went silent for good after such a burst (moto
puts back a copy of the table, stream included, when it cancels a transaction), so a product created
afterwards never became searchable and its webhook never went out.

Shows, over real HTTP: every checkout answered, exactly as many orders as stock, and a product created
right after is found by search and its PRODUCT_SAVE webhook delivered, all within 30 s."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest

from tests.e2e.stack import Stack, free_port

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("stack")]

STOCK = 12
SHOPPERS = 20


class Receiver:
    """A webhook target on loopback: records each POST's path and JSON body."""

    def __init__(self):
        self.posts: list[tuple[str, object]] = []
        received = self.posts

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    received.append((self.path, json.loads(raw)))
                except ValueError:
                    received.append((self.path, raw))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _product(stack: Stack, admin: str, sku: str, title: str, stock: int) -> int:
    status, tree = stack.request("GET", "/category/storefront/")
    assert status == 200 and tree[0]["children"], tree
    status, created = stack.request("POST", "/product/dashboard/detail/", {
        "published": True, "category": tree[0]["children"][0]["id"],
        "translations": {"en": {"title": title, "slug": sku.lower()}, "cs": {"title": title, "slug": sku.lower()}},
        "product_variants": [{"sku": sku, "stock_quantity": stock, "price": [{"price_list": "CZK", "price": "100"}]}]},
        token=admin, timeout=30)
    assert status == 201, created
    return created["id"]


def _checkout(stack: Stack, product_id: int, sku: str, shipping: dict, number: int) -> int:
    """One shopper's whole checkout; the status of the order POST (201 placed, 400 out of stock)."""
    status, cart = stack.request("POST", "/cart/storefront/", {"sku": sku, "quantity": 1, "product": product_id,
                                                               "country": "CZ", "pricelist": "CZK"}, timeout=60)
    assert status == 200, cart
    path = f"/cart/storefront/{cart['token']}"
    address = {"first_name": "Eva", "surname": "Nová", "street": "Krátká 2", "city": "Brno",
               "postal_code": "60200", "country": "CZ"}
    assert stack.request("PUT", f"{path}/shipping-info/", {**address, "email": f"burst{number}@example.com"},
                         timeout=60)[0] == 204
    assert stack.request("PUT", f"{path}/billing-info/", address, timeout=60)[0] == 204
    assert stack.request("PUT", f"{path}/shipping-method/{shipping['id']}/", timeout=60)[0] == 204
    assert stack.request("PUT", f"{path}/payment-method/{shipping['payment_methods'][0]['id']}/", timeout=60)[0] == 204
    status, _ = stack.request("POST", "/order/storefront/", {"cart_token": cart["token"], "agreed_to_terms": True,
                                                             "marketing_flag": False}, timeout=60)
    return status


def _wait(what: str, condition, timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(0.25)
    raise AssertionError(f"{what} not within {timeout} s")


def test_after_a_burst_of_checkouts_a_new_product_is_searchable_and_its_webhook_delivered(tmp_path):
    receiver = Receiver()
    stack = Stack(tmp_path, free_port(), env={"WEBHOOK_BASE_URL": receiver.url})
    try:
        admin = stack.login()
        product_id = _product(stack, admin, "BURST-1", "Burst film", STOCK)
        status, methods = stack.request("GET", "/cart/storefront/methods/CZ/")
        assert status == 200 and methods, methods
        with ThreadPoolExecutor(max_workers=SHOPPERS) as pool:
            started = time.monotonic()
            statuses = list(pool.map(lambda n: _checkout(stack, product_id, "BURST-1", methods[0], n), range(SHOPPERS)))
            burst_seconds = time.monotonic() - started
        assert sorted(statuses) == [201] * STOCK + [400] * (SHOPPERS - STOCK), statuses
        status, detail = stack.request("GET", f"/product/storefront/{product_id}?country=CZ")
        assert status == 200 and detail["product_variants"][0]["stock_quantity"] == 0

        created_at = time.monotonic()
        new_id = _product(stack, admin, "BURST-2", "Zanzibarfilm", 3)

        def searchable() -> bool:
            status, hits = stack.request("GET", f"/search/storefront/product/en/{quote('Zanzibarfilm')}"
                                                "?country=CZ&pricelist=CZK")
            return status == 200 and any(hit["id"] == new_id for hit in hits)

        def delivered() -> bool:
            return any(path == "/api/product" and isinstance(sent, dict) and sent.get("id") == new_id
                       for path, sent in receiver.posts)

        _wait("the new product in search", searchable, 30 - (time.monotonic() - created_at))
        _wait("the new product's webhook", delivered, 30 - (time.monotonic() - created_at))
        print(f"burst: {SHOPPERS} checkouts answered in {burst_seconds:.1f} s; new product searchable and "
              f"delivered {time.monotonic() - created_at:.1f} s after its creation")
        assert not any("STALLED" in line for line in stack.lines), [line for line in stack.lines if "STALLED" in line]
    finally:
        receiver.close()
        stack.stop()
