"""The four e-mails, built from event payloads. Payloads are read defensively: every key is optional
and looked up in the places the order and complaint payloads may carry it, so an e-mail degrades
(a section is left out) rather than fails; only a missing recipient is a permanent failure.

What each e-mail reads (first match wins):

* recipient: payload `customer_email`, `order.customer_email`, `order.cart.shipping_info.email`,
  `order.shipping_info.email` (complaints also `complaint.customer_email`);
* language: payload `language`/`locale`, `order.language`/`locale`, `order.cart.language`/`locale`,
  `order.cart.country.locale` (when the country is an object), else the locale of the country code in
  `order.cart.country` / `order.cart.shipping_info.country` looked up through the localization
  service, else the shop's default language; only shipped languages (en, cs) are used;
* order token: payload `token`, `order.token` (complaints: `complaint.order`/`order_token`, payload
  `order_token`, `order` as a string or `order.token`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field

from chalicelib.core import providers
from chalicelib.notifications.emails import render
from chalicelib.notifications.emails.messages import LANGUAGES, t

DEFAULT_STOREFRONT_URL = "http://localhost:3031"
_ADDRESS = re.compile(r"[^@\s<>,;:\"]+@[^@\s<>,;:\"]+\.[^@\s<>,;:\"]+")


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


# --- reading payloads -------------------------------------------------------------------------------

def dig(obj, *path):
    for name in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(name)
    return obj


def first(*values):
    for value in values:
        if value not in (None, "", [], {}):
            return value
    return None


def _as_dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _country_code(value) -> str | None:
    if isinstance(value, dict):
        return first(value.get("code"), value.get("id"))
    return value if isinstance(value, str) and value else None


def _country(code: str | None) -> dict:
    """The country as localization has it (its service, wired by app.py: notifications sit on core only)."""
    if not code:
        return {}
    try:
        return providers.provided(providers.COUNTRIES).get_country(code) or {}
    except Exception:  # noqa: BLE001 - a lookup failure only costs the e-mail a country name
        return {}


def _normalize_language(value) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    code = value.replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else None


def default_language() -> str:
    from chalicelib.core.settings import get_settings

    return _normalize_language(get_settings().default_language) or "en"


def language_of(payload: dict, order: dict, cart: dict) -> str:
    candidates = [payload.get("language"), payload.get("locale"), order.get("language"), order.get("locale"),
                  cart.get("language"), cart.get("locale"), dig(cart, "country", "locale")]
    for candidate in candidates:
        found = _normalize_language(candidate)
        if found:
            return found
    for code in (_country_code(cart.get("country")), _country_code(dig(cart, "shipping_info", "country")),
                 _country_code(dig(order, "shipping_info", "country"))):
        found = _normalize_language(_country(code).get("locale")) if code else None
        if found:
            return found
    return default_language()


def recipient_of(payload: dict, order: dict, cart: dict, *extra) -> str:
    to = first(payload.get("customer_email"), order.get("customer_email"), dig(cart, "shipping_info", "email"),
               dig(order, "shipping_info", "email"), *extra)
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


def _title(value) -> str | None:
    """A method's title: a string, or an object with `title` (possibly nested under the method)."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, dict):
        return first(value.get("title"), dig(value, "shipping_method", "title"), dig(value, "payment_method", "title"))
    return None


# --- order confirmation -------------------------------------------------------------------------------

def _address_lines(info: dict, language: str) -> list[str]:
    if not info:
        return []
    name = " ".join(p for p in (info.get("first_name"), info.get("surname") or info.get("last_name")) if p)
    country = info.get("country")
    country_name = first(dig(country, "name") if isinstance(country, dict) else None,
                         _country(_country_code(country)).get("name"), _country_code(country))
    city = " ".join(p for p in (str(info.get("postal_code") or ""), str(info.get("city") or "")) if p)
    return [line for line in (info.get("company_name"), name, info.get("street"), city, country_name) if line]


