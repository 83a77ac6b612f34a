"""The catalog's small reference collections, as the catalog's modules and other packages know them:
categories, attribute types, base attributes and product types (partition CATALOG), price lists
(partition PRICING), and the cached whole-partition reads. Where they live and how they are read is
store/reference.py's.
"""

from __future__ import annotations

from chalicelib.catalog.store.reference import (
    ATTRIBUTE_TYPES,
    BASE_ATTRIBUTES,
    CATALOG,
    CATEGORIES,
    PRICE_LISTS,
    PRICING,
    PRODUCT_TYPES,
    catalog_snapshot,
    pricing_items,
)

__all__ = ["ATTRIBUTE_TYPES", "BASE_ATTRIBUTES", "CATALOG", "CATEGORIES", "PRICE_LISTS", "PRICING", "PRODUCT_TYPES",
           "catalog_snapshot", "pricing_items"]
