"""Where orders live in the `main` table, and what an order item holds.

An order is one item, `PK = "ORDER#<token>"`, `SK = "ORDER"`: a snapshot, taken at checkout, of what was
bought and at what price, so later catalog or method changes never alter it. Attributes:

    token            order UUID (str); also the public id
    number           integer from the ORDER counter; the bank-transfer reference (variable symbol)
    create_at        ISO 8601 UTC
    status           PENDING | PROCESSING | SHIPPED | CANCELLED
    marketing_flag, agreed_to_terms   bool
    payment_id       str | None (set by the PaymentAPI)
    payment          map | None, its content chalicelib/payments': {"status", "payment_id", "update_at", ...},
                     written by the functions at the end of this module, which payments calls
    user             e-mail of the cart's user, or None
    customer_email   the shipping info's e-mail
    cart_token       the cart it came from (one order per cart)
    language         the order country's locale (e-mails, titles)
    country          country code; pricelist: price-list code
    currency         {"code", "symbol", "symbol_position"}; rounding: bool (the price list's)
    lines            [{"id", "product_id", "sku", "quantity", "unit_price_without_vat", "unit_price_incl_vat",
                       "vat_rate", "title", "product_slug", "product_variant_name", "primary_image"}]
    billing_info, shipping_info   the addresses, as the cart had them
    shipping_method_country, payment_method_country
                     {"id", "method_id", "title", "description", "image", "price_without_vat",
                      "price_incl_vat", "currency"} (+ "api_request" on the payment one)
    totals           {"items_without_vat", "items_incl_vat", "shipping_incl_vat", "payment_incl_vat",
                      "total_without_vat", "total_incl_vat"}: Decimals, the exact sums (not rounded for
                      display); total_incl_vat is what the customer pays
    version          optimistic-concurrency counter

GSI1: "ORDERS" / create_at (newest first with ScanIndexForward=False). A user's orders are listed through
pointer items `PK = "USER#<email>"`, `SK = "ORDER#<create_at>#<token>"`. The keys are keys.py's.

This module is the package's storage door: every read and write of an order, its complaints, the sales
and daily counters, and the stock it takes from the catalog's products goes through it. A transaction
that finds the world changed since it was read raises `Changed` (a `write.Stale`, so `write.retrying`
tries again on fresh data); `StockChanged` when a stock condition was what failed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from chalicelib.core.store import db
from chalicelib.core.store import keys as store_keys
from chalicelib.core.store.write import Check, Put, Stale, TransactionFailed, Update, Write
from chalicelib.orders.keys import (
    ORDERS_LIST,
    SALES_PARTITION,
    STATS_PARTITION,
    USER_ORDERS_PREFIX,
    complaint_pointer_key,
    day_key,
    day_of,
    listed_order_keys,
    order_key,
    sales_key,
    sales_product_id,
    user_order_key,
    user_orders_partition,
)

CONDITION_FAILED = "ConditionalCheckFailed"


class Changed(Stale):
    """The order (or another item its transaction writes: the cart, a product's stock) changed since it
    was read; read again and decide again."""


class StockChanged(Changed):
    """A stock condition failed: a variant no longer has the stock (or the place in its product) read."""


def _transact(writes: list[Write | None], *, stock_writes: Iterable[Update] = ()) -> None:
    try:
        db.transact(writes)
    except TransactionFailed as failure:
        written = [w for w in writes if w is not None]  # the reasons are those of the writes sent
        stock_ids = {id(w) for w in stock_writes}
        if any(reason == CONDITION_FAILED and id(w) in stock_ids
               for w, reason in zip(written, failure.reasons, strict=False)):
            raise StockChanged(str(failure)) from None
        raise Changed(str(failure)) from None


# --- orders ---------------------------------------------------------------------------------------------

def get_order(token: str) -> dict | None:
    """The order item (consistent read), or None. Tokens that are not UUIDs simply are not found."""
    if not isinstance(token, str) or not token or len(token) > 64:
        return None
    return db.get("main", order_key(token), consistent=True)


def list_orders() -> Iterator[dict]:
    """Every order, newest first (one Query of the ORDERS index)."""
    return db.query("main", partition=("GSI1PK", ORDERS_LIST), index="GSI1", forward=False)


def user_orders(email: str) -> list[dict]:
    """A user's orders, newest first (a Query of the user's pointers, then one BatchGetItem)."""
    pointers = list(db.query("main", partition=("PK", user_orders_partition(email)), sort_prefix=USER_ORDERS_PREFIX,
                             forward=False))
    found = {o["token"]: o for o in db.batch_get("main", [order_key(p["token"]) for p in pointers])}
    return [found[p["token"]] for p in pointers if p["token"] in found]


def next_order_number() -> int:
    return db.next_id("order")


def save_order(order: dict, *, cart_write: Write, stock_writes: list[Update], counter_writes: list[Update],
               event: Put | None) -> None:
    """Create a new order in one transaction with what it changes: the cart marked ordered (`cart_write`),
    the stock taken (`variant_stock_write`s), the sales and daily counters, the user's pointer to it and
    its outbox event. Raises StockChanged when a stock condition failed, Changed for any other failure."""
    writes = [Put({**listed_order_keys(order["token"], order["create_at"]), **order},
                  condition="attribute_not_exists(PK)"),
              cart_write, *stock_writes, *counter_writes]
    if order.get("user"):
        writes.append(user_order_pointer_put(order))
    writes.append(event)
    _transact(writes, stock_writes=stock_writes)


def user_order_pointer_put(order: dict) -> Put:
    """The pointer listing an order among its user's orders."""
    return Put({**user_order_key(order["user"], order["create_at"], order["token"]), "token": order["token"]})


