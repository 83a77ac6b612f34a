"""What a storefront request's prices depend on: the price list, its currency, the country and its
VAT groups (contract 10.3), read together from the PRICING partition in one Query.

Price lists are the catalog's; countries, currencies and VAT groups are localization's, which reads
its own items from the same Query result (`PricingPlace`). Resolution: the `pricelist` code if it
exists, else the default price list; the `country` code if it exists, else the first country by code.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from chalicelib.catalog.pricelists.store import default_code_among
from chalicelib.catalog.reference.store import PRICE_LISTS, pricing_items
from chalicelib.core import money
from chalicelib.core.http.errors import ApiError, ValidationError
from chalicelib.localization.service import PricingPlace, normalize_code


@dataclass
class Pricing:
    price_list: dict
    currency: dict
    place: PricingPlace

    @property
    def country(self) -> dict | None:
        return self.place.country

    @property
    def rounding(self) -> bool:
        return bool(self.price_list.get("rounding"))

    def vat_rate(self, product_type: dict | None) -> Decimal | None:
        return self.place.vat_rate((product_type or {}).get("vat_groups") or [])

    def format(self, amount) -> str:
        return money.format_price(amount, self.currency.get("symbol", self.currency.get("code", "")),
                                  self.currency.get("symbol_position", "AFTER"), self.rounding)

    def display(self, amount) -> Decimal:
        return money.display_amount(amount, self.rounding)


def _price_lists(items: list[dict]) -> dict[str, dict]:
    return {p["code"]: p for p in items if PRICE_LISTS.owns(p)}


def load(country_code: str | None, pricelist_code: str | None) -> Pricing:
    """The PRICING partition (core/store/versioned.py); resolution happens in memory. Lenient, as the
    original's storefront reads: an unknown code means the default."""
    items = pricing_items()
    price_lists = _price_lists(items)
    default_code = default_code_among(items)
    price_list = price_lists.get(pricelist_code or "") or price_lists.get(default_code or "")
    if price_list is None:
        raise ApiError({"error": "The shop has no price list yet."}, 400)
    place = PricingPlace(items, country_code)
    return Pricing(price_list, place.currency(price_list["currency"]), place)


def load_for_cart(country_code, pricelist_code) -> Pricing:
    """A cart's pricing, strict: a cart has one currency, and every line, method and total is in it.

    An unknown country or price list is a 400 naming the field (never the default in its place). With no
    price list named, the country's default price list is used (else the shop's default). A price list
    in another currency than the country's (its default price list's currency) is a 400 naming
    `pricelist`: CZ with EUR, or DE with CZK, would add amounts of two currencies."""
    items = pricing_items()
    price_lists = _price_lists(items)
    if pricelist_code is not None and (not isinstance(pricelist_code, str) or pricelist_code not in price_lists):
        raise ValidationError.field("pricelist", f'Invalid pk "{pricelist_code}" - object does not exist.')
    place = PricingPlace(items, country_code)
    if country_code is not None and (place.country is None or place.country["code"] != normalize_code(country_code, 2)):
        raise ValidationError.field("country", f'Invalid pk "{country_code}" - object does not exist.')
    country_list = price_lists.get((place.country or {}).get("default_price_list") or "")
    price_list = (price_lists.get(pricelist_code or "") or country_list
                  or price_lists.get(default_code_among(items) or ""))
    if price_list is None:
        raise ApiError({"error": "The shop has no price list yet."}, 400)
    if country_list is not None and price_list["currency"] != country_list["currency"]:
        raise ValidationError.field("pricelist", f'Price list "{price_list["code"]}" is in {price_list["currency"]}; '
                                                 f'{place.country["code"]} pays in {country_list["currency"]}.')
    return Pricing(price_list, place.currency(price_list["currency"]), place)
