"""Where orders live in the `main` table, and what an order item holds.

An order is one item, `PK = "ORDER#<token>"`, `SK = "ORDER"`: a snapshot, taken at checkout, of what was
bought and at what price, so later catalog or method changes never alter it. Attributes:

    token            order UUID (str); also the public id
    number           integer from the ORDER counter; the bank-transfer reference (variable symbol)
    create_at        ISO 8601 UTC
    status           PENDING | PROCESSING | SHIPPED | CANCELLED
    marketing_flag, agreed_to_terms   bool
    payment_id       str | None (set by the PaymentAPI)
    payment          map | None, owned by chalicelib/payments: {"status", "payment_id", "update_at", ...}
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
