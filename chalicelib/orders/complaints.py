"""Complaints about an order's items (contract O4, O9): returns and warranty claims.

A complaint lives inside its order item (`complaints`: the order detail shows them per line) and has
a global integer id; a pointer item (keys.complaint_pointer_key) names its order, so the dashboard's
`PUT order/dashboard/complaint/<id>/` finds it with one GetItem. Each change is one transaction with its
event (ORDER_ITEM_COMPLAINT_CREATED / _UPDATED: the e-mails to the customer).
"""

from __future__ import annotations

from chalicelib.core import event_names, events
from chalicelib.core.http.errors import ApiError, Conflict, ValidationError
from chalicelib.core.store.entities import now_iso
from chalicelib.orders import store
from chalicelib.orders.keys import complaint_pointer_key as pointer_key  # noqa: F401 (the importer's name)
from chalicelib.orders.schemas import COMPLAINT, COMPLAINT_STATUS
from chalicelib.orders.store import get_order


def _payload(order: dict, complaint: dict, **extra) -> dict:
    line = next((line for line in order["lines"] if int(line["id"]) == int(complaint["cart_item"])), {})
    return {
        "complaint": {**complaint, "order": order["token"], "product_variant_sku": line.get("sku"),
                      "product_title": line.get("title"), "customer_email": order.get("customer_email")},
        "order_token": order["token"],
        "complaint_id": int(complaint["id"]),
        "order": {"token": order["token"], "customer_email": order.get("customer_email"),
                  "language": order.get("language"), "country": order.get("country")},
        "customer_email": order.get("customer_email"),
        "language": order.get("language"),
        **extra,
    }


def create(body) -> dict:
    """O9: 201 `{cart_item, order, description, type}`; the item must be a line of that order."""
    data = COMPLAINT.validate(body)
    order = get_order(data["order"])
    if order is None:
        raise ValidationError.field("order", f'Invalid pk "{data["order"]}" - object does not exist.')
    if not any(int(line["id"]) == data["cart_item"] for line in order["lines"]):
        raise ValidationError.field("cart_item", "This item is not part of the order.")
    complaint = {"id": store.next_complaint_id(), "cart_item": data["cart_item"], "type": data["type"],
                 "status": "CREATED", "description": data["description"], "create_at": now_iso()}
    store.add_complaint(order["token"], complaint,
                        events.outbox_put(event_names.ORDER_ITEM_COMPLAINT_CREATED, _payload(order, complaint)))
    return {"cart_item": data["cart_item"], "order": order["token"], "description": data["description"],
            "type": data["type"]}


def set_status(complaint_id, body) -> None:
    """O4: 204; 404 (empty) for an unknown complaint."""
    data = COMPLAINT_STATUS.validate(body)
    try:
        order_token = store.complaint_order_token(int(complaint_id))
    except (TypeError, ValueError):
        order_token = None
    order = get_order(order_token) if order_token else None
    complaints = (order or {}).get("complaints") or []
    index = next((i for i, c in enumerate(complaints) if int(c["id"]) == int(complaint_id)), None)
    if index is None:
        raise ApiError(None, 404)
    current = complaints[index]
    if current["status"] == data["status"]:
        return
    changed = {**current, "status": data["status"]}
    try:
        store.change_complaint_status(order["token"], index, current, data["status"], events.outbox_put(
            event_names.ORDER_ITEM_COMPLAINT_UPDATED, _payload(order, changed, previous_status=current["status"])))
    except store.Changed:
        raise Conflict("The complaint changed meanwhile; reload and try again.") from None
