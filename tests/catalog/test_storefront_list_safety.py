"""Storefront lists are safe to render (issue 17): category pages (C8 GET, C9 POST as the storefront sends
it), search (S1), recommendations (RS2, every situation, from the fallback and from a recommender), and
the cart (K23) and order (O9) a shopper opens later.

The storefront's product card reads `variant_prices[0].incl_vat` of every listed product: a product that
cannot be priced for the requested country and price list (no price in it, priced only in another list)
must not be listed, nor one unpublished or deleted. Out-of-stock products stay listed, as the original
lists them (its category query does not look at stock; the product page shows what is left). Counts and
pages describe what is listed, and a page is full whenever enough listable products exist.
"""

from __future__ import annotations

import pytest

from chalicelib.catalog.products import service as products
from chalicelib.core.settings import get_settings
from chalicelib.core.store import db
from chalicelib.recommender import client as rs_client
from chalicelib.recommender import popular
from chalicelib.search import fallback
from tests.catalog_fixtures import PNG, product_payload
from tests.helpers import body, call
from tests.orders.test_orders import ready_cart, submit
from tests.recommender.conftest import fake_rs  # noqa: F401 - the loopback recommender fixture
from tests.shop_fixtures import add_methods, admin_headers, build_shop

CZ = "country=CZ&pricelist=CZK_retail"
SK = "country=SK&pricelist=EUR_retail"


def _create(client, payload: dict) -> int:
    response = call(client, "POST", "/product/dashboard/detail/", payload, admin_headers())
    assert response.status_code == 201, response.body
    return body(response)["id"]


def _film(shop: dict, prefix: str, title: str, **changes) -> dict:
    payload = product_payload(shop, prefix, title)
    payload.update(changes)
    return payload


