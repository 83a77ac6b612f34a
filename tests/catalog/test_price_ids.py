"""A product's new prices are numbered in one counter update, in the order they were sent: the dashboard's
save of a product with several variants and price lists waits for one id round trip, not one per price."""

from __future__ import annotations

from chalicelib.catalog.products import service as products
from chalicelib.catalog.products.schemas import PRODUCT
from tests.catalog_fixtures import build_catalog, product_payload
from tests.helpers import AwsCalls


def _price_ids(product: dict) -> list[tuple[str, str, int]]:
    return [(variant["sku"], price["price_list"], price["id"]) for variant in product["variants"]
            for price in variant["price"]]


def test_new_prices_get_ids_in_sent_order_from_one_counter_update(aws):
    ids = build_catalog()
    payload = product_payload(ids, sku_prefix="HEAT", title="Heat")
    with AwsCalls() as calls:
        heat = products.create_product(PRODUCT.validate(payload))
    assert calls.operations.count("UpdateItem") == 2  # the product's id, then its three prices' ids
    assert _price_ids(heat) == [("HEAT-EN", "CZK_retail", 1), ("HEAT-EN", "EUR_retail", 2),
                                ("HEAT-CS", "CZK_retail", 3)]

    # An edit keeps the ids of the prices it keeps; the new ones continue the sequence, sent order kept,
    # and each variant lists its prices by id.
    payload["product_variants"][0]["price"] = [{"price_list": "EUR_retail", "price": "5.20"},
                                               {"price_list": "CZK_retail", "price": "150", "discount": "25"}]
    payload["product_variants"][1]["price"] = [{"price_list": "EUR_retail", "price": "3.10"},
                                               {"price_list": "CZK_retail", "price": "100"}]
    payload["product_variants"].append({"sku": "HEAT-DE", "stock_quantity": 1, "attributes": [],
                                        "price": [{"price_list": "EUR_retail", "price": "4"},
                                                  {"price_list": "CZK_retail", "price": "99"}]})
    edited = products.replace_product(int(heat["id"]), PRODUCT.validate(payload))
    assert _price_ids(edited) == [("HEAT-EN", "CZK_retail", 1), ("HEAT-EN", "EUR_retail", 2),
                                  ("HEAT-CS", "CZK_retail", 3), ("HEAT-CS", "EUR_retail", 4),
                                  ("HEAT-DE", "EUR_retail", 5), ("HEAT-DE", "CZK_retail", 6)]
    eur = next(p for p in edited["variants"][0]["price"] if p["price_list"] == "EUR_retail")
    assert str(eur["price"]) == "5.20"
