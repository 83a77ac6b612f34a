"""The original ecoseller's demo dump (../shared/reference/ecoseller-demo-data/mock_data.sql, read where it
is, never copied here) imported into an empty shop: the storefront serves its ~1,000 products and
~2,000 variants with images that load, the dashboard lists them, its admin logs in with the dump's
password hash, its order is there as history, a shopper orders through the storefront's calls with
the imported methods and gets the bank transfer's QR code, and a second import writes nothing."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from chalicelib.core.settings import get_settings
from chalicelib.core.store import db
from chalicelib.importer import run
from tests.helpers import auth, body, call, make_user
from tests.payments.support import read_qr

DUMP = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "ecoseller-demo-data" / "mock_data.sql"

pytestmark = pytest.mark.skipif(not DUMP.is_file(), reason=f"the ecoseller demo dump is not at {DUMP} "
                                                           "(CI checks out ../shared beside the repository)")


DEMO_ORDER = "545107d5-59ad-41d6-9f70-782828afdce2"


def takes_an_order(client) -> None:
    """The storefront's checkout calls (contract 10.4) against the imported shop, in CZ, bank transfer."""
    country = body(call(client, "GET", "/country/storefront/CZ/"))
    token = body(call(client, "POST", "/cart/storefront/", {
        "sku": "1-cs-1080p", "quantity": 2, "product": 1, "country": "CZ",
        "pricelist": country["default_price_list"]}))["token"]
    path = f"/cart/storefront/{token}"
    address = {"first_name": "Jan", "surname": "Novák", "street": "Dlouhá 1", "city": "Praha",
               "postal_code": "11000", "country": "CZ"}
    assert call(client, "PUT", f"{path}/shipping-info/", {**address, "email": "jan@example.com", "phone": "",
                                                          "additional_info": ""}).status_code == 204
    assert call(client, "PUT", f"{path}/billing-info/", {**address, "company_name": "", "company_id": "",
                                                         "vat_number": ""}).status_code == 204
    cart_country = body(call(client, "GET", f"{path}/detail/"))["country"]
    offered = body(call(client, "GET", f"/cart/storefront/methods/{cart_country}/",
                        headers={"Accept-Language": "en"}))
    assert [(r["id"], r["shipping_method"]["title"]) for r in offered] == [(1, "Standard shipping"),
                                                                           (15, "Express shipping")]
    shipping = offered[0]
    assert [p["payment_method"]["title"] for p in shipping["payment_methods"]] == [
        "Cash on delivery", "Bank transfer", "Online payment"]
    transfer = next(p for p in shipping["payment_methods"] if p["payment_method"]["title"] == "Bank transfer")
    assert call(client, "PUT", f"{path}/shipping-method/{shipping['id']}/").status_code == 204
    assert call(client, "PUT", f"{path}/payment-method/{transfer['id']}/").status_code == 204
    placed = call(client, "POST", "/order/storefront/", {"cart_token": token, "marketing_flag": False,
                                                          "agreed_to_terms": True, "session_id": "rs-demo"})
    assert placed.status_code == 201, placed.body
    completed = body(call(client, "GET", f"/order/storefront/{body(placed)['token']}"))
    order, payment = completed["order"], completed["payment"]
    assert order["number"] == 2  # after the imported order
    # 2 x 475.53 (393 + 21 %) + shipping 50 + 21 % + transfer 0
    assert order["cart"]["total_price_incl_vat"] == "1011.56"
    assert payment["status"] == "PENDING" and payment["data"]["payment_type"] == "PayBySquareMethod"
    text, _raw = read_qr(payment["data"]["qr_code"])
    assert f"AM:{order['cart']['total_price_incl_vat']}" in text and "CC:CZK" in text


def test_demo_dump_import_serves_the_shop_and_is_idempotent(client, calls):
    db.aws_client("s3").create_bucket(Bucket=get_settings().media_bucket,
                                      CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
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
    assert counts["media.placeholder_written"] == 1471
    assert counts["shipping_methods.created"] == 2 and counts["payment_methods.created"] == 3
    assert counts["shipping_rows.created"] == 28 and counts["payment_rows.created"] == 31
    assert counts["payment_rows.api_request_unknown"] == 1  # BANKTRANSFER_PLN is not in config/payments.json
    assert counts["orders.created"] == 1 and counts["order_lines.created"] == 1
    assert not [k for k in counts if k.startswith("not_imported.") and k.split(".")[1].startswith(
        ("cart_", "order_", "review_"))], counts
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
    image = call(client, "GET", "/media/product_media/3578/image/3578_EMCG3g4.jpg")
    assert image.status_code == 302  # the placeholder is in the bucket

    history = body(call(client, "GET", f"/order/storefront/{DEMO_ORDER}"))["order"]
    assert history["number"] == 1 and history["status"] == "PENDING"
    assert history["customer_email"] == "jdoe@example.com"
    assert [(i["product_variant_sku"], i["unit_price_incl_vat"], i["quantity"])
            for i in history["cart"]["cart_items"]] == [("159858-en-720p", "205.70", 1)]
    assert history["cart"]["total_price_incl_vat"] == "290.40"  # + shipping 60.50 + cash on delivery 24.20

    make_user("staff@example.com", staff=True)
    listed = body(call(client, "GET", "/product/dashboard", headers=auth("staff@example.com")))
    assert listed["count"] == 1470

    calls.names.clear()
    again = run(DUMP, log=lambda _line: None)
    assert calls.writes == [], calls.writes
    assert again["products.existing"] == 1470 and again["variants.existing"] == 2185
    assert again["payment_rows.existing"] == 31 and again["orders.existing"] == 1
    assert not [k for k in again if k.endswith((".created", ".placeholder_written"))], again

    takes_an_order(client)

    login = call(client, "POST", "/user/login", {"email": "admin@example.com", "password": "admin",
                                                 "dashboard_login": True})
    assert login.status_code == 200, login.body
    assert body(login)["access"]
