"""Demo localization data for the local shop: currencies, countries and their VAT groups.

`load_demo()` is idempotent: what exists already (live) is left as it is, only what is missing is created.
"""

from __future__ import annotations

from decimal import Decimal

from chalicelib.core.settings import get_settings
from chalicelib.localization import service, store

CURRENCIES = [
    {"code": "CZK", "symbol": "Kč", "symbol_position": "AFTER"},
    {"code": "EUR", "symbol": "€", "symbol_position": "BEFORE"},
]
COUNTRIES = [
    {"code": "CZ", "name": "Czechia", "locale": "cs", "default_price_list": "CZK"},
    {"code": "SK", "name": "Slovakia", "locale": "cs", "default_price_list": "EUR"},
    {"code": "DE", "name": "Germany", "locale": "en", "default_price_list": "EUR"},
]
VAT_GROUPS = [
    {"country": "CZ", "name": "Standard rate", "rate": Decimal("21"), "is_default": True},
    {"country": "CZ", "name": "Reduced rate", "rate": Decimal("12"), "is_default": False},
    {"country": "SK", "name": "Standard rate", "rate": Decimal("20"), "is_default": True},
    {"country": "DE", "name": "Standard rate", "rate": Decimal("19"), "is_default": True},
]


def load_demo() -> dict[str, int]:
    """Create the demo currencies, countries and VAT groups that are missing; answers what was created."""
    created = {"currencies": 0, "countries": 0, "vat_groups": 0}
    for currency in CURRENCIES:
        if store.CURRENCIES.get(currency["code"]) is None:
            try:
                service.create_currency(currency)
                created["currencies"] += 1
            except service.ValidationError:
                pass  # created meanwhile
    settings = get_settings()
    for country in COUNTRIES:
        if store.COUNTRIES.get(country["code"]) is None:
            locale = country["locale"] if country["locale"] in settings.languages else settings.default_language
            try:
                service.create_country({**country, "locale": locale})
                created["countries"] += 1
            except service.ValidationError:
                pass
    existing = {(g["country"], g["name"]) for g in service.list_vat_groups()}
    for group in VAT_GROUPS:
        if (group["country"], group["name"]) not in existing:
            service.create_vat_group(group)
            created["vat_groups"] += 1
    return created


if __name__ == "__main__":  # pragma: no cover - `python -m chalicelib.localization.demo` against TABLE_PREFIX
    print(load_demo())
