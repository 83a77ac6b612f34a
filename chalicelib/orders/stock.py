"""Stock changes as transaction operations on the product aggregates.

A variant's stock lives inside its product item (`variants[i].stock_quantity`). A change is an Update of
that element, conditional on the element still being that SKU (the list may have been edited since we
read it) and, when stock is taken, on enough being left: stock may reach exactly 0, never below. Each
change bumps the product's `version`, so a dashboard edit that read the product earlier retries on
fresh data instead of writing the old stock back.
"""

from __future__ import annotations

from collections import defaultdict

from chalicelib.catalog import products as catalog_products
from chalicelib.core.store import keys


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
               check: bool = True) -> list[dict]:
    """Update operations taking (take=True) or returning stock. With `check`, a shortage seen in the
    products just read raises StockShort before anything is written; the conditions guard the rest.
    Products or variants that no longer exist are skipped when stock is returned."""
    result, shortages = [], []
    for product_id, skus in change.items():
        product = found.get(product_id)
        clauses, conditions, names, values = ["version = if_not_exists(version, :zero) + :one"], [], {}, {
            ":zero": 0, ":one": 1}
        for n, (sku, quantity) in enumerate(skus.items()):
            index = _index(product, sku) if product else None
            if index is None:
                if take:
                    shortages.append((sku, 0))
                continue
            if take and check and int(product["variants"][index].get("stock_quantity") or 0) < quantity:
                shortages.append((sku, int(product["variants"][index].get("stock_quantity") or 0)))
            element = f"variants[{index}]"
            names.update({"#sku": "sku", "#stock": "stock_quantity"})
            values.update({f":sku{n}": sku, f":q{n}": quantity})
            sign = "-" if take else "+"
            clauses.append(f"{element}.#stock = {element}.#stock {sign} :q{n}")
            conditions.append(f"{element}.#sku = :sku{n}")
            if take:
                conditions.append(f"{element}.#stock >= :q{n}")
        if len(clauses) == 1:
            continue
        result.append({"Update": {"table": "main", "key": keys.product(product_id),
                                  "expression": "SET " + ", ".join(clauses),
                                  "condition": " AND ".join(["attribute_exists(PK)", *conditions]),
                                  "names": names, "values": values}})
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
