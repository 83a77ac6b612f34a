"""The storefront's catalog reads (contract P1, C8-C10): product detail and category product pages.

Each read costs a fixed number of DynamoDB calls, whatever the catalog size:
* product detail: the product (GetItem), the catalog reference (one Query), pricing (one Query);
* a category page: reference and pricing (two Queries), the listings of the category and its published
  descendants (one BatchGetItem), then that page's products (one BatchGetItem).
Where the original answers 500 (a variant without a price in the list, a country without VAT groups,
an unknown sort), this answers 200 with what can be priced, or a 400 naming the field.

Storefront lists (category pages, and search and recommendations through `list_items`) hold only what
the storefront can render: published, live products with at least one variant priced in the price list
and a VAT rate in the country (its product card reads `variant_prices[0]`; the original listed them
with `variant_prices: []` and the page crashed). Out-of-stock products are listed, as the original
lists them. A category page's count and pages describe what it lists.

Filters (C9): OR within an attribute type, AND across types, as the original. One difference: a
selection holding every value of its attribute type constrains nothing. The storefront sends each
numeric filter the shopper left at "from -"/"to -" as all of its type's values; the original then
dropped every product without a value of that type, so a category whose products lack one type's
values answered no products at all to the storefront's first filtered request.
"""

from __future__ import annotations

from decimal import Decimal

from chalicelib.catalog import pricing
from chalicelib.catalog.categories import service as categories
from chalicelib.catalog.listing import store as listing
from chalicelib.catalog.products import service as products
from chalicelib.catalog.products.views import primary_image, sorted_media
from chalicelib.catalog.reference.store import BASE_ATTRIBUTES, CATEGORIES, PRODUCT_TYPES, catalog_snapshot
from chalicelib.catalog.taxonomy import service as attributes
from chalicelib.core import media, money, providers
from chalicelib.core.http import i18n, pagination
from chalicelib.core.http.errors import ApiError

DETAIL_TEXTS = ("title", "meta_title", "meta_description", "short_description", "description",
                "description_editorjs", "slug")
LIST_TEXTS = ("title", "meta_title", "meta_description", "slug")
PRODUCT_MISSING = {"error": "Product does not exist"}


def product_type_of(snapshot: dict, type_id) -> dict | None:
    if type_id is None:
        return None
    return next((t for t in snapshot[PRODUCT_TYPES.kind] if int(t["id"]) == int(type_id)), None)


def price_in(variant: dict, price_list_code: str) -> dict | None:
    return next((p for p in variant.get("price", []) if p["price_list"] == price_list_code), None)


def _media_json(entry: dict, origin: str) -> dict:
    return {"id": int(entry["id"]), "media": media.absolute_url(origin, entry["key"]), "type": entry["type"],
            "alt": entry.get("alt")}


# --- P1 -------------------------------------------------------------------------------------------

def _detail_price(variant: dict, context: pricing.Pricing, rate: Decimal | None) -> dict | None:
    """Undiscounted prices formatted, with the discount block only when there is a discount."""
    price = price_in(variant, context.price_list["code"])
    if price is None or rate is None:
        return None
    net = Decimal(str(price["price"]))
    gross = money.with_vat(net, rate)
    block = {"without_vat": context.format(net), "incl_vat": context.format(gross), "vat": float(rate),
             "discount": None}
    discount = price.get("discount")
    if discount is not None and Decimal(str(discount)) > 0:
        block["discount"] = {"percentage": float(discount),
                             "without_vat": context.format(money.discounted(net, discount)),
                             "incl_vat": context.format(money.discounted(gross, discount))}
    return block


