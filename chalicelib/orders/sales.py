"""Units sold per product, kept as counters so "best sellers" never scans the orders.

Each checkout adds its quantities (in the order's own transaction, `store.units_sold_write`) to
`PK = "SALES"`, `SK = "PRODUCT#<id>"` (keys.sales_key), attribute `units`; a cancellation subtracts them
again. The partition holds one small item per product that ever sold, so reading it whole is cheap.
"""

from __future__ import annotations

from chalicelib.orders import store
from chalicelib.orders.keys import sales_key  # noqa: F401 (the importer's and tests' name for it)

add_operation = store.units_sold_write  # the importer's name for it (chalicelib/importer/orders.py)


def top_products(limit: int = 10) -> list[tuple[int, int]]:
    """`[(product_id, units_sold)]`, best first (ties: lower id first); products with 0 units left out."""
    counts = [entry for entry in store.units_sold() if entry[1] > 0]
    counts.sort(key=lambda entry: (-entry[1], entry[0]))
    return counts[:limit]