@pytest.fixture
def shop(client, monkeypatch, built_once):
    """Heat (build_shop) plus, all in the Action category and all "A film": two more sellable films, one
    sold out, one without any price, one priced only in EUR_retail, one unpublished, one deleted. The
    unsellable ones are the newest, so the recommender's fallback (newest first) meets them first."""
    for name in ("RS_URL", "RS_ENABLED"):
        monkeypatch.delenv(name, raising=False)
    rs_client.reset()
    popular.reset()
    fallback.reset()
    db.aws_client("s3").create_bucket(Bucket=get_settings().media_bucket,
                                      CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    def build() -> dict:
        ids = build_shop(client)
        ids["rows"] = add_methods(client, admin_headers(), ids)
        ids["alien"] = _create(client, _film(ids, "ALN", "Alien"))
        ids["ronin"] = _create(client, _film(ids, "RON", "Ronin"))
        sold_out = _film(ids, "OUT", "Soldout")
        for variant in sold_out["product_variants"]:
            variant["stock_quantity"] = 0
        ids["sold_out"] = _create(client, sold_out)
        unpriced = _film(ids, "NOP", "Unpriced")
        for variant in unpriced["product_variants"]:
            variant["price"] = []
        ids["unpriced"] = _create(client, unpriced)
        euro_only = _film(ids, "EUR", "Euroonly")
        for variant in euro_only["product_variants"]:
            variant["price"] = [{"price_list": "EUR_retail", "price": "3.75"}]
        ids["euro_only"] = _create(client, euro_only)
        ids["hidden"] = _create(client, _film(ids, "HID", "Hidden", published=False))
        ids["gone"] = _create(client, _film(ids, "GON", "Gone"))
        assert call(client, "DELETE", f"/product/dashboard/detail/{ids['gone']}/", headers=admin_headers()
                    ).status_code == 204
        media = call(client, "POST", "/product/dashboard/media/", {"media": PNG, "product_id": ids["alien"],
                                                                   "type": "IMAGE", "alt": "Alien poster"},
                     admin_headers())
        assert media.status_code in (200, 201), media.body
        ids["sellable_cz"] = {ids["heat"], ids["alien"], ids["ronin"], ids["sold_out"]}
        ids["sellable_sk"] = {ids["heat"], ids["alien"], ids["ronin"], ids["sold_out"], ids["euro_only"]}
        return ids

    return built_once("storefront list safety shop", build)  # written once per worker, then restored


def assert_renderable(items: list[dict], symbol: str, allowed: set[int]) -> None:
    """What the storefront's ProductCard and carousels read, for every listed product."""
    for item in items:
        assert item["id"] in allowed, (item["id"], item.get("title"))
        assert isinstance(item["title"], str) and item["title"], item
        assert isinstance(item["slug"], str) and item["slug"], item
        image = item["primary_image"]
        assert image is None or (isinstance(image["media"], str) and image["media"]), item
        assert item["variant_prices"], f"product {item['id']} is listed without a price"
        for price in item["variant_prices"]:
            assert isinstance(price["incl_vat"], (int, float)) and isinstance(price["without_vat"], (int, float))
            assert price["incl_vat"] >= price["without_vat"] > 0
            assert symbol in price["incl_vat_formatted"] and symbol in price["without_vat_formatted"]
            assert isinstance(price["sku"], str) and price["sku"]


def _pages(client, category: int, query: str, limit: int, body_json=None) -> list[dict]:
    """Every page of a category listing; checks the envelope on the way."""
    seen, page = [], 1
    while True:
        path = f"/category/storefront/{category}/products/?{query}&limit={limit}&page={page}"
        response = (call(client, "GET", path) if body_json is None else call(client, "POST", path, body_json))
        assert response.status_code == 200, response.body
        data = body(response)
        seen.append(data)
        if data["links"]["next"] is None:
            return seen
        page += 1


@pytest.mark.parametrize("limit", [2, 3, 10])
@pytest.mark.parametrize("request_body", [
    None,
    # What the storefront sends on a category page: every filter of the category, textual ones empty
    # and numeric ones with all their values, plus its sort choice.
    {"filters": {"textual": [{"id": "LANG", "selected_values_ids": []}], "numeric": []}, "sort_by": None,
     "order": None},
    {"filters": {"textual": [{"id": "LANG", "selected_values_ids": "ALL"}], "numeric": []}, "sort_by": "price",
     "order": "asc"},
    {"filters": {"textual": [], "numeric": []}, "sort_by": "price", "order": "desc"},
    {"filters": {"textual": [], "numeric": []}, "sort_by": "title", "order": "asc"},
    {"filters": {"textual": [], "numeric": []}, "sort_by": "recommended", "order": "asc"},
], ids=["get", "post-empty-filters", "post-all-values-by-price", "post-price-desc", "post-title",
        "post-recommended"])
def test_category_pages_list_only_what_they_can_price(client, shop, limit, request_body):
    if request_body is not None:
        for selection in request_body["filters"]["textual"]:
            selection["id"] = shop["language"]
            if selection["selected_values_ids"] == "ALL":
                selection["selected_values_ids"] = [shop["english"], shop["czech"]]
    for category in (shop["movies"], shop["action"]):
        for query, symbol, allowed in ((CZ, "Kč", shop["sellable_cz"]), (SK, "€", shop["sellable_sk"])):
            pages = _pages(client, category, query, limit, request_body)
            listed = [item for page in pages for item in page["results"]]
            for page in pages:
                assert_renderable(page["results"], symbol, allowed)
                assert page["count"] == len(allowed) and page["total_pages"] == -(-len(allowed) // limit)
            assert [len(p["results"]) for p in pages[:-1]] == [limit] * (len(pages) - 1)  # full pages
            assert sorted(item["id"] for item in listed) == sorted(allowed)  # each once, none missing


def test_category_price_sort_orders_what_is_listed(client, shop):
    listed = body(call(client, "POST", f"/category/storefront/{shop['action']}/products/?{CZ}",
                       {"sort_by": "price", "order": "asc"}))["results"]
    lowest = [min(p["incl_vat"] for p in item["variant_prices"]) for item in listed]
    assert lowest == sorted(lowest) and {item["id"] for item in listed} == shop["sellable_cz"]


def test_search_lists_only_what_it_can_price(client, shop):
    for query, symbol, allowed in ((CZ, "Kč", shop["sellable_cz"]), (SK, "€", shop["sellable_sk"])):
        response = call(client, "GET", f"/search/storefront/product/en/film?{query}&limit=20")
        assert response.status_code == 200, response.body
        found = body(response)
        assert_renderable(found, symbol, allowed)
        assert {item["id"] for item in found} == allowed
    # Unsellable products that match better (the word in their titles) than the sellable ones: a short
    # page is filled from further hits instead of coming back short.
    _unpriced_films(client, shop, 8, "Film")
    fallback.reset()
    first = body(call(client, "GET", f"/search/storefront/product/en/film?{CZ}&limit=2"))
    assert len(first) == 2
    assert_renderable(first, "Kč", shop["sellable_cz"])


def _unpriced_films(client, shop: dict, count: int, title: str) -> None:
    for index in range(count):
        payload = _film(shop, f"X{index}", f"{title} X{index}")
        for variant in payload["product_variants"]:
            variant["price"] = [{"price_list": "EUR_retail", "price": "2"}]
        _create(client, payload)


def _situations(shop: dict) -> dict[str, str]:
    return {"HOMEPAGE": "", "CATEGORY_LIST": f"&category_id={shop['action']}",
            "PRODUCT_DETAIL": f"&product_id={shop['alien']}", "CART": "&variants_in_cart=HEAT-EN"}


def _recommended(client, situation: str, query: str, extra: str, limit: int = 10) -> list[dict]:
    response = call(client, "GET", f"/recommender/storefront/{situation}/products/?{query}&limit={limit}{extra}"
                                   "&session_id=s-1")
    assert response.status_code == 200, response.body
    return body(response)


def test_recommendations_from_the_fallback_list_only_what_they_can_price(client, shop):
    for situation, extra in _situations(shop).items():
        excluded = {shop["alien"]} if situation == "PRODUCT_DETAIL" else set()
        excluded |= {shop["heat"]} if situation == "CART" else set()
        for query, symbol, allowed in ((CZ, "Kč", shop["sellable_cz"]), (SK, "€", shop["sellable_sk"])):
            items = _recommended(client, situation, query, extra)
            assert_renderable(items, symbol, allowed - excluded)
            assert {item["id"] for item in items} == allowed - excluded, situation
    # Newest first, a dozen products not sold in CZK first in line: a small carousel is still full.
    _unpriced_films(client, shop, 12, "Newer")
    popular.reset()
    for situation, extra in _situations(shop).items():
        items = _recommended(client, situation, CZ, extra, limit=2)
        assert len(items) == 2, situation
        assert_renderable(items, "Kč", shop["sellable_cz"])


def test_recommendations_from_a_recommender_list_only_what_they_can_price(client, shop, fake_rs):  # noqa: F811
    every_sku = [f"{prefix}-EN" for prefix in ("NOP", "EUR", "HID", "GON", "OUT", "RON", "ALN", "HEAT")]
    info = {"recommendation_type": "HOMEPAGE", "model_identifier": "m-1", "model_name": "ease"}
    fake_rs.answers["/predict"] = (200, [{"product_variant_sku": sku, "rs_info": {**info, "position": index}}
                                         for index, sku in enumerate(every_sku)])
    for situation, extra in _situations(shop).items():
        excluded = {shop["alien"]} if situation == "PRODUCT_DETAIL" else set()
        excluded |= {shop["heat"]} if situation == "CART" else set()
        items = _recommended(client, situation, CZ, extra, limit=3)
        assert_renderable(items, "Kč", shop["sellable_cz"] - excluded)
        assert len(items) == 3, (situation, [i["id"] for i in items])
        assert items[0]["id"] == shop["sold_out"] and items[0]["rs_info"]["position"] == 4  # the RS's order


def test_cart_and_order_with_a_product_that_became_unsellable(client, shop):
    carts = [ready_cart(client, shop, product=shop["alien"], sku="ALN-EN", quantity=1),
             ready_cart(client, shop, product=shop["ronin"], sku="RON-EN", quantity=2)]
    # Ronin loses its CZK price, Alien is unpublished: the shopper opens the cart again.
    ronin = body(call(client, "GET", f"/product/dashboard/detail/{shop['ronin']}/", headers=admin_headers()))
    unpriced = _film(shop, "RON", "Ronin")
    for variant in unpriced["product_variants"]:
        variant["price"] = [p for p in variant["price"] if p["price_list"] != "CZK_retail"]
    assert call(client, "PUT", f"/product/dashboard/detail/{ronin['id']}/", unpriced, admin_headers()
                ).status_code == 200
    products.replace_product(shop["alien"], _validated_payload(_film(shop, "ALN", "Alien", published=False)))
    for token in carts:
        response = call(client, "GET", f"/cart/storefront/{token}/")
        assert response.status_code == 200, response.body
        cart = body(response)
        assert len(cart["cart_items"]) == 1
        for line in cart["cart_items"]:
            assert line["product_title"] and line["product_slug"], line
            assert "Kč" in line["unit_price_incl_vat_formatted"] and "Kč" in line["unit_price_without_vat_formatted"]
        assert call(client, "GET", f"/cart/storefront/{token}/detail/").status_code == 200
    # The cart page's carousel (RS2 CART) still lists only sellable products.
    items = _recommended(client, "CART", CZ, "&variants_in_cart=ALN-EN,RON-EN")
    assert_renderable(items, "Kč", {shop["heat"], shop["sold_out"]})
    # An order placed before the change shows what was bought.
    order_token = body(submit(client, ready_cart(client, shop, product=shop["heat"], sku="HEAT-EN", quantity=1)))
    order_token = order_token["token"]
    products.replace_product(shop["heat"], _validated_payload(_film(shop, "HEAT", "Heat", published=False)))
    order = call(client, "GET", f"/order/storefront/{order_token}/")
    assert order.status_code == 200, order.body
    lines = body(order)["order"]["cart"]["cart_items"]
    assert lines and all(line["product_title"] and "Kč" in line["unit_price_incl_vat_formatted"] for line in lines)


def _validated_payload(payload: dict) -> dict:
    from chalicelib.catalog.products.schemas import PRODUCT

    return PRODUCT.validate(payload)
