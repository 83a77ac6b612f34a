"""Orders after checkout: reading them, lists, and status changes (contract O1, O5, O6, O8, O10, O11).

A status change is one transaction: the order's status (conditional on the status we read), its
ORDER_STATUS_CHANGED event, REVIEW_SEND when it becomes SHIPPED (config/notifications.json holds the
e-mail's 7-day delay), and, when it becomes CANCELLED, the stock, sales and daily figures given back;
reopening a cancelled order takes them again (refused when the stock is no longer there).
"""

from __future__ import annotations

from chalicelib.core import event_names, events, providers
from chalicelib.core.http.errors import ApiError, Conflict, NotFound, ValidationError
from chalicelib.core.store.entities import now_iso
from chalicelib.core.store.write import Update
from chalicelib.orders import stats, stock, store, views
from chalicelib.orders.store import get_order

STATUSES = ("PENDING", "PROCESSING", "SHIPPED", "CANCELLED")
ORDER_MISSING = {"error": "Order does not exist"}


def storefront_order(token: str) -> dict:
    order = get_order(token)
    if order is None:
        raise ApiError(ORDER_MISSING, 400)
    return order


def dashboard_order(token: str) -> dict:
    order = get_order(token)
    if order is None:
        raise NotFound()
    return order


def list_orders() -> list[dict]:
    """O1: newest first (one Query of the ORDERS index)."""
    return [views.list_entry(o) for o in store.list_orders()]


def user_orders(email: str) -> list[dict]:
    """O8: the caller's orders, newest first (pointer Query, then one BatchGetItem)."""
    return [views.list_entry(order) for order in store.user_orders(email)]


def payment_block(order: dict, base_url: str) -> dict | None:
    """O10's `payment`, from the PaymentAPI (None for an offline method, without asking it)."""
    if not (order.get("payment_method_country") or {}).get("api_request"):
        return None
    return providers.provided(providers.ORDER_PAYMENTS).payment_block(order, base_url)


def payment_summary(order: dict) -> dict | None:
    """The payment status and its history for the dashboard order detail (None for an offline method)."""
    if not (order.get("payment_method_country") or {}).get("api_request"):
        return None
    return providers.provided(providers.ORDER_PAYMENTS).payment_summary(order)


def _stock_operations(order: dict, take: bool) -> list[Update]:
    change = stock.quantities(order["lines"])
    found = stock.load_products(change)
    try:
        ops = stock.operations(change, found, take=take)
    except stock.StockShort as short:
        raise ApiError({"error": "The order cannot be reopened: " + stock.shortage_message(short.shortages)},
                       400) from None
    sign = 1 if take else -1
    ops += [store.units_sold_write(pid, sign * sum(skus.values())) for pid, skus in change.items()]
    ops.append(stats.counter_operation(order, sign))
    return ops


def set_status(token: str, body) -> None:
    """O6: 204; 400 naming `status` for anything but the four statuses; 404 for an unknown order."""
    status = body.get("status") if isinstance(body, dict) else None
    if status not in STATUSES:
        raise ValidationError.field("status", f'"{status}" is not a valid choice.' if status is not None
                                    else "This field is required.")
    order = dashboard_order(token)
    previous = order["status"]
    if status == previous:
        return
    writes: list[Update] = []
    if status == "CANCELLED":
        writes = _stock_operations(order, take=False)
    elif previous == "CANCELLED":
        writes = _stock_operations(order, take=True)
    changed = {**order, "status": status}
    emitted = [(event_names.ORDER_STATUS_CHANGED, views.event_payload(changed, previous_status=previous))]
    if status == "SHIPPED":
        emitted.append((event_names.REVIEW_SEND, views.event_payload(changed)))
    try:
        store.change_status(order, status, now_iso(), writes=writes, event=events.outbox_put_batch(emitted))
    except store.Changed:
        raise Conflict("The order or its products changed meanwhile; reload and try again.") from None
    from chalicelib.core.observability import metric

    metric("OrderStatusChanged", status=status)