def _section(label: str, lines: list[str]) -> tuple[str, str]:
    if not lines:
        return "", ""
    html_part = (f'<td valign="top" style="padding:0 16px 16px 0;font-size:14px;line-height:1.5;">'
                 f'<strong>{render.escape(label)}</strong><br>'
                 + "<br>".join(render.escape(line) for line in lines) + "</td>")
    return html_part, label + "\n" + "\n".join(lines)


def _money(value) -> str:
    return "" if value in (None, "") else str(value)


def order_confirmation(payload: dict) -> Email:
    order = _as_dict(payload.get("order"))
    cart = _as_dict(order.get("cart"))
    language = language_of(payload, order, cart)
    to = recipient_of(payload, order, cart)
    token = first(payload.get("token"), order.get("token")) or ""
    shipping_info = _as_dict(first(cart.get("shipping_info"), order.get("shipping_info"), payload.get("shipping_info")))
    billing_info = _as_dict(first(cart.get("billing_info"), order.get("billing_info"), payload.get("billing_info")))

    sections = [
        _section(t(language, "shipping_address"), _address_lines(shipping_info, language)),
        _section(t(language, "contact"), [line for line in (
            " ".join(p for p in (shipping_info.get("first_name"), shipping_info.get("surname")) if p),
            first(shipping_info.get("email"), to), shipping_info.get("phone")) if line]),
        _section(t(language, "billing_address"), _address_lines(billing_info, language) + [
            f"{t(language, label)}: {billing_info[key]}" for key, label in (("company_id", "company_id"),
                                                                            ("vat_number", "vat_number"))
            if billing_info.get(key)]),
    ]
    addresses_html = "".join(h for h, _ in sections if h)
    addresses_html = render.Safe(f'<table role="presentation" cellpadding="0" cellspacing="0"><tr>{addresses_html}'
                                 "</tr></table>" if addresses_html else "")
    addresses_text = "\n\n".join(text for _, text in sections if text)

    shipping_title = _title(first(cart.get("shipping_method_country"), cart.get("shipping_method"),
                                  cart.get("shipping_method_title"), order.get("shipping_method"),
                                  order.get("shipping_method_title")))
    payment_title = _title(first(cart.get("payment_method_country"), cart.get("payment_method"),
                                 cart.get("payment_method_title"), order.get("payment_method"),
                                 order.get("payment_method_title")))
    methods = [(t(language, "shipping_method"), shipping_title), (t(language, "payment_method"), payment_title)]
    methods = [(label, value) for label, value in methods if value]
    methods_html = render.Safe("".join(
        f'<p style="margin:0 0 4px 0;font-size:14px;"><strong>{render.escape(label)}:</strong> '
        f"{render.escape(value)}</p>" for label, value in methods))
    methods_text = "\n".join(f"{label}: {value}" for label, value in methods)

    items = [i for i in (cart.get("cart_items") or order.get("items") or []) if isinstance(i, dict)]
    rows_html, rows_text = [], []
    cell = 'style="padding:8px 4px;border-bottom:1px solid #e5e7eb;font-size:14px;"'
    for item in items:
        title = first(item.get("product_title"), item.get("title"), item.get("product_variant_name"),
                      item.get("product_variant_sku")) or ""
        variant = item.get("product_variant_name")
        attributes = item.get("attributes") if isinstance(item.get("attributes"), list) else []
        attribute_text = ", ".join(str(first(dig(a, "name"), dig(a, "value")) if isinstance(a, dict) else a)
                                   for a in attributes if a not in (None, ""))
        detail = first(attribute_text, variant if variant and variant != title else None) or ""
        sku = first(item.get("product_variant_sku"), item.get("sku")) or ""
        quantity = item.get("quantity") or 1
        unit = _money(first(item.get("unit_price_incl_vat_formatted"), item.get("unit_price_incl_vat")))
        base = _money(first(item.get("base_price_incl_vat_formatted"), item.get("unit_price_before_discount_formatted"),
                            item.get("original_unit_price_incl_vat_formatted")))
        total = _money(first(item.get("total_price_incl_vat_formatted"), item.get("total_price_incl_vat")))
        price_html = render.escape(unit)
        if base and base != unit:
            price_html = f'<s style="color:#6b7280;">{render.escape(base)}</s> {price_html}'
        rows_html.append(
            f"<tr><td {cell}><strong>{render.escape(title)}</strong>"
            + (f'<br><span style="color:#6b7280;">{render.escape(detail)}</span>' if detail else "")
            + f'<br><span style="color:#6b7280;">{render.escape(t(language, "sku"))}: {render.escape(sku)}</span></td>'
            f'<td {cell} align="right">{render.escape(quantity)}&times;</td>'
            f'<td {cell} align="right">{price_html}</td><td {cell} align="right">{render.escape(total)}</td></tr>')
        price_text = f"{base} -> {unit}" if base and base != unit else unit
        rows_text.append(f"- {title}" + (f" ({detail})" if detail else "") + f", {t(language, 'sku')} {sku}: "
                         f"{quantity} x {price_text} = {total}")
    header = (f'<tr><th align="left" {cell}></th><th align="right" {cell}>{render.escape(t(language, "quantity"))}</th>'
              f'<th align="right" {cell}>{render.escape(t(language, "unit_price"))}</th>'
              f'<th align="right" {cell}>{render.escape(t(language, "total"))}</th></tr>')
    items_html = render.Safe(f'<table role="presentation" width="100%" cellpadding="0" cellspacing="0">{header}'
                             + "".join(rows_html) + "</table>" if rows_html else "")

    shipping_payment = first(cart.get("shipping_payment_price_incl_vat_formatted"),
                             cart.get("total_shipping_payment_price_incl_vat_formatted"))
    totals = [(t(language, "items_total"), first(cart.get("total_items_price_incl_vat_formatted"),
                                                 order.get("total_items_price_incl_vat_formatted")))]
    if shipping_payment:
        totals.append((t(language, "shipping_payment_total"), shipping_payment))
    else:
        totals += [(t(language, "shipping_price"), first(dig(cart, "shipping_method_country", "price_incl_vat"),
                                                         cart.get("shipping_price_incl_vat_formatted"))),
                   (t(language, "payment_price"), first(dig(cart, "payment_method_country", "price_incl_vat"),
                                                        cart.get("payment_price_incl_vat_formatted")))]
    totals.append((t(language, "grand_total"), first(cart.get("total_price_incl_vat_formatted"),
                                                     order.get("total_price_incl_vat_formatted"))))
    totals = [(label, str(value)) for label, value in totals if value not in (None, "")]
    totals_html = render.Safe("".join(
        f'<p style="margin:4px 0;font-size:14px;text-align:right;">{render.escape(label)}: '
        f"<strong>{render.escape(value)}</strong></p>" for label, value in totals))
    totals_text = "\n".join(f"{label}: {value}" for label, value in totals)

    subject = t(language, "order_confirmation_subject")
    common = {"language": language, "subject": subject, "title": t(language, "order_confirmation_title"),
              "hello": t(language, "hello"), "intro": t(language, "order_confirmation_intro"),
              "order_label": t(language, "order"), "token": token, "date_label": t(language, "date"),
              "date": format_date(order.get("create_at")), "products_label": t(language, "products"),
              "footer": t(language, "footer")}
    html_part = render.render_html("order_confirmation", {**common, "addresses": addresses_html,
                                                          "methods": methods_html, "items": items_html,
                                                          "totals": totals_html})
    text_part = render.render_text("order_confirmation", {**common, "addresses": addresses_text,
                                                          "methods": methods_text, "items": "\n".join(rows_text),
                                                          "totals": totals_text})
    return Email("order_confirmation", to, subject, html_part, text_part, language,
                 {"order": token, "type": "order_confirmation"})


