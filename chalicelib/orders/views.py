"""The order's JSON shapes (contract O1, O5, O8, O10, O11) and its event payloads."""

from __future__ import annotations

from chalicelib.cart import views as cart_views
from chalicelib.core import money


def complaint_json(complaint: dict) -> dict:
    return {"id": int(complaint["id"]), "type": complaint["type"], "status": complaint["status"],
            "description": complaint.get("description", ""), "create_at": complaint.get("create_at")}


def _complaints_of(order: dict):
    by_line: dict[int, list[dict]] = {}
    for complaint in order.get("complaints") or []:
        by_line.setdefault(int(complaint["cart_item"]), []).append(complaint_json(complaint))

    def extra(line: dict) -> dict:
        return {"complaints": by_line.get(int(line["id"]), [])}

    return extra


def order_json(order: dict) -> dict:
    """OrderDetail: the order with its cart (lines with their complaints) as it was ordered."""
    return {
        "token": order["token"],
        "number": int(order["number"]),
        "cart": cart_views.cart_json(order, token=order["cart_token"], line_extra=_complaints_of(order)),
        "safe_deleted": False,
        "create_at": order["create_at"],
        "status": order["status"],
        "marketing_flag": bool(order.get("marketing_flag")),
        "agreed_to_terms": bool(order.get("agreed_to_terms")),
        "payment_id": order.get("payment_id"),
        "customer_email": order.get("customer_email"),
    }


def list_entry(order: dict) -> dict:
    """O1/O8 rows."""
    return {"token": order["token"], "create_at": order["create_at"], "status": order["status"],
            "customer_email": order.get("customer_email")}


def items_json(order: dict) -> dict:
    """O11: the lines, cart-item shape without complaints."""
    fmt = cart_views.Formatter(order)
    return {"items": [cart_views.line_json(line, fmt) for line in order.get("lines", [])]}


def _method_summary(order: dict, kind: str) -> dict | None:
    chosen = order.get(f"{kind}_method_country")
    if not chosen:
        return None
    fmt = cart_views.Formatter({"currency": chosen.get("currency_info") or {"code": chosen.get("currency")}})
    return {"id": int(chosen["id"]), "title": chosen.get("title") or "",
            "price_incl_vat": fmt(chosen["price_incl_vat"])}


def event_payload(order: dict, **extra) -> dict:
    """ORDER_SAVE / ORDER_STATUS_CHANGED / REVIEW_SEND payload: the order as OrderDetail, its cart with
    addresses, methods and country (what the confirmation e-mail shows), the exact totals, plus the
    recipient and language at the top (chalicelib/notifications/emails/builders.py reads these)."""
    detail = order_json(order)
    detail["cart"].update({
        "billing_info": order.get("billing_info"),
        "shipping_info": order.get("shipping_info"),
        "country": order.get("country"),
        "pricelist": order.get("pricelist"),
        "language": order.get("language"),
        "shipping_method_country": _method_summary(order, "shipping"),
        "payment_method_country": _method_summary(order, "payment"),
    })
    detail["language"] = order.get("language")
    detail["totals"] = {name: money.decimal_str(value) for name, value in (order.get("totals") or {}).items()}
    return {"token": order["token"], "order": detail, "customer_email": order.get("customer_email"),
            "language": order.get("language"), "_model_class": "Order",  # the recommender's model (original key)
            "product_variants": [[line["sku"], int(line["quantity"])] for line in order.get("lines", [])], **extra}
