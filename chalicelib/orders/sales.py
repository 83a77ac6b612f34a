"""Units sold per product, kept as counters so "best sellers" never scans the orders.

Each checkout adds its quantities (in the order's own transaction) to `PK = "SALES"`,
`SK = "PRODUCT#<id>"`, attribute `units`; a cancellation subtracts them again. The partition holds one
small item per product that ever sold, so reading it whole is cheap.
"""

from __future__ import annotations

from chalicelib.core.store import db

SALES_PARTITION = "SALES"


def sales_key(product_id: int) -> dict:
    return {"PK": SALES_PARTITION, "SK": f"PRODUCT#{int(product_id)}"}


def add_operation(product_id: int, units: int) -> dict:
    """A transaction Update adding `units` (negative to give back) to a product's units sold."""
    return {"Update": {"table": "main", "key": sales_key(product_id), "expression": "ADD #u :u",
                       "names": {"#u": "units"}, "values": {":u": units}}}


def top_products(limit: int = 10) -> list[tuple[int, int]]:
    """`[(product_id, units_sold)]`, best first (ties: lower id first); products with 0 units left out."""
    counts = [
        (int(item["SK"].split("#", 1)[1]), int(item.get("units", 0)))
        for item in db.query("main", partition=("PK", SALES_PARTITION))
    ]
    counts = [entry for entry in counts if entry[1] > 0]
    counts.sort(key=lambda entry: (-entry[1], entry[0]))
    return counts[:limit]