# --- review request ----------------------------------------------------------------------------------

def review_request(payload: dict) -> Email:
    order = _as_dict(payload.get("order"))
    cart = _as_dict(order.get("cart"))
    language = language_of(payload, order, cart)
    to = recipient_of(payload, order, cart)
    token = first(payload.get("token"), order.get("token")) or ""
    subject = t(language, "review_subject")
    html_part, text_part = render.generic(
        language=language, title=t(language, "review_title"), subtitle=t(language, "hello"),
        body=t(language, "review_body"), button_label=t(language, "review_button"),
        button_link=f"{storefront_url()}/review/{token}", footer=t(language, "footer"))
    return Email("order_review", to, subject, html_part, text_part, language, {"order": token, "type": "order_review"})


# --- complaints -------------------------------------------------------------------------------------

def _complaint_view(payload: dict) -> tuple[dict, dict, dict, dict]:
    complaint = _as_dict(payload.get("complaint"))
    order = _as_dict(first(payload.get("order") if isinstance(payload.get("order"), dict) else None,
                           complaint.get("order") if isinstance(complaint.get("order"), dict) else None))
    cart = _as_dict(order.get("cart"))
    return complaint, order, cart, payload


def _complaint_fields(payload: dict) -> dict:
    complaint, order, cart, _ = _complaint_view(payload)
    complaint_id = first(payload.get("complaint_id"), complaint.get("id"))
    token = first(payload.get("order_token"), complaint.get("order_token"),
                  complaint.get("order") if isinstance(complaint.get("order"), str) else None,
                  payload.get("order") if isinstance(payload.get("order"), str) else None,
                  order.get("token"), payload.get("token")) or ""
    cart_item = _as_dict(first(complaint.get("cart_item") if isinstance(complaint.get("cart_item"), dict) else None,
                               payload.get("cart_item") if isinstance(payload.get("cart_item"), dict) else None))
    if not cart_item:
        item_id = first(complaint.get("cart_item"), payload.get("cart_item"))
        cart_item = next((i for i in cart.get("cart_items") or []
                          if isinstance(i, dict) and item_id is not None and str(i.get("id")) == str(item_id)), {})
    variant = first(complaint.get("product_variant_name"), payload.get("product_variant_name"),
                    cart_item.get("product_variant_name"), complaint.get("product_variant_sku"),
                    payload.get("product_variant_sku"), cart_item.get("product_variant_sku")) or ""
    kind = first(complaint.get("type"), payload.get("type")) or "RETURN"
    status = first(complaint.get("status"), payload.get("status")) or "CREATED"
    language = language_of({**payload, **{k: complaint[k] for k in ("language", "locale") if k in complaint}},
                           order, cart)
    to = recipient_of(payload, order, cart, complaint.get("customer_email"))
    return {"id": complaint_id, "token": token, "variant": variant, "language": language, "to": to,
            "type": "WARRANTY_CLAIM" if str(kind).upper() == "WARRANTY_CLAIM" else "RETURN",
            "status": str(status).upper() if str(status).upper() in ("APPROVED", "DECLINED") else "CREATED"}


