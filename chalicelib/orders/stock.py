"""Stock changes as transaction writes on the product aggregates.

A variant's stock lives inside its product item (`variants[i].stock_quantity`). A change is an Update of
that element (store.variant_stock_write: conditional on the element still being that SKU and, when stock
is taken, on enough being left: stock may reach exactly 0, never below). This module decides what to
take or give back, and refuses a shortage the products just read already show.
"""

from __future__ import annotations

from collections import defaultdict

from chalicelib.catalog.products import service as catalog_products
from chalicelib.core.store.write import Update
from chalicelib.orders import store


class StockShort(Exception):
    """A variant has less stock than a line needs: `(sku, available)` pairs."""

    def __init__(self, shortages: list[tuple[str, int]]):
        super().__init__(shortages)
        self.shortages = shortages


def _index(product: dict, sku: str) -> int | None:
    return next((i for i, v in enumerate(product.get("variants", [])) if v["sku"] == sku), None)


def quantities(lines: list[dict]) -> dict[int, dict[str, int]]:
    """{product_id: {sku: quantity}} of lines (a product may appear with several variants)."""
    grouped: dict[int, dict[str, int]] = defaultdict(dict)
    for line in lines:
        sku_map = grouped[int(line["product_id"])]
        sku_map[line["sku"]] = sku_map.get(line["sku"], 0) + int(line["quantity"])
    return grouped


def operations(change: dict[int, dict[str, int]], found: dict[int, dict], *, take: bool,
               check: bool = True) -> list[Update]:
    """Writes taking (take=True) or returning stock (`store.variant_stock_write`, one per product). With
    `check`, a shortage seen in the products just read raises StockShort before anything is written; the
    writes' conditions guard the rest. Products or variants that no longer exist are skipped when stock is
    returned."""
    result, shortages = [], []
    for product_id, skus in change.items():
        product = found.get(product_id)
        moves = []
        for sku, quantity in skus.items():
            index = _index(product, sku) if product else None
            if index is None:
                if take:
                    shortages.append((sku, 0))
                continue
            available = int(product["variants"][index].get("stock_quantity") or 0)
            if take and check and available < quantity:
                shortages.append((sku, available))
            moves.append((index, sku, quantity))
        if moves:
            result.append(store.variant_stock_write(product_id, moves, take=take))
    if shortages:
        raise StockShort(shortages)
    return result


def load_products(product_ids) -> dict[int, dict]:
    """The products (live ones) by id, in one strongly consistent BatchGetItem: an order charges the price and
    takes the stock they hold, so a price saved a moment ago must be the one seen (eventually consistent, it
    could be missed for up to a second)."""
    return {int(p["id"]): p for p in catalog_products.get_many(sorted({int(i) for i in product_ids}),
                                                                 consistent=True)}


def shortage_message(shortages: list[tuple[str, int]]) -> str:
    parts = [f"{sku} is out of stock" if available <= 0 else f"only {available} of {sku} left"
             for sku, available in shortages]
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."
