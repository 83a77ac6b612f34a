"""JSON shapes of methods and method-country rows (contract 1.3), from stored items. No I/O here.

* `method_list_json`: K1/K13 list items and K2/K14 answers `{id, title, image, create_at, update_at}`
  (title in one language), also nested as K8's `payment_method`.
* `method_detail_json`: K3 `{id, translations, image}`; K15 adds `create_at, update_at`.
* `row_json`: K6/K18 items, as stored (`price` as a 2-decimal string).
* `priced_json`: K10/K20/K32 (and the cart's K33/K34) `{id, <kind>_method: {title, description, image},
  price_incl_vat, price_without_vat}` with prices formatted in the row's currency.
"""

from __future__ import annotations

from decimal import Decimal

from chalicelib.core import media, money
from chalicelib.core.http import i18n
from chalicelib.core.settings import get_settings
from chalicelib.methods.store import Kind


def image_url(method: dict, origin: str | None) -> str | None:
    """The method image's URL: absolute on `origin` (or MEDIA_BASE_URL), relative `/media/...` without one.

    The object's key is fixed (`<area>/<id>.<ext>`, contract 10.6) and media objects are cached as
    immutable, so the URL carries the upload number: a new image is a new URL.
    """
    key = method.get("image")
    if not key:
        return None
    url = media.absolute_url(origin, key) if origin else media.public_path(key)
    version = int(method.get("image_version") or 0)
    return f"{url}?v={version}" if version else url


def texts(method: dict, language: str) -> dict:
    """`{title, description}` in one language (storefront style: en fallback, null becomes "")."""
    return i18n.flatten(method.get("translations"), language, ("title", "description"),
                        get_settings().default_language)


def method_list_json(method: dict, language: str, origin: str | None) -> dict:
    return {"id": int(method["id"]), "title": texts(method, language)["title"], "image": image_url(method, origin),
            "create_at": method.get("create_at"), "update_at": method.get("update_at")}


def translations_json(method: dict) -> dict:
    return {lang: {"title": row.get("title") or "", "description": row.get("description")}
            for lang, row in (method.get("translations") or {}).items()}


def method_detail_json(kind: Kind, method: dict, origin: str | None) -> dict:
    out = {"id": int(method["id"]), "translations": translations_json(method), "image": image_url(method, origin)}
    if kind.name == "shipping":  # the original's payment detail serializer has no timestamps
        out.update({"create_at": method.get("create_at"), "update_at": method.get("update_at")})
    return out


def row_json(kind: Kind, row: dict, *, method: dict | None = None, language: str = "en",
             origin: str | None = None, payment_ids: list[int] | None = None) -> dict:
    """K6/K18 (the method as its id) or, with `method`, K8 (the method nested)."""
    out: dict = {"id": int(row["id"])}
    out[kind.method_field] = (method_list_json(method, language, origin) if method is not None
                              else int(row[kind.method_field]))
    out.update({"country": row.get("country"), "vat_group": int(row["vat_group"]), "currency": row.get("currency")})
    if kind.name == "shipping":
        ids = payment_ids if payment_ids is not None else row.get("payment_methods") or []
        out["payment_methods"] = [int(i) for i in ids]
    out["price"] = money.decimal_str(row.get("price", 0))
    if kind.name == "payment":
        out["api_request"] = row.get("api_request")
    out.update({"is_active": bool(row.get("is_active", True)), "update_at": row.get("update_at"),
                "create_at": row.get("create_at")})
    return out


def format_in(currency: dict, amount: Decimal) -> str:
    """A method price in the row's own currency, 2 decimals (contract 3.3; no price-list rounding)."""
    return money.format_price(amount, currency.get("symbol") or currency.get("code", ""),
                              currency.get("symbol_position", "AFTER"))


def gross(net, vat_rate) -> Decimal:
    """net x (1 + rate/100), exact (rounded only when formatted, as the original does)."""
    return money.with_vat(net, vat_rate or 0)


def priced_json(kind: Kind, row: dict, method: dict, vat_rate, currency: dict, language: str,
                origin: str | None) -> dict:
    net = money.to_decimal(row.get("price", 0))
    return {
        "id": int(row["id"]),
        kind.method_field: {**texts(method, language), "image": image_url(method, origin)},
        "price_incl_vat": format_in(currency, gross(net, vat_rate)),
        "price_without_vat": format_in(currency, net),
    }
