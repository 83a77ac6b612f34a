"""Oversized values are a 400 naming the field, never a 500 (issue #16 item 9): a 500 KB product
description passed DynamoDB's 400 KB item limit, and a stock of 10**40 its 38 digits."""

from __future__ import annotations

import pytest

from tests.catalog_fixtures import build_catalog, product_payload
from tests.helpers import body, call
from tests.shop_fixtures import admin_headers


@pytest.fixture
def ids(client):
    return build_catalog()


def test_a_huge_stock_is_a_400_naming_the_field(client, ids):
    payload = product_payload(ids)
    payload["product_variants"][0]["stock_quantity"] = 10**40
    response = call(client, "POST", "/product/dashboard/detail/", payload, admin_headers())
    assert response.status_code == 400
    assert body(response) == {"product_variants": [{"stock_quantity": [
        "Ensure this value is less than or equal to 2147483647."]}, {}]}


def test_a_description_past_the_item_limit_is_a_400_naming_it_and_nothing_is_stored(client, ids):
    before = body(call(client, "GET", "/product/dashboard/", headers=admin_headers()))["count"]
    payload = product_payload(ids)
    payload["translations"]["en"]["description"] = "x" * 500_000
    response = call(client, "POST", "/product/dashboard/detail/", payload, admin_headers())
    assert response.status_code == 400, response.status_code
    (message,) = body(response)["translations"]["en"]["description"]
    assert "400 KB" in message
    assert body(call(client, "GET", "/product/dashboard/", headers=admin_headers()))["count"] == before


def test_an_oversized_update_keeps_the_product_as_it_was(client, ids):
    created = call(client, "POST", "/product/dashboard/detail/", product_payload(ids), admin_headers())
    path = f"/product/dashboard/detail/{body(created)['id']}/"
    product = body(call(client, "GET", path, headers=admin_headers()))
    product["translations"]["cs"]["description"] = "é" * 300_000
    response = call(client, "PUT", path, product, admin_headers())
    assert response.status_code == 400 and "description" in body(response)["translations"]["cs"]
    kept = body(call(client, "GET", path, headers=admin_headers()))["translations"]["cs"]
    assert kept["description"] != "é" * 300_000


# --- item 10: bodies and paths that are not what they look like -------------------------------------------

def test_an_empty_product_body_creates_nothing(client, ids):
    for sent in ({}, None):
        response = call(client, "POST", "/product/dashboard/detail/", sent, admin_headers())
        assert response.status_code == 400 and body(response) == {"non_field_errors": ["No data provided"]}
    assert body(call(client, "GET", "/product/dashboard/", headers=admin_headers()))["count"] == 0


def test_an_id_in_other_digits_is_not_an_id(client, ids):
    created = call(client, "POST", "/product/dashboard/detail/", product_payload(ids), admin_headers())
    product_id = body(created)["id"]
    assert product_id == 1
    query = "?country=CZ&pricelist=CZK_retail"
    assert call(client, "GET", f"/product/storefront/1/{query}").status_code == 200
    for path in ("/product/storefront/\u0661/", "/product/storefront/%D9%A1/", "/product/dashboard/detail/\uff11/"):
        response = call(client, "GET", path + query, headers=admin_headers())
        assert response.status_code == 404, (path, response.body)
