"""Product recommendations for a storefront situation (RS2): the recommender's when it answers, else
popular products.

* With an RS: `POST {RS_URL}/predict` with the situation, the shopper (session and e-mail), the limit,
  every query parameter as the original forwards it, and the situation's variants (the product's for
  PRODUCT_DETAIL, the cart's for CART). Its variant SKUs are mapped to their products, each product
  once, in the RS's order, with the first variant's `rs_info` (the storefront copies it into its
  RECOMMENDATION_VIEW events, which the RS's monitoring reads).
* Without one, when it fails or times out, or when none of its SKUs is a published product: the
  popular products (popular.py). The RS's answer is not topped up with them: fewer products than the
  limit is its choice, but its products that cannot be listed are skipped for the next ones it named.
* Either way the current product (`product_id`) and the products in the cart (`variants_in_cart`)
  are left out, and the answer is a list of ProductStorefrontList items priced for the shopper's
  country and price list: a product that cannot be priced there is left out (the storefront's card
  reads `variant_prices[0]`), as are unpublished and deleted ones; out-of-stock ones stay.
"""

from __future__ import annotations

import logging

from chalicelib.catalog import pricing
from chalicelib.catalog.products import service as products
from chalicelib.catalog.storefront import service as storefront
from chalicelib.recommender import client, popular, store
from chalicelib.recommender.schemas import RecommendationQuery

logger = logging.getLogger("ecoseller.recommender")

# List-item batches tried to fill `limit` when some ranked products cannot be listed (unpublished, or not
# priced in the shopper's price list); each batch is twice the previous one, so a carousel of 10 looks
# at up to 20 + 40 + ... + 320 candidates (a few BatchGetItems) before it settles for fewer.
FALLBACK_ROUNDS = 5
RS_OVERFETCH = 3  # the RS's products rendered per place in the carousel, at most


def owners_of(skus: list[str]) -> dict[str, int]:
    """`{sku: product_id}` for the SKUs that belong to a live product (one BatchGetItem per 100).

    Reads the catalog's SKU claims (`keys.unique("SKU", sku)`, owner = product id): one batch instead of
    `products.find_variant` per SKU, which costs two reads each. A claim is removed with its variant or
    product, and the list items leave unpublished products out.
    """
    found = store.sku_owners(skus)
    return {sku: found[sku] for sku in skus if sku in found}


def _variant_skus(product_id: int | None) -> list[str]:
    product = products.get_product(product_id) if product_id else None
    return [v["sku"] for v in (product or {}).get("variants", [])]


def _predict_body(query: RecommendationQuery, user_id: str | None) -> dict:
    body = {**query.forwarded, "recommendation_type": query.situation, "session_id": query.session_id,
            "user_id": user_id, "limit": query.limit}
    if query.situation == "PRODUCT_DETAIL":
        body["variants"] = query.variants or _variant_skus(query.product_id)
    elif query.situation == "CART":
        body["variants_in_cart"] = query.variants_in_cart
    if query.category_id is not None:
        body["category_id"] = query.category_id
    return body


def _from_recommender(query: RecommendationQuery, user_id: str | None, excluded: set[int], language: str,
                      origin: str) -> list[dict]:
    try:
        answer = client.predict(_predict_body(query, user_id))
    except client.RecommenderError:
        return []
    if not isinstance(answer, list):
        logger.warning("recommender predict: expected a list, got %s", type(answer).__name__)
        return []
    entries = [e for e in answer if isinstance(e, dict) and isinstance(e.get("product_variant_sku"), str)]
    owners = owners_of(list(dict.fromkeys(e["product_variant_sku"] for e in entries)))
    info: dict[int, dict | None] = {}
    for entry in entries:
        product_id = owners.get(entry["product_variant_sku"])
        if product_id is not None and product_id not in excluded and product_id not in info:
            info[product_id] = entry.get("rs_info") if isinstance(entry.get("rs_info"), dict) else None
    # All the RS's products are rendered, then cut to the limit: some may not be sellable in this price
    # list (or unpublished), and those are left out without leaving the carousel short.
    ids = list(info)[: query.limit * RS_OVERFETCH]
    items = storefront.list_items(ids, query.country, query.pricelist, language, origin)[: query.limit]
    for item in items:
        if info.get(item["id"]) is not None:
            item["rs_info"] = info[item["id"]]
    return items


def popular_items(limit: int, excluded: set[int], country: str | None, price_list: str | None, language: str,
                  origin: str) -> list[dict]:
    """Up to `limit` published popular products, best first, without the `excluded` product ids."""
    candidates = [product_id for product_id in popular.ranking() if product_id not in excluded]
    found: list[dict] = []
    start, size = 0, max(limit * 2, 10)
    context = None
    for _round in range(FALLBACK_ROUNDS):
        if len(found) >= limit or start >= len(candidates):
            break
        chunk = candidates[start:start + size]  # some may not be listable: ask for more
        start, size = start + len(chunk), size * 2
        if context is None:
            context = pricing.load(country, price_list)
        found += storefront.list_items(chunk, country, price_list, language, origin, context=context)
    return found[:limit]


def recommend(query: RecommendationQuery, user_id: str | None, language: str, origin: str) -> list[dict]:
    """ProductStorefrontList items for `query` (RS2); never fails because of the recommender."""
    excluded = set(owners_of(query.variants_in_cart).values())
    if query.product_id is not None:
        excluded.add(query.product_id)
    items: list[dict] = []
    if client.is_configured():
        items = _from_recommender(query, user_id, excluded, language, origin)
    else:
        logger.debug("recommendations from the fallback: %s", client.not_configured())
    if not items:
        items = popular_items(query.limit, excluded, query.country, query.pricelist, language, origin)
    return items
