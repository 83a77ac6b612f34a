"""`make run`'s stack, end to end over real HTTP: start, log in, register, stop cleanly, restart, log in."""

from __future__ import annotations

import signal

import pytest

from tests.e2e.stack import Stack, free_port, port_open, shopper_buys


@pytest.mark.e2e
def test_local_stack_serves_logs_in_and_keeps_data_across_restart(tmp_path):
    port = free_port()
    # Started the way `make run &` starts it: the shell has SIGINT ignored for background jobs.
    stack = Stack(tmp_path, port, sigint_ignored=True)
    try:
        assert any("superuser boss@example.com / boss-password" in line for line in stack.lines)
        status, tokens = stack.request("POST", "/user/login/", {"email": "boss@example.com",
                                                                "password": "boss-password",
                                                                "dashboard_login": True})
        assert status == 200 and tokens["dashboard_login"] is True
        status, me = stack.request("GET", "/user/detail", token=tokens["access"])
        assert status == 200 and me["email"] == "boss@example.com" and me["is_admin"] is True
        status, refreshed = stack.request("POST", "/user/refresh-token", {"refresh": tokens["refresh"]})
        assert status == 200 and "access" in refreshed
        assert stack.request("POST", "/user/logout", {"refresh": tokens["refresh"]})[0] == 201
        status, error = stack.request("POST", "/user/refresh-token", {"refresh": tokens["refresh"]})
        assert status == 401 and error["detail"] == "Token is blacklisted"
        status, _ = stack.request("POST", "/user/register", {"email": "kept@example.com", "password": "kept-pw"})
        assert status == 201
        status, demo = stack.request("POST", "/user/login", {"email": "customer@example.com",
                                                             "password": "customer"})
        assert status == 200
        # The demo catalog is served to the storefront, and the dashboard can add to it.
        status, tree = stack.request("GET", "/category/storefront/")
        assert status == 200 and tree and tree[0]["children"]
        status, detail = stack.request("GET", "/product/storefront/1?country=CZ&pricelist=CZK")
        assert status == 200 and detail["product_variants"][0]["price"]["incl_vat"].endswith("Kč")
        admin = stack.request("POST", "/user/login", {"email": "boss@example.com", "password": "boss-password",
                                                      "dashboard_login": True})[1]["access"]
        status, created = stack.request("POST", "/product/dashboard/detail/", {
            "published": True, "category": tree[0]["children"][0]["id"],
            "translations": {"en": {"title": "E2E film", "slug": "e2e-film"}},
            "product_variants": [{"sku": "E2E-1", "stock_quantity": 3,
                                  "price": [{"price_list": "CZK", "price": "100"}]}]}, token=admin)
        assert status == 201
        status, detail = stack.request("GET", f"/product/storefront/{created['id']}?country=CZ")
        assert status == 200 and detail["product_variants"][0]["price"]["incl_vat"] == "121 Kč"
        order_token = shopper_buys(stack, created["id"], "E2E-1")
        status, detail = stack.request("GET", f"/product/storefront/{created['id']}?country=CZ")
        assert detail["product_variants"][0]["stock_quantity"] == 2
        urls = stack.service_urls()
        assert len(urls) >= 2  # moto and osmem
    finally:
        code = stack.stop(signal.SIGINT, timeout=10)
    assert code == 0
    assert any("state saved" in line for line in stack.lines)
    for url in urls + [stack.url]:
        assert not port_open(url), f"{url} is still listening after stop"

    restarted = Stack(tmp_path, port)
    try:
        status, tokens = restarted.request("POST", "/user/login", {"email": "kept@example.com",
                                                                   "password": "kept-pw"})
        assert status == 200
        status, me = restarted.request("GET", "/user/detail", token=tokens["access"])
        assert status == 200 and me["email"] == "kept@example.com"
        # A token issued before the restart is still valid: the signing key is kept with the data.
        assert restarted.request("GET", "/user/detail", token=demo["access"])[0] == 200
        assert not any("demo data loaded" in line for line in restarted.lines)
        # The stop saved a snapshot: nothing was left in the journal to replay.
        assert any("0 journaled writes replayed" in line for line in restarted.lines)
        status, kept = restarted.request("GET", f"/order/storefront/{order_token}")
        assert status == 200 and kept["order"]["status"] == "PENDING"
    finally:
        assert restarted.stop(signal.SIGTERM, timeout=10) == 0
    assert any("state saved" in line for line in restarted.lines)


@pytest.mark.e2e
def test_demo_ecoseller_imports_the_dump_on_a_first_start_and_falls_back_without_one(tmp_path):
    from tests.importer import minidump

    dump = tmp_path / "mock_data.sql"
    dump.write_text(minidump.sql())
    stack = Stack(tmp_path / "eco", free_port(), env={"DEMO": "ecoseller", "DEMO_DUMP": str(dump)})
    try:
        assert any("ecoseller demo dump imported from" in line for line in stack.lines)
        status, detail = stack.request("GET", "/product/storefront/10?country=CZ")
        assert status == 200 and detail["product_variants"][0]["sku"] == "10-cs-720p"  # the dump's Toy Story
        # The dump's catalog, not the project's: the demo's product 1 is not there; the demo accounts are.
        assert stack.request("GET", "/product/storefront/1?country=CZ")[0] == 404
        assert stack.request("POST", "/user/login", {"email": "customer@example.com", "password": "customer"})[0] == 200
    finally:
        assert stack.stop() == 0

    fallback = Stack(tmp_path / "project", free_port(),
                     env={"DEMO": "ecoseller", "DEMO_DUMP": str(tmp_path / "missing.sql")})
    try:
        assert any("no dump at" in line and "missing.sql" in line for line in fallback.lines)
        status, detail = fallback.request("GET", "/product/storefront/1?country=CZ&pricelist=CZK")
        assert status == 200 and detail["product_variants"][0]["price"]["incl_vat"].endswith("Kč")
    finally:
        assert fallback.stop() == 0