def complaint_confirmation(payload: dict) -> Email:
    f = _complaint_fields(payload)
    language = f["language"]
    subject = t(language, "complaint_created_subject")
    body = "\n".join(line for line in (t(language, f"complaint_created_body_{f['type']}"), f["variant"]) if line)
    html_part, text_part = render.generic(
        language=language, title=t(language, "complaint_created_title"), subtitle=t(language, "hello"), body=body,
        button_label=t(language, "order_detail"), button_link=f"{storefront_url()}/review/{f['token']}",
        footer=t(language, "footer"))
    return Email("order_item_complaint_confirmation", f["to"], subject, html_part, text_part, language,
                 {"complaint": f["id"], "type": "order_item_complaint_confirmation"})


def complaint_status_update(payload: dict) -> Email:
    f = _complaint_fields(payload)
    language = f["language"]
    subject = t(language, f"complaint_status_subject_{f['type']}")
    body = "\n".join(line for line in (t(language, f"complaint_status_body_{f['type']}"), f["variant"],
                                       t(language, f"complaint_status_{f['status']}")) if line)
    html_part, text_part = render.generic(
        language=language, title=t(language, "complaint_status_title"), subtitle=t(language, "hello"), body=body,
        button_label=t(language, "order_detail"), button_link=f"{storefront_url()}/review/{f['token']}",
        footer=t(language, "footer"))
    return Email("order_item_status_update", f["to"], subject, html_part, text_part, language,
                 {"complaint": f["id"], "type": "order_item_status_update"})


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
