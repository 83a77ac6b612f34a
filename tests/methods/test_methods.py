"""Shipping and payment methods (contract 1.3: K1-K21, K32) and the service API the cart calls.

Each contract operation is named by its row id in the test name. The payment configuration's key check
(`chalicelib.payments.config.is_known_key`) belongs to the PaymentAPI package; these tests replace it
with a fixed set of keys so that they do not depend on that package's config file; one test checks
against the shipped config/payments.json through the real function.
"""

from __future__ import annotations

import base64
from decimal import Decimal

import pytest
from chalice.local import RouteMatcher

from app import app
from chalicelib.core.settings import get_settings
from chalicelib.core.store import db
from chalicelib.localization import service as localization
from chalicelib.methods import service
from tests.helpers import auth, body, call, make_user

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(64))
GIF = b"GIF89a\x01\x00\x01\x00" + b"\x00" * 20
PNG_URI = "data:image/png;base64," + base64.b64encode(PNG).decode()
GIF_B64 = base64.b64encode(GIF).decode()

MANAGER = "manager@example.com"  # staff with every method right
PAYER = "payer@example.com"  # staff with the payment method rights only
STAFF = "staff@example.com"  # staff, no method rights
SHOPPER = "shopper@example.com"
KNOWN_KEYS = {"BANKTRANSFER_CZK", "BANKTRANSFER_EUR", "TEST_API"}

PAY = "/cart/dashboard/payment/method"
SHIP = "/cart/dashboard/shipping/method"