def change_status(order: dict, status: str, now: str, *, writes: list[Update], event: Put | None) -> None:
    """Set the order's status, if it is still the one read, with what the change moves (`writes`: stock,
    sales and daily counters) and its event, in one transaction; Changed otherwise."""
    _transact([
        Update(order_key(order["token"]), "SET #s = :s, update_at = :now, version = version + :one",
               condition="#s = :old", names={"#s": "status"},
               values={":s": status, ":old": order["status"], ":now": now, ":one": 1}),
        *writes, event])


def change_lines(order: dict, new_lines: list[dict], totals: dict, now: str, *, writes: list[Update]) -> None:
    """Replace the order's lines and totals, if its version is still the one read, with what the change
    moves (`writes`: stock, sales and daily counters), in one transaction; Changed otherwise."""
    _transact([
        Update(order_key(order["token"]), "SET #l = :l, totals = :t, update_at = :now, version = version + :one",
               condition="version = :v", names={"#l": "lines"},
               values={":l": new_lines, ":t": totals, ":now": now, ":one": 1, ":v": order["version"]}),
        *writes])


def set_order_fields(token: str, fields: dict) -> None:
    """SET some attributes of an existing order (its addresses)."""
    db.update("main", order_key(token), set_fields=fields, condition="attribute_exists(PK)")


def status_check(token: str, status: str) -> Check:
    """A transaction's condition that the order is (still) in `status` (reviews need it SHIPPED)."""
    return Check(order_key(token), condition="#status = :status", names={"#status": "status"},
                 values={":status": status})


# --- complaints (complaints.py): in the order's `complaints`, found by their pointers -------------------

def next_complaint_id() -> int:
    return db.next_id("complaint")


def complaint_order_token(complaint_id: int) -> str | None:
    """The token of the order holding a complaint, or None."""
    pointer = db.get("main", complaint_pointer_key(complaint_id), consistent=True)
    return pointer["order"] if pointer else None


def add_complaint(token: str, complaint: dict, event: Put) -> None:
    """Append a new complaint to its order and write its pointer and event, in one transaction."""
    db.transact([
        Update(order_key(token), "SET complaints = list_append(if_not_exists(complaints, :empty), :c)",
               condition="attribute_exists(PK)", values={":empty": [], ":c": [complaint]}),
        complaint_pointer_put(complaint["id"], token),
        event,
    ])


def complaint_pointer_put(complaint_id: int, token: str) -> Put:
    """The pointer naming the order of a new complaint."""
    return Put({**complaint_pointer_key(complaint_id), "order": token}, condition="attribute_not_exists(PK)")


def change_complaint_status(token: str, index: int, complaint: dict, status: str, event: Put) -> None:
    """Set the status of the order's `index`th complaint, if it is still the complaint and status read,
    with its event, in one transaction; Changed otherwise."""
    _transact([
        Update(order_key(token), f"SET complaints[{index}].#s = :s",
               condition=f"complaints[{index}].id = :id AND complaints[{index}].#s = :old",
               names={"#s": "status"},
               values={":s": status, ":id": int(complaint["id"]), ":old": complaint["status"]}),
        event,
    ])


# --- what orders move: the products' stock, units sold (sales.py), daily figures (stats.py) --------------

def variant_stock_write(product_id: int, moves: list[tuple[int, str, int]], *, take: bool) -> Update:
    """An Update of a product aggregate (the catalog's item) taking (`take`) or giving back stock of some
    of its variants, `moves` = (index in `variants`, sku, quantity). Conditional on each element still
    being that SKU (the list may have been edited since it was read) and, when stock is taken, on enough
    being left (it may reach exactly 0). Bumps the product's `version`, so a dashboard edit that read the
    product earlier retries on fresh data instead of writing the old stock back."""
    clauses = ["version = if_not_exists(version, :zero) + :one"]
    conditions = ["attribute_exists(PK)"]
    names = {"#sku": "sku", "#stock": "stock_quantity"}
    values: dict = {":zero": 0, ":one": 1}
    sign = "-" if take else "+"
    for n, (index, sku, quantity) in enumerate(moves):
        element = f"variants[{index}]"
        values.update({f":sku{n}": sku, f":q{n}": quantity})
        clauses.append(f"{element}.#stock = {element}.#stock {sign} :q{n}")
        conditions.append(f"{element}.#sku = :sku{n}")
        if take:
            conditions.append(f"{element}.#stock >= :q{n}")
    return Update(store_keys.product(product_id), "SET " + ", ".join(clauses), condition=" AND ".join(conditions),
                  names=names, values=values)


