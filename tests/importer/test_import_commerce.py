"""`importer.run` on the minidump (tests/importer/minidump.py): shipping and payment methods, orders as
history, reviews and the placeholder images, through the storefront and dashboard endpoints."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from chalicelib.core import media
from chalicelib.core.settings import get_settings
from chalicelib.core.store import db
from chalicelib.importer import ImportConflict, placeholders, run
from chalicelib.methods import service as methods
from chalicelib.methods.store import PAYMENT, SHIPPING
from chalicelib.orders import sales
from tests.helpers import auth, body, call, make_user
from tests.importer import minidump
from tests.importer.test_import_minidump import quiet
from tests.payments.support import read_qr

SHIPPED_ORDER = "9f3a4b2c-1d2e-4f50-8a6b-7c8d9e0f1a2b"
CANCELLED_ORDER = "1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d"
STAFF = "staff@example.com"


@pytest.fixture
def dump_path(tmp_path):
    path = tmp_path / "mini.sql"
    path.write_text(minidump.sql(), encoding="utf-8")
    return path


@pytest.fixture
def bucket(aws):
    db.aws_client("s3").create_bucket(Bucket=get_settings().media_bucket,
                                      CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})


def staff() -> dict:
    make_user(STAFF, staff=True)
    return auth(STAFF)


# --- shipping and payment methods ---------------------------------------------------------------------

def test_storefront_offers_the_imported_methods_of_a_country(client, dump_path):
    run(dump_path, log=quiet)
    offered = body(call(client, "GET", "/cart/storefront/methods/CZ/", headers={"Accept-Language": "en"}))
    assert [(row["id"], row["shipping_method"]["title"], row["price_incl_vat"]) for row in offered] == [
        (1, "Standard shipping", "60.50 Kč"), (2, "Express shipping", "121 Kč")]
    # row 1 links payment rows 1, 2, 4 (5 is SK's: left out); 4 is inactive, so not offered
    assert [(p["id"], p["payment_method"]["title"], p["price_incl_vat"]) for p in offered[0]["payment_methods"]] == [
        (1, "Cash on delivery", "24.20 Kč"), (2, "Bank transfer", "0 Kč")]
    czech = body(call(client, "GET", "/cart/storefront/methods/CZ/", headers={"Accept-Language": "cs"}))
    assert czech[1]["shipping_method"] == {"title": "Rychlé doručení", "description": "", "image": None}
    slovak = body(call(client, "GET", "/cart/storefront/methods/SK/"))
    assert [(r["id"], [p["id"] for p in r["payment_methods"]]) for r in slovak] == [(3, [5])]
    assert body(call(client, "GET", "/cart/storefront/methods/DE/")) == []  # its rows have CZ's VAT group


def test_dashboard_shows_rows_with_their_api_request_and_pairings(client, dump_path):
    run(dump_path, log=quiet)
    headers = staff()
    rows = {r["id"]: r for r in body(call(client, "GET", "/cart/dashboard/payment/method/country/", headers=headers))}
    assert sorted(rows) == [1, 2, 3, 4, 5]  # 6: deleted method, 7: deleted, 9: deleted currency
    assert {i: r["api_request"] for i, r in rows.items()} == {
        1: None, 2: "BANKTRANSFER_CZK", 3: None, 4: "TEST_API", 5: "BANKTRANSFER_EUR"}
    assert rows[5]["vat_group"] == 3  # the dump's VAT group 5 is this shop's 3
    assert rows[4]["is_active"] is False and rows[1]["price"] == "20.00"
    shipping_rows = body(call(client, "GET", "/cart/dashboard/shipping/method/1/country/", headers=headers))
    assert [(r["id"], r["country"], r["payment_methods"]) for r in shipping_rows] == [(2, "CZ", [1]), (4, "DE", [3])]
    method = body(call(client, "GET", "/cart/dashboard/payment/method/1/", headers=headers))
    assert method["translations"] == {"en": {"title": "Cash on delivery", "description": "You'll pay to the courier."},
                                      "cs": {"title": "Dobírka", "description": None}}
    created = methods.create_row("shipping", 2, {"country": "CZ", "vat_group": 1, "currency": "CZK", "price": "1"})
    assert created["id"] == 6  # past the dump's 5 (deleted there)


def test_imported_method_items_have_the_shape_the_service_writes(aws, dump_path):
    run(dump_path, log=quiet)
    titled = {"translations": {"en": {"title": "T"}}}
    made = {
        (SHIPPING.methods, 1): methods.create_method("shipping", titled, "en", "")["id"],
        (PAYMENT.methods, 1): methods.create_method("payment", titled, "en", "")["id"],
        (SHIPPING.rows, 1): methods.create_row("shipping", 1, {"country": "CZ", "vat_group": 1, "currency": "CZK",
                                                              "price": "1", "payment_methods": [1]})["id"],
        (PAYMENT.rows, 2): methods.create_row("payment", 1, {"country": "CZ", "vat_group": 1, "currency": "CZK",
                                                            "price": "1", "api_request": "TEST_API"})["id"],
    }
    for (collection, imported_id), made_id in made.items():
        imported = db.get("main", collection.key(imported_id))
        assert set(imported) == set(db.get("main", collection.key(made_id))), collection.kind
        assert imported["create_at"] != db.get("main", collection.key(made_id))["create_at"]  # the dump's


def test_other_methods_under_the_dump_ids_stop_the_import(aws, dump_path):
    methods.create_method("shipping", {"translations": {"en": {"title": "Mine"}}}, "en", "")  # id 1
    with pytest.raises(ImportConflict) as raised:
        run(dump_path, log=quiet)
    assert raised.value.found == {"shipping_methods": [1]}
    counts = run(dump_path, log=quiet, skip_conflicts=True)
    assert counts["shipping_methods.conflict_kept"] == 1 and counts["shipping_rows.skipped_method_conflict"] == 2
    assert methods.get_shipping_country(2) is None and methods.get_shipping_country(1) is not None
    assert db.get("main", SHIPPING.methods.key(1))["translations"]["en"]["title"] == "Mine"


# --- orders ---------------------------------------------------------------------------------------------

def test_orders_are_history_with_their_lines_addresses_methods_and_complaints(client, dump_path):
    run(dump_path, log=quiet)
    result = body(call(client, "GET", f"/order/storefront/{SHIPPED_ORDER}"))
    order = result["order"]
    assert order["number"] == 1 and order["status"] == "SHIPPED" and order["create_at"].startswith("2023-07-18T10:44")
    assert order["customer_email"] == "jdoe@example.com" and order["marketing_flag"] is False
    cart = order["cart"]
    assert cart["token"] == "c637d1b1-d5fd-4a15-a14f-1e57b6b94a4d"
    assert [(i["id"], i["product_variant_sku"], i["quantity"], i["unit_price_incl_vat"], i["product_title"])
            for i in cart["cart_items"]] == [(2, "10-en-1080p", 2, "181.50", "Toy Story CZ"),
                                             (3, "11-en-720p", 1, "108.90", "Jumanji")]  # 4: deleted; 11: en only
    assert [i["product_variant_name"] for i in cart["cart_items"]] == [
        "Toy Story CZ: Žánr: Dobrodružný, Rozlišení: 1080p", "Jumanji"]
    assert cart["cart_items"][0]["primary_image"]["media"] == "/media/product_media/10/image/10_EMCG3g4.jpg"
    assert cart["cart_items"][0]["complaints"] == [{"id": 4, "type": "WARRANTY_CLAIM", "status": "APPROVED",
                                                    "description": "Scratched disc",
                                                    "create_at": "2023-07-25T10:00:00+00:00"}]
    # 2 x 181.50 + 108.90 + shipping 50 + 21 % + bank transfer 0
    assert cart["total_price_incl_vat"] == "532.40" and cart["shipping_method_country"] == 1
    assert cart["payment_method_country"] == 2
    assert result["payment"]["status"] == "PENDING"  # BANKTRANSFER_CZK: the QR of the imported order
    text, _raw = read_qr(result["payment"]["data"]["qr_code"])
    assert "AM:532.40" in text

    headers = staff()
    listed = body(call(client, "GET", "/order/dashboard/", headers=headers))
    assert [o["token"] for o in listed] == [CANCELLED_ORDER, SHIPPED_ORDER]  # the one without a cart is not
    detail = body(call(client, "GET", f"/order/dashboard/{CANCELLED_ORDER}", headers=headers))
    assert detail["number"] == 2 and detail["cart"]["total_price_incl_vat"] == "16.56"
    mine = body(call(client, "GET", "/order/storefront/orders/", headers=auth("shop@example.com")))
    assert [o["token"] for o in mine] == [SHIPPED_ORDER]
    assert dict(sales.top_products()) == {10: 2, 11: 1}  # the cancelled order's pieces are not sold


def test_new_orders_are_numbered_after_the_imported_ones(client, dump_path):
    run(dump_path, log=quiet)
    token = body(call(client, "POST", "/cart/storefront/", {"sku": "10-cs-720p", "quantity": 1, "product": 10,
                                                             "country": "CZ", "pricelist": "CZK_retail"}))["token"]
    path = f"/cart/storefront/{token}"
    address = {"first_name": "A", "surname": "B", "street": "C 1", "city": "Praha", "postal_code": "11000",
               "country": "CZ"}
    assert call(client, "PUT", f"{path}/shipping-info/", {**address, "email": "a@example.com"}).status_code == 204
    assert call(client, "PUT", f"{path}/billing-info/", address).status_code == 204
    assert call(client, "PUT", f"{path}/shipping-method/1/").status_code == 204
    assert call(client, "PUT", f"{path}/payment-method/2/").status_code == 204
    placed = call(client, "POST", "/order/storefront/", {"cart_token": token, "agreed_to_terms": True})
    assert placed.status_code == 201, placed.body
    assert body(call(client, "GET", f"/order/storefront/{body(placed)['token']}"))["order"]["number"] == 3


# --- reviews --------------------------------------------------------------------------------------------

def test_reviews_and_rating_summaries(client, dump_path):
    run(dump_path, log=quiet)
    assert body(call(client, "GET", "/review/product-rating/10")) == {
        "average_rating": 80.0, "total_reviews": 1, "1": 0, "2": 0, "3": 0, "4": 1, "5": 0}
    assert body(call(client, "GET", "/review/product-rating/11"))["2"] == 1
    listed = body(call(client, "GET", "/review/storefront/11/CZ"))
    assert [(r["comment"], r["rating"]) for r in listed] == [("Meh", 40)]
    # the imported review holds its (order, variant): the buyer cannot review that variant twice
    again = call(client, "POST", "/review/storefront/create/", {
        "order": SHIPPED_ORDER, "product_id": 10, "product_variant_sku": "10-en-1080p", "rating": 20,
        "comment": "x", "country": "CZ"})
    assert again.status_code == 403
    first = call(client, "POST", "/review/storefront/create/", {
        "order": SHIPPED_ORDER, "product_id": 10, "product_variant_sku": "10-cs-720p", "rating": 100,
        "comment": "Not bought", "country": "CZ"})
    assert first.status_code == 403  # 10-cs-720p was not in that order


# --- placeholder images ---------------------------------------------------------------------------------

@pytest.mark.parametrize("list_above", [0, 50], ids=["bucket listed", "HEAD per key"])
def test_media_the_dump_refers_to_get_placeholders_that_load(client, dump_path, bucket, monkeypatch, list_above):
    monkeypatch.setattr(placeholders, "LIST_ABOVE", list_above)
    key = "product_media/10/image/back.jpg"
    media.store(key, b"\xff\xd8\xff original", "image/jpeg")  # copied by the operator before the import
    lines: list[str] = []
    counts = run(dump_path, log=lines.append)
    assert counts["media.placeholder_written"] == 1 and counts["media.file_present"] == 1
    assert counts["payment_methods.placeholder_written"] == 1
    assert media.read_head(key, 16).startswith(b"\xff\xd8\xff")  # left as it was
    placeholder = media.read_head("product_media/10/image/10_EMCG3g4.jpg", 8)
    assert placeholder == b"\x89PNG\r\n\x1a\n"
    response = call(client, "GET", "/media/product_media/10/image/10_EMCG3g4.jpg")
    assert response.status_code == 302
    obj = db.aws_client("s3").get_object(Bucket=get_settings().media_bucket, Key="payment_method/2.png")
    assert obj["ContentType"] == "image/png" and len(obj["Body"].read()) > 100
    assert "2 generated placeholder images were written" in "\n".join(lines)
    detail = body(call(client, "GET", "/cart/dashboard/payment/method/2/", headers=staff()))
    assert detail["image"].endswith("/media/payment_method/2.png?v=1")
    assert run(dump_path, log=quiet).get("media.placeholder_written", 0) == 0


def test_placeholders_are_valid_pngs():
    from PIL import Image

    image = Image.open(io.BytesIO(placeholders.png(3)))
    assert image.format == "PNG" and image.size == (placeholders.SIZE, placeholders.SIZE)
    corner, centre = image.getpixel((0, 0)), image.getpixel((240, 240))
    assert corner != centre and placeholders.png(3) != placeholders.png(4)
    assert len(placeholders.png(3)) < 20_000  # small in the bucket


def test_owners_of_one_hue_share_one_compressed_placeholder():
    """A dump's 1,470 products get HUES images, each compressed once (not one 4 ms compression per product)."""
    hues = placeholders.HUES
    assert placeholders.png(3) is placeholders.png(3 + hues) is placeholders.png(3 + 100 * hues)
    assert len({placeholders.png(owner) for owner in range(1, 1471)}) == placeholders.HUES


def test_decimal_prices_of_rows_are_kept(aws, dump_path):
    run(dump_path, log=quiet)
    assert methods.get_payment_country(5)["price"] == Decimal("1.00")
    assert methods.get_shipping_country(3)["payment_methods"] == [5]


def test_saved_addresses_of_users_are_their_address_book(client, dump_path):
    counts = run(dump_path, log=quiet)
    assert counts["billing_addresses.created"] == 1 and counts["billing_addresses.skipped_user_not_imported"] == 1
    headers = auth("shop@example.com")
    billing = body(call(client, "GET", "/country/storefront/address/billing/", headers=headers))
    assert (billing["street"], billing["company_name"], billing["country"]) == ("Nová 4", "Shop a.s.", "CZ")
    shipping = body(call(client, "GET", "/country/storefront/address/shipping/", headers=headers))
    assert (shipping["email"], shipping["phone"]) == ("petr@example.com", "+420111222333")
    assert run(dump_path, log=quiet)["billing_addresses.existing"] == 1