def _write_shop() -> None:
    db.aws_client("s3").create_bucket(Bucket=get_settings().media_bucket,
                                      CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    localization.create_currency({"code": "CZK", "symbol": "Kč", "symbol_position": "AFTER"})
    localization.create_currency({"code": "EUR", "symbol": "€", "symbol_position": "BEFORE"})
    localization.create_country({"code": "CZ", "name": "Czechia", "locale": "cs"})
    localization.create_country({"code": "SK", "name": "Slovakia", "locale": "cs"})
    localization.create_vat_group({"country": "CZ", "name": "Standard", "rate": "21", "is_default": True})  # 1
    localization.create_vat_group({"country": "CZ", "name": "Reduced", "rate": "12"})  # 2
    localization.create_vat_group({"country": "SK", "name": "Standard", "rate": "20", "is_default": True})  # 3
    make_user(MANAGER, "pw", staff=True, permissions=(
        "paymentmethod_add_permission", "paymentmethod_change_permission",
        "shippingmethod_add_permission", "shippingmethod_change_permission"))
    make_user(PAYER, "pw", staff=True, permissions=("paymentmethod_add_permission", "paymentmethod_change_permission"))
    make_user(STAFF, "pw", staff=True)
    make_user(SHOPPER, "pw")


@pytest.fixture
def _built(client, monkeypatch, built_once, request) -> dict | None:
    """The shop, and with it the offer when the test asks for `offer` (None otherwise): written once per
    worker, then restored (built_once). One build for both, as a restore would drop what was written before it."""
    monkeypatch.setattr("chalicelib.payments.config.is_known_key", lambda key: key in KNOWN_KEYS)
    if "offer" not in request.fixturenames:
        return built_once("methods shop", _write_shop)

    def build() -> dict:
        _write_shop()
        return _write_offer(client)

    return built_once("methods shop with an offer", build)


@pytest.fixture
def shop(client, _built):
    return client


def as_(email, **extra):
    return {**auth(email), **extra}


def new_method(client, base: str, translations: dict | None = None) -> int:
    created = call(client, "POST", f"{base}/", {}, headers=as_(MANAGER))
    assert created.status_code == 201, created.body
    method_id = body(created)["id"]
    if translations:
        updated = call(client, "PUT", f"{base}/{method_id}/", {"translations": translations}, headers=as_(MANAGER))
        assert updated.status_code == 200, updated.body
    return method_id


def new_payment_row(client, method_id: int, **fields) -> dict:
    payload = {"payment_method": method_id, "country": "CZ", "vat_group": 1, "currency": "CZK", "price": "10.00",
               "is_active": True, "api_request": None, **fields}
    response = call(client, "POST", f"{PAY}/{method_id}/country/", payload, headers=as_(MANAGER))
    assert response.status_code == 201, response.body
    return body(response)


def new_shipping_row(client, method_id: int, **fields) -> dict:
    payload = {"shipping_method": method_id, "country": "CZ", "vat_group": 1, "currency": "CZK", "price": "100",
               "is_active": True, "payment_methods": [], **fields}
    response = call(client, "POST", f"{SHIP}/{method_id}/country/", payload, headers=as_(MANAGER))
    assert response.status_code == 201, response.body
    return body(response)


def bucket_keys() -> list[str]:
    listing = db.aws_client("s3").list_objects_v2(Bucket=get_settings().media_bucket)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def dynamodb_calls():
    """A list that records the name of every DynamoDB operation made from now on."""
    calls: list[str] = []
    db.client().meta.events.register("before-call.dynamodb", lambda model, **_: calls.append(model.name))
    return calls


# --- K1-K5 / K13-K17: methods -----------------------------------------------------------------------

@pytest.mark.parametrize("base", [PAY, SHIP], ids=["K1_K2", "K13_K14"])
def test_k1_k2_k13_k14_empty_create_and_list(shop, base):
    created = call(shop, "POST", f"{base}/", {}, headers=as_(MANAGER))
    assert created.status_code == 201
    item = body(created)
    assert set(item) == {"id", "title", "image", "create_at", "update_at"}
    assert item["id"] == 1 and item["title"] == "" and item["image"] is None
    new_method(shop, base, {"en": {"title": "Second"}})
    listed = call(shop, "GET", f"{base}/", headers=as_(STAFF))
    assert listed.status_code == 200
    assert [(m["id"], m["title"]) for m in body(listed)] == [(1, ""), (2, "Second")]


def test_k3_k4_translations_in_two_languages(shop):
    method_id = new_method(shop, PAY)
    put = call(shop, "PUT", f"{PAY}/{method_id}/", {"translations": {
        "en": {"title": "Bank transfer", "description": "Pay by transfer"},
        "cs": {"title": "Převodem", "description": None}}}, headers=as_(MANAGER))
    assert put.status_code == 200
    assert body(put) == {"id": method_id, "image": None, "translations": {
        "en": {"title": "Bank transfer", "description": "Pay by transfer"},
        "cs": {"title": "Převodem", "description": None}}}
    # PATCH: only the language and field sent change.
    patched = call(shop, "PATCH", f"{PAY}/{method_id}/", {"translations": {"cs": {"description": "Platba převodem"}}},
                   headers=as_(MANAGER))
    assert patched.status_code == 200
    assert body(patched)["translations"] == {"en": {"title": "Bank transfer", "description": "Pay by transfer"},
                                             "cs": {"title": "Převodem", "description": "Platba převodem"}}
    got = call(shop, "GET", f"{PAY}/{method_id}/", headers=as_(STAFF))
    assert body(got) == body(patched)
    titles = {lang: body(call(shop, "GET", f"{PAY}/", headers=as_(STAFF, **{"Accept-Language": lang})))[0]["title"]
              for lang in ("en", "cs", "de")}
    assert titles == {"en": "Bank transfer", "cs": "Převodem", "de": "Bank transfer"}


def test_k3_k4_unknown_language_is_400_and_changes_nothing(shop):
    method_id = new_method(shop, PAY, {"en": {"title": "Card"}})
    payload = {"translations": {"de": {"title": "Karte"}, "en": {"title": "X"}}}
    response = call(shop, "PUT", f"{PAY}/{method_id}/", payload, headers=as_(MANAGER))
    assert response.status_code == 400 and "de" in body(response)["translations"]
    assert body(call(shop, "GET", f"{PAY}/{method_id}/", headers=as_(STAFF)))["translations"] == {
        "en": {"title": "Card", "description": None}}


def test_k15_k16_shipping_detail_has_timestamps(shop):
    method_id = new_method(shop, SHIP, {"en": {"title": "PPL", "description": "Courier"}})
    detail = body(call(shop, "GET", f"{SHIP}/{method_id}/", headers=as_(STAFF)))
    assert set(detail) == {"id", "translations", "image", "create_at", "update_at"}
    assert detail["translations"] == {"en": {"title": "PPL", "description": "Courier"}}
    assert detail["update_at"] >= detail["create_at"]


@pytest.mark.parametrize(("base", "area"), [(PAY, "payment_method"), (SHIP, "shipping_method")], ids=["K4", "K16"])
def test_k4_k16_image_upload_returns_absolute_url(shop, base, area):
    method_id = new_method(shop, base)
    put = call(shop, "PUT", f"{base}/{method_id}/", {"image": PNG_URI}, headers=as_(MANAGER))
    assert put.status_code == 200
    assert body(put)["image"] == f"http://localhost/media/{area}/{method_id}.png?v=1"
    assert bucket_keys() == [f"{area}/{method_id}.png"]
    assert db.aws_client("s3").get_object(Bucket=get_settings().media_bucket,
                                          Key=f"{area}/{method_id}.png")["Body"].read() == PNG
    redirect = call(shop, "GET", f"/media/{area}/{method_id}.png")
    assert redirect.status_code == 302 and f"{area}/{method_id}.png" in redirect.headers["Location"]
    # A new upload is a new URL (objects are cached as immutable); a URL sent back keeps the image.
    again = body(call(shop, "PUT", f"{base}/{method_id}/", {"image": GIF_B64}, headers=as_(MANAGER)))
    assert again["image"] == f"http://localhost/media/{area}/{method_id}.gif?v=2"
    payload = {"image": again["image"], "translations": {"en": {"title": "T"}}}
    kept = body(call(shop, "PUT", f"{base}/{method_id}/", payload, headers=as_(MANAGER)))
    assert kept["image"] == again["image"]
    listed = body(call(shop, "GET", f"{base}/", headers=as_(STAFF)))
    assert listed[0]["image"] == again["image"]
    removed = body(call(shop, "PATCH", f"{base}/{method_id}/", {"image": None}, headers=as_(MANAGER)))
    assert removed["image"] is None


def test_k4_bad_image_is_400_naming_image_and_writes_nothing(shop):
    method_id = new_method(shop, PAY)
    response = call(shop, "PUT", f"{PAY}/{method_id}/", {"image": "data:image/png;base64,bm90IGFuIGltYWdl",
                                                         "translations": {"en": {"title": "X"}}},
                    headers=as_(MANAGER))
    assert response.status_code == 400 and "image" in body(response)
    assert bucket_keys() == []
    assert body(call(shop, "GET", f"{PAY}/{method_id}/", headers=as_(STAFF)))["translations"] == {}


def test_k2_create_with_image_and_translations(shop):
    created = call(shop, "POST", f"{SHIP}/", {"image": PNG_URI, "translations": {"en": {"title": "Post"}}},
                   headers=as_(MANAGER))
    assert created.status_code == 201
    assert body(created)["title"] == "Post"
    assert body(created)["image"] == "http://localhost/media/shipping_method/1.png?v=1"


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_k3_k4_k5_unknown_method_is_404(shop, method):
    response = call(shop, method, f"{PAY}/99/", {"translations": {}}, headers=as_(MANAGER))
    assert response.status_code == 404 and body(response) == {"detail": "Not found."}


def test_k5_k17_soft_delete(shop):
    payment_id = new_method(shop, PAY)
    shipping_id = new_method(shop, SHIP)
    row = new_payment_row(shop, payment_id)
    assert call(shop, "DELETE", f"{PAY}/{payment_id}/", headers=as_(MANAGER)).status_code == 204
    assert call(shop, "DELETE", f"{SHIP}/{shipping_id}/", headers=as_(MANAGER)).status_code == 204
    assert call(shop, "GET", f"{PAY}/{payment_id}/", headers=as_(STAFF)).status_code == 404
    assert call(shop, "DELETE", f"{PAY}/{payment_id}/", headers=as_(MANAGER)).status_code == 404
    assert body(call(shop, "GET", f"{PAY}/", headers=as_(STAFF))) == []
    assert body(call(shop, "GET", f"{SHIP}/", headers=as_(STAFF))) == []
    # Its rows are gone with it.
    assert body(call(shop, "GET", f"{PAY}/country/", headers=as_(STAFF))) == []
    assert call(shop, "GET", f"{PAY}/country/{row['id']}/", headers=as_(STAFF)).status_code == 404
    assert service.get_payment_country(row["id"]) is None
    # Kept in the table (soft delete).
    item = db.get("main", {"PK": "METHODS", "SK": f"PAYMENTMETHOD#{payment_id:012d}"})
    assert item["safe_deleted"] is True


# --- K6-K12: payment method countries --------------------------------------------------------------

def test_k6_k7_create_and_list_payment_rows(shop):
    method_id = new_method(shop, PAY)
    created = new_payment_row(shop, method_id, api_request="BANKTRANSFER_CZK", price="12.5")
    assert list(created) == ["id", "payment_method", "country", "vat_group", "currency", "price", "api_request",
                             "is_active", "update_at", "create_at"]
    assert {k: created[k] for k in list(created)[:8]} == {
        "id": 1, "payment_method": method_id, "country": "CZ", "vat_group": 1, "currency": "CZK", "price": "12.50",
        "api_request": "BANKTRANSFER_CZK", "is_active": True}
    new_payment_row(shop, method_id, country="SK", vat_group=3, currency="EUR", api_request="")
    other = new_method(shop, PAY)
    new_payment_row(shop, other)
    listed = call(shop, "GET", f"{PAY}/{method_id}/country/", headers=as_(STAFF))
    assert listed.status_code == 200
    assert [(r["id"], r["country"], r["api_request"]) for r in body(listed)] == [(1, "CZ", "BANKTRANSFER_CZK"),
                                                                                (2, "SK", None)]
    assert call(shop, "GET", f"{PAY}/99/country/", headers=as_(STAFF)).status_code == 404


def test_k7_lower_case_codes_are_normalized(shop):
    method_id = new_method(shop, PAY)
    created = new_payment_row(shop, method_id, country="cz", currency="czk")
    assert (created["country"], created["currency"]) == ("CZ", "CZK")


@pytest.mark.parametrize(("fields", "field"), [
    ({"country": "XX"}, "country"),
    ({"currency": "USD"}, "currency"),
    ({"vat_group": 99}, "vat_group"),
    ({"vat_group": 3}, "vat_group"),  # SK's group for a CZ row
    ({"api_request": "NO_SUCH_KEY"}, "api_request"),
    ({"api_request": "X" * 43}, "api_request"),
    ({"price": "-1"}, "price"),
    ({"price": "1.005"}, "price"),
    ({"price": "abc"}, "price"),
    ({"price": None}, "price"),
    ({"vat_group": "one"}, "vat_group"),
])
def test_k7_bad_input_is_400_naming_the_field_and_writes_nothing(shop, fields, field):
    method_id = new_method(shop, PAY)
    payload = {"country": "CZ", "vat_group": 1, "currency": "CZK", "price": "10", **fields}
    response = call(shop, "POST", f"{PAY}/{method_id}/country/", payload, headers=as_(MANAGER))
    assert response.status_code == 400
    assert list(body(response)) == [field]
    assert body(call(shop, "GET", f"{PAY}/{method_id}/country/", headers=as_(STAFF))) == []


def test_k7_api_request_is_checked_against_the_shipped_payment_config(shop, monkeypatch):
    monkeypatch.undo()  # the real chalicelib.payments.config.is_known_key and config/payments.json
    method_id = new_method(shop, PAY)
    assert new_payment_row(shop, method_id, api_request="BANKTRANSFER_CZK")["api_request"] == "BANKTRANSFER_CZK"
    payload = {"country": "CZ", "vat_group": 1, "currency": "CZK", "price": "0", "api_request": "NOT_CONFIGURED"}
    response = call(shop, "POST", f"{PAY}/{method_id}/country/", payload, headers=as_(MANAGER))
    assert response.status_code == 400 and list(body(response)) == ["api_request"]


def test_k7_missing_fields_are_named(shop):
    method_id = new_method(shop, PAY)
    response = call(shop, "POST", f"{PAY}/{method_id}/country/", {}, headers=as_(MANAGER))
    assert response.status_code == 400
    assert set(body(response)) == {"country", "vat_group", "currency", "price"}


def test_k7_method_in_body_must_match_the_path(shop):
    method_id = new_method(shop, PAY)
    payload = {"payment_method": method_id + 1, "country": "CZ", "vat_group": 1, "currency": "CZK", "price": "1"}
    response = call(shop, "POST", f"{PAY}/{method_id}/country/", payload, headers=as_(MANAGER))
    assert response.status_code == 400 and list(body(response)) == ["payment_method"]
    assert call(shop, "POST", f"{PAY}/77/country/", payload, headers=as_(MANAGER)).status_code == 404


def test_k8_lists_every_payment_row_with_its_method_nested(shop):
    bank = new_method(shop, PAY, {"en": {"title": "Bank"}, "cs": {"title": "Banka"}})
    card = new_method(shop, PAY, {"en": {"title": "Card"}})
    new_payment_row(shop, bank)
    new_payment_row(shop, card, country="SK", vat_group=3, currency="EUR")
    listed = call(shop, "GET", f"{PAY}/country/", headers=as_(STAFF, **{"Accept-Language": "cs"}))
    assert listed.status_code == 200
    rows = body(listed)
    assert [(r["id"], r["payment_method"]["title"], r["country"]) for r in rows] == [(1, "Banka", "CZ"),
                                                                                    (2, "Card", "SK")]
    assert set(rows[0]["payment_method"]) == {"id", "title", "image", "create_at", "update_at"}
    assert "api_request" in rows[0]


def test_k9_create_payment_row_with_the_method_in_the_body(shop):
    method_id = new_method(shop, PAY)
    payload = {"payment_method": method_id, "country": "CZ", "vat_group": 1, "currency": "CZK", "price": "3"}
    created = call(shop, "POST", f"{PAY}/country/", payload, headers=as_(MANAGER))
    assert created.status_code == 201 and body(created)["payment_method"] == method_id
    missing = call(shop, "POST", f"{PAY}/country/", {**payload, "payment_method": None}, headers=as_(MANAGER))
    assert missing.status_code == 400 and "payment_method" in body(missing)
    unknown = call(shop, "POST", f"{PAY}/country/", {**payload, "payment_method": 42}, headers=as_(MANAGER))
    assert unknown.status_code == 400 and "payment_method" in body(unknown)


def test_k10_payment_row_priced_in_its_currency(shop):
    method_id = new_method(shop, PAY, {"en": {"title": "Bank", "description": "Transfer"},
                                       "cs": {"title": "Banka", "description": None}})
    row = new_payment_row(shop, method_id, price="10")
    got = call(shop, "GET", f"{PAY}/country/{row['id']}/", headers=as_(STAFF))
    assert got.status_code == 200
    assert body(got) == {"id": row["id"], "payment_method": {"title": "Bank", "description": "Transfer", "image": None},
                         "price_incl_vat": "12.10 Kč", "price_without_vat": "10 Kč"}
    sk = new_payment_row(shop, method_id, country="SK", vat_group=3, currency="EUR", price="2.50")
    got = body(call(shop, "GET", f"{PAY}/country/{sk['id']}/", headers=as_(STAFF, **{"Accept-Language": "cs"})))
    assert got == {"id": sk["id"], "payment_method": {"title": "Banka", "description": "", "image": None},
                   "price_incl_vat": "€ 3", "price_without_vat": "€ 2.50"}
    assert call(shop, "GET", f"{PAY}/country/999/", headers=as_(STAFF)).status_code == 404


def test_k11_put_and_patch_payment_row(shop):
    method_id = new_method(shop, PAY)
    row = new_payment_row(shop, method_id, api_request="BANKTRANSFER_CZK")
    put = call(shop, "PUT", f"{PAY}/country/{row['id']}/",
               {**row, "country": "SK", "vat_group": 3, "currency": "EUR", "price": "1.20",
                "api_request": "BANKTRANSFER_EUR", "is_active": False}, headers=as_(MANAGER))
    assert put.status_code == 200, put.body
    updated = body(put)
    assert {k: updated[k] for k in ("id", "country", "vat_group", "currency", "price", "api_request", "is_active")} == {
        "id": row["id"], "country": "SK", "vat_group": 3, "currency": "EUR", "price": "1.20",
        "api_request": "BANKTRANSFER_EUR", "is_active": False}
    assert updated["create_at"] == row["create_at"] and updated["update_at"] > row["update_at"]
    patched = call(shop, "PATCH", f"{PAY}/country/{row['id']}/", {"is_active": True, "api_request": None},
                   headers=as_(MANAGER))
    assert patched.status_code == 200
    assert (body(patched)["is_active"], body(patched)["api_request"], body(patched)["price"]) == (True, None, "1.20")
    listed = body(call(shop, "GET", f"{PAY}/{method_id}/country/", headers=as_(STAFF)))
    assert listed == [body(patched)]


@pytest.mark.parametrize(("patch", "field"), [
    ({"country": "CZ"}, "vat_group"),  # the row keeps SK's VAT group
    ({"vat_group": 1}, "vat_group"),  # CZ's group for an SK row
    ({"currency": "XYZ"}, "currency"),
    ({"api_request": "NOPE"}, "api_request"),
    ({"payment_method": 55}, "payment_method"),
])
def test_k11_bad_update_is_400_naming_the_field_and_changes_nothing(shop, patch, field):
    method_id = new_method(shop, PAY)
    row = new_payment_row(shop, method_id, country="SK", vat_group=3, currency="EUR")
    response = call(shop, "PATCH", f"{PAY}/country/{row['id']}/", patch, headers=as_(MANAGER))
    assert response.status_code == 400 and list(body(response)) == [field]
    assert body(call(shop, "GET", f"{PAY}/{method_id}/country/", headers=as_(STAFF))) == [row]


def test_k11_put_needs_the_required_fields(shop):
    method_id = new_method(shop, PAY)
    row = new_payment_row(shop, method_id)
    response = call(shop, "PUT", f"{PAY}/country/{row['id']}/", {"price": "5"}, headers=as_(MANAGER))
    assert response.status_code == 400 and set(body(response)) == {"country", "vat_group", "currency"}
    assert call(shop, "PUT", f"{PAY}/country/999/", {**row}, headers=as_(MANAGER)).status_code == 404


def test_k11_moves_a_row_to_another_method(shop):
    first, second = new_method(shop, PAY), new_method(shop, PAY)
    row = new_payment_row(shop, first)
    moved = call(shop, "PATCH", f"{PAY}/country/{row['id']}/", {"payment_method": second}, headers=as_(MANAGER))
    assert moved.status_code == 200 and body(moved)["payment_method"] == second
    assert body(call(shop, "GET", f"{PAY}/{first}/country/", headers=as_(STAFF))) == []


def test_k12_delete_payment_row(shop):
    method_id = new_method(shop, PAY)
    row = new_payment_row(shop, method_id)
    shipping = new_method(shop, SHIP)
    ship_row = new_shipping_row(shop, shipping, payment_methods=[row["id"]])
    assert call(shop, "DELETE", f"{PAY}/country/{row['id']}/", headers=as_(MANAGER)).status_code == 204
    assert call(shop, "DELETE", f"{PAY}/country/{row['id']}/", headers=as_(MANAGER)).status_code == 404
    assert call(shop, "GET", f"{PAY}/country/{row['id']}/", headers=as_(STAFF)).status_code == 404
    assert body(call(shop, "GET", f"{PAY}/{method_id}/country/", headers=as_(STAFF))) == []
    # A shipping row stops listing a deleted payment row.
    assert body(call(shop, "GET", f"{SHIP}/{shipping}/country/", headers=as_(STAFF)))[0]["payment_methods"] == []
    assert ship_row["payment_methods"] == [row["id"]]


# --- K18-K21: shipping method countries ------------------------------------------------------------

def test_k18_k19_create_and_list_shipping_rows(shop):
    pay = new_method(shop, PAY)
    cz_bank, cz_card = new_payment_row(shop, pay), new_payment_row(shop, pay)
    method_id = new_method(shop, SHIP)
    created = new_shipping_row(shop, method_id, payment_methods=[cz_card["id"], cz_bank["id"], cz_card["id"]])
    assert list(created) == ["id", "shipping_method", "country", "vat_group", "currency", "payment_methods", "price",
                             "is_active", "update_at", "create_at"]
    assert created["payment_methods"] == [cz_card["id"], cz_bank["id"]]
    assert (created["shipping_method"], created["price"], created["is_active"]) == (method_id, "100.00", True)
    listed = call(shop, "GET", f"{SHIP}/{method_id}/country/", headers=as_(STAFF))
    assert listed.status_code == 200 and body(listed) == [created]


@pytest.mark.parametrize(("fields", "field"), [
    ({"payment_methods": [99]}, "payment_methods"),
    ({"payment_methods": "1"}, "payment_methods"),
    ({"payment_methods": [2]}, "payment_methods"),  # an SK payment row for a CZ shipping row
    ({"country": "XX"}, "country"),
    ({"currency": "XYZ"}, "currency"),
    ({"vat_group": 3}, "vat_group"),
])
def test_k19_bad_input_is_400_naming_the_field_and_writes_nothing(shop, fields, field):
    pay = new_method(shop, PAY)
    new_payment_row(shop, pay)
    new_payment_row(shop, pay, country="SK", vat_group=3, currency="EUR")
    method_id = new_method(shop, SHIP)
    payload = {"country": "CZ", "vat_group": 1, "currency": "CZK", "price": "10", "payment_methods": [1], **fields}
    response = call(shop, "POST", f"{SHIP}/{method_id}/country/", payload, headers=as_(MANAGER))
    assert response.status_code == 400 and list(body(response)) == [field]
    assert body(call(shop, "GET", f"{SHIP}/{method_id}/country/", headers=as_(STAFF))) == []


def test_k20_shipping_row_priced(shop):
    method_id = new_method(shop, SHIP, {"en": {"title": "Post", "description": "Slow"}})
    row = new_shipping_row(shop, method_id, price="1250.50", vat_group=2)
    got = call(shop, "GET", f"{SHIP}/country/{row['id']}/", headers=as_(STAFF))
    assert got.status_code == 200
    # 1250.50 x 1.12 = 1400.56
    assert body(got) == {"id": row["id"], "shipping_method": {"title": "Post", "description": "Slow", "image": None},
                         "price_incl_vat": "1 400.56 Kč", "price_without_vat": "1 250.50 Kč"}


def test_k21_put_patch_and_delete_shipping_row(shop):
    pay = new_method(shop, PAY)
    cz = new_payment_row(shop, pay)
    sk = new_payment_row(shop, pay, country="SK", vat_group=3, currency="EUR")
    method_id = new_method(shop, SHIP)
    row = new_shipping_row(shop, method_id, payment_methods=[cz["id"]])
    put = call(shop, "PUT", f"{SHIP}/country/{row['id']}/",
               {**row, "country": "SK", "vat_group": 3, "currency": "EUR", "price": "4", "payment_methods": [sk["id"]]},
               headers=as_(MANAGER))
    assert put.status_code == 200, put.body
    assert (body(put)["country"], body(put)["payment_methods"], body(put)["price"]) == ("SK", [sk["id"]], "4.00")
    # Moving back to CZ while keeping the SK payment row is refused.
    back = call(shop, "PATCH", f"{SHIP}/country/{row['id']}/", {"country": "CZ", "vat_group": 1}, headers=as_(MANAGER))
    assert back.status_code == 400 and list(body(back)) == ["payment_methods"]
    patched = call(shop, "PATCH", f"{SHIP}/country/{row['id']}/", {"is_active": False}, headers=as_(MANAGER))
    assert patched.status_code == 200 and body(patched)["is_active"] is False
    assert call(shop, "DELETE", f"{SHIP}/country/{row['id']}/", headers=as_(MANAGER)).status_code == 204
    assert call(shop, "GET", f"{SHIP}/country/{row['id']}/", headers=as_(STAFF)).status_code == 404
    assert call(shop, "PUT", f"{SHIP}/country/{row['id']}/", {**row}, headers=as_(MANAGER)).status_code == 404
    assert body(call(shop, "GET", f"{SHIP}/{method_id}/country/", headers=as_(STAFF))) == []


# --- access -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("method", "path"), [
    ("GET", f"{PAY}/"), ("POST", f"{PAY}/"), ("GET", f"{SHIP}/1/country/"), ("PUT", f"{SHIP}/country/1/"),
    ("DELETE", f"{PAY}/country/1/"), ("GET", f"{PAY}/country/"),
])
def test_anonymous_is_401(shop, method, path):
    response = call(shop, method, path, {})
    assert response.status_code == 401
    assert body(response) == {"detail": "Authentication credentials were not provided."}