def units_sold_write(product_id: int, units: int) -> Update:
    """Add `units` (negative to give back) to a product's units sold."""
    return Update.add(sales_key(product_id), {"units": units})


def units_sold() -> list[tuple[int, int]]:
    """`[(product_id, units sold)]` of every product that ever sold (one Query of a small partition)."""
    return [(sales_product_id(item), int(item.get("units", 0)))
            for item in db.query("main", partition=("PK", SALES_PARTITION))]


def day_figures_write(day: dt.date, currency: str, *, orders: int, items: int, revenue, products: dict[int, int]) \
        -> Update:
    """ADD to one day's figures (stats.py): `orders` (also counted per currency), `items` (pieces), the
    item totals' `revenue` in `currency`, and the pieces of each product."""
    amounts = {"orders": orders, "items": items, f"rev#{currency}": revenue, f"cnt#{currency}": orders}
    amounts.update({f"p#{product_id}": units for product_id, units in sorted(products.items())})
    return Update.add(day_key(day), amounts)


def day_figures(day: dt.date) -> dict | None:
    """One day's figures (strongly consistent GetItem), or None for a day without orders."""
    return db.get("main", day_key(day), consistent=True)


def figures_by_day(first: dt.date, last: dt.date) -> dict[dt.date, dict]:
    """The figures of the days from `first` to `last`, both included (one Query), by day."""
    items = db.query("main", partition=("PK", STATS_PARTITION),
                     sort_between=(day_key(first)["SK"], day_key(last)["SK"]), consistent=True)
    return {day_of(item): item for item in items}


# --- the order's `payment` record: its content is chalicelib/payments', its writes are these ---------------

def payment_record_operation(token: str, record: dict, existing: dict | None, *, first_data: bool = False,
                             history_entry: dict | None = None) -> Update:
    """The transaction Update writing the payments package's `record` onto the order's `payment`: the whole
    map when the order has none (`existing`), else its fields, conditional on the record read: no data yet
    (`first_data`, which leaves the status and history alone) or the status read. `history_entry` is
    appended to the record's history. Bumps the order's version."""
    names = {"#p": "payment", "#v": "version"}
    values: dict = {":one": 1}
    if not existing:
        names["#pid"] = "payment_id"
        values.update({":rec": record, ":pid": record.get("payment_id"), ":null": "NULL"})
        return Update(order_key(token), "SET #p = :rec, #pid = :pid ADD #v :one",
                      condition="attribute_exists(PK) AND (attribute_not_exists(#p) OR attribute_type(#p, :null))",
                      names=names, values=values)
    clauses = []
    # A first result leaves the status and history the dashboard may have set meanwhile alone.
    skipped = ("history", "status", "create_at") if first_data else ("history",)
    for index, (name, value) in enumerate(record.items()):
        if name in skipped:
            continue
        names[f"#f{index}"] = name
        values[f":f{index}"] = value
        clauses.append(f"#p.#f{index} = :f{index}")
    if first_data:
        names["#pid"] = "payment_id"
        names["#d"] = "data"
        values[":pid"] = record.get("payment_id")
        clauses.append("#pid = :pid")
        condition = "attribute_not_exists(#p.#d)"
    else:
        names["#st"] = "status"
        values[":old"] = existing.get("status")
        condition = "#p.#st = :old"
    if history_entry is not None:
        names["#h"] = "history"
        values[":h"] = [history_entry]
        values[":empty"] = []
        clauses.append("#p.#h = list_append(if_not_exists(#p.#h, :empty), :h)")
    return Update(order_key(token), "SET " + ", ".join(clauses) + " ADD #v :one", condition=condition,
                  names=names, values=values)


def touch_payment_checked(token: str, at: str) -> None:
    """Note on the order's payment record that the payment's status was consulted (payments' 30-second
    throttle), without touching anything else; nothing when the record went away."""
    from botocore.exceptions import ClientError

    request = {
        "TableName": db.table("main"), "Key": db.serialize(order_key(token)),
        "UpdateExpression": "SET #p.#c = :at", "ConditionExpression": "attribute_exists(#p.#s)",
        "ExpressionAttributeNames": {"#p": "payment", "#c": "checked_at", "#s": "status"},
        "ExpressionAttributeValues": db.serialize({":at": at}),
    }
    try:
        db.client().update_item(**request)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
            raise
        # the record went away: the next read decides again
