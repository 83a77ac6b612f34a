"""The four e-mails, built from the typed event payloads (chalicelib/events/orders.py). Every field but
the recipient is optional to an e-mail: a missing one leaves its section out; a missing recipient is a
permanent failure.

What each e-mail reads:

* recipient: the payload's `customer_email`, else the order's, else the cart's shipping address's
  (a complaint's own `customer_email` last);
* language: the payload's `language`, else the order's, else the cart's, else the locale of the cart's
  country (given as an object, or a code looked up through the localization service), else the shipping
  address's country's, else the shop's default; only shipped languages (en, cs) are used;
* order token: the payload's `token` (complaints: `order_token`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field

from chalicelib.core import providers
from chalicelib.events import orders as order_events
from chalicelib.events.orders import Address, Cart, CartItem, ComplaintEvent, ComplaintOrder, CountryInfo, OrderDetail
from chalicelib.events.shape import read
from chalicelib.notifications.emails import render
from chalicelib.notifications.emails.messages import LANGUAGES, t

DEFAULT_STOREFRONT_URL = "http://localhost:3031"
_ADDRESS = re.compile(r"[^@\s<>,;:\"]+@[^@\s<>,;:\"]+\.[^@\s<>,;:\"]+")
_CELL = 'style="padding:8px 4px;border-bottom:1px solid #e5e7eb;font-size:14px;"'


class PayloadError(ValueError):
    """The payload cannot make this e-mail (no recipient): a permanent failure."""


@dataclass
class Email:
    kind: str
    to: str
    subject: str
    html: str
    text: str
    language: str
    meta: dict = field(default_factory=dict)


def storefront_url() -> str:
    return (os.environ.get("STOREFRONT_URL", "").strip() or DEFAULT_STOREFRONT_URL).rstrip("/")


# --- what the payloads say ----------------------------------------------------------------------------

def first(*values):
    for value in values:
        if value not in (None, "", [], {}):
            return value
    return None


def _code(country) -> str | None:
    return country.code if isinstance(country, CountryInfo) else country or None


def _country(country) -> CountryInfo:
    """The country as the payload gives it, or as localization has it (its service, wired by app.py:
    notifications sit on core and events only)."""
    if isinstance(country, CountryInfo):
        return country
    if not country:
        return CountryInfo()
    try:
        found = providers.provided(providers.COUNTRIES).get_country(country) or {}
    except Exception:  # noqa: BLE001 - a lookup failure only costs the e-mail a country name
        found = {}
    return CountryInfo(code=found.get("code"), name=found.get("name"), locale=found.get("locale"))


def _normalize_language(value) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    code = value.replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else None


def default_language() -> str:
    from chalicelib.core.settings import get_settings

    return _normalize_language(get_settings().default_language) or "en"


def language_of(language: str | None, order: OrderDetail | ComplaintOrder | None, cart: Cart) -> str:
    country = cart.country
    for candidate in (language, order and order.language, cart.language,
                      country.locale if isinstance(country, CountryInfo) else None):
        found = _normalize_language(candidate)
        if found:
            return found
    for code in (_code(country), _code(cart.shipping_info and cart.shipping_info.country)):
        found = _normalize_language(_country(code).locale) if code else None
        if found:
            return found
    return default_language()


def recipient_of(customer_email: str | None, order: OrderDetail | ComplaintOrder | None, cart: Cart,
                 fallback: str | None = None) -> str:
    to = first(customer_email, order and order.customer_email, cart.shipping_info and cart.shipping_info.email,
               fallback)
    if not isinstance(to, str) or not to.strip():
        raise PayloadError("the payload names no recipient (customer_email / order.cart.shipping_info.email)")
    if not _ADDRESS.fullmatch(to.strip()):
        raise PayloadError(f"the recipient {to[:80]!r} is not an e-mail address")
    return to.strip()


def format_date(value) -> str:
    if not isinstance(value, str) or not value:
        return ""
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return moment.strftime("%d. %m. %Y")


# --- order confirmation -------------------------------------------------------------------------------

def _address_lines(info: Address | None) -> list[str]:
    if info is None:
        return []
    name = " ".join(p for p in (info.first_name, info.surname) if p)
    country = info.country
    country_name = first(_country(country).name, _code(country))
    city = " ".join(p for p in (str(info.postal_code or ""), str(info.city or "")) if p)
    return [line for line in (info.company_name, name, info.street, city, country_name) if line]


def _section(label: str, lines: list[str]) -> tuple[str, str]:
    if not lines:
        return "", ""
    cell = render.fragment("address_cell", label=label, lines=render.Safe("<br>".join(map(render.escape, lines))))
    return cell, label + "\n" + "\n".join(lines)


def _item(item: CartItem, language: str) -> tuple[str, str]:
    title = first(item.product_title, item.product_variant_name, item.product_variant_sku) or ""
    variant = item.product_variant_name
    detail = variant if variant and variant != title else ""
    sku = item.product_variant_sku or ""
    quantity = item.quantity or 1
    unit = item.unit_price_incl_vat_formatted or ""
    base = item.base_price_incl_vat_formatted or ""
    total = item.total_price_incl_vat_formatted or ""
    discounted = bool(base) and base != unit
    html_row = render.fragment(
        "item_row", cell=render.Safe(_CELL), title=title, sku_label=t(language, "sku"), sku=sku, quantity=quantity,
        detail=render.fragment("item_detail", detail=detail) if detail else "",
        price=render.fragment("price_was", base=base, unit=unit) if discounted else unit, total=total)
    price_text = f"{base} -> {unit}" if discounted else unit
    text_row = (f"- {title}" + (f" ({detail})" if detail else "") + f", {t(language, 'sku')} {sku}: "
                f"{quantity} x {price_text} = {total}")
    return html_row, text_row


def order_confirmation(event: dict) -> Email:
    payload = read(order_events.OrderEvent, event)
    order = payload.order or OrderDetail(token=None)
    cart = order.cart or Cart()
    language = language_of(payload.language, order, cart)
    to = recipient_of(payload.customer_email, order, cart)
    token = payload.token or ""
    shipping_info = cart.shipping_info or Address()
    billing_info = cart.billing_info

    sections = [
        _section(t(language, "shipping_address"), _address_lines(cart.shipping_info)),
        _section(t(language, "contact"), [line for line in (
            " ".join(p for p in (shipping_info.first_name, shipping_info.surname) if p),
            first(shipping_info.email, to), shipping_info.phone) if line]),
        _section(t(language, "billing_address"), _address_lines(billing_info) + [
            f"{t(language, label)}: {value}" for label, value in (
                ("company_id", billing_info and billing_info.company_id),
                ("vat_number", billing_info and billing_info.vat_number)) if value]),
    ]
    cells = "".join(h for h, _ in sections if h)
    addresses_html = render.fragment("addresses", cells=render.Safe(cells)) if cells else ""
    addresses_text = "\n\n".join(text for _, text in sections if text)

    shipping, payment = cart.shipping_method_country, cart.payment_method_country
    methods = [(t(language, "shipping_method"), shipping and shipping.title),
               (t(language, "payment_method"), payment and payment.title)]
    methods = [(label, value) for label, value in methods if value]
    methods_html = render.Safe("".join(render.fragment("method_line", label=label, value=value)
                                       for label, value in methods))
    methods_text = "\n".join(f"{label}: {value}" for label, value in methods)

    rows = [_item(item, language) for item in cart.cart_items or []]
    items_html = render.fragment(
        "items", cell=render.Safe(_CELL), quantity_label=t(language, "quantity"),
        unit_price_label=t(language, "unit_price"), total_label=t(language, "total"),
        rows=render.Safe("".join(h for h, _ in rows))) if rows else ""

    totals = [(t(language, "items_total"), cart.total_items_price_incl_vat_formatted),
              (t(language, "shipping_price"), shipping and shipping.price_incl_vat),
              (t(language, "payment_price"), payment and payment.price_incl_vat),
              (t(language, "grand_total"), cart.total_price_incl_vat_formatted)]
    totals = [(label, str(value)) for label, value in totals if value not in (None, "")]
    totals_html = render.Safe("".join(render.fragment("total_line", label=label, value=value)
                                      for label, value in totals))
    totals_text = "\n".join(f"{label}: {value}" for label, value in totals)

    subject = t(language, "order_confirmation_subject")
    common = {"language": language, "subject": subject, "title": t(language, "order_confirmation_title"),
              "hello": t(language, "hello"), "intro": t(language, "order_confirmation_intro"),
              "order_label": t(language, "order"), "token": token, "date_label": t(language, "date"),
              "date": format_date(order.create_at), "products_label": t(language, "products"),
              "footer": t(language, "footer")}
    html_part = render.render_html("order_confirmation", {**common, "addresses": addresses_html,
                                                          "methods": methods_html, "items": items_html,
                                                          "totals": totals_html})
    text_part = render.render_text("order_confirmation", {**common, "addresses": addresses_text,
                                                          "methods": methods_text, "totals": totals_text,
                                                          "items": "\n".join(text for _, text in rows)})
    return Email("order_confirmation", to, subject, html_part, text_part, language,
                 {"order": token, "type": "order_confirmation"})


# --- review request ----------------------------------------------------------------------------------

def review_request(event: dict) -> Email:
    payload = read(order_events.ReviewSend, event)
    order = payload.order
    cart = (order and order.cart) or Cart()
    language = language_of(payload.language, order, cart)
    to = recipient_of(payload.customer_email, order, cart)
    token = payload.token or ""
    subject = t(language, "review_subject")
    html_part, text_part = render.generic(
        language=language, title=t(language, "review_title"), subtitle=t(language, "hello"),
        body=t(language, "review_body"), button_label=t(language, "review_button"),
        button_link=f"{storefront_url()}/review/{token}", footer=t(language, "footer"))
    return Email("order_review", to, subject, html_part, text_part, language, {"order": token, "type": "order_review"})


# --- complaints -------------------------------------------------------------------------------------

@dataclass
class _ComplaintView:
    id: int | None
    token: str
    variant: str
    language: str
    to: str
    type: str
    status: str


def _complaint_view(event: dict) -> _ComplaintView:
    payload = read(ComplaintEvent, event)
    complaint = payload.complaint
    order = payload.order if isinstance(payload.order, ComplaintOrder) else None
    cart = (order and order.cart) or Cart()
    item_id = complaint.cart_item if not isinstance(complaint.cart_item, dict) else complaint.cart_item.get("id")
    cart_item = next((i for i in cart.cart_items or [] if item_id is not None and str(i.id) == str(item_id)),
                     CartItem(product_variant_sku=None, quantity=None))
    variant = first(complaint.product_variant_name, cart_item.product_variant_name, complaint.product_variant_sku,
                    cart_item.product_variant_sku) or ""
    kind = str(complaint.type or "RETURN").upper()
    status = str(complaint.status or "CREATED").upper()
    return _ComplaintView(
        id=first(payload.complaint_id, complaint.id), token=payload.order_token or "", variant=variant,
        language=language_of(payload.language, order, cart),
        to=recipient_of(payload.customer_email, order, cart, complaint.customer_email),
        type="WARRANTY_CLAIM" if kind == "WARRANTY_CLAIM" else "RETURN",
        status=status if status in ("APPROVED", "DECLINED") else "CREATED")


def complaint_confirmation(event: dict) -> Email:
    f = _complaint_view(event)
    language = f.language
    subject = t(language, "complaint_created_subject")
    body = "\n".join(line for line in (t(language, f"complaint_created_body_{f.type}"), f.variant) if line)
    html_part, text_part = render.generic(
        language=language, title=t(language, "complaint_created_title"), subtitle=t(language, "hello"), body=body,
        button_label=t(language, "order_detail"), button_link=f"{storefront_url()}/review/{f.token}",
        footer=t(language, "footer"))
    return Email("order_item_complaint_confirmation", f.to, subject, html_part, text_part, language,
                 {"complaint": f.id, "type": "order_item_complaint_confirmation"})


def complaint_status_update(event: dict) -> Email:
    f = _complaint_view(event)
    language = f.language
    subject = t(language, f"complaint_status_subject_{f.type}")
    body = "\n".join(line for line in (t(language, f"complaint_status_body_{f.type}"), f.variant,
                                       t(language, f"complaint_status_{f.status}")) if line)
    html_part, text_part = render.generic(
        language=language, title=t(language, "complaint_status_title"), subtitle=t(language, "hello"), body=body,
        button_label=t(language, "order_detail"), button_link=f"{storefront_url()}/review/{f.token}",
        footer=t(language, "footer"))
    return Email("order_item_status_update", f.to, subject, html_part, text_part, language,
                 {"complaint": f.id, "type": "order_item_status_update"})


# Each builder reads the event's payload (a dict) as the type it needs.
BUILDERS = {
    "send_order_confirmation": order_confirmation,
    "send_review_request": review_request,
    "send_order_complaint_confirmation": complaint_confirmation,
    "send_order_complaint_status_update": complaint_status_update,
}


def build(method: str, payload) -> Email:
    if not isinstance(payload, dict):
        raise PayloadError("the payload is not an object")
    return BUILDERS[method](payload)
