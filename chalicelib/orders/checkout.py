"""Checkout (contract O7, 10.4): a cart becomes an order in one DynamoDB transaction.

1. The body and the cart are checked; each failure answers 400 with its own message (the original
   answers one meaningless string for all of them).
2. The methods are read again (they may have been switched off), the products too, for their stock,
   and every line is priced again: an order whose prices changed since the cart showed them is refused
   (400 naming the lines) and the cart re-priced, so nobody pays a price they have not seen.
3. One TransactWriteItems then: creates the order (a snapshot of what was bought and at what price),
   marks the cart ordered (conditional on the cart being unchanged and not ordered yet), takes the
   stock of every line (conditional: never below 0, the last piece can be bought), adds to the sales
   and daily-stats counters, links the order to the user, and records ORDER_SAVE in the outbox.

The same cart is ordered once: a retried submit finds the cart's `order_token` and gets the same order.
Costs: 5 calls in 3 round trips: the cart with the methods' partition (a Query, issued together), then
the products (one BatchGetItem) with the order number, then the transaction; pricing and the catalog
reference are the container's copies (core/store/versioned.py).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from functools import partial

from chalicelib.cart import lines
from chalicelib.cart import service as cart_service
from chalicelib.catalog import pricing
from chalicelib.catalog.products import service as catalog_products
from chalicelib.catalog.reference.store import catalog_snapshot
from chalicelib.core import event_names, events
from chalicelib.core.http.errors import ApiError, Conflict
from chalicelib.core.observability import metric
from chalicelib.core.store import write
from chalicelib.core.store.entities import now_iso
from chalicelib.core.store.parallel import together
from chalicelib.methods import service as methods
from chalicelib.orders import stats, stock, store, views
from chalicelib.orders.schemas import CHECKOUT

ATTEMPTS = 3


class CheckoutError(ApiError):
    def __init__(self, text: str):
        super().__init__({"error": text}, 400)


def _check_cart(cart: dict) -> None:
    if not cart.get("lines"):
        raise CheckoutError("Your cart is empty.")
    shipping_info = cart.get("shipping_info")
    if not shipping_info:
        raise CheckoutError("The shipping address is missing.")
    if not shipping_info.get("email"):
        raise CheckoutError("An e-mail address is needed with the shipping address.")
    if not cart.get("billing_info"):
        raise CheckoutError("The billing address is missing.")
    if not cart.get("shipping_method_country"):
        raise CheckoutError("Choose a shipping method.")
    if not cart.get("payment_method_country"):
        raise CheckoutError("Choose a payment method.")


def _fresh_method(cart: dict, kind: str, offers) -> dict:
    """The chosen method as it is now (`offers`: the METHODS partition, read consistently with the cart):
    it must still exist, be active and be offered in the cart's country."""
    frozen = cart[f"{kind}_method_country"]
    row = methods.offer(kind, int(frozen["id"]), offers)
    if row is None or not row.get("is_active", True) or row.get("country") != cart.get("country"):
        raise CheckoutError(f"The chosen {kind} method is no longer available; choose another one.")
    if row.get("currency") != (cart.get("currency") or {}).get("code"):
        raise CheckoutError(f"The chosen {kind} method is priced in {row.get('currency')}, not in the cart's "
                            "currency; choose another one.")
    refreshed = cart_service.freeze_method(kind, row, cart.get("language") or "en")
    refreshed["image"] = frozen.get("image")  # keeps the absolute URL taken when it was chosen
    return refreshed


def _check_products(cart: dict) -> dict[int, dict]:
    found = stock.load_products(line["product_id"] for line in cart["lines"])
    for line in cart["lines"]:
        product = found.get(int(line["product_id"]))
        if product is None or not product.get("published") or lines.find_variant(product, line["sku"]) is None:
            raise CheckoutError(f"{line.get('title') or line['sku']} ({line['sku']}) is no longer sold; "
                                "remove it from the cart.")
    return found


def _check_prices(cart: dict, found: dict[int, dict]) -> None:
    """The order charges today's prices, and only prices the shopper has seen: when a line's net price
    changed since it was put in the cart, the cart is re-priced and the order refused, naming what
    changed. The check reads the products already loaded; only a change costs the pricing reads. (A VAT
    rate changed meanwhile reaches a cart at its next change; the net price is what a merchant sets.)"""
    stale = [line for line in cart["lines"]
             if lines.unit_net(lines.find_variant(found[int(line["product_id"])], line["sku"]), cart.get("pricelist"))
             != Decimal(line["unit_price_without_vat"])]
    if not stale:
        return
    context = pricing.load_for_cart(cart.get("country"), cart.get("pricelist"))
    snapshot = catalog_snapshot()
    changed = []
    for line in stale:
        product = found[int(line["product_id"])]
        was = context.format(line["unit_price_incl_vat"])
        line.update(lines.price_line(product, lines.find_variant(product, line["sku"]), context, snapshot,
                                     cart.get("language") or "en"))
        changed.append(f"{line.get('title') or line['sku']} ({line['sku']}) now costs "
                       f"{context.format(line['unit_price_incl_vat'])}, not {was}")
    try:
        cart_service.save_cart(cart)  # the cart shows the new prices
    except cart_service.CartChanged:
        pass  # changed meanwhile: the next checkout looks again
    raise CheckoutError("Prices changed since you added them to the cart: " + "; ".join(changed)
                        + ". Your cart shows the new prices; check it and order again.")


