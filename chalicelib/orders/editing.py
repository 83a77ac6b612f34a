"""The dashboard's edits of an order's cart (contract K27, K30, K31, K38).

The dashboard addresses them by the cart token shown in the order detail (`cart.token`). Once a cart is
ordered, the order holds the lines, prices and addresses, so the edits change the order: a quantity
change or a removed line moves stock (taken conditionally, as at checkout) and the sales and daily
figures, and the totals are recomputed, all in one transaction conditional on the order's version.
Only PENDING and PROCESSING orders can have their items changed. A cart that was never ordered is
edited as the storefront would.
"""

from __future__ import annotations

from decimal import Decimal

from chalicelib.cart import lines
from chalicelib.cart import service as cart_service
from chalicelib.cart import views as cart_views
from chalicelib.cart.schemas import UPDATE_QUANTITY
from chalicelib.core.http.errors import ApiError, Conflict
from chalicelib.core.store.entities import now_iso
from chalicelib.orders import stats, stock, store
from chalicelib.orders.store import get_order

EDITABLE = ("PENDING", "PROCESSING")


def _resolve(token: str) -> tuple[dict | None, dict | None]:
    """(cart, order) for a cart token or an order token; 404 (empty) when neither exists."""
    cart = cart_service.read_cart(token)
    if cart is not None:
        return cart, get_order(cart["order_token"]) if cart.get("order_token") else None
    order = get_order(token)
    if order is None:
        raise ApiError(None, 404)
    return None, order


def holder(token: str) -> dict:
    """What K30/K31 read: the order when the cart was ordered, else the cart."""
    cart, order = _resolve(token)
    return order if order is not None else cart


def set_info(token: str, name: str, body) -> None:
    cart, order = _resolve(token)
    if order is None:
        cart_service.set_info(token, name, body)
        return
    data = cart_service.clean_info(name, body)
    if cart_views.info_json({name: {"id": 1, **data}}, name) == cart_views.info_json(order, name):
        return  # the order page saved the address it read: nothing to write
    fields = {name: {"id": 1, **data}, "update_at": now_iso()}
    if name == "shipping_info" and data.get("email"):
        fields["customer_email"] = data["email"]
    store.set_order_fields(order["token"], fields)


def _write(order: dict, new_lines: list[dict]) -> None:
    if order["status"] not in EDITABLE:
        raise ApiError({"error": f"The items of a {order['status'].lower()} order cannot be changed."}, 400)
    if not new_lines:
        raise ApiError({"error": "An order keeps at least one item; cancel the order instead."}, 400)
    old_quantities = stock.quantities(order["lines"])
    new_quantities = stock.quantities(new_lines)
    take: dict[int, dict[str, int]] = {}
    give: dict[int, dict[str, int]] = {}
    for product_id in set(old_quantities) | set(new_quantities):
        before, after = old_quantities.get(product_id, {}), new_quantities.get(product_id, {})
        for sku in set(before) | set(after):
            delta = after.get(sku, 0) - before.get(sku, 0)
            if delta > 0:
                take.setdefault(product_id, {})[sku] = delta
            elif delta < 0:
                give.setdefault(product_id, {})[sku] = -delta
    if set(take) & set(give):
        raise ApiError({"error": "Change one item of a product at a time."}, 400)
    found = stock.load_products(set(take) | set(give))
    try:
        writes = stock.operations(take, found, take=True) + stock.operations(give, found, take=False)
    except stock.StockShort as short:
        raise ApiError({"error": stock.shortage_message(short.shortages)}, 400) from None
    changed = {**order, "lines": new_lines}
    changed["totals"] = lines.totals(changed)
    units = {pid: sum(after.values()) - sum(old_quantities.get(pid, {}).values())
             for pid, after in {**{p: {} for p in old_quantities}, **new_quantities}.items()}
    writes += [store.units_sold_write(pid, delta) for pid, delta in units.items() if delta]
    difference = {"currency": order["currency"], "create_at": order["create_at"],
                  "lines": [{"product_id": pid, "quantity": delta} for pid, delta in units.items() if delta],
                  "totals": {"items_incl_vat": changed["totals"]["items_incl_vat"]
                             - Decimal(order["totals"]["items_incl_vat"])}}
    writes.append(stats.counter_operation(difference, new_order=False))
    try:
        store.change_lines(order, new_lines, changed["totals"], now_iso(), writes=writes)
    except store.Changed:
        raise Conflict("The order or its products changed meanwhile; reload and try again.") from None


def _line_or_404(holder_lines: list[dict], sku: str) -> dict:
    line = next((line for line in holder_lines if line["sku"] == sku), None)
    if line is None:
        raise ApiError(None, 404)
    return line


def update_quantity(token: str, body) -> None:
    """K27."""
    data = UPDATE_QUANTITY.validate(body)
    cart, order = _resolve(token)
    if order is None:
        cart_service.update_quantity(token, body)
        return
    _line_or_404(order["lines"], data["sku"])
    _write(order, [{**line, "quantity": data["quantity"]} if line["sku"] == data["sku"] else line
                   for line in order["lines"]])


def remove_line(token: str, sku: str) -> None:
    """K38."""
    cart, order = _resolve(token)
    if order is None:
        cart_service.remove_line(token, sku)
        return
    _line_or_404(order["lines"], sku)
    _write(order, [line for line in order["lines"] if line["sku"] != sku])
