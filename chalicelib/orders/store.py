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
pointer items `PK = "USER#<email>"`, `SK = "ORDER#<create_at>#<token>"`.
"""

from __future__ import annotations

from chalicelib.core.store import db

ORDERS_LIST = "ORDERS"


def order_key(token: str) -> dict:
    return {"PK": f"ORDER#{token}", "SK": "ORDER"}


def user_order_key(email: str, create_at: str, token: str) -> dict:
    return {"PK": f"USER#{email}", "SK": f"ORDER#{create_at}#{token}"}


def get_order(token: str) -> dict | None:
    """The order item (consistent read), or None. Tokens that are not UUIDs simply are not found."""
    if not isinstance(token, str) or not token or len(token) > 64:
        return None
    return db.get("main", order_key(token), consistent=True)


# --- the order's `payment` record: its content is chalicelib/payments', its writes are these ---------------

def payment_record_operation(token: str, record: dict, existing: dict | None, *, first_data: bool = False,
                             history_entry: dict | None = None) -> dict:
    """The transaction Update writing the payments package's `record` onto the order's `payment`: the whole
    map when the order has none (`existing`), else its fields, conditional on the record read: no data yet
    (`first_data`, which leaves the status and history alone) or the status read. `history_entry` is
    appended to the record's history. Bumps the order's version."""
    names = {"#p": "payment", "#v": "version"}
    values: dict = {":one": 1}
    if not existing:
        names["#pid"] = "payment_id"
        values.update({":rec": record, ":pid": record.get("payment_id"), ":null": "NULL"})
        return {"Update": {
            "table": "main", "key": order_key(token),
            "expression": "SET #p = :rec, #pid = :pid ADD #v :one",
            "condition": "attribute_exists(PK) AND (attribute_not_exists(#p) OR attribute_type(#p, :null))",
            "names": names, "values": values}}
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
    return {"Update": {"table": "main", "key": order_key(token),
                       "expression": "SET " + ", ".join(clauses) + " ADD #v :one",
                       "condition": condition, "names": names, "values": values}}


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