def test_reads_need_staff_and_writes_need_the_kinds_permission(shop):
    method_id = new_method(shop, SHIP)
    pay_id = new_method(shop, PAY)
    assert call(shop, "GET", f"{SHIP}/", headers=as_(SHOPPER)).status_code == 403
    assert call(shop, "GET", f"{SHIP}/", headers=as_(STAFF)).status_code == 200
    for method, path in [("POST", f"{SHIP}/"), ("PUT", f"{SHIP}/{method_id}/"), ("DELETE", f"{SHIP}/{method_id}/"),
                         ("POST", f"{PAY}/"), ("POST", f"{PAY}/{pay_id}/country/")]:
        denied = call(shop, method, path, {}, headers=as_(STAFF))
        assert denied.status_code == 403 and body(denied) == "User doesnt have permission", (method, path)
    # Payment rights do not open the shipping writes.
    assert call(shop, "POST", f"{PAY}/", {}, headers=as_(PAYER)).status_code == 201
    assert call(shop, "POST", f"{SHIP}/", {}, headers=as_(PAYER)).status_code == 403
    assert call(shop, "DELETE", f"{SHIP}/{method_id}/", headers=as_(PAYER)).status_code == 403
    assert call(shop, "GET", f"{SHIP}/{method_id}/", headers=as_(STAFF)).status_code == 200


