"""Category listings: what a storefront category page needs to filter, sort and page its products.

One item per category holds a compact entry for each product directly in it (published flag, product
type, titles per language, attribute ids, lowest undiscounted price per price list). A category page
reads the listings of the category and its published descendants (one BatchGetItem), filters, sorts
and pages in memory, then fetches only that page's products by key. So the cost of a page does not
grow with the catalog, only (slowly) with the size of the category.

Entries are stored as zlib-compressed JSON (about 40 bytes per product), so a listing holds tens of
thousands of products within DynamoDB's 400 KB item limit. Each product write updates its listing in
the same transaction as the product, conditioned on the listing's `version`.
"""

from __future__ import annotations

import json
import zlib
from decimal import Decimal

from chalicelib.core.store import db, keys, recent


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


def decode(item: dict | None) -> dict[int, dict]:
    if not item or "entries" not in item:
        return {}
    raw = item["entries"]
    data = bytes(raw.value if hasattr(raw, "value") else raw)
    return {int(k): v for k, v in json.loads(zlib.decompress(data)).items()}


def encode(entries: dict[int, dict]) -> bytes:
    text = json.dumps({str(k): v for k, v in sorted(entries.items())}, separators=(",", ":"), ensure_ascii=False)
    return zlib.compress(text.encode(), 6)


def read(category_id: int | None) -> tuple[dict[int, dict], int]:
    """(entries by product id, version) of one category's listing, read consistently."""
    item = db.get("main", keys.category_listing(category_id), consistent=True)
    return decode(item), int(item.get("version", 0)) if item else 0


def write_operation(category_id: int | None, entries: dict[int, dict], version: int) -> dict:
    """A `transact` Put of the listing, valid only if nobody changed it since `version` was read."""
    condition = "attribute_not_exists(PK)" if version == 0 else "version = :v"
    return {"Put": {"table": "main",
                    "item": {**keys.category_listing(category_id), "version": version + 1,
                             "entries": encode(entries), "count": len(entries)},
                    "condition": condition, "values": {":v": version} if version else None}}


def changes_for(old: dict | None, new: dict | None) -> list[dict]:
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


def read_many(category_ids: list[int]) -> dict[int, dict]:
    """Entries of several categories' listings merged, in one BatchGetItem (eventually consistent) of those
    this container has not read in the last second (core/store/recent.py: a hot category's listing costs one
    read a second per container, not one per page)."""
    merged: dict[int, dict] = {}
    for item in recent.batch_get([keys.category_listing(c) for c in category_ids]).values():
        merged.update(_decoded(item))
    return merged


_decoded_items: dict[int, tuple[dict, dict[int, dict]]] = {}  # id(held item) -> (the item, its entries)


def _decoded(item: dict | None) -> dict[int, dict]:
    """`decode(item)`, once per item core/store/recent.py holds (pages read the entries, never change them;
    a re-read or a write brings a new item)."""
    if not item:
        return {}
    held = _decoded_items.get(id(item))
    if held is None or held[0] is not item:
        if len(_decoded_items) >= recent.MAX_HELD:
            _decoded_items.clear()
        held = _decoded_items[id(item)] = (item, decode(item))
    return held[1]
