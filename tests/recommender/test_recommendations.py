"""RS2: recommendations from the recommender when it answers, popular products (units sold, then newest)
when there is none, it fails, times out or answers nonsense; always ProductStorefrontList items."""

from __future__ import annotations

import pytest

from chalicelib.catalog.products import service as products
from chalicelib.recommender import client as rs_client
from tests.helpers import auth, body, call, make_user
from tests.recommender.conftest import make_product, sell


def recommend(client, situation, query="", headers=None):
    return call(client, "GET", f"/recommender/storefront/{situation}/products/{query}", headers=headers)


def ids_of(response) -> list[int]:
    assert response.status_code == 200, response.body
    return [item["id"] for item in body(response)]


@pytest.mark.parametrize("situation", ["NOPE", "cart", "ORDER"])
def test_unknown_situation_is_404(client, situation):
    response = recommend(client, situation)
    assert response.status_code == 404 and body(response) == {"message": "Unknown RS situation!"}


@pytest.mark.parametrize(("query", "field"), [
    ("?limit=0", "limit"), ("?limit=51", "limit"), ("?limit=ten", "limit"), ("?product_id=abc", "product_id"),
    ("?category_id=-1", "category_id"),
])
def test_bad_query_is_400_naming_the_parameter(client, query, field):
    response = recommend(client, "HOMEPAGE", query)
    assert response.status_code == 400 and list(body(response)) == [field]


def test_fallback_is_best_sellers_then_newest_published(client, shop):
    sell(shop["ronin"], 5)
    sell(shop["heat"], 9)
    sell(shop["hidden"], 50)  # unpublished: never recommended
    sell(shop["alien"], 0)
    response = recommend(client, "HOMEPAGE", "?country=CZ&pricelist=CZK_retail")
    assert ids_of(response) == [shop["heat"], shop["ronin"], shop["fargo"], shop["drive"], shop["alien"]]
    first = body(response)[0]
    assert first == {"id": shop["heat"], "title": "Heat", "meta_title": "Heat", "meta_description": "",
                     "slug": "heat", "primary_image": None, "variant_prices": first["variant_prices"]}
    assert first["variant_prices"][0] == {"without_vat": 112.5, "incl_vat": 136.125,
                                          "without_vat_formatted": "112.50 Kč", "incl_vat_formatted": "136.13 Kč",
                                          "discount": 25.0, "sku": "F1-EN"}
    assert "rs_info" not in first


def test_fallback_limit_and_exclusions(client, shop):
    sell(shop["drive"], 3)
    assert ids_of(recommend(client, "HOMEPAGE", "?limit=2")) == [shop["drive"], shop["fargo"]]
    # The current product is left out, and so are the products in the cart.
    assert ids_of(recommend(client, "PRODUCT_DETAIL", f"?product_id={shop['drive']}&limit=2")) == [
        shop["fargo"], shop["ronin"]]
    cart = recommend(client, "CART", "?variants_in_cart=F5-EN,F4-CS,UNKNOWN&limit=3")
    assert ids_of(cart) == [shop["ronin"], shop["alien"], shop["heat"]]


def test_fallback_skips_deleted_and_fills_the_limit(client, shop):
    for product_id in (shop["fargo"], shop["drive"]):
        products.delete_product(product_id)
    extra = [make_product(shop, f"X{i}", f"Extra {i}", published=False) for i in range(4)]
    response = recommend(client, "HOMEPAGE", "?limit=3")
    assert ids_of(response) == [shop["ronin"], shop["alien"], shop["heat"]]
    assert not set(extra) & set(ids_of(response))


def test_empty_shop_answers_an_empty_list(client):
    response = recommend(client, "HOMEPAGE")
    assert response.status_code == 200 and body(response) == []