# --- K32: the storefront's methods of a country ----------------------------------------------------

@pytest.fixture
def offer(_built) -> dict:
    """CZ: Post (active, bank + inactive card + deleted cash + SK bank) and an inactive courier; SK: Post."""
    return _built


def _write_offer(shop) -> dict:
    bank = new_method(shop, PAY, {"en": {"title": "Bank", "description": "Transfer"},
                                  "cs": {"title": "Banka", "description": "Převod"}})
    card = new_method(shop, PAY, {"en": {"title": "Card"}})
    cash = new_method(shop, PAY, {"en": {"title": "Cash"}})
    cz_bank = new_payment_row(shop, bank, price="0")
    cz_card = new_payment_row(shop, card, is_active=False)
    cz_cash = new_payment_row(shop, cash, price="20")
    sk_bank = new_payment_row(shop, bank, country="SK", vat_group=3, currency="EUR", price="0.50")
    post = new_method(shop, SHIP, {"en": {"title": "Post", "description": "Slow"},
                                   "cs": {"title": "Pošta", "description": None}})
    courier = new_method(shop, SHIP, {"en": {"title": "Courier"}})
    cz_post = new_shipping_row(shop, post, price="100", payment_methods=[cz_cash["id"], cz_card["id"], cz_bank["id"]])
    new_shipping_row(shop, courier, is_active=False, payment_methods=[cz_bank["id"]])
    sk_post = new_shipping_row(shop, post, country="SK", vat_group=3, currency="EUR", price="2",
                               payment_methods=[sk_bank["id"]])
    assert call(shop, "DELETE", f"{PAY}/{cash}/", headers=as_(MANAGER)).status_code == 204
    return {"cz_bank": cz_bank, "cz_card": cz_card, "cz_cash": cz_cash, "sk_bank": sk_bank, "cz_post": cz_post,
            "sk_post": sk_post}


