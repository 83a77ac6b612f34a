"""Orders as history: each dump order becomes the order item checkout writes (orders/store.py), from
its cart's lines, addresses and methods, with the dump's token, creation time, status and flags.

* Lines keep the dump's cart-item ids, quantities and unit prices (what the customer was charged);
  titles, slugs, variant names, images and the VAT rate come from the imported product as the cart
  prices a line (`cart.lines.price_line`, prices replaced by the dump's), in the order's language or,
  when the product has no title in it, the shop's default; else from the prices alone.
* The methods are the dump's method-country rows as this shop has them now (imported before),
  frozen as the cart freezes them (`cart.service.freeze_method`); an order whose row is gone keeps
  no method (counted).
* Numbers: the original has none (contract 3.4); each order not imported yet takes the next number
  of the ORDER counter, oldest first, so the first import of a shop numbers them 1..n and checkout
  continues after them.
* Like checkout, one transaction per order: the order (conditional: a re-run finds it and writes
  nothing), the user's pointer, and the sales and daily-stats counters (not for CANCELLED orders, as a
  cancellation gives them back). The stock is not taken: the dump's stock is already after these orders.
  No events are recorded: notifications for old orders would e-mail customers again.

Complaints go into their order (`complaints`, with the dump's ids and the pointer items
orders/complaints.py reads). Carts without an order are short-lived shopper state and are not imported (counted).
"""

from __future__ import annotations

from decimal import Decimal

from chalicelib.cart import lines
from chalicelib.cart import views as cart_views
from chalicelib.cart.service import freeze_method
from chalicelib.catalog import pricing
from chalicelib.catalog.products import service as catalog_products
from chalicelib.catalog.reference.store import catalog_snapshot
from chalicelib.core import money
from chalicelib.core.http.errors import ApiError
from chalicelib.core.http.validation import normalize_email
from chalicelib.core.settings import get_settings
from chalicelib.importer import store
from chalicelib.importer.source import Dump, Report, as_int, timestamp
from chalicelib.importer.sqldump import flag
from chalicelib.methods import service as methods
from chalicelib.orders import store as orders_store
from chalicelib.orders.keys import listed_order_keys
from chalicelib.orders.service import STATUSES

TABLES = ("order_order", "cart_cart", "cart_cartitem", "country_billinginfo", "country_shippinginfo")


def _address(row: dict | None, fields: tuple[str, ...]) -> dict | None:
    if row is None:
        return None
    values = {name: ("" if row.get(name) is None else str(row[name])) for name in fields if name != "country"}
    return {"id": 1, **values, "country": row.get("country_id")}


def _rate(net: Decimal, gross: Decimal) -> Decimal:
    return money.quantize((gross / net - 1) * 100) if net else Decimal("0")


def _line(item: dict, product: dict | None, context: pricing.Pricing | None, snapshot: dict, language: str) -> dict:
    net = money.quantize(Decimal(str(item.get("unit_price_without_vat") or 0)))
    gross = money.quantize(Decimal(str(item.get("unit_price_incl_vat") or 0)))
    line = {"id": int(item["id"]), "product_id": as_int(item.get("product_id")), "sku": item["product_variant_id"],
            "quantity": int(item.get("quantity") or 1), "vat_rate": _rate(net, gross), "discount": None, "title": "",
            "product_slug": "", "product_variant_name": None, "primary_image": None}
    variant = lines.find_variant(product, line["sku"]) if product else None
    if variant is not None and context is not None:
        language = _text_language(product, language)
        try:
            line.update(lines.price_line(product, variant, context, snapshot, language))
        except ApiError:  # no price in that price list any more: texts and image only
            texts = (product.get("translations") or {}).get(language) or {}
            line.update(title=texts.get("title") or "", product_slug=texts.get("slug") or "")
    line.update(unit_price_without_vat=net, unit_price_incl_vat=gross, discount=None)
    if line["product_variant_name"] is None:  # a text of an attribute is missing: the title alone
        line["product_variant_name"] = line["title"] or line["sku"]
    return line


def _text_language(product: dict, language: str) -> str:
    """The order's language when the product has a title in it, else the shop's default, else any: a
    history line always names what was bought."""
    translations = product.get("translations") or {}
    candidates = [language, get_settings().default_language, *sorted(translations)]
    return next((lang for lang in candidates if (translations.get(lang) or {}).get("title")), language)


def _method(kind: str, row_id: int | None, language: str, report: Report) -> dict | None:
    row = (methods.get_shipping_country if kind == "shipping" else methods.get_payment_country)(row_id) \
        if row_id else None
    if row is None:
        report.add("orders", f"{kind}_method_missing")
        return None
    return freeze_method(kind, row, language)


def _context(country: str | None, price_list: str | None) -> pricing.Pricing | None:
    try:
        return pricing.load(country, price_list)
    except ApiError:
        return None


