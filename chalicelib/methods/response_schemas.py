"""JSON Schemas (draft 2020-12) of what the methods routes answer, by name: a route names one with
`response="Name"`; the API docs put them under `components/schemas`. Derived from what the code returns
(checked on every HTTP test's response by tests/openapi_check.py); extra keys are always allowed. Imported
only when the document is built."""

from __future__ import annotations

from chalicelib.core.http.openapi import BOOLEAN, INTEGER, STRING, array, map_of, nullable, obj, ref


def _priced(method_field: str, **more: dict) -> dict:
    """A method row priced in its country (views.priced_json): the method's texts, gross and net price."""
    return obj(id=INTEGER, price_incl_vat=STRING, price_without_vat=STRING, **more,
               **{method_field: obj(title=STRING, description=STRING, image=nullable(STRING))})


SCHEMAS = {
    "PaymentMethodSummary": obj(id=INTEGER, title=STRING, image=nullable(STRING), create_at=STRING, update_at=STRING),
    "PaymentMethodSummaryList": array(ref("PaymentMethodSummary")),
    "PaymentMethod": obj(
        id=INTEGER, translations=map_of(obj(title=STRING, description=nullable(STRING))), image=nullable(STRING)
    ),
    "ShippingMethodSummary": obj(id=INTEGER, title=STRING, image=nullable(STRING), create_at=STRING, update_at=STRING),
    "ShippingMethodSummaryList": array(ref("ShippingMethodSummary")),
    "ShippingMethod": obj(
        id=INTEGER,
        translations=map_of(obj(title=STRING, description=nullable(STRING))),
        image=nullable(STRING),
        create_at=STRING,
        update_at=STRING,
    ),
    "PaymentMethodCountry": obj(
        id=INTEGER,
        payment_method={
            "type": ["integer", "object"],
            "required": ["id", "title", "image", "create_at", "update_at"],
            "properties": {
                "id": {"type": "integer"},
                "title": {"type": "string"},
                "image": {"type": ["string", "null"]},
                "create_at": {"type": "string"},
                "update_at": {"type": "string"},
            },
            "additionalProperties": True,
        },
        country=STRING,
        vat_group=INTEGER,
        currency=STRING,
        price=STRING,
        api_request=nullable(STRING),
        is_active=BOOLEAN,
        update_at=STRING,
        create_at=STRING,
    ),
    "PaymentMethodCountryList": array(ref("PaymentMethodCountry")),
    "PaymentMethodCountryPrices": _priced("payment_method"),
    "ShippingMethodCountry": obj(
        id=INTEGER,
        shipping_method=INTEGER,
        country=STRING,
        vat_group=INTEGER,
        currency=STRING,
        payment_methods=array(INTEGER),
        price=STRING,
        is_active=BOOLEAN,
        update_at=STRING,
        create_at=STRING,
    ),
    "ShippingMethodCountryList": array(ref("ShippingMethodCountry")),
    "ShippingMethodCountryPrices": _priced("shipping_method"),
    # K32: the country's shipping methods, each with the payment methods offered with it.
    "StorefrontMethodList": array(_priced("shipping_method", payment_methods=array(_priced("payment_method")))),
}