def test_k32_active_shipping_rows_with_offered_payments(offer, shop):
    response = call(shop, "GET", "/cart/storefront/methods/CZ/", headers={"Accept-Language": "cs"})
    assert response.status_code == 200
    assert body(response) == [{
        "id": offer["cz_post"]["id"],
        "shipping_method": {"title": "Pošta", "description": "", "image": None},
        "price_incl_vat": "121 Kč", "price_without_vat": "100 Kč",
        # the inactive card row and the deleted cash method are not offered
        "payment_methods": [{"id": offer["cz_bank"]["id"],
                             "payment_method": {"title": "Banka", "description": "Převod", "image": None},
                             "price_incl_vat": "0 Kč", "price_without_vat": "0 Kč"}],
    }]
    sk = body(call(shop, "GET", "/cart/storefront/methods/sk"))
    assert [(s["id"], s["price_incl_vat"], [p["price_incl_vat"] for p in s["payment_methods"]]) for s in sk] == [
        (offer["sk_post"]["id"], "€ 2.40", ["€ 0.60"])]


def test_k32_no_token_needed_and_anyone_may_call(offer, shop):
    assert call(shop, "GET", "/cart/storefront/methods/CZ", headers=as_(SHOPPER)).status_code == 200


def test_k32_image_is_absolute(offer, shop):
    post = offer["cz_post"]["shipping_method"]
    call(shop, "PUT", f"{SHIP}/{post}/", {"image": PNG_URI}, headers=as_(MANAGER))
    listed = body(call(shop, "GET", "/cart/storefront/methods/CZ/", headers={"Host": "shop.example.com"}))
    assert listed[0]["shipping_method"]["image"] == f"https://shop.example.com/media/shipping_method/{post}.png?v=1"


