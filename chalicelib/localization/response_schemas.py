"""JSON Schemas (draft 2020-12) of what the localization routes answer, by name: a route names one with
`response="Name"`; the API docs put them under `components/schemas`. Derived from what the code returns
(checked on every HTTP test's response by tests/openapi_check.py); extra keys are always allowed. Imported
only when the document is built."""

from __future__ import annotations

from chalicelib.core.http.openapi import BOOLEAN, INTEGER, STRING, array, nullable, obj, ref

SCHEMAS = {
    "Country": obj(
        code=STRING, name=STRING, locale=STRING, default_price_list=nullable(STRING), update_at=STRING, create_at=STRING
    ),
    "CountryList": array(ref("Country")),
    "Currency": obj(code=STRING, symbol=STRING, symbol_position=STRING, create_at=STRING, update_at=STRING),
    "CurrencyList": array(ref("Currency")),
    "VatGroup": obj(id=INTEGER, name=STRING, rate=STRING, is_default=BOOLEAN, country=STRING),
    "VatGroupList": array(ref("VatGroup")),
    "LanguageList": array(obj(code=STRING, default=BOOLEAN)),
    "ShippingAddress": obj(
        id=INTEGER,
        first_name=STRING,
        surname=STRING,
        street=STRING,
        city=STRING,
        postal_code=STRING,
        country=STRING,
        email=STRING,
        phone=STRING,
        additional_info=STRING,
        user=STRING,
    ),
    "BillingAddress": obj(
        id=INTEGER,
        first_name=STRING,
        surname=STRING,
        street=STRING,
        city=STRING,
        postal_code=STRING,
        country=STRING,
        company_name=nullable(STRING),
        company_id=STRING,
        vat_number=nullable(STRING),
        user=STRING,
    ),
    "AddressDeleted": {"type": "object", "maxProperties": 0},
    "ShippingAddressOrEmpty": {
        "oneOf": [{"$ref": "#/components/schemas/ShippingAddress"}, {"type": "object", "maxProperties": 0}]
    },
    "BillingAddressOrEmpty": {
        "oneOf": [{"$ref": "#/components/schemas/BillingAddress"}, {"type": "object", "maxProperties": 0}]
    },
}
