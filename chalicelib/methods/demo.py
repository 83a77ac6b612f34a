"""Demo shipping and payment methods for the local shop, in the demo countries that exist.

`load_demo()` runs after localization's demo (it needs the countries, their default VAT groups and the
currencies) and is idempotent: a method is recognised by its English title, a row by (method, country);
only what is missing is created. Rows are written directly through the store, without checking
`api_request` against the payment configuration: config/payments.json may not exist yet when the demo
loads, and the keys used (BANKTRANSFER_CZK, BANKTRANSFER_EUR, TEST_API) are the original's shipped keys.
"""

from __future__ import annotations

from decimal import Decimal

from chalicelib.localization import service as localization
from chalicelib.methods.store import PAYMENT, SHIPPING, Kind, read

# Country -> the currency its methods are priced in (the demo countries of localization/demo.py).
COUNTRY_CURRENCIES = {"CZ": "CZK", "SK": "EUR", "DE": "EUR"}

PAYMENT_METHODS = [
    {"key": "bank", "translations": {
        "en": {"title": "Bank transfer", "description": "Pay by bank transfer; the QR code is on the order page."},
        "cs": {"title": "Bankovní převod", "description": "Zaplaťte převodem; QR kód najdete u objednávky."}},
     "price": {"CZK": Decimal("0"), "EUR": Decimal("0")},
     "api_request": {"CZK": "BANKTRANSFER_CZK", "EUR": "BANKTRANSFER_EUR"}},
    {"key": "card", "translations": {
        "en": {"title": "Card online", "description": "Pay by card in the payment gateway."},
        "cs": {"title": "Platba kartou online", "description": "Zaplaťte kartou v platební bráně."}},
     "price": {"CZK": Decimal("0"), "EUR": Decimal("0")},
     "api_request": {"CZK": "TEST_API", "EUR": "TEST_API"}},
    {"key": "cod", "translations": {
        "en": {"title": "Cash on delivery", "description": "Pay the courier in cash or by card."},
        "cs": {"title": "Dobírka", "description": "Zaplatíte hotově nebo kartou při převzetí."}},
     "price": {"CZK": Decimal("39"), "EUR": Decimal("1.50")},
     "api_request": {}},
]

SHIPPING_METHODS = [
    {"translations": {
        "en": {"title": "Czech Post", "description": "Delivered by Czech Post within 2 working days."},
        "cs": {"title": "Česká pošta", "description": "Doručí Česká pošta do 2 pracovních dnů."}},
     "price": {"CZK": Decimal("89"), "EUR": Decimal("4.50")}, "payments": ("bank", "card", "cod")},
    {"translations": {
        "en": {"title": "PPL", "description": "Courier delivery the next working day."},
        "cs": {"title": "PPL", "description": "Doručení kurýrem následující pracovní den."}},
     "price": {"CZK": Decimal("119"), "EUR": Decimal("5.90")}, "payments": ("bank", "card", "cod")},
    {"translations": {
        "en": {"title": "Personal pickup", "description": "Pick the order up at our shop in Prague."},
        "cs": {"title": "Osobní odběr", "description": "Vyzvedněte si objednávku v naší prodejně v Praze."}},
     "price": {"CZK": Decimal("0")}, "payments": ("bank", "card"), "countries": ("CZ",)},
]


def _default_vat_group(country: str) -> int | None:
    groups = localization.vat_groups_of_country(country)
    chosen = next((g for g in groups if g["is_default"]), groups[0] if groups else None)
    return int(chosen["id"]) if chosen else None


def _method(kind: Kind, existing: dict[int, dict], translations: dict, created: dict) -> int:
    title = translations["en"]["title"]
    for method in existing.values():
        if ((method.get("translations") or {}).get("en") or {}).get("title") == title:
            return int(method["id"])
    item = kind.methods.create({"translations": translations, "image": None, "image_version": 0, "version": 1})
    existing[int(item["id"])] = item
    created[f"{kind.name}_methods"] += 1
    return int(item["id"])


def _row(kind: Kind, existing: dict[int, dict], method_id: int, country: str, fields: dict, created: dict) -> int:
    for row in existing.values():
        if int(row[kind.method_field]) == method_id and row.get("country") == country:
            return int(row["id"])
    item = kind.rows.create({kind.method_field: method_id, "country": country, "is_active": True, **fields})
    existing[int(item["id"])] = item
    created[f"{kind.name}_rows"] += 1
    return int(item["id"])


def load_demo() -> dict[str, int]:
    """Create the demo methods and their rows in CZ, SK and DE (those that exist, with a VAT group and
    their currency); answers how many of each were created."""
    created = {"shipping_methods": 0, "payment_methods": 0, "shipping_rows": 0, "payment_rows": 0}
    places = {}
    for country, currency in COUNTRY_CURRENCIES.items():
        vat_group = _default_vat_group(country)
        if localization.get_country(country) and localization.get_currency(currency) and vat_group:
            places[country] = (currency, vat_group)
    if not places:
        return created
    snap = read()
    payment_ids: dict[tuple[str, str], int] = {}
    for spec in PAYMENT_METHODS:
        method_id = _method(PAYMENT, snap.methods["payment"], spec["translations"], created)
        for country, (currency, vat_group) in places.items():
            if currency not in spec["price"]:
                continue
            fields = {"currency": currency, "vat_group": vat_group, "price": spec["price"][currency],
                      "api_request": spec["api_request"].get(currency)}
            payment_ids[(spec["key"], country)] = _row(PAYMENT, snap.rows["payment"], method_id, country, fields,
                                                       created)
    for spec in SHIPPING_METHODS:
        method_id = _method(SHIPPING, snap.methods["shipping"], spec["translations"], created)
        for country, (currency, vat_group) in places.items():
            if currency not in spec["price"] or country not in spec.get("countries", (country,)):
                continue
            offered = [payment_ids[(key, country)] for key in spec["payments"] if (key, country) in payment_ids]
            fields = {"currency": currency, "vat_group": vat_group, "price": spec["price"][currency],
                      "payment_methods": offered}
            _row(SHIPPING, snap.rows["shipping"], method_id, country, fields, created)
    return created


if __name__ == "__main__":  # pragma: no cover - `python -m chalicelib.methods.demo` against TABLE_PREFIX
    print(load_demo())
