"""Dashboard products (contract P7-P14, 10.2) and their media (P30-P33)."""

from __future__ import annotations

import pytest

from chalicelib.catalog.listing import store as listing
from chalicelib.catalog.products import service as products
from chalicelib.core.settings import get_settings
from chalicelib.core.store import db
from tests.catalog_fixtures import PNG, build_catalog, product_payload
from tests.helpers import auth, body, call, make_user

EDITOR_PERMS = ("product_add_permission", "product_change_permission", "productmedia_add_permission",
                "productmedia_change_permission")


@pytest.fixture
def shop(client, built_once):
    def build() -> dict:
        ids = build_catalog()
        make_user("editor@example.com", "pw", staff=True, permissions=EDITOR_PERMS)
        db.aws_client("s3").create_bucket(Bucket=get_settings().media_bucket,
                                          CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
        return ids

    ids = built_once("product editor's catalog", build)  # written once per worker, then restored
    return {**ids, "headers": auth("editor@example.com")}


def outbox_types() -> list[str]:
    found = []
    for raw in db.client().scan(TableName=db.table("outbox"))["Items"]:
        item = db.deserialize(raw)
        found += [e["type"] for e in item["events"]] if item["type"] == "BATCH" else [item["type"]]
    return found


def create(client, shop, **kwargs):
    return call(client, "POST", "/product/dashboard/detail/", product_payload(shop, **kwargs), headers=shop["headers"])


def test_p10_p11_create_and_read(client, shop):
    response = create(client, shop)
    assert response.status_code == 201
    created = body(response)
    assert created["id"] == 1  # an int on create
    detail = body(call(client, "GET", "/product/dashboard/detail/1/", headers=shop["headers"]))
    assert detail["id"] == "1"  # a string on read, as the original serializer declares it
    assert set(detail) == {"id", "published", "translations", "category", "product_variants", "update_at",
                           "create_at", "media", "type"}
    assert detail["translations"]["en"]["title"] == "Heat"
    assert detail["translations"]["en"]["description_editorjs"]["blocks"][0]["data"]["x"] == 1.5
    assert detail["translations"]["cs"]["meta_title"] == ""
    variant = detail["product_variants"][0]
    assert variant == {"sku": "MOV-EN", "ean": "1234567890123", "weight": "0.20", "recommendation_weight": 1.0,
                       "stock_quantity": 10, "attributes": [shop["english"]],
                       "price": [{"id": variant["price"][0]["id"], "price": "150.00", "discount": "25.00",
                                  "price_list": "CZK_retail"},
                                 {"id": variant["price"][1]["id"], "price": "4.80", "discount": None,
                                  "price_list": "EUR_retail"}]}
    assert detail["type"]["id"] == shop["movie_type"]
    assert detail["category"] == shop["action"]
    types = outbox_types()
    assert types.count("PRODUCT_SAVE") == 1 and types.count("PRODUCTVARIANT_SAVE") == 2
    assert types.count("PRICE_SAVE") == 3


def test_p10_bad_sku_and_unknown_references_write_nothing(client, shop):
    payload = product_payload(shop)
    payload["product_variants"][1]["sku"] = "bad sku!"
    response = call(client, "POST", "/product/dashboard/detail", payload, headers=shop["headers"])
    assert response.status_code == 400
    assert body(response) == {"product_variants": [{}, {"sku": ["SKU can only contain letters and numbers"]}]}
    payload = product_payload(shop)
    payload["category"] = 999
    payload["product_variants"][0]["price"][0]["price_list"] = "NOPE"
    response = call(client, "POST", "/product/dashboard/detail", payload, headers=shop["headers"])
    assert response.status_code == 400
    assert set(body(response)) == {"category", "product_variants"}
    payload = product_payload(shop)
    payload["product_variants"][0]["price"][0]["price"] = None
    response = call(client, "POST", "/product/dashboard/detail", payload, headers=shop["headers"])
    assert body(response)["product_variants"][0]["price"][0] == {"price": ["Price is required"]}
    assert products.product_ids() == [] and outbox_types() == []


def test_sku_is_unique_across_products(client, shop):
    create(client, shop)
    response = create(client, shop, title="Other")
    assert response.status_code == 400
    assert body(response) == {"product_variants": [{"sku": [products.SKU_TAKEN]}, {"sku": [products.SKU_TAKEN]}]}
    assert products.product_ids() == [1]


def test_p12_put_semantics(client, shop):
    create(client, shop)
    payload = {
        "published": False,
        "translations": {"cs": {"title": "Nový", "slug": "novy"}},
        "category": shop["movies"],
        "type_id": shop["movie_type"],
        "product_variants": [
            # EN stays with a changed CZK price and an untouched EUR price; CS is dropped; NEW is added.
            {"sku": "MOV-EN", "ean": "1", "weight": "0.30", "stock_quantity": 5, "attributes": [shop["czech"]],
             "price": [{"price_list": "CZK_retail", "price": "200", "discount": None}]},
            {"sku": "MOV-NEW", "stock_quantity": 1, "price": []},
        ],
    }
    response = call(client, "PUT", "/product/dashboard/detail/1", payload, headers=shop["headers"])
    assert response.status_code == 200
    detail = body(response)
    assert detail["published"] is False and detail["category"] == shop["movies"]
    assert detail["translations"]["en"]["title"] == "Heat"  # languages not sent are kept
    assert detail["translations"]["cs"]["title"] == "Nový"
    assert [v["sku"] for v in detail["product_variants"]] == ["MOV-EN", "MOV-NEW"]
    en = detail["product_variants"][0]
    assert [(p["price_list"], p["price"], p["discount"]) for p in en["price"]] == [
        ("CZK_retail", "200.00", None), ("EUR_retail", "4.80", None)]
    assert en["attributes"] == [shop["czech"]]
    # The dropped SKU is free again, the listing moved with the category.
    assert products.find_variant("MOV-CS") is None and products.find_variant("MOV-NEW")[1]["stock_quantity"] == 1
    assert 1 not in listing.read(shop["action"])[0] and 1 in listing.read(shop["movies"])[0]
    # An empty price list removes every price of the variant.
    payload["product_variants"][0]["price"] = []
    detail = body(call(client, "PUT", "/product/dashboard/detail/1/", payload, headers=shop["headers"]))
    assert detail["product_variants"][0]["price"] == []
    types = outbox_types()
    assert "PRODUCTVARIANT_DELETE" in types and "PRICE_DELETE" in types and "PRODUCT_UPDATE" in types
    # Absent variants clear the product's variants.
    del payload["product_variants"]
    detail = body(call(client, "PUT", "/product/dashboard/detail/1/", payload, headers=shop["headers"]))
    assert detail["product_variants"] == []


def test_p14_delete_is_soft_and_hides_product(client, shop):
    create(client, shop)
    assert call(client, "DELETE", "/product/dashboard/detail/1/", headers=shop["headers"]).status_code == 204
    assert call(client, "GET", "/product/dashboard/detail/1/", headers=shop["headers"]).status_code == 404
    assert call(client, "DELETE", "/product/dashboard/detail/1/", headers=shop["headers"]).status_code == 404
    assert products.get_product(1) is None and db.get("main", {"PK": "PRODUCT#1", "SK": "PRODUCT"})["safe_deleted"]
    assert "PRODUCT_DELETE" in outbox_types()
    assert listing.read(shop["action"])[0] == {}


def test_p7_page_envelope_and_p8_variant(client, shop):
    for index in range(3):
        create(client, shop, sku_prefix=f"M{index}", title=f"Film {index}")
    response = call(client, "GET", "/product/dashboard/?page=2&limit=2", headers={**shop["headers"],
                                                                                  "Accept-Language": "cs"})
    data = body(response)
    assert data["count"] == 3 and data["total_pages"] == 2
    assert data["results"] == [{"id": 3, "title": "Film 2 CZ", "slug": "film 2-cz", "primary_image": None,
                                "published": True, "create_at": data["results"][0]["create_at"],
                                "update_at": data["results"][0]["update_at"]}]
    variant = body(call(client, "GET", "/product/dashboard/variant/M1-EN/", headers=shop["headers"]))
    assert variant["sku"] == "M1-EN" and variant["stock_quantity"] == 10
    missing = call(client, "GET", "/product/dashboard/variant/NOPE", headers=shop["headers"])
    assert missing.status_code == 404 and body(missing) == {"error": "Product variant does not exist"}


def test_p30_to_p33_media(client, shop):
    create(client, shop)
    response = call(client, "POST", "/product/dashboard/media/", {"media": f"data:image/png;base64,{PNG}",
                                                                  "product_id": 1, "type": "IMAGE", "alt": "cover",
                                                                  "sort_order": 99}, headers=shop["headers"])
    assert response.status_code == 201
    first = body(response)
    assert first["sort_order"] == 0 and first["product_id"] == 1 and first["alt"] == "cover"
    assert first["media"].startswith("http") and "/media/product_media/1/image/" in first["media"]
    assert first["media"].endswith(".png")
    second = body(call(client, "POST", "/product/dashboard/media/", {"media": PNG, "product_id": 1},
                       headers=shop["headers"]))
    assert second["sort_order"] == 1
    swapped = call(client, "PUT", f"/product/dashboard/media/{second['id']}/", {"product_id": 1, "sort_order": -1},
                   headers=shop["headers"])
    assert swapped.status_code == 200 and body(swapped)["sort_order"] == -1
    listed = body(call(client, "GET", "/product/dashboard/", headers=shop["headers"]))["results"][0]
    assert listed["primary_image"]["id"] == second["id"]
    # The image is served through the API's /media/ path (a redirect to the store).
    path = "/" + first["media"].split("/", 3)[3]
    served = client.http.get(path)
    assert served.status_code == 302 and served.headers["Location"]
    deleted = call(client, "DELETE", f"/product/dashboard/media/{first['id']}/", headers=shop["headers"])
    assert deleted.status_code == 204
    assert call(client, "GET", f"/product/dashboard/media/{first['id']}/", headers=shop["headers"]).status_code == 404
    bad = call(client, "POST", "/product/dashboard/media/", {"media": "aGVsbG8=", "product_id": 1},
               headers=shop["headers"])
    assert bad.status_code == 400 and "media" in body(bad)
    orphan = call(client, "POST", "/product/dashboard/media/", {"media": PNG, "product_id": 77},
                  headers=shop["headers"])
    assert orphan.status_code == 400 and "product_id" in body(orphan)


def test_p30_multipart_upload(client, shop):
    import base64

    create(client, shop)
    boundary = "xyzBOUNDARY"
    png = base64.b64decode(PNG)
    body_bytes = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"product_id\"\r\n\r\n1\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"alt\"\r\n\r\nfront\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"media\"; filename=\"cover.png\"\r\n"
        f"Content-Type: image/png\r\n\r\n").encode() + png + f"\r\n--{boundary}--\r\n".encode()
    form = {**shop["headers"], "Content-Type": f"multipart/form-data; boundary={boundary}"}
    response = client.http.post("/product/dashboard/media/", body=body_bytes, headers=form)
    assert response.status_code == 201, response.body
    assert body(response)["alt"] == "front" and body(response)["media"].endswith(".png")


