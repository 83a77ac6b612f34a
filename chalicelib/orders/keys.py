"""The orders package's part of the `main` table's key schema: one function per item it keeps.

What the items hold is documented beside the code that reads and writes them (store.py for the order,
complaints.py, stats.py and sales.py for the others); products (`core/store/keys.product`) are the
catalog's items, whose stock the orders take and give back.
"""

from __future__ import annotations

import datetime as dt

from chalicelib.core.store import keys

ORDERS_LIST = "ORDERS"  # GSI1 partition of every order, sorted by `<create_at>#<token>`
ORDER = "ORDER"
SALES_PARTITION = "SALES"
STATS_PARTITION = "STATS"
SALES_PREFIX = "PRODUCT#"
DAY_PREFIX = "DAY#"
USER_ORDERS_PREFIX = f"{ORDER}#"  # the sort keys of a user's order pointers


def order_key(token: str) -> dict:
    """An order: `PK = "ORDER#<token>"`, `SK = "ORDER"`."""
    return {"PK": f"{ORDER}#{token}", "SK": ORDER}


def listed_order_keys(token: str, create_at: str) -> dict:
    """An order's key with its place in the ORDERS list (GSI1, newest first by creation time)."""
    return {**order_key(token), "GSI1PK": ORDERS_LIST, "GSI1SK": f"{create_at}#{token}"}


def user_orders_partition(email: str) -> str:
    """The user's partition (core/store/keys.user), where pointers to the user's orders live too."""
    return keys.user(email)["PK"]


def user_order_key(email: str, create_at: str, token: str) -> dict:
    """A pointer to one of a user's orders (attribute `token`), sorted by creation time."""
    return {"PK": user_orders_partition(email), "SK": f"{USER_ORDERS_PREFIX}{create_at}#{token}"}


def complaint_pointer_key(complaint_id: int) -> dict:
    """A complaint's pointer (attribute `order`: the token of the order holding the complaint)."""
    return {"PK": f"COMPLAINT#{int(complaint_id)}", "SK": "COMPLAINT"}


def sales_key(product_id: int) -> dict:
    """A product's units-sold counter (attribute `units`)."""
    return {"PK": SALES_PARTITION, "SK": f"{SALES_PREFIX}{int(product_id)}"}


def sales_product_id(item: dict) -> int:
    """The product id of a units-sold counter item."""
    return int(item["SK"].removeprefix(SALES_PREFIX))


def day_key(day: dt.date) -> dict:
    """One UTC day's order figures (stats.py)."""
    return {"PK": STATS_PARTITION, "SK": f"{DAY_PREFIX}{day.isoformat()}"}


def day_of(item: dict) -> dt.date:
    """The day of a day's figures item."""
    return dt.date.fromisoformat(item["SK"].removeprefix(DAY_PREFIX))