def _build_order(cart: dict, data: dict, number: int) -> dict:
    token = str(uuid.uuid4())
    stamp = now_iso()
    order = {  # its keys are the store's (store.save_order)
        "token": token,
        "number": number,
        "create_at": stamp,
        "update_at": stamp,
        "status": "PENDING",
        "marketing_flag": data["marketing_flag"],
        "agreed_to_terms": data["agreed_to_terms"],
        "payment_id": None,
        "user": cart.get("user"),
        "customer_email": cart["shipping_info"]["email"],
        "cart_token": cart["token"],
        "session_id": data.get("session_id") or None,
        **{name: cart.get(name) for name in ("language", "country", "pricelist", "currency", "rounding",
                                             "billing_info", "shipping_info", "shipping_method_country",
                                             "payment_method_country")},
        "lines": [dict(line) for line in cart["lines"]],
        "complaints": [],
        "version": 1,
    }
    order["totals"] = lines.totals(order)
    return order


def _variant_events(order: dict, found: dict[int, dict]) -> list[tuple[str, dict]]:
    """PRODUCTVARIANT_UPDATE for each variant whose stock the order took, as the original's save() did."""
    result = []
    for product_id, skus in stock.quantities(order["lines"]).items():
        for variant in found[product_id].get("variants", []):
            if variant["sku"] in skus:
                after = {**variant, "stock_quantity": int(variant.get("stock_quantity") or 0) - skus[variant["sku"]]}
                result.append((event_names.PRODUCTVARIANT_UPDATE, catalog_products.variant_payload(after)))
    return result


def _save(cart: dict, order: dict, found: dict[int, dict]) -> None:
    """The order with everything it changes, in one transaction (store.save_order)."""
    bought = stock.quantities(order["lines"])
    payload = views.event_payload(order, session_id=order.get("session_id"))
    store.save_order(
        order,
        cart_write=cart_service.ordered_operation(cart, order["token"]),
        stock_writes=stock.operations(bought, found, take=True),
        counter_writes=[*[store.units_sold_write(pid, sum(skus.values())) for pid, skus in bought.items()],
                        stats.counter_operation(order)],
        event=events.outbox_put_batch([(event_names.ORDER_SAVE, payload), *_variant_events(order, found)]))


def place_order(body) -> tuple[str, int]:
    """O7: `(order token, status)`; 201 for a new order, 201 again with the same token for a resubmit."""
    data = CHECKOUT.validate(body)
    if not data["agreed_to_terms"]:
        raise CheckoutError("You must agree to the terms")
    try:
        token = write.retrying(partial(_attempt, data), attempts=ATTEMPTS, again=_concurrent_change)
    except write.Stale:
        raise Conflict("The cart changed while it was being ordered; try again.") from None
    return token, 201


def _concurrent_change(error: Exception) -> bool:
    """Worth another attempt: the transaction found the cart, the order number or the stock changed since
    they were read (a failed stock condition was explained first: see `_attempt`)."""
    return isinstance(error, store.Changed)


def _attempt(data: dict) -> str:
    """One checkout of the cart as it is now: the order's token (a new order, or the one the cart was
    already ordered with). Raises store.Changed when the transaction found something changed meanwhile."""
    # Independent reads together (core/store/parallel.py): the cart, and the methods its choices must
    # still be (one consistent Query of their partition, whatever the cart chose).
    cart, offers = together(lambda: cart_service.read_cart(data["cart_token"]), methods.read_offers)
    if cart is None:
        raise CheckoutError("Cart does not exist")
    if cart.get("order_token"):
        return cart["order_token"]
    _check_cart(cart)
    cart["shipping_method_country"] = _fresh_method(cart, "shipping", offers)
    cart["payment_method_country"] = _fresh_method(cart, "payment", offers)
    if int(cart["payment_method_country"]["id"]) not in cart["shipping_method_country"]["payment_methods"]:
        raise CheckoutError("The chosen payment method is no longer offered with the shipping method.")
    # The products (stock, prices) and the order number together: a checkout the products refuse
    # leaves a gap in the numbers, as a retried transaction always did (numbers are unique, not dense).
    found, number = together(partial(_check_products, cart), store.next_order_number)
    _check_prices(cart, found)
    order = _build_order(cart, data, number)
    try:
        _save(cart, order, found)
    except stock.StockShort as short:
        raise CheckoutError(stock.shortage_message(short.shortages)) from None
    except store.StockChanged:
        _explain(order, found)
        raise  # the stock is there after all (another variant's place moved): look again
    metric("OrdersPlaced", currency=order["currency"]["code"])
    metric("OrderValue", float(order["totals"]["total_incl_vat"]), "None", currency=order["currency"]["code"])
    return order["token"]


def _explain(order: dict, found: dict[int, dict]) -> None:
    """A stock condition failed: answer which variant ran short (read again)."""
    fresh = stock.load_products(found)
    try:
        stock.operations(stock.quantities(order["lines"]), fresh, take=True)
    except stock.StockShort as short:
        raise CheckoutError(stock.shortage_message(short.shortages)) from None