@pytest.mark.parametrize("code", ["XX", "CZE", "1"])
def test_k32_unknown_country_is_404(shop, code):
    response = call(shop, "GET", f"/cart/storefront/methods/{code}/")
    assert response.status_code == 404 and body(response) == {"detail": "Not found."}


def test_k32_known_country_without_methods_is_an_empty_list(shop):
    assert body(call(shop, "GET", "/cart/storefront/methods/SK/")) == []


def test_k32_path_reaches_the_methods_route_not_a_cart_token_route():
    """Chalice's router (chalice.test.Client and `chalice local`) tries literal segments before variables,
    as API Gateway does; this holds for the app's whole route table, the cart's `{token}` routes included."""
    matcher = RouteMatcher(list(app.routes))
    for url in ("/cart/storefront/methods/CZ/", "/cart/storefront/methods/CZ"):
        assert matcher.match_route(url).route == "/cart/storefront/methods/{country_code}"
    for url in ("/cart/dashboard/payment/method/country/5", "/cart/dashboard/shipping/method/country/5/"):
        assert matcher.match_route(url).route.endswith("/method/country/{id}")


# --- the service API the cart and checkout call ----------------------------------------------------

def test_service_rows_views_and_snapshots(offer, shop):
    shipping = service.get_shipping_country(offer["cz_post"]["id"])
    payment = service.get_payment_country(offer["cz_bank"]["id"])
    assert {k: shipping[k] for k in ("id", "method_id", "country", "currency", "vat_group", "price", "is_active",
                                     "payment_methods", "vat_rate")} == {
        "id": offer["cz_post"]["id"], "method_id": offer["cz_post"]["shipping_method"], "country": "CZ",
        "currency": "CZK", "vat_group": 1, "price": Decimal("100.00"), "is_active": True,
        "payment_methods": [offer["cz_bank"]["id"]], "vat_rate": Decimal("21.00")}
    assert payment["api_request"] is None and payment["price"] == Decimal("0")
    assert service.gross_price(shipping) == Decimal("121")
    assert service.method_country_view("shipping", shipping, "en") == {
        "id": offer["cz_post"]["id"], "shipping_method": {"title": "Post", "description": "Slow", "image": None},
        "price_incl_vat": "121 Kč", "price_without_vat": "100 Kč"}
    frozen = service.snapshot("payment", service.get_payment_country(offer["sk_bank"]["id"]), "cs")
    assert frozen == {"id": offer["sk_bank"]["id"], "method_id": offer["sk_bank"]["payment_method"],
                      "title": "Banka", "description": "Převod", "image": None,
                      "price_without_vat": Decimal("0.50"), "price_incl_vat": Decimal("0.6"), "currency": "EUR",
                      "currency_info": {"code": "EUR", "symbol": "€", "symbol_position": "BEFORE"},
                      "country": "SK", "vat_rate": Decimal("20.00"), "api_request": None}
    # Inactive rows are returned (the cart decides); missing and deleted ones are not.
    assert service.get_payment_country(offer["cz_card"]["id"])["is_active"] is False
    assert service.get_payment_country(offer["cz_cash"]["id"]) is None  # its method was deleted
    assert service.get_payment_country(999) is None and service.get_shipping_country("x") is None
    assert service.get_shipping_country(offer["cz_bank"]["id"] + 1000) is None


