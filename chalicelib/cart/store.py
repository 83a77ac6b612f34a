"""Where carts live: one item per cart in the `main` table, `PK = "CART#<token>"`, `SK = "CART"`.

A cart holds everything its reads need, so a cart read is one GetItem:

    token, create_at, update_at, user (e-mail or None), country, pricelist (codes or None)
    language         the cart country's locale: line texts are in it (contract K23)
    currency         {"code", "symbol", "symbol_position"} of the price list; rounding: bool
    lines            [{"id", "product_id", "sku", "quantity", "unit_price_without_vat",
                       "unit_price_incl_vat", "vat_rate", "discount", "title", "product_slug",
                       "product_variant_name", "primary_image"}]: prices are snapshots of the
                     discounted unit price at the time the line was (re)priced
    next_line_id     line ids are per cart (1, 2, ...) and never reused
    billing_info, shipping_info                       the addresses, or absent
    shipping_method_country, payment_method_country   snapshots of the chosen methods, or absent
    order_token      set, in the checkout transaction, once the cart is ordered (one order per cart)
    version          every write is conditional on it (optimistic concurrency)
    ttl              30 days after the last change: DynamoDB removes abandoned carts

Ordered carts keep no TTL: the order refers to its cart token.
"""

from __future__ import annotations

import uuid

from chalicelib.core.store import db, keys
from chalicelib.core.store.write import Stale, Update

CART_TTL_SECONDS = 30 * 24 * 3600


class CartChanged(Stale):
    """Someone else changed the cart between our read and our write (a write.Stale: write.retrying runs
    the read-modify-write again)."""


def cart_key(token: str) -> dict:
    return {"PK": f"CART#{token}", "SK": "CART"}


def new_token() -> str:
    return str(uuid.uuid4())


def valid_token(token) -> bool:
    try:
        return str(uuid.UUID(str(token))) == str(token).lower()
    except (TypeError, ValueError, AttributeError):
        return False


def get_cart(token: str, *, consistent: bool = True) -> dict | None:
    if not valid_token(token):
        return None
    return db.get("main", cart_key(str(token).lower()), consistent=consistent)


def get_cart_and_product(token: str, product_id: int, *, consistent: bool = False) -> tuple[dict | None, dict | None]:
    """A (valid) cart token's cart and a product item, in one BatchGetItem; None for either when absent."""
    key, product_key = cart_key(token.lower()), keys.product(product_id)
    found = {entry["PK"]: entry for entry in db.batch_get("main", [key, product_key], consistent=consistent)}
    return found.get(key["PK"]), found.get(product_key["PK"])


def update_fields(token: str, fields: dict, *, condition: str | None = None, names: dict | None = None,
                  values: dict | None = None) -> tuple[bool, dict | None]:
    """One UpdateItem, without reading the cart first: SET `fields` (with the next version and a new
    ttl), if the cart exists, is not ordered and `condition` holds (it may use `names` and `values`).
    Answers `(True, None)` when written, else `(False, the cart as it was when refused)`, or
    `(False, None)` when there is no such cart: DynamoDB hands back the refused item, so the caller's
    careful path (read, check, explain) needs no read of its own."""
    from botocore.exceptions import ClientError

    if not valid_token(token):
        return False, None
    names = {"#version": "version", "#ttl": "ttl", "#order": "order_token", **(names or {})}
    values = {":one": 1, ":ttl": db.ttl_in(CART_TTL_SECONDS), **(values or {})}
    clauses = ["#version = #version + :one", "#ttl = :ttl"]
    for index, (name, value) in enumerate(fields.items()):
        names[f"#f{index}"], values[f":f{index}"] = name, value
        clauses.append(f"#f{index} = :f{index}")
    checks = "attribute_exists(PK) AND attribute_not_exists(#order)" + (f" AND ({condition})" if condition else "")
    try:
        db.client().update_item(TableName=db.table("main"), Key=db.serialize(cart_key(str(token).lower())),
                                UpdateExpression="SET " + ", ".join(clauses), ConditionExpression=checks,
                                ExpressionAttributeNames=names, ExpressionAttributeValues=db.serialize(values),
                                ReturnValuesOnConditionCheckFailure="ALL_OLD")
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
            raise
        return False, db.deserialize(error.response.get("Item"))
    return True, None


def save(cart: dict, *, new: bool = False) -> None:
    """Write the whole cart, conditional on nobody having written it since it was read."""
    previous = cart.get("version", 0)
    cart["version"] = previous + 1
    if cart.get("order_token"):
        cart.pop("ttl", None)
    else:
        cart["ttl"] = db.ttl_in(CART_TTL_SECONDS)
    try:
        if new:
            db.put("main", cart, condition="attribute_not_exists(PK)")
        else:
            db.put("main", cart, condition="version = :v", values={":v": previous})
    except db.ConditionFailed:
        cart["version"] = previous
        raise CartChanged() from None


def ordered_write(cart: dict, order_token: str) -> Update:
    """The transaction write that marks `cart` ordered by `order_token` (checkout writes it with the
    order): conditional on the cart being unchanged since it was read and not ordered yet; it stops expiring."""
    return Update(cart_key(cart["token"]), "SET order_token = :t, version = version + :one REMOVE #ttl",
                  condition="version = :v AND attribute_not_exists(order_token)", names={"#ttl": "ttl"},
                  values={":t": order_token, ":v": cart["version"], ":one": 1})