def product_detail(product_id, country: str | None, price_list: str | None, language: str, origin: str) -> dict:
    product = products.get_product(product_id)
    if product is None or not product.get("published"):
        raise ApiError(PRODUCT_MISSING, 404)
    snapshot = catalog_snapshot()
    context = pricing.load(country, price_list)
    rate = context.vat_rate(product_type_of(snapshot, product.get("type_id")))
    lookup = attributes.attribute_lookup(snapshot)
    texts = i18n.flatten(product.get("translations"), language, DETAIL_TEXTS)
    crumbs = (categories.breadcrumbs(product["category"], snapshot[CATEGORIES.kind], language)
              if product.get("category") is not None else [])
    return {
        "id": int(product["id"]),
        "breadcrumbs": crumbs,
        **texts,
        "product_variants": [{
            "sku": v["sku"],
            "ean": v.get("ean") or "",
            "weight": None if v.get("weight") is None else money.decimal_str(v["weight"]),
            "recommendation_weight": None if v.get("recommendation_weight") is None
            else float(v["recommendation_weight"]),
            "stock_quantity": int(v.get("stock_quantity", 0)),
            "price": _detail_price(v, context, rate),
            "attributes": [attributes.render_storefront_attribute(lookup[int(a)], language)
                           for a in v.get("attributes", []) if int(a) in lookup],
        } for v in product.get("variants", [])],
        "media": [_media_json(m, origin) for m in sorted_media(product)],
    }


# --- ProductStorefrontList (C8/C9, search, recommendations) ---------------------------------------

def list_item(product: dict, context: pricing.Pricing, snapshot: dict, language: str, origin: str) -> dict:
    """Discounted prices, one entry per variant priced in the list (others are left out).

    The numbers are unrounded, as the original gives them (475.53, 136.125); only the formatted strings
    follow the price list's rounding (contract 3.1, core/money.py says how)."""
    rate = context.vat_rate(product_type_of(snapshot, product.get("type_id")))
    variant_prices = []
    for variant in product.get("variants", []):
        price = price_in(variant, context.price_list["code"])
        if price is None or rate is None:
            continue
        discount = price.get("discount")
        discount = discount if discount is not None and Decimal(str(discount)) > 0 else None
        net = money.discounted(Decimal(str(price["price"])), discount)
        gross = money.with_vat(net, rate)
        variant_prices.append({
            "without_vat": float(net),
            "incl_vat": float(gross),
            "without_vat_formatted": context.format(net),
            "incl_vat_formatted": context.format(gross),
            "discount": float(discount) if discount is not None else None,
            "sku": variant["sku"],
        })
    image = primary_image(product)
    return {"id": int(product["id"]), **i18n.flatten(product.get("translations"), language, LIST_TEXTS),
            "primary_image": _media_json(image, origin) if image else None, "variant_prices": variant_prices}


def listable(items: list[dict]) -> list[dict]:
    """The items a storefront can render: its product card reads `variant_prices[0]`, so a product
    without a price in the list (or without a VAT rate in the country) is left out, not listed empty."""
    return [item for item in items if item["variant_prices"]]


def list_items(ids: list[int], country: str | None, price_list: str | None, language: str, origin: str,
               *, context: pricing.Pricing | None = None) -> list[dict]:
    """ProductStorefrontList items for the published, priceable products among `ids`, in the given
    order (one BatchGetItem + references). Unpublished, deleted and unpriced products are left out;
    out-of-stock ones stay, as the original lists them. `context` saves its Query when the caller
    already loaded the pricing."""
    found = [p for p in products.get_many(ids) if p.get("published")]
    if not found:
        return []
    snapshot = catalog_snapshot()
    context = context or pricing.load(country, price_list)
    return listable([list_item(p, context, snapshot, language, origin) for p in found])


# --- C8 / C9 / C10 --------------------------------------------------------------------------------

def _visible_category(category_id, snapshot: dict) -> list[int]:
    items = snapshot[CATEGORIES.kind]
    if not categories.is_visible(category_id, items):
        raise ApiError(None, 404)  # the original's empty 404
    return categories.descendant_ids(category_id, items, published_only=True)


def _matches(entry: dict, selections: list[set[int]]) -> bool:
    """OR within an attribute type, AND across types, over all of the product's variants."""
    attributes_of_product = set(entry.get("a", []))
    return all(attributes_of_product & selected for selected in selections)


def _selections(filters: dict | None, snapshot: dict) -> list[set[int]]:
    """The value sets that constrain the page. An empty selection, and one holding every value of its
    attribute type, constrain nothing: the storefront sends each numeric filter the shopper left at
    "from -" / "to -" as all of the type's values, which a shopper reads as no filter (the original
    filtered by it, so a product without a value of that type vanished from every filtered page)."""
    values_of_type: dict[int, set[int]] = {}
    for value in snapshot[BASE_ATTRIBUTES.kind]:
        values_of_type.setdefault(int(value["type"]), set()).add(int(value["id"]))
    found = []
    for group in ("textual", "numeric"):
        for selection in (filters or {}).get(group) or []:
            values = {int(v) for v in selection.get("selected_values_ids") or []}
            every_value = values_of_type.get(int(selection["id"])) if selection.get("id") is not None else None
            if values and not (every_value and every_value <= values):
                found.append(values)
    return found