def test_service_gross_price_is_exact(shop):
    method_id = new_method(shop, PAY)
    row = service.get_payment_country(new_payment_row(shop, method_id, price="10.33")["id"])
    assert service.gross_price(row) == Decimal("12.4993")  # 10.33 x 1.21, not rounded
    assert service.method_country_view("payment", row, "en")["price_incl_vat"] == "12.50 Kč"


def test_service_calls_cost_two_dynamodb_calls_then_none(offer):
    calls = dynamodb_calls()
    row = service.get_shipping_country(offer["cz_post"]["id"])
    assert calls == ["Query", "Query"]
    service.method_country_view("shipping", row, "cs", "https://shop.example.com")
    service.snapshot("shipping", row, "cs")
    service.gross_price(row)
    assert len(calls) == 2


def test_service_row_is_none_when_its_vat_group_is_deleted(offer):
    localization.delete_vat_group(3)
    assert service.get_payment_country(offer["sk_bank"]["id"]) is None
    assert service.get_shipping_country(offer["sk_post"]["id"]) is None


def test_k32_and_k10_when_a_vat_group_is_deleted(offer, shop):
    localization.delete_vat_group(3)
    assert body(call(shop, "GET", "/cart/storefront/methods/SK/")) == []  # cannot be priced: not offered
    # Staff still see the row (at 0 % VAT) so they can fix or delete it.
    got = body(call(shop, "GET", f"{PAY}/country/{offer['sk_bank']['id']}/", headers=as_(STAFF)))
    assert got["price_incl_vat"] == got["price_without_vat"] == "€ 0.50"


