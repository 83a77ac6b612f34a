"""What a storefront request's prices depend on: the price list, its currency, the country and its
VAT groups (contract 10.3), read together from the PRICING partition in one Query.

Price lists are the catalog's; countries, currencies and VAT groups are localization's, which reads
its own items from the same Query result (`PricingPlace`). Resolution: the `pricelist` code if it
exists, else the default price list; the `country` code if it exists, else the first country by code.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from chalicelib.catalog.pricelists import DEFAULT_POINTER
from chalicelib.catalog.reference import PRICE_LISTS, PRICING
from chalicelib.core import money
from chalicelib.core.http.errors import ApiError
from chalicelib.core.store import db
from chalicelib.localization.service import PricingPlace


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


def load(country_code: str | None, pricelist_code: str | None) -> Pricing:
    """One consistent Query of the PRICING partition; resolution happens in memory."""
    items = list(db.query("main", partition=("PK", PRICING), consistent=True))
    price_lists = {p["code"]: p for p in items if PRICE_LISTS.owns(p)}
    default_code = next((i.get("code") for i in items if i["SK"] == DEFAULT_POINTER["SK"]), None)
    price_list = price_lists.get(pricelist_code or "") or price_lists.get(default_code or "")
    if price_list is None:
        raise ApiError({"error": "The shop has no price list yet."}, 400)
    place = PricingPlace(items, country_code)
    return Pricing(price_list, place.currency(price_list["currency"]), place)
