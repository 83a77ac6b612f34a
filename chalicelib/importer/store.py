"""The importer's table access: the only importer module that talks to DynamoDB.

An import writes items in the shapes the services write (the mapping modules build them, tests compare
them with service-made ones) but with the dump's ids, so it writes them itself:

* reference items (CATALOG and METHODS partitions) one at a time, conditionally, so an id that is taken
  is never overwritten (`create_item`);
* products and their uniqueness claims in bulk (`put_items`: BatchWriteItem, no conditions; products.py
  says why that is safe), then each category's listing with its versioned Put (`write_listing`);
* orders one transaction each, as checkout writes them (`save_order`).

Reads are what the conflict checks and a re-run need: whole partitions, a few fields of many products,
claim holders, listings, the orders already there.
"""

from __future__ import annotations

from chalicelib.catalog.listing import store as listing
from chalicelib.core.store import claims, db, keys
from chalicelib.core.store.write import Check, ConditionFailed, Put, TransactionFailed
from chalicelib.orders import stats
from chalicelib.orders import store as orders
from chalicelib.orders.keys import order_key
from chalicelib.reviews import store as reviews

NEW = "attribute_not_exists(PK)"  # the condition of every item an import creates: its key is unused

claim_owners = claims.owners  # {(kind, value): product id} of SKU / PRODUCTMEDIA claims that exist


def raise_counter(name: str, minimum: int) -> None:
    """`db.raise_counter_to`, only when the counter is lower (so a re-run sends no write at all)."""
    current = db.get("main", keys.counter(name), consistent=True)
    if current is None or int(current.get("value", 0)) < minimum:
        db.raise_counter_to(name, minimum)


# --- reference items (taxonomy.py, methods.py) -------------------------------------------------------------

def sort_key(item: dict) -> str:
    """The sort key of an item of a shared partition: what tells the partition's items apart."""
    return item["SK"]


def partition_items(partition: str) -> dict[str, dict]:
    """Every item of a shared partition (deleted ones too), by `sort_key`, in one consistent Query."""
    return {sort_key(item): item for item in db.query("main", partition=("PK", partition), consistent=True)}


def create_item(item: dict, event: Put | None = None) -> bool:
    """Write a new item, with its outbox event in the same transaction when given; False (nothing written)
    when its key is taken (written meanwhile by someone else)."""
    try:
        if event is not None:
            db.transact([Put(item, condition=NEW), event])
        else:
            db.put("main", item, condition=NEW)
    except (ConditionFailed, TransactionFailed):
        return False
    return True


# --- products (products.py) -------------------------------------------------------------------------------

def products(product_ids: list[int], fields: tuple[str, ...] = ()) -> list[dict]:
    """The stored products of these ids (deleted ones too), only `fields` of them when given
    (BatchGetItem, 100 a call: whole product items are large, the checks need a few fields)."""
    return db.batch_get("main", [keys.product(product_id) for product_id in product_ids], fields=fields)


def put_items(items: list[dict]) -> None:
    """Write these main-table items whole, in bulk (BatchWriteItem, 25 a call, no conditions)."""
    db.batch_write("main", items)


def record_events(events: list[Put | None]) -> None:
    """Write these outbox items (`core/events.outbox_put_batch`'s Puts; None: no event) in bulk."""
    db.batch_write("outbox", [event.item for event in events if event is not None])


def listings(category_ids: set) -> dict:
    """{category: (entries, version)} of these categories' listings (one BatchGetItem per 100)."""
    stored = {item["PK"]: item for item in db.batch_get("main", [keys.category_listing(c) for c in category_ids])}
    result = {}
    for category_id in category_ids:
        current = stored.get(keys.category_listing(category_id)["PK"])
        result[category_id] = (listing.decode(current), int(current.get("version", 0)) if current else 0)
    return result


def write_listing(category_id: int | None, entries: dict[int, dict], version: int) -> bool:
    """Write a category's listing if it is still at `version`; False when it changed meanwhile."""
    put = listing.write_operation(category_id, entries, version)
    try:
        db.put("main", put.item, condition=put.condition, names=put.names, values=put.values)
    except ConditionFailed:
        return False
    return True


# --- orders (orders.py) and reviews (reviews.py) ----------------------------------------------------------

def present_orders(tokens: list[str]) -> set[str]:
    """The tokens of these orders the table holds."""
    return {item["token"] for item in db.batch_get("main", [order_key(token) for token in tokens])}


def save_order(order: dict, sold: dict[int, int] | None) -> bool:
    """Write an imported order (`order` carries its keys: orders.keys.listed_order_keys) in one transaction
    with its complaints' pointers, its user's pointer and, when it counts (`sold`: units per product), the
    daily figures and units sold, as checkout writes them; False when the order exists already."""
    writes = [Put(order, condition=NEW)]
    writes += [orders.complaint_pointer_put(complaint["id"], order["token"]) for complaint in order["complaints"]]
    if order["user"]:
        writes.append(orders.user_order_pointer_put(order))
    if sold is not None:
        writes.append(stats.counter_operation(order))
        writes += [orders.units_sold_write(product_id, units) for product_id, units in sorted(sold.items())]
    try:
        db.transact(writes)
    except TransactionFailed:
        return False
    return True


def exists_check(key: dict) -> Check:
    """A transaction's check that the item at `key` exists (a review's order, else its product)."""
    return Check(key, condition="attribute_exists(PK)")


def review_claimed(order: str, sku: str) -> bool:
    """Whether a review of this (order, variant) exists (its claim)."""
    return db.get("main", reviews.claim_key(order, sku)) is not None