def _priceable(entries: dict[int, dict], context: pricing.Pricing, snapshot: dict) -> dict[int, dict]:
    """The published entries with a price in the list and a VAT rate in the country: what the page can
    show, so its count and pages describe what is listed."""
    code = context.price_list["code"]
    rates: dict = {}

    def has_rate(type_id) -> bool:
        if type_id not in rates:
            rates[type_id] = context.vat_rate(product_type_of(snapshot, type_id)) is not None
        return rates[type_id]

    return {pid: e for pid, e in entries.items() if e.get("p") and code in e.get("pr", {}) and has_rate(e.get("t"))}


def _order(entries: dict[int, dict], sort_by: str | None, order: str | None, language: str,
           price_list_code: str, default_language: str) -> list[int]:
    ids = sorted(entries)
    descending = order == "desc"
    if sort_by == "price":
        # Every entry is priced in the list (_priceable); by the lowest undiscounted price, as the original.
        return sorted(ids, key=lambda i: (Decimal(entries[i]["pr"][price_list_code]), i), reverse=descending)
    if sort_by == "title":
        def title(i: int) -> str:
            titles = entries[i].get("ti", {})
            return (titles.get(language) or titles.get(default_language) or "").casefold()
        return sorted(ids, key=lambda i: (title(i), i), reverse=descending)
    return list(reversed(ids)) if descending else ids


def _recommended(category_id, entries: dict[int, dict], order: str | None, query: dict,
                 shopper: str | None) -> list[int]:
    """The recommender's positions for this shopper (unknown products last, in the default order); the
    default order when no recommender is configured or it does not answer in time. The ranker is the
    recommender's, wired in by app.py (core/providers.py): the catalog does not import the recommender."""
    session = query.get("recommender_session_id") or query.get("session_id") or None
    ids = providers.provided(providers.CATEGORY_RANKER).rank(category_id, sorted(entries), session, shopper)
    return list(reversed(ids)) if order == "desc" else ids


def category_products(category_id, query: dict, body: dict | None, language: str, default_language: str,
                      origin: str, base_url: str, shopper: str | None = None) -> dict:
    """A category page. `shopper` (the caller's e-mail, None when anonymous) and the query's recommender
    session (`recommender_session_id`, or `session_id`) personalise `sort_by=recommended`."""
    snapshot = catalog_snapshot()
    category_ids = _visible_category(category_id, snapshot)
    context = pricing.load(query.get("country"), query.get("pricelist"))
    entries = _priceable(listing.read_many(category_ids), context, snapshot)
    body = body or {}
    selections = _selections(body.get("filters"), snapshot)
    if selections:
        entries = {pid: e for pid, e in entries.items() if _matches(e, selections)}
    if body.get("sort_by") == "recommended":
        ordered = _recommended(category_id, entries, body.get("order"), query, shopper)
    else:
        ordered = _order(entries, body.get("sort_by"), body.get("order"), language, context.price_list["code"],
                         default_language)
    page, limit, start, stop = pagination.page_slice(len(ordered), query, pagination.STOREFRONT)
    page_ids = ordered[start:stop]
    found = products.get_recent(page_ids)
    # The listing is read eventually consistently: a product changed a moment ago may still be on it.
    results = listable([list_item(p, context, snapshot, language, origin) for p in found if p.get("published")])
    return pagination.envelope(results, count=len(ordered), page=page, limit=limit, base_url=base_url, query=query)


def category_attributes(category_id, language: str) -> dict:
    snapshot = catalog_snapshot()
    category_ids = _visible_category(category_id, snapshot)
    type_ids = {e["t"] for e in listing.read_many(category_ids).values() if e.get("p") and e.get("t") is not None}
    return attributes.category_attribute_filters(snapshot, sorted(type_ids), language)
