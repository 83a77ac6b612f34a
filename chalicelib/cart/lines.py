"""Cart lines: pricing a variant into a line, and the line and cart totals.

A line is priced when it is added, and again when the cart's country or price list changes (the
original crashes there, contract 10.3). The unit prices are the discounted net and gross, rounded to
cents as the original's decimal(10,2) columns hold them; every total is an exact sum of those.

The VAT rate follows the storefront's rule (product type's group in the country, else the country's
default, else its first group), so the cart shows the price the product page showed. The original
uses 0 % when the type has no group in the country; that made the two pages disagree.
"""

from __future__ import annotations

from decimal import Decimal

from chalicelib.catalog import pricing
from chalicelib.catalog.products.views import primary_image
from chalicelib.catalog.storefront.service import price_in, product_type_of
from chalicelib.catalog.taxonomy import service as attributes
from chalicelib.core import money
from chalicelib.core.http.errors import ApiError

PRICE_MISSING = {"error": "ProductPrice does not exist"}
ZERO = Decimal("0")


def variant_name(product: dict, variant: dict, lookup: dict[int, dict], language: str) -> str | None:
    """`"<title>: <type>: <value><unit>, ..."`, or None when a text it needs is missing in the language."""
    title = ((product.get("translations") or {}).get(language) or {}).get("title")
    if not title:
        return None
    parts = []
    for attribute_id in variant.get("attributes", []):
        entry = lookup.get(int(attribute_id))
        if entry is None:
            continue
        type_name = entry["type"]["name"].get(language)
        value = entry["name"].get(language) if entry["name"] else None
        value = value if value else entry.get("value")
        if not type_name or value in (None, ""):
            return None
        parts.append(f"{type_name}: {value}{entry['type'].get('unit') or ''}")
    return ": ".join([title, ", ".join(parts)]) if parts else title


def _image(product: dict) -> dict | None:
    """Relative `/media/...` path: the storefront prefixes cart images with its API URL (contract K23)."""
    entry = primary_image(product)
    if entry is None:
        return None
    return {"id": int(entry["id"]), "media": f"/media/{entry['key']}", "type": entry["type"], "alt": entry.get("alt")}


def _discount(price: dict) -> Decimal | None:
    discount = price.get("discount")
    return Decimal(str(discount)) if discount is not None and Decimal(str(discount)) > 0 else None


def unit_net(variant: dict, price_list_code: str) -> Decimal | None:
    """The variant's discounted net unit price in cents in that price list (None if unpriced): what a
    line's `unit_price_without_vat` holds, read from the product item alone."""
    price = price_in(variant, price_list_code)
    if price is None:
        return None
    return money.quantize(money.discounted(Decimal(str(price["price"])), _discount(price)))


def price_line(product: dict, variant: dict, context: pricing.Pricing, snapshot: dict, language: str) -> dict:
    """The priced fields of a line for this variant in this price list and country (400 if unpriced)."""
    price = price_in(variant, context.price_list["code"])
    rate = context.vat_rate(product_type_of(snapshot, product.get("type_id")))
    if price is None:
        raise ApiError(PRICE_MISSING, 400)
    if rate is None:
        raise ApiError({"error": f"No VAT rate is set up for country {context.country and context.country['code']}."},
                       400)
    discount = _discount(price)
    net = money.discounted(Decimal(str(price["price"])), discount)
    return {
        "product_id": int(product["id"]),
        "sku": variant["sku"],
        "unit_price_without_vat": money.quantize(net),
        "unit_price_incl_vat": money.quantize(money.with_vat(net, rate)),
        "vat_rate": rate,
        "discount": discount,
        "title": ((product.get("translations") or {}).get(language) or {}).get("title") or "",
        "product_slug": ((product.get("translations") or {}).get(language) or {}).get("slug") or "",
        "product_variant_name": variant_name(product, variant, attributes.attribute_lookup(snapshot), language),
        "primary_image": _image(product),
    }


def find_variant(product: dict, sku: str) -> dict | None:
    return next((v for v in product.get("variants", []) if v["sku"] == sku), None)


def line_totals(line: dict) -> tuple[Decimal, Decimal]:
    quantity = int(line["quantity"])
    return Decimal(line["unit_price_without_vat"]) * quantity, Decimal(line["unit_price_incl_vat"]) * quantity


def totals(cart: dict) -> dict[str, Decimal]:
    """Exact sums: items, shipping and payment, with and without VAT.

    "total_without_vat" adds the methods' net prices; the original adds their gross prices there (a bug
    the contract notes in 10.3)."""
    items_net = sum((line_totals(line)[0] for line in cart.get("lines", [])), ZERO)
    items_gross = sum((line_totals(line)[1] for line in cart.get("lines", [])), ZERO)
    shipping = cart.get("shipping_method_country") or {}
    payment = cart.get("payment_method_country") or {}
    methods_net = Decimal(shipping.get("price_without_vat", 0)) + Decimal(payment.get("price_without_vat", 0))
    methods_gross = Decimal(shipping.get("price_incl_vat", 0)) + Decimal(payment.get("price_incl_vat", 0))
    return {
        "items_without_vat": items_net,
        "items_incl_vat": items_gross,
        "shipping_without_vat": Decimal(shipping.get("price_without_vat", 0)),
        "shipping_incl_vat": Decimal(shipping.get("price_incl_vat", 0)),
        "payment_without_vat": Decimal(payment.get("price_without_vat", 0)),
        "payment_incl_vat": Decimal(payment.get("price_incl_vat", 0)),
        "total_without_vat": items_net + methods_net,
        "total_incl_vat": items_gross + methods_gross,
    }