def test_k32_costs_two_dynamodb_calls_then_none(offer, shop, warm_container):
    """A storefront read: the METHODS and PRICING partitions are the container's copies (issue 14)."""
    calls = dynamodb_calls()
    assert call(shop, "GET", "/cart/storefront/methods/CZ/").status_code == 200
    assert calls == ["Query", "Query"]
    assert call(shop, "GET", "/cart/storefront/methods/CZ/").status_code == 200
    assert calls == ["Query", "Query"]  # warm: no call while neither changed


# --- demo data ---------------------------------------------------------------------------------------

def test_demo_loader_is_idempotent_and_offers_methods_in_each_demo_country(client):
    from chalicelib.localization.demo import load_demo as load_localization
    from chalicelib.methods.demo import load_demo

    assert load_demo() == {"shipping_methods": 0, "payment_methods": 0, "shipping_rows": 0, "payment_rows": 0}
    load_localization()
    assert load_demo() == {"shipping_methods": 3, "payment_methods": 3, "shipping_rows": 7, "payment_rows": 9}
    assert load_demo() == {"shipping_methods": 0, "payment_methods": 0, "shipping_rows": 0, "payment_rows": 0}
    cz = body(call(client, "GET", "/cart/storefront/methods/CZ/", headers={"Accept-Language": "cs"}))
    assert [s["shipping_method"]["title"] for s in cz] == ["Česká pošta", "PPL", "Osobní odběr"]
    assert [p["payment_method"]["title"] for p in cz[0]["payment_methods"]] == [
        "Bankovní převod", "Platba kartou online", "Dobírka"]
    assert cz[0]["price_incl_vat"] == "107.69 Kč"  # 89 x 1.21
    de = body(call(client, "GET", "/cart/storefront/methods/DE/"))
    assert [s["shipping_method"]["title"] for s in de] == ["Czech Post", "PPL"]
    keys = {(p["country"], p["api_request"]) for p in (
        service.get_payment_country(i) for i in range(1, 10)) if p}
    assert keys == {("CZ", "BANKTRANSFER_CZK"), ("CZ", "TEST_API"), ("CZ", None), ("SK", "BANKTRANSFER_EUR"),
                    ("SK", "TEST_API"), ("SK", None), ("DE", "BANKTRANSFER_EUR"), ("DE", "TEST_API"), ("DE", None)}
