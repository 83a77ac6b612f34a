"""The original ecoseller's demo dump (../shared/reference/ecoseller-demo-data/mock_data.sql, read where it
is, never copied here) imported into an empty shop: the storefront serves its ~1,000 products and
~2,000 variants, the dashboard lists them, its admin logs in with the dump's password hash, and a
second import writes nothing."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from chalicelib.importer import run
from tests.helpers import auth, body, call, make_user

DUMP = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "ecoseller-demo-data" / "mock_data.sql"

pytestmark = pytest.mark.skipif(not DUMP.is_file(), reason=f"the ecoseller demo dump is not at {DUMP} "
                                                           "(CI checks out ../shared beside the repository)")


def test_demo_dump_import_serves_the_shop_and_is_idempotent(client, calls):
    lines: list[str] = []
    started = time.monotonic()
    counts = run(DUMP, log=lines.append)
    seconds = time.monotonic() - started
    print(f"demo dump imported in {seconds:.1f} s")  # shown with -s; the figure is reported, not asserted
    assert counts["products.created"] == 1470 and counts["variants.created"] == 2185
    assert counts["prices.created"] == 6555 and counts["media.created"] == 1471
    assert counts["categories.created"] == 4 and counts["base_attributes.created"] == 53
    assert counts["price_lists.created"] == 3 and counts["countries.created"] == 14
    assert counts["vat_groups.created"] == 27 and counts["users.created"] == 2
    assert counts["not_imported.cart_paymentmethod"] == 3 and counts["not_imported.order_order"] == 1
    assert not [k for k in counts if k.endswith((".failed", ".conflict_kept"))], counts

    tree = body(call(client, "GET", "/category/storefront/"))
    assert [node["title"] for node in tree] == ["Entertainment"]
    assert [child["title"] for child in tree[0]["children"]] == ["Movies", "Books", "Games"]

    page = body(call(client, "GET", "/category/storefront/3/products?country=CZ&pricelist=CZK_retail&page=2"))
    assert page["count"] == 1470 and page["results"]
    assert all(item["variant_prices"] for item in page["results"])
    assert all(p["incl_vat_formatted"].endswith(" Kč") for item in page["results"] for p in item["variant_prices"])
    euro = body(call(client, "GET", "/category/storefront/2/products?country=SK&pricelist=EUR_retail"))
    assert euro["count"] == 1470 and all(p["incl_vat_formatted"].endswith(" €")
                                         for item in euro["results"] for p in item["variant_prices"])

    detail = call(client, "GET", "/product/storefront/1?country=CZ", headers={"Accept-Language": "en"})
    assert detail.status_code == 200
    toy_story = body(detail)
    assert toy_story["title"] == "Toy Story"
    assert [c["slug"] for c in toy_story["breadcrumbs"]] == ["entertainment", "movies"]
    (variant,) = toy_story["product_variants"]  # the dump links one variant to product 1
    assert variant["sku"] == "1-cs-1080p" and variant["price"]["vat"] == 21.0
    assert {a["type"]["type_name"] for a in variant["attributes"]} >= {"RESOLUTION", "LANGUAGE"}
    gladiator = body(call(client, "GET", "/product/storefront/3578?country=CZ"))
    assert gladiator["media"][0]["media"].endswith("/media/product_media/3578/image/3578_EMCG3g4.jpg")

    make_user("staff@example.com", staff=True)
    listed = body(call(client, "GET", "/product/dashboard", headers=auth("staff@example.com")))
    assert listed["count"] == 1470

    calls.names.clear()
    again = run(DUMP, log=lambda _line: None)
    assert calls.writes == [], calls.writes
    assert again["products.existing"] == 1470 and again["variants.existing"] == 2185
    assert not [k for k in again if k.endswith(".created")], again

    login = call(client, "POST", "/user/login", {"email": "admin@example.com", "password": "admin",
                                                 "dashboard_login": True})
    assert login.status_code == 200, login.body
    assert body(login)["access"]
