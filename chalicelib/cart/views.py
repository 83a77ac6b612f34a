"""The cart's JSON shapes (contract K23, K25, K28, K29), built from the stored cart alone.

Orders reuse `cart_json` for their `cart` part: an order item stores the same fields a cart does.
"""

from __future__ import annotations

from decimal import Decimal

from chalicelib.cart import lines
from chalicelib.core import money

BILLING_FIELDS = ("first_name", "surname", "street", "city", "postal_code", "company_name", "company_id",
                  "vat_number", "country")
SHIPPING_FIELDS = ("first_name", "surname", "street", "city", "postal_code", "email", "phone", "additional_info",
                   "country")
INFO_FIELDS = {"billing_info": BILLING_FIELDS, "shipping_info": SHIPPING_FIELDS}


class Formatter:
    """Formats amounts in the cart's price-list currency (contract 3.3: "all formatting uses the cart
    price list")."""

    def __init__(self, holder: dict):
        currency = holder.get("currency") or {}
        self.symbol = currency.get("symbol") or currency.get("code") or ""
        self.position = currency.get("symbol_position") or "AFTER"
        self.rounding = bool(holder.get("rounding"))

    def __call__(self, amount) -> str:
        return money.format_price(amount, self.symbol, self.position, self.rounding)


def line_json(line: dict, fmt: Formatter) -> dict:
    net_total, gross_total = lines.line_totals(line)
    return {
        "id": int(line["id"]),
        "product_id": int(line["product_id"]),
        "product_variant_sku": line["sku"],
        "product_slug": line.get("product_slug") or "",
        "product_variant_name": line.get("product_variant_name") or "",  # none: an imported line, variant gone
        "product_title": line.get("title") or "",
        "unit_price_without_vat": money.decimal_str(line["unit_price_without_vat"]),
        "unit_price_incl_vat": money.decimal_str(line["unit_price_incl_vat"]),
        "total_price_incl_vat_formatted": fmt(gross_total),
        "total_price_without_vat_formatted": fmt(net_total),
        "unit_price_incl_vat_formatted": fmt(line["unit_price_incl_vat"]),
        "unit_price_without_vat_formatted": fmt(line["unit_price_without_vat"]),
        "quantity": int(line["quantity"]),
        # Lines store already-discounted unit prices; the original never fills this field either.
        "discount": None,
        "primary_image": line.get("primary_image"),
    }


def _method_id(holder: dict, name: str) -> int | None:
    chosen = holder.get(name)
    return int(chosen["id"]) if chosen else None


def cart_json(holder: dict, *, token: str | None = None, line_extra=None) -> dict:
    """K23's Cart. `holder` is a cart or an order (same fields); `line_extra(line) -> dict` adds keys to
    each line (an order's complaints). Besides the contract's formatted totals it carries the exact
    amounts as decimal strings and the currency code."""
    fmt = Formatter(holder)
    sums = lines.totals(holder)
    items = []
    for line in holder.get("lines", []):
        item = line_json(line, fmt)
        if line_extra is not None:
            item.update(line_extra(line))
        items.append(item)
    return {
        "token": token or holder["token"],
        "cart_items": items,
        "update_at": holder.get("update_at"),
        "total_items_price_incl_vat_formatted": fmt(sums["items_incl_vat"]),
        "total_items_price_without_vat_formatted": fmt(sums["items_without_vat"]),
        "total_price_incl_vat_formatted": fmt(sums["total_incl_vat"]),
        "total_price_without_vat_formatted": fmt(sums["total_without_vat"]),
        "shipping_price_incl_vat_formatted": fmt(sums["shipping_incl_vat"]),
        "payment_price_incl_vat_formatted": fmt(sums["payment_incl_vat"]),
        "total_price_incl_vat": money.decimal_str(sums["total_incl_vat"]),
        "total_price_without_vat": money.decimal_str(sums["total_without_vat"]),
        "currency": (holder.get("currency") or {}).get("code"),
        "shipping_method_country": _method_id(holder, "shipping_method_country"),
        "payment_method_country": _method_id(holder, "payment_method_country"),
    }


def detail_json(cart: dict) -> dict:
    """K25."""
    return {
        "token": cart["token"],
        "user": cart.get("user"),
        "shipping_method_country": _method_id(cart, "shipping_method_country"),
        "payment_method_country": _method_id(cart, "payment_method_country"),
        "country": cart.get("country"),
        "pricelist": cart.get("pricelist"),
    }


def info_json(holder: dict, name: str) -> dict:
    """K28/K29: the stored address, or the original's "empty" object when none is set."""
    info = holder.get(name)
    if not info:
        return {"user": None, "safe_deleted": False,
                **{field: None if field == "country" else "" for field in INFO_FIELDS[name]}}
    return {"id": info.get("id", 1), "safe_deleted": False,
            **{field: info.get(field) if field == "country" else (info.get(field) or "")
               for field in INFO_FIELDS[name]}}


def method_json(holder: dict, kind: str) -> dict | None:
    """K33/K34 from the frozen method snapshot: `{id, <kind>_method: {title, description, image}, prices}`."""
    chosen = holder.get(f"{kind}_method_country")
    if not chosen:
        return None
    # The method's own currency, 2 decimals (contract 3.3); `currency_info` is frozen with the method.
    fmt = Formatter({"currency": chosen.get("currency_info") or {"code": chosen.get("currency")}})
    return {
        "id": int(chosen["id"]),
        f"{kind}_method": {"title": chosen.get("title") or "", "description": chosen.get("description"),
                           "image": chosen.get("image")},
        "price_incl_vat": fmt(Decimal(chosen["price_incl_vat"])),
        "price_without_vat": fmt(Decimal(chosen["price_without_vat"])),
    }