def test_recommender_order_mapped_to_products_with_rs_info(client, shop, fake_rs):
    info = {"recommendation_type": "HOMEPAGE", "model_identifier": "m-7", "model_name": "ease", "position": 0}
    fake_rs.answers["/predict"] = (200, [
        {"product_variant_sku": "F3-CS", "rs_info": info},
        {"product_variant_sku": "F3-EN", "rs_info": {**info, "position": 1}},  # same product: once
        {"product_variant_sku": "F6-EN", "rs_info": info},  # unpublished
        {"product_variant_sku": "GONE", "rs_info": info},
        {"sku": "malformed"},
        {"product_variant_sku": "F1-EN"},
    ])
    response = recommend(client, "HOMEPAGE", "?limit=5&session_id=abc&country=CZ&pricelist=CZK_retail&page=2")
    assert ids_of(response) == [shop["ronin"], shop["heat"]]
    first, second = body(response)
    assert first["rs_info"] == info and "rs_info" not in second
    assert first["variant_prices"][0]["sku"] == "F3-EN"
    sent = fake_rs.last("/predict").body
    assert sent == {"limit": 5, "session_id": "abc", "country": "CZ", "pricelist": "CZK_retail", "page": 2,
                    "recommendation_type": "HOMEPAGE", "user_id": None}


def test_recommender_gets_the_situation_context(client, shop, fake_rs):
    make_user("shopper@example.com", "pw")
    fake_rs.answers["/predict"] = (200, [{"product_variant_sku": "F2-EN"}, {"product_variant_sku": "F1-EN"}])
    detail = recommend(client, "PRODUCT_DETAIL", f"?product_id={shop['heat']}", headers=auth("shopper@example.com"))
    assert ids_of(detail) == [shop["alien"]]  # the current product is left out
    sent = fake_rs.last("/predict").body
    assert sent["variants"] == ["F1-EN", "F1-CS"] and sent["user_id"] == "shopper@example.com"
    assert sent["product_id"] == shop["heat"] and sent["limit"] == 10

    recommend(client, "PRODUCT_DETAIL", "?variants=F1-CS")
    assert fake_rs.last("/predict").body["variants"] == ["F1-CS"]

    cart = recommend(client, "CART", "?variants_in_cart=F2-EN,F2-CS")
    assert ids_of(cart) == [shop["heat"]]
    assert fake_rs.last("/predict").body["variants_in_cart"] == ["F2-EN", "F2-CS"]

    recommend(client, "CATEGORY_LIST", f"?category_id={shop['action']}")
    assert fake_rs.last("/predict").body["category_id"] == shop["action"]


@pytest.mark.parametrize("answer", [(500, {"error": "boom"}), (404, []), (200, {"not": "a list"}),
                                    (200, b"<html>"), (200, [])])
def test_recommender_failure_or_nothing_usable_falls_back(client, shop, fake_rs, answer):
    sell(shop["alien"], 2)
    fake_rs.answers["/predict"] = answer
    assert ids_of(recommend(client, "HOMEPAGE", "?limit=2")) == [shop["alien"], shop["fargo"]]
    assert fake_rs.paths() == ["POST /predict"]


def test_slow_recommender_times_out_then_is_left_alone(client, shop, fake_rs, caplog, monkeypatch):
    monkeypatch.setattr(rs_client, "STOREFRONT_TIMEOUT", 1.0)
    fake_rs.delay = 5.0
    assert ids_of(recommend(client, "HOMEPAGE", "?limit=1")) == [shop["fargo"]]
    assert "ReadTimeout" in caplog.text  # it gave up on the RS rather than wait for it
    # Cooling down: the next shoppers get the fallback without a call.
    fake_rs.delay = 0
    assert ids_of(recommend(client, "HOMEPAGE", "?limit=1")) == [shop["fargo"]]
    assert fake_rs.paths() == ["POST /predict"]
    rs_client.reset()
    fake_rs.answers["/predict"] = (200, [{"product_variant_sku": "F1-EN"}])
    assert ids_of(recommend(client, "HOMEPAGE", "?limit=1")) == [shop["heat"]]


def test_unreachable_recommender_falls_back(client, shop, monkeypatch):
    monkeypatch.setenv("RS_URL", "http://127.0.0.1:9")  # discard port: connection refused
    assert ids_of(recommend(client, "HOMEPAGE", "?limit=1")) == [shop["fargo"]]
