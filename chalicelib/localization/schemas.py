"""Request bodies and response shapes of the localization routes (contract 1.8, data model 3.2)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from chalicelib.core.http.validation import (
    Boolean,
    Choice,
    DecimalField,
    Email,
    FieldError,
    Schema,
    String,
)
from chalicelib.core.money import decimal_str
from chalicelib.core.settings import get_settings

SYMBOL_POSITIONS = ("BEFORE", "AFTER")
ADDRESS_KINDS = ("shipping", "billing")


class LetterCode(String):
    """An ISO-style code of exactly `length` ASCII letters, upper-cased ("cz" -> "CZ")."""

    def __init__(self, length: int, **kw):
        super().__init__(max_length=length, min_length=length, **kw)
        self.length = length

    def convert(self, value: Any) -> str:
        text = super().convert(value)
        if not (text.isascii() and text.isalpha()):
            raise FieldError([f"Enter a code of exactly {self.length} letters."])
        return text.upper()

    def json_schema(self) -> dict:
        return {"type": "string", "minLength": self.length, "maxLength": self.length, "pattern": "^[A-Za-z]+$"}


class ShopLanguage(String):
    """A language code the shop is configured for (settings.languages), lower-cased."""

    def __init__(self, **kw):
        super().__init__(max_length=2, min_length=2, **kw)

    def convert(self, value: Any) -> str:
        text = super().convert(value).lower()
        languages = get_settings().languages
        if text not in languages:
            raise FieldError([f'"{text}" is not a valid choice. Shop languages: {", ".join(languages)}.'])
        return text

    def json_schema(self) -> dict:
        return {"type": "string", "enum": list(get_settings().languages)}


class OptionalText(String):
    """A nullable text field where "" means "not given" (stored as null), as the storefront forms send it."""

    def __init__(self, **kw):
        super().__init__(allow_blank=True, allow_null=True, required=False, default=None, **kw)

    def convert(self, value: Any) -> str | None:
        text = super().convert(value)
        return text or None


class OptionalEmail(Email):
    def __init__(self, **kw):
        super().__init__(allow_blank=True, allow_null=True, required=False, default=None, **kw)

    def convert(self, value: Any) -> str | None:
        if isinstance(value, str) and not value.strip():
            return None
        return super().convert(value)


def _rate() -> DecimalField:
    return DecimalField(max_digits=5, decimal_places=2, min_value=Decimal(0), max_value=Decimal(100))


# --- countries -------------------------------------------------------------------------------------

COUNTRY_CREATE = Schema(
    "Country",
    code=LetterCode(2),
    name=String(max_length=200),
    locale=ShopLanguage(),
    default_price_list=OptionalText(max_length=50),
)
# PUT: the code comes from the path (a code in the body must be the same); omitted optional fields
# keep their value, as in DRF's update.
COUNTRY_UPDATE = Schema(
    "CountryUpdate",
    code=LetterCode(2, required=False),
    name=String(max_length=200),
    locale=ShopLanguage(),
    default_price_list=String(max_length=50, allow_blank=True, allow_null=True, required=False),
)

# --- currencies ------------------------------------------------------------------------------------

CURRENCY_CREATE = Schema(
    "Currency",
    code=LetterCode(3),
    symbol=String(max_length=3),
    symbol_position=Choice(SYMBOL_POSITIONS, default="AFTER"),
)
CURRENCY_UPDATE = Schema(
    "CurrencyUpdate",
    code=LetterCode(3, required=False),
    symbol=String(max_length=3),
    symbol_position=Choice(SYMBOL_POSITIONS, required=False),
)

# --- VAT groups ------------------------------------------------------------------------------------

VAT_GROUP_CREATE = Schema(
    "VatGroup",
    name=String(max_length=200),
    rate=_rate(),
    country=LetterCode(2),
    is_default=Boolean(default=False),
)
VAT_GROUP_UPDATE = Schema(
    "VatGroupUpdate",
    name=String(max_length=200),
    rate=_rate(),
    country=LetterCode(2),
    is_default=Boolean(required=False),
)

# --- address book (BillingInfo / ShippingInfo) -----------------------------------------------------

_ADDRESS_FIELDS = {
    "first_name": String(max_length=255),
    "surname": String(max_length=255),
    "street": String(max_length=255),
    "city": String(max_length=255),
    "postal_code": String(max_length=255),
    "country": String(max_length=50),  # a country code, checked against the live countries by the service
}
BILLING_INFO = Schema(
    "BillingInfo",
    **_ADDRESS_FIELDS,
    company_name=OptionalText(max_length=255),
    company_id=OptionalText(max_length=255),
    vat_number=OptionalText(max_length=255),
)
SHIPPING_INFO = Schema(
    "ShippingInfo",
    **_ADDRESS_FIELDS,
    email=OptionalEmail(max_length=254),
    phone=OptionalText(max_length=255),
    additional_info=OptionalText(max_length=5000),
)
ADDRESS_SCHEMAS = {"billing": BILLING_INFO, "shipping": SHIPPING_INFO}
ADDRESS_RESPONSE_FIELDS = {
    "billing": ("id", "first_name", "surname", "street", "city", "postal_code", "country", "company_name",
                "company_id", "vat_number", "user"),
    "shipping": ("id", "first_name", "surname", "street", "city", "postal_code", "country", "email", "phone",
                 "additional_info", "user"),
}


# --- responses -------------------------------------------------------------------------------------

def country_json(item: dict) -> dict:
    return {
        "code": item["code"],
        "name": item.get("name", ""),
        "locale": item.get("locale", ""),
        "default_price_list": item.get("default_price_list"),
        "update_at": item.get("update_at"),
        "create_at": item.get("create_at"),
    }


def currency_json(item: dict) -> dict:
    return {
        "code": item["code"],
        "symbol": item.get("symbol", ""),
        "symbol_position": item.get("symbol_position", "AFTER"),
        "create_at": item.get("create_at"),
        "update_at": item.get("update_at"),
    }


def vat_group_json(item: dict, is_default: bool) -> dict:
    return {
        "id": int(item["id"]),
        "name": item.get("name", ""),
        "rate": decimal_str(item.get("rate", 0)),
        "is_default": is_default,
        "country": item.get("country"),
    }


def address_json(item: dict) -> dict:
    out = {}
    for name in ADDRESS_RESPONSE_FIELDS[item["kind"]]:
        value = item.get(name)
        out[name] = int(value) if name == "id" else value
    return out
