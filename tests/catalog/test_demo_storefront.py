"""The demo shop (`make run`'s data) is what the real storefront can render (issue 17), read through the
HTTP contract the way the storefront reads it: the home page's footer, each category page with the
filters it sends, product pages with images, reviews and a rating, and a CZ checkout by bank transfer."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from chalicelib.core.settings import get_settings
from chalicelib.core.store import db
from tests.catalog.test_storefront_list_safety import assert_renderable
from tests.helpers import body, call

CZ = "country=CZ&pricelist=CZK"


@pytest.fixture
def demo(client, built_once):
    from chalicelib.recommender import popular
    from chalicelib.search import fallback
    from infra.local.demo import load_demo_data

    popular.reset()
    fallback.reset()

    def build() -> None:
        db.aws_client("s3").create_bucket(Bucket=get_settings().media_bucket,
                                          CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
        assert load_demo_data(log=lambda _line: None)

    built_once("demo shop", build)
    return client


def _storefront_filters(client, category_id: int) -> dict:
    """The body the storefront's category page POSTs first: textual filters empty, numeric ones with
    every possible value (its getNumericFilterSelectedValues with no min and no max)."""
    filters = body(call(client, "GET", f"/category/storefront/{category_id}/attributes/"))
    return {"filters": {
        "textual": [{"id": f["id"], "selected_values_ids": []} for f in filters["textual"]],
        "numeric": [{"id": f["id"], "selected_values_ids": [v["id"] for v in f["possible_values"]]}
                    for f in filters["numeric"]]}, "sort_by": None, "order": None}


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(node.get("children") or [])


def test_every_storefront_category_shows_its_products_with_the_storefronts_filters(demo):
    categories = list(_walk(body(call(demo, "GET", "/category/storefront/"))))
    assert categories
    for category in categories:
        plain = body(call(demo, "GET", f"/category/storefront/{category['id']}/products/?{CZ}"))
        assert plain["count"] > 0, category
        request = _storefront_filters(demo, category["id"])
        assert request["filters"]["numeric"], "the demo's runtime filter"
        filtered = body(call(demo, "POST", f"/category/storefront/{category['id']}/products/?{CZ}", request))
        assert filtered["count"] == plain["count"], category
        assert_renderable(filtered["results"], "Kč", {item["id"] for item in plain["results"]} | {
            item["id"] for item in filtered["results"]})
        # Every variant carries a value of every allowed type, so one runtime is a real filter.
        runtime = request["filters"]["numeric"][0]
        one = {**request, "filters": {**request["filters"], "numeric": [
            {"id": runtime["id"], "selected_values_ids": runtime["selected_values_ids"][:1]}]}}
        narrowed = body(call(demo, "POST", f"/category/storefront/{category['id']}/products/?{CZ}", one))
        assert 0 < narrowed["count"] < plain["count"]


def test_footer_and_header_pages_can_be_linked_and_opened(demo):
    footer = body(call(demo, "GET", "/cms/storefront/category/type/FOOTER/pages/"))
    pages = [page for category in footer for page in category["page"]]
    assert len(pages) >= 2
    for page in pages:
        assert page.get("slug") and page["title"], page  # <Link href={page.slug}>
        opened = call(demo, "GET", f"/cms/storefront/page/cms/en/{page['slug']}/")
        assert opened.status_code == 200 and body(opened)["content"]["blocks"], page
    for category in body(call(demo, "GET", "/cms/storefront/category/type/HEADER/pages/")):
        assert all(page.get("slug") for page in category["page"])


def test_products_have_posters_that_load_and_reviews_with_a_rating(demo):
    listed = body(call(demo, "GET", f"/category/storefront/{_first_category(demo)}/products/?{CZ}&limit=50"))
    for item in listed["results"]:
        media = item["primary_image"]["media"]
        path = media[media.index("/media/"):]
        image = call(demo, "GET", path)  # a redirect to the media store, where the poster is
        assert image.status_code == 302, path
        key = urlsplit(image.headers["Location"]).path.split(f"/{get_settings().media_bucket}/", 1)[-1].lstrip("/")
        stored = db.aws_client("s3").get_object(Bucket=get_settings().media_bucket, Key=key)
        assert stored["Body"].read()[:8] == b"\x89PNG\r\n\x1a\n" and stored["ContentType"] == "image/png", key
    reviewed = 0
    for item in listed["results"]:
        rating = body(call(demo, "GET", f"/review/product-rating/{item['id']}/"))
        if rating["total_reviews"]:
            reviewed += 1
            assert rating["average_rating"] > 0
            assert len(body(call(demo, "GET", f"/review/storefront/{item['id']}/CZ/"))) == rating["total_reviews"]
    assert reviewed >= 2
    home = body(call(demo, "GET", f"/recommender/storefront/HOMEPAGE/products/?{CZ}&limit=8"))
    assert len(home) == 8
    assert_renderable(home, "Kč", {item["id"] for item in home})


def _first_category(client) -> int:
    return body(call(client, "GET", "/category/storefront/"))[0]["id"]


def test_a_cz_order_by_bank_transfer_gets_a_qr_code(demo):
    from tests.cart.test_cart import BILLING, SHIPPING

    methods = body(call(demo, "GET", "/cart/storefront/methods/CZ/"))
    post = next(m for m in methods if m["shipping_method"]["title"] in ("Czech Post", "Česká pošta"))
    bank = next(p for p in post["payment_methods"]
                if p["payment_method"]["title"] in ("Bank transfer", "Bankovní převod"))
    item = body(call(demo, "GET", f"/category/storefront/{_first_category(demo)}/products/?{CZ}"))["results"][0]
    detail = body(call(demo, "GET", f"/product/storefront/{item['id']}/?{CZ}"))
    variant = next(v for v in detail["product_variants"] if v["stock_quantity"] > 0 and v["price"])
    token = body(call(demo, "POST", "/cart/storefront/", {"sku": variant["sku"], "product": item["id"],
                                                          "quantity": 1, "country": "CZ", "pricelist": "CZK"}))["token"]
    cart = f"/cart/storefront/{token}"
    assert call(demo, "PUT", f"{cart}/shipping-info/", SHIPPING).status_code == 204
    assert call(demo, "PUT", f"{cart}/billing-info/", BILLING).status_code == 204
    assert call(demo, "PUT", f"{cart}/shipping-method/{post['id']}/").status_code == 204
    assert call(demo, "PUT", f"{cart}/payment-method/{bank['id']}/").status_code == 204
    placed = call(demo, "POST", "/order/storefront/", {"cart_token": token, "agreed_to_terms": True})
    assert placed.status_code == 201, placed.body
    order = body(call(demo, "GET", f"/order/storefront/{body(placed)['token']}/"))
    total = order["order"]["cart"]["total_price_incl_vat"]
    payment = order["payment"]["data"]
    assert payment["payment_data"]["amount"] == total and payment["payment_data"]["currency"] == "CZK"
    # The QR image encodes the order's real total (SPD: "...*AM:<amount>*CC:CZK...").
    import base64
    import io

    import zxingcpp
    from PIL import Image

    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(base64.b64decode(payment["qr_code"]))))
    assert decoded and f"AM:{total}*" in decoded[0].text and "CC:CZK" in decoded[0].text, decoded


def test_a_shop_saved_with_the_old_demo_is_brought_up_to_date(demo):
    """A `.data/` shop loaded before these parts: its footer PageFrontend and runtime-less variants."""
    from chalicelib.catalog.products import service as products
    from chalicelib.catalog.products.schemas import PRODUCT
    from chalicelib.cms import demo as cms_demo
    from chalicelib.cms import service as cms
    from chalicelib.cms import store as cms_store
    from infra.local.demo import DEMO_MARKER, load_demo_data

    footer = next(int(c["id"]) for c in cms_store.list_categories() if c.get("code") == cms_demo.FOOTER_CODE)
    cms.create_page({"resourcetype": "PageFrontend", "published": True, "categories": [footer],
                     "frontend_path": cms_demo.CONTACT_PATH, "translations": {"en": {"title": "Contact"}}})
    first = products.get_product(1)
    products.replace_product(1, PRODUCT.validate({"published": True, "product_variants": [
        {"sku": v["sku"], "attributes": [int(a) for a in v["attributes"]][:2],  # language, resolution
         "stock_quantity": int(v["stock_quantity"])} for v in first["variants"]]}))
    db.put("main", {**DEMO_MARKER, "loaded": True, "parts": ["load_accounts", "load_catalog", "load_cms",
                                                             "load_localization", "load_methods", "load_orders"]})
    assert load_demo_data(log=lambda _line: None)
    footer_pages = [p for c in body(call(demo, "GET", "/cms/storefront/category/type/FOOTER/pages/"))
                    for p in c["page"]]
    assert footer_pages and all(p.get("slug") for p in footer_pages)
    assert all(len(v["attributes"]) == 3 for v in products.get_product(1)["variants"])
