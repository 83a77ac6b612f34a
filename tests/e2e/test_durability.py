"""What `make run` accepted survives a crash (SIGKILL) of the stack, not only a clean stop (issue 18).

Before the journal, the state was saved once a minute: a kill right after an order lost the order, the
registered user and the stock change, and the order-number counter rolled back, so the next order
reused the lost one's number (and its bank-transfer variable symbol)."""

from __future__ import annotations

import json

import pytest

from tests.e2e.stack import Stack, free_port, shopper_buys


def _variable_symbol(placed: dict) -> str | None:
    data = (placed.get("payment") or {}).get("data") or {}
    return (data.get("payment_data") or {}).get("variable_symbol")


def _new_product(stack: Stack, admin: str, sku: str, stock: int) -> int:
    status, tree = stack.request("GET", "/category/storefront/")
    assert status == 200 and tree[0]["children"], tree
    status, created = stack.request("POST", "/product/dashboard/detail/", {
        "published": True, "category": tree[0]["children"][0]["id"],
        "translations": {"en": {"title": f"Film {sku}", "slug": sku.lower()}},
        "product_variants": [{"sku": sku, "stock_quantity": stock, "price": [{"price_list": "CZK", "price": "100"}]}]},
        token=admin)
    assert status == 201, created
    return created["id"]


def _stock(stack: Stack, product_id: int) -> int:
    status, detail = stack.request("GET", f"/product/storefront/{product_id}?country=CZ")
    assert status == 200, detail
    return detail["product_variants"][0]["stock_quantity"]


@pytest.mark.e2e
def test_an_order_and_a_user_survive_a_sigkill_and_the_next_order_gets_the_next_number(tmp_path):
    port = free_port()
    # A long snapshot interval: no periodic save can happen before the kill, only the journal holds the writes.
    env = {"SNAPSHOT_INTERVAL": "3600"}
    stack = Stack(tmp_path, port, env=env)
    try:
        admin = stack.login()
        product_id = _new_product(stack, admin, "DUR-1", 5)
        assert stack.request("POST", "/user/register", {"email": "late@example.com", "password": "late-pw"})[0] == 201
        order_token = shopper_buys(stack, product_id, "DUR-1", email="late@example.com")
        status, placed = stack.request("GET", f"/order/storefront/{order_token}")
        assert status == 200
        number, symbol = placed["order"]["number"], _variable_symbol(placed)
        assert _stock(stack, product_id) == 4
        journal = stack.status()["journal"]
        assert journal["entries"] > 0  # the writes since the start-up snapshot are only in the journal
    except BaseException:
        stack.crash()
        raise
    stack.crash()
    assert not any("state saved" in line for line in stack.lines)

    restarted = Stack(tmp_path, port, env=env)
    try:
        replayed = [line for line in restarted.lines if "journaled writes replayed" in line]
        assert replayed and "FAILED" not in replayed[0], replayed
        status, tokens = restarted.request("POST", "/user/login", {"email": "late@example.com", "password": "late-pw"})
        assert status == 200, tokens
        status, kept = restarted.request("GET", f"/order/storefront/{order_token}")
        assert status == 200, kept
        assert kept["order"]["number"] == number and kept["order"]["customer_email"] == "late@example.com"
        assert _variable_symbol(kept) == symbol
        assert _stock(restarted, product_id) == 4
        # The order-number counter did not roll back: the next order is the next number, with its own symbol.
        next_token = shopper_buys(restarted, product_id, "DUR-1", email="next@example.com")
        status, following = restarted.request("GET", f"/order/storefront/{next_token}")
        assert following["order"]["number"] == number + 1
        assert symbol is None or _variable_symbol(following) != symbol
        assert _stock(restarted, product_id) == 3
        # The status page beside the API: the journal, the snapshot the restart wrote, the tables' sizes.
        status_page = restarted.status()
        assert status_page["journal"]["entries"] > 0 and status_page["snapshot"]["saved_at"]
        assert status_page["tables"]["main"] > 0
        if status_page["events"] is not None:  # EventDriver.status(), where the driver has it
            assert "notify_outbox" in {source["name"] for source in status_page["events"]["sources"]}
        json.dumps(status_page)
    finally:
        assert restarted.stop() == 0
