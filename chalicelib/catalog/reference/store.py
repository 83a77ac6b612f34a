"""The catalog's small reference collections and where they live.

Storefront reads need them whole on every request, so each group shares one partition of the main
table, read with one strongly consistent Query when its version changed and otherwise served from the
container's copy (core/store/versioned.py; core/store/entities.Collection writes them):

* partition CATALOG: categories, attribute types, base attributes (attribute values), product types;
* partition PRICING: price lists (countries, currencies and VAT groups belong to localization).

Products are aggregates of their own (products/store.py), one item each with variants, prices and media.
"""

from __future__ import annotations

from chalicelib.core.store import versioned
from chalicelib.core.store.entities import Collection

CATALOG = "CATALOG"
PRICING = "PRICING"

CATEGORIES = Collection("CATEGORY", partition=CATALOG)
ATTRIBUTE_TYPES = Collection("ATTRTYPE", partition=CATALOG)
BASE_ATTRIBUTES = Collection("ATTRVALUE", partition=CATALOG)
PRODUCT_TYPES = Collection("PRODUCTTYPE", partition=CATALOG)
PRICE_LISTS = Collection("PRICELIST", numeric_ids=False, id_field="code", partition=PRICING)
versioned.register(CATALOG)
versioned.register(PRICING)


def pricing_items() -> list[dict]:
    """Every item of the PRICING partition (price lists, countries, currencies, VAT groups)."""
    return versioned.read(PRICING)


def catalog_snapshot() -> dict[str, list[dict]]:
    """Every live category, attribute type, base attribute and product type (one Query when changed): one
    read-only snapshot per version of the partition, shared by every request of the container."""
    return versioned.derived(CATALOG, _by_kind)


def _by_kind(items: list[dict]) -> dict[str, list[dict]]:
    result: dict[str, list[dict]] = {c.kind: [] for c in (CATEGORIES, ATTRIBUTE_TYPES, BASE_ATTRIBUTES, PRODUCT_TYPES)}
    for item in items:
        kind = item["SK"].split("#", 1)[0]
        if kind in result and not item.get("safe_deleted"):
            result[kind].append(item)
    return result
