"""Category listings: what a storefront category page needs to filter, sort and page its products.

One item per category holds a compact entry for each product directly in it (published flag, product
type, titles per language, attribute ids, lowest undiscounted price per price list). A category page
reads the listings of the category and its published descendants (one BatchGetItem), filters, sorts
and pages in memory, then fetches only that page's products by key. So the cost of a page does not
grow with the catalog, only (slowly) with the size of the category.

Each product write updates its listing in the same transaction as the product, conditioned on the
listing's `version`. How listings are stored, read and written is listing/store.py's.
"""

from __future__ import annotations

from decimal import Decimal

from chalicelib.catalog.listing.store import read, write_operation
from chalicelib.core.store.write import Put


def entry_for(product: dict) -> dict:
    """The listing entry of a product aggregate."""
    prices: dict[str, Decimal] = {}
    attributes: set[int] = set()
    for variant in product.get("variants", []):
        attributes.update(int(a) for a in variant.get("attributes", []))
        for price in variant.get("price", []):
            amount = Decimal(str(price["price"]))
            code = price["price_list"]
            if code not in prices or amount < prices[code]:
                prices[code] = amount
    return {
        "p": bool(product.get("published")),
        "t": None if product.get("type_id") is None else int(product["type_id"]),
        "ti": {lang: (row or {}).get("title") or "" for lang, row in (product.get("translations") or {}).items()},
        "a": sorted(attributes),
        "pr": {code: str(amount) for code, amount in prices.items()},
    }


def changes_for(old: dict | None, new: dict | None) -> list[Put]:
    """Listing operations moving a product from its old state to its new one (None = absent/deleted)."""
    operations = []
    old_category = old.get("category") if old else None
    new_category = new.get("category") if new else None
    product_id = int((new or old)["id"])
    touched = []
    if old is not None:
        touched.append(old_category)
    if new is not None and (old is None or new_category != old_category):
        touched.append(new_category)
    for category_id in touched:
        entries, version = read(category_id)
        entries.pop(product_id, None)
        if new is not None and category_id == new_category:
            entries[product_id] = entry_for(new)
        operations.append(write_operation(category_id, entries, version))
    return operations
