"""Shipping and payment methods and their per-country rows (contract 1.3 K1-K21, K32; data model 3.3).

For the cart and checkout (stable; other packages call only these):

* `get_shipping_country(row_id) -> dict | None`, `get_payment_country(row_id) -> dict | None`
  A method-country row that a shop can offer, or None when it is missing, soft-deleted, belongs to a
  deleted method, or can no longer be priced (its country, VAT group or currency was deleted). Inactive
  rows ARE returned (`is_active` False): the caller decides. One consistent Query of the METHODS
  partition (PRICING is the container's copy, core/store/versioned.py); with `cached=True` METHODS is
  the container's copy too (no call while unchanged: the storefront cart's choice, which checkout
  checks again with a consistent read). Everything below is then computed from the dict, with no call.
  Keys: id, kind, method_id, country, currency, vat_group (int), price (Decimal, net), is_active,
  create_at, update_at, vat_rate (Decimal percent), currency_info {code, symbol, symbol_position},
  method {id, translations, image, image_version}, plus
  - payment: payment_method (= method_id), api_request (payment config key, None = offline method);
  - shipping: shipping_method (= method_id), payment_methods (list[int]): the payment rows offered with
    it, exactly those K32 lists (live, active, same country, priceable).
* `read_offers() -> Snapshot` and `offer(kind, row_id, snapshot)`: the same rows from one Query of the
  whole partition, for a caller that needs both kinds (checkout).
* `method_country_view(kind, row, language, origin=None) -> dict`: the K33/K34 shape
  `{id, shipping_method|payment_method: {title, description, image}, price_incl_vat, price_without_vat}`
  (kind "shipping" | "payment"; prices formatted in the row's currency). With `origin` (the request's,
  `req.origin()`) the image URL is absolute, without it relative (`/media/...`).
* `gross_price(row) -> Decimal`: net x (1 + rate/100), exact (money.with_vat, no rounding at all: round
  only to display, as the original does). `row["price"]` is the net price.
* `snapshot(kind, row, language, origin=None) -> dict`: the method frozen into a cart or an order:
  {id, method_id, title, description, image, price_without_vat (Decimal), price_incl_vat (Decimal, exact),
  currency (code), currency_info, country, vat_rate} + api_request (payment) / payment_methods (shipping).

No events: the original has none for methods.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from chalicelib.core import media, money, providers
from chalicelib.core.http.errors import Conflict, NotFound, ValidationError
from chalicelib.core.http.validation import KEEP, changed_fields
from chalicelib.core.store.entities import now_iso
from chalicelib.core.store.write import ConditionFailed, Stale, retrying
from chalicelib.localization import service as localization
from chalicelib.localization.service import PricingPlace
from chalicelib.localization.store import pricing_items
from chalicelib.methods import schemas, store, views
from chalicelib.methods.store import PAYMENT, SHIPPING, Kind, Snapshot, kind_of, read


def _int_id(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _invalid_pk(value: Any) -> str:
    return f'Invalid pk "{value}" - object does not exist.'


# --- pricing: the country's VAT rates and the currencies, from one Query of PRICING -----------------

@dataclass
class Place:
    """What prices a row: its country (None when that country is not live), that country's VAT rates
    by group id, and every live currency by code."""

    country: str | None
    vat_rates: dict[int, Decimal] = field(default_factory=dict)
    currencies: dict[str, dict] = field(default_factory=dict)

    def price_parts(self, row: dict) -> tuple[Decimal, dict] | None:
        """(VAT rate, currency) of a row, or None when the row cannot be priced in this place."""
        if self.country is None or row.get("country") != self.country:
            return None
        rate = self.vat_rates.get(int(row["vat_group"]))
        currency = self.currencies.get(row.get("currency"))
        return None if rate is None or currency is None else (rate, currency)


def _place(country_code: str | None) -> Place:
    items = pricing_items()
    pricing = PricingPlace(items, country_code)
    currencies = {code: {"code": code, "symbol": c.get("symbol") or code,
                         "symbol_position": c.get("symbol_position") or "AFTER"}
                  for code, c in pricing.currencies.items()}
    # PricingPlace falls back to the first country for an unknown code; a method row never does.
    if not country_code or not pricing.country or pricing.country["code"] != country_code:
        return Place(None, {}, currencies)
    rates = {int(g["id"]): money.quantize(g["rate"]) for g in pricing.vat_groups}
    return Place(country_code, rates, currencies)


def _offered_payments(snap: Snapshot, place: Place, shipping_row: dict) -> list[dict]:
    """The payment rows a shipping row offers to shoppers, in id order.

    Unlike the original (which lists every linked row), only live rows of a live method that are
    active, in the shipping row's own country and priceable: a shop must not offer a payment method the
    merchant switched off.
    """
    offered = []
    for payment_id in sorted({int(i) for i in shipping_row.get("payment_methods") or []}):
        row = snap.live_row(PAYMENT, payment_id)
        if row is not None and row.get("is_active", True) and place.price_parts(row) is not None:
            offered.append(row)
    return offered


# --- methods (K1-K5, K13-K17) ---------------------------------------------------------------------

def list_methods(kind_name: str, language: str, origin: str) -> list[dict]:
    kind = kind_of(kind_name)
    return [views.method_list_json(m, language, origin) for m in kind.methods.iterate()]


def _store_image(kind: Kind, method_id: int, image: tuple[bytes, str]) -> str:
    data, ext = image
    key = f"{kind.image_area}/{method_id}.{ext}"
    media.store(key, data, media.content_type(ext))
    return key


def _merge_translations(current: dict | None, sent: dict) -> dict:
    merged = {lang: dict(row) for lang, row in (current or {}).items()}
    for lang, row in sent.items():
        merged[lang] = {**merged.get(lang, {}), **row}
    return merged


def create_method(kind_name: str, body: Any, language: str, origin: str) -> dict:
    """K2/K14: `{}` creates an empty method (the dashboard then edits it); translations and an image
    may be sent too."""
    kind = kind_of(kind_name)
    data = schemas.METHOD_WRITE.validate(body)
    method_id = store.new_method_id(kind)
    fields = {"translations": _merge_translations({}, data.get("translations") or {}), "image": None,
              "image_version": 0, "version": 1}
    image = data.get("image")
    if image is not None and image is not KEEP:
        fields.update(image=_store_image(kind, method_id, image), image_version=1)
    item = kind.methods.create(fields, method_id)
    return views.method_list_json(item, language, origin)


def _get_method(kind: Kind, method_id: Any) -> dict:
    mid = _int_id(method_id)
    item = store.get_method(kind, mid) if mid else None
    if item is None or item.get("safe_deleted"):
        raise NotFound()
    return item


def get_method(kind_name: str, method_id: Any, origin: str) -> dict:
    kind = kind_of(kind_name)
    return views.method_detail_json(kind, _get_method(kind, method_id), origin)


def update_method(kind_name: str, method_id: Any, body: Any, origin: str) -> dict:
    """K4/K16 (PUT and PATCH alike): only the languages and fields sent change; `image` replaces the
    image (stored as `<area>/<id>.<ext>`), null removes it, a URL keeps it. 404 for a missing method."""
    kind = kind_of(kind_name)
    data = schemas.METHOD_WRITE.validate(body)
    current = _get_method(kind, method_id)
    mid = int(current["id"])
    image = data.get("image", KEEP)
    new_key = _store_image(kind, mid, image) if image is not None and image is not KEEP else None

    def attempt() -> dict:
        nonlocal current
        fields: dict = {}
        if "translations" in data:
            fields["translations"] = _merge_translations(current.get("translations"), data["translations"])
        if image is None:
            fields["image"] = None
        elif new_key is not None:
            fields.update(image=new_key, image_version=int(current.get("image_version") or 0) + 1)
        if not changed_fields(current, fields):
            return views.method_detail_json(kind, current, origin)  # saved as read: nothing to write
        seen = current.get("version")
        fields.update(version=int(seen or 0) + 1, update_at=now_iso())
        try:
            item = store.save_method(kind, mid, fields, seen)
        except ConditionFailed:
            current = _get_method(kind, mid)  # changed meanwhile (or deleted: 404): apply to the new state
            raise
        return views.method_detail_json(kind, item, origin)

    try:
        return retrying(attempt)
    except Stale:
        raise Conflict("The method was changed concurrently, please try again.") from None


def delete_method(kind_name: str, method_id: Any) -> None:
    """K5/K17: soft delete; its rows disappear with it (no longer listed, offered or priced)."""
    kind = kind_of(kind_name)
    mid = _int_id(method_id)
    if mid is None or not kind.methods.soft_delete(mid):
        raise NotFound()


# --- method-country rows (K6-K12, K18-K21) --------------------------------------------------------

def _read_for(kind: Kind) -> Snapshot:
    # Shipping rows refer to payment rows, so their reads need the whole partition.
    return read(None if kind is SHIPPING else kind)


def list_rows_of_method(kind_name: str, method_id: Any) -> list[dict]:
    """K6/K18: the rows of one live method (404 for a missing method), in id order."""
    kind = kind_of(kind_name)
    snap = _read_for(kind)
    mid = _int_id(method_id)
    if mid is None or mid not in snap.methods[kind.name]:
        raise NotFound()
    rows = sorted((r for r in snap.rows[kind.name].values() if int(r[kind.method_field]) == mid),
                  key=lambda r: int(r["id"]))
    return [_row_json(kind, snap, row) for row in rows]


def _row_json(kind: Kind, snap: Snapshot, row: dict) -> dict:
    if kind is SHIPPING:  # deleted payment rows drop out of the relation, as with soft-deleted M2M rows
        ids = [int(i) for i in row.get("payment_methods") or [] if snap.live_row(PAYMENT, int(i))]
        return views.row_json(kind, row, payment_ids=ids)
    return views.row_json(kind, row)


def list_payment_rows(language: str, origin: str) -> list[dict]:
    """K8: every payment row of a live method, the method nested (title in `language`)."""
    snap = read(PAYMENT)
    rows = sorted(snap.rows["payment"].values(), key=lambda r: int(r["id"]))
    return [views.row_json(PAYMENT, row, method=method, language=language, origin=origin)
            for row in rows if (method := snap.method_of(PAYMENT, row)) is not None]


def _check_references(kind: Kind, merged: dict, sent: set[str], snap: Snapshot) -> dict:
    """Check what the body sent (and what depends on it) against localization, the payment config and
    the payment rows; answers the normalized fields, or raises one 400 naming every bad field."""
    errors: dict[str, list[str]] = {}
    out: dict = {}
    country = merged["country"]
    if "country" in sent:
        found = localization.get_country(country)
        if found is None:
            errors["country"] = [_invalid_pk(country)]
        else:
            country = found["code"]
    out["country"] = country
    if "currency" in sent:
        currency = localization.get_currency(merged["currency"])
        if currency is None:
            errors["currency"] = [_invalid_pk(merged["currency"])]
        else:
            out["currency"] = currency["code"]
    if sent & {"vat_group", "country"}:
        group = localization.get_vat_group(merged["vat_group"])
        if group is None:
            errors["vat_group"] = [_invalid_pk(merged["vat_group"])]
        elif "country" not in errors and group["country"] != country:
            errors["vat_group"] = [f"VAT group {group['id']} is for {group['country']}, not {country}."]
    if kind is PAYMENT and "api_request" in sent:
        key = (merged.get("api_request") or "").strip() or None
        if key is not None and not providers.provided(providers.PAYMENT_KEYS).is_known_key(key):
            errors["api_request"] = [f'"{key}" is not a key of the payment configuration.']
        out["api_request"] = key
    if kind is SHIPPING and sent & {"payment_methods", "country"}:
        ids = list(dict.fromkeys(int(i) for i in merged.get("payment_methods") or []))
        problems = []
        for payment_id in ids:
            row = snap.live_row(PAYMENT, payment_id)
            if row is None:
                problems.append(_invalid_pk(payment_id))
            elif "country" not in errors and row.get("country") != country:
                problems.append(f"Payment method country {payment_id} is for {row.get('country')}, not {country}.")
        if problems:
            errors["payment_methods"] = problems
        out["payment_methods"] = ids
    if errors:
        raise ValidationError(errors)
    for name in ("vat_group", "is_active"):
        if name in sent:
            out[name] = merged[name]
    if "price" in sent:
        out["price"] = money.quantize(merged["price"])
    return out


def _method_for_row(kind: Kind, snap: Snapshot, path_id: int | None, data: dict, current: int | None) -> int:
    """The method a row is written for: the path's (K7/K19), the body's (K9, or a move on update), else
    the current one. 404 for a missing method in the path, 400 naming the field for one in the body."""
    field_name = kind.method_field
    sent = data.get(field_name)
    if path_id is not None:
        if path_id not in snap.methods[kind.name]:
            raise NotFound()
        if sent is not None and sent != path_id:
            raise ValidationError.field(field_name, f"Does not match the method in the path ({path_id}).")
        return path_id
    chosen = sent if sent is not None else current
    if chosen is None:
        raise ValidationError.field(field_name, "This field is required.")
    if chosen not in snap.methods[kind.name]:
        raise ValidationError.field(field_name, _invalid_pk(chosen))
    return chosen


def create_row(kind_name: str, method_id: Any, body: Any) -> dict:
    """K7/K19 (method in the path) and K9 (method in the body): 201 with the K6/K18 item."""
    kind = kind_of(kind_name)
    data = schemas.ROW_CREATE[kind.name].validate(body)
    snap = _read_for(kind)
    path_id = None
    if method_id is not None:
        path_id = _int_id(method_id)
        if path_id is None:
            raise NotFound()
    mid = _method_for_row(kind, snap, path_id, data, None)
    fields = _check_references(kind, data, set(data), snap)
    item = kind.rows.create({kind.method_field: mid, **fields})
    return _row_json(kind, snap, item)


def _live_row(kind: Kind, snap: Snapshot, row_id: Any) -> dict:
    rid = _int_id(row_id)
    row = snap.live_row(kind, rid) if rid else None
    if row is None:
        raise NotFound()
    return row


def update_row(kind_name: str, row_id: Any, body: Any, *, partial: bool) -> dict:
    """K11/K21 (they always fail in the original): PUT needs the required fields, PATCH any of them.
    Answers the K6/K18 item."""
    kind = kind_of(kind_name)
    data = schemas.ROW_UPDATE[kind.name].validate(body, partial=partial)
    snap = _read_for(kind)
    current = _live_row(kind, snap, row_id)
    mid = _method_for_row(kind, snap, None, data, int(current[kind.method_field]))
    merged = {**current, **data}
    # Only what the body changes is checked: the dashboard sends the whole row back, and a row stored
    # before a rule existed (e.g. imported with another country's VAT group) must still save as read.
    changed = {name for name in data if name != kind.method_field and current.get(name) != data[name]}
    fields = {kind.method_field: mid, **_check_references(kind, merged, changed, snap)}
    if not changed_fields(current, fields):
        return _row_json(kind, snap, current)  # saved as read: nothing to write
    item = kind.rows.update(int(current["id"]), fields)
    if item is None:
        raise NotFound()  # deleted meanwhile
    return _row_json(kind, snap, item)


def delete_row(kind_name: str, row_id: Any) -> None:
    """K12/K21: soft delete (shipping rows linking a deleted payment row stop listing it)."""
    kind = kind_of(kind_name)
    row = _live_row(kind, read(kind), row_id)
    if not kind.rows.soft_delete(int(row["id"])):
        raise NotFound()


def row_detail(kind_name: str, row_id: Any, language: str, origin: str) -> dict:
    """K10/K20: the row priced. A row that can no longer be priced (its VAT group or currency was
    deleted) is still shown to staff, at 0 % VAT and with the currency code as symbol, so it can be
    fixed or deleted."""
    kind = kind_of(kind_name)
    snap = read(kind)
    row = _live_row(kind, snap, row_id)
    place = _place(row.get("country"))
    rate = place.vat_rates.get(int(row["vat_group"]), Decimal(0))
    code = row.get("currency") or ""
    currency = place.currencies.get(code) or {"code": code, "symbol": code, "symbol_position": "AFTER"}
    return views.priced_json(kind, row, snap.method_of(kind, row), rate, currency, language, origin)


# --- storefront (K32) ------------------------------------------------------------------------------

def storefront_methods(country_code: str, language: str, origin: str) -> list[dict]:
    """K32: the active shipping rows of a country (of live methods, priceable), each with the payment
    rows offered with it. Unlike the original, nested payment rows are filtered too (active, live,
    same country): a shop must not offer a payment method the merchant switched off. An unknown
    country is a 404 (the original answers 500)."""
    code = localization.normalize_code(country_code, 2)
    place = _place(code)
    if place.country is None:
        raise NotFound()
    snap = read(cached=True)  # a storefront read: the container's copy (a choice is checked at checkout)
    out = []
    for row in sorted(snap.rows["shipping"].values(), key=lambda r: int(r["id"])):
        if not row.get("is_active", True) or snap.method_of(SHIPPING, row) is None:
            continue
        parts = place.price_parts(row)
        if parts is None:
            continue
        item = views.priced_json(SHIPPING, row, snap.method_of(SHIPPING, row), *parts, language, origin)
        item["payment_methods"] = [
            views.priced_json(PAYMENT, p, snap.method_of(PAYMENT, p), *place.price_parts(p), language, origin)
            for p in _offered_payments(snap, place, row)
        ]
        out.append(item)
    return out


# --- for the cart and checkout ---------------------------------------------------------------------

def get_shipping_country(row_id: Any, *, cached: bool = False) -> dict | None:
    return _offer(SHIPPING, row_id, read(cached=True) if cached else None)


def get_payment_country(row_id: Any, *, cached: bool = False) -> dict | None:
    return _offer(PAYMENT, row_id, read(cached=True) if cached else None)


def read_offers() -> Snapshot:
    """The whole METHODS partition in one consistent Query, for `offer` (checkout: both rows, one call)."""
    return read()


def offer(kind_name: str, row_id: Any, snap: Snapshot) -> dict | None:
    """`get_shipping_country` / `get_payment_country` from a partition already read (`read_offers`)."""
    return _offer(kind_of(kind_name), row_id, snap)


def _offer(kind: Kind, row_id: Any, snap: Snapshot | None = None) -> dict | None:
    rid = _int_id(row_id)
    if rid is None:
        return None
    snap = snap if snap is not None else _read_for(kind)
    row = snap.live_row(kind, rid)
    if row is None:
        return None
    place = _place(row.get("country"))
    parts = place.price_parts(row)
    if parts is None:
        return None
    rate, currency = parts
    method = snap.method_of(kind, row)
    out = {
        "id": rid, "kind": kind.name, "method_id": int(method["id"]), kind.method_field: int(method["id"]),
        "country": row["country"], "currency": row["currency"], "vat_group": int(row["vat_group"]),
        "price": money.to_decimal(row.get("price", 0)), "is_active": bool(row.get("is_active", True)),
        "create_at": row.get("create_at"), "update_at": row.get("update_at"),
        "vat_rate": rate, "currency_info": dict(currency),
        "method": {"id": int(method["id"]), "translations": method.get("translations") or {},
                   "image": method.get("image"), "image_version": int(method.get("image_version") or 0)},
    }
    if kind is PAYMENT:
        out["api_request"] = row.get("api_request") or None
    else:
        out["payment_methods"] = [int(p["id"]) for p in _offered_payments(snap, place, row)]
    return out


def gross_price(row: dict) -> Decimal:
    return views.gross(row["price"], row["vat_rate"])


def method_country_view(kind: str, row: dict, language: str, origin: str | None = None) -> dict:
    return views.priced_json(kind_of(kind), row, row["method"], row["vat_rate"], row["currency_info"],
                             language, origin)


def snapshot(kind: str, row: dict, language: str, origin: str | None = None) -> dict:
    k = kind_of(kind)
    texts = views.texts(row["method"], language)
    out = {
        "id": int(row["id"]), "method_id": int(row["method_id"]),
        "title": texts["title"], "description": texts["description"],
        "image": views.image_url(row["method"], origin),
        "price_without_vat": money.to_decimal(row["price"]), "price_incl_vat": gross_price(row),
        "currency": row["currency"], "currency_info": dict(row["currency_info"]), "country": row["country"],
        "vat_rate": row["vat_rate"],
    }
    if k is PAYMENT:
        out["api_request"] = row.get("api_request")
    else:
        out["payment_methods"] = list(row.get("payment_methods") or [])
    return out