def _order(row: dict, cart: dict, dump_lines: list[dict], infos: dict, products: dict[int, dict],
           snapshot: dict, report: Report) -> dict:
    settings = get_settings()
    context = _context(cart.get("country_id"), cart.get("pricelist_id"))
    locale = ((context.country if context else None) or {}).get("locale") or ""
    language = locale if locale in settings.languages else settings.default_language
    shipping_info = _address(infos["shipping"].get(as_int(cart.get("shipping_info_id"))),
                             cart_views.SHIPPING_FIELDS)
    stamp = timestamp(row.get("create_at"))
    token = str(row["token"]).lower()
    user = cart.get("user_id")
    order = {
        **listed_order_keys(token, stamp),
        "token": token,
        "create_at": stamp,
        "update_at": stamp,
        "status": row.get("status") if row.get("status") in STATUSES else "PENDING",
        "marketing_flag": flag(row.get("marketing_flag") or False),
        "agreed_to_terms": flag(row.get("agreed_to_terms") or False),
        "payment_id": row.get("payment_id"),
        "user": normalize_email(user) if user else None,
        "customer_email": (shipping_info or {}).get("email") or None,
        "cart_token": str(cart["token"]).lower(),
        "session_id": None,
        "language": language,
        "country": cart.get("country_id"),
        "pricelist": cart.get("pricelist_id"),
        "currency": ({k: context.currency.get(k) for k in ("code", "symbol", "symbol_position")}
                     if context else {"code": None, "symbol": "", "symbol_position": "AFTER"}),
        "rounding": context.rounding if context else False,
        "billing_info": _address(infos["billing"].get(as_int(cart.get("billing_info_id"))),
                                 cart_views.BILLING_FIELDS),
        "shipping_info": shipping_info,
        "shipping_method_country": _method("shipping", as_int(cart.get("shipping_method_country_id")), language,
                                           report),
        "payment_method_country": _method("payment", as_int(cart.get("payment_method_country_id")), language,
                                          report),
        "lines": [_line(item, products.get(as_int(item.get("product_id"))), context, snapshot, language)
                  for item in dump_lines],
        "complaints": [],
        "version": 1,
    }
    order["totals"] = lines.totals(order)
    return order


def _sold(order: dict) -> dict[int, int] | None:
    """Units per product the order adds to the sales counters, None when it counts in no figures (a
    CANCELLED order gave them back; an order without lines or currency has none)."""
    if order["status"] == "CANCELLED" or not order["lines"] or not order["currency"]["code"]:
        return None
    units: dict[int, int] = {}
    for line in order["lines"]:
        if line["product_id"] is not None:
            units[line["product_id"]] = units.get(line["product_id"], 0) + int(line["quantity"])
    return units


def _complaints(dump: Dump, report: Report) -> dict[str, list[dict]]:
    """{order token: [complaint]} as orders/complaints.py keeps them (`cart_item` is the line id)."""
    found: dict[str, list[dict]] = {}
    for row in sorted(dump.live("order_orderitemcomplaint", report, "complaints"), key=lambda r: int(r["id"])):
        found.setdefault(str(row["order_id"]).lower(), []).append({
            "id": int(row["id"]), "cart_item": as_int(row.get("cart_item_id")), "type": row.get("type") or "RETURN",
            "status": row.get("status") or "CREATED", "description": row.get("description") or "",
            "create_at": timestamp(row.get("create_at"))})
    return found


def import_orders(dump: Dump, report: Report) -> set[str]:
    """Write the dump's orders that are missing; answers the tokens of its orders the shop now has."""
    rows = sorted(dump.live("order_order", report, "orders"),
                  key=lambda r: (timestamp(r.get("create_at")) or "", str(r["token"])))
    carts = {str(c["token"]).lower(): c for c in dump.rows("cart_cart")}
    ordered = {str(r.get("cart_id") or "").lower() for r in dump.rows("order_order")}
    report.add("carts", "skipped_not_ordered", len(set(carts) - ordered))
    if not rows:
        return set()
    existing = store.present_orders([str(r["token"]).lower() for r in rows])
    pending = [r for r in rows if str(r["token"]).lower() not in existing]
    report.add("orders", "existing", len(rows) - len(pending))
    if not pending:
        return existing
    found_complaints = _complaints(dump, report)
    highest = max((int(r["id"]) for r in dump.rows("order_orderitemcomplaint")), default=0)
    if highest:
        store.raise_counter("complaint", highest)  # complaint ids as in the dump; new ones come after them
    items: dict[str, list[dict]] = {}
    for item in sorted(dump.live("cart_cartitem"), key=lambda i: int(i["id"])):
        items.setdefault(str(item["cart_id"]).lower(), []).append(item)
    infos = {kind: {int(r["id"]): r for r in dump.rows(f"country_{kind}info")} for kind in ("billing", "shipping")}
    product_ids = {as_int(i.get("product_id")) for r in pending for i in items.get(str(r.get("cart_id")).lower(), [])}
    products = {int(p["id"]): p for p in catalog_products.get_many([p for p in product_ids if p is not None])}
    snapshot = catalog_snapshot()
    for row in pending:
        cart = carts.get(str(row.get("cart_id") or "").lower())
        if cart is None:
            report.add("orders", "skipped_no_cart")
            report.log(f"  order {row['token']}: its cart is not in the dump; skipped")
            continue
        order = _order(row, cart, items.get(str(cart["token"]).lower(), []), infos, products, snapshot, report)
        order["complaints"] = [c for c in found_complaints.get(order["token"], [])
                               if c["cart_item"] in {line["id"] for line in order["lines"]}]
        report.add("complaints", "created", len(order["complaints"]))
        order["number"] = orders_store.next_order_number()
        if not store.save_order(order, _sold(order)):  # written meanwhile (a concurrent run)
            report.add("orders", "existing")
            existing.add(order["token"])
            continue
        existing.add(order["token"])
        report.add("orders", "created")
        report.add("order_lines", "created", len(order["lines"]))
    return existing