def test_large_images_go_through_a_presigned_upload(client, shop):
    import base64

    import requests

    create(client, shop)
    slot = call(client, "POST", "/product/dashboard/media/upload/", {"product_id": 1}, headers=shop["headers"])
    assert slot.status_code == 201
    data = body(slot)
    assert data["max_bytes"] == 50 * 1024 * 1024 and data["upload_key"].startswith("uploads/product_media/1/")
    uploaded = requests.post(data["url"], data=data["fields"], files={"file": ("big.png", base64.b64decode(PNG))},
                             timeout=10)
    assert uploaded.status_code in (200, 204), uploaded.text
    registered = call(client, "POST", "/product/dashboard/media/", {"upload_key": data["upload_key"], "product_id": 1},
                      headers=shop["headers"])
    assert registered.status_code == 201 and body(registered)["media"].endswith(".png")
    again = call(client, "POST", "/product/dashboard/media/", {"upload_key": data["upload_key"], "product_id": 1},
                 headers=shop["headers"])
    assert again.status_code == 400 and "upload_key" in body(again)  # moved into place, the upload is gone
    foreign = call(client, "POST", "/product/dashboard/media/", {"upload_key": "product_media/2/x", "product_id": 1},
                   headers=shop["headers"])
    assert foreign.status_code == 400 and "upload_key" in body(foreign)
    neither = call(client, "POST", "/product/dashboard/media/", {"product_id": 1}, headers=shop["headers"])
    assert neither.status_code == 400 and "media" in body(neither)
