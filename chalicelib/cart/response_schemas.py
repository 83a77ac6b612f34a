"""JSON Schemas (draft 2020-12) of what the cart routes answer, by name: a route names one with
`response="Name"`; the API docs put them under `components/schemas`. Derived from what the code returns
(checked on every HTTP test's response by tests/openapi_check.py); extra keys are always allowed. Imported
only when the document is built."""

from __future__ import annotations

from chalicelib.core.http.openapi import BOOLEAN, INTEGER, STRING, array, nullable, obj

SCHEMAS = {
    "Cart": obj(
        token=STRING,
        cart_items=array(
            obj(
                id=INTEGER,
                product_id=INTEGER,
                product_variant_sku=STRING,
                product_slug=STRING,
                product_variant_name=STRING,
                product_title=STRING,
                unit_price_without_vat=STRING,
                unit_price_incl_vat=STRING,
                total_price_incl_vat_formatted=STRING,
                total_price_without_vat_formatted=STRING,
                unit_price_incl_vat_formatted=STRING,
                unit_price_without_vat_formatted=STRING,
                quantity=INTEGER,
                discount={"type": "null"},  # never filled (as in the original)
                primary_image=nullable({"type": "object"}),
            )
        ),
        update_at=STRING,
        total_items_price_incl_vat_formatted=STRING,
        total_items_price_without_vat_formatted=STRING,
        total_price_incl_vat_formatted=STRING,
        total_price_without_vat_formatted=STRING,
        shipping_price_incl_vat_formatted=STRING,
        payment_price_incl_vat_formatted=STRING,
        total_price_incl_vat=STRING,
        total_price_without_vat=STRING,
        currency=STRING,
        shipping_method_country=nullable(INTEGER),
        payment_method_country=nullable(INTEGER),
    ),
    "CartToken": obj(token=STRING),
    "CartDetail": obj(
        token=STRING,
        user=nullable(STRING),
        shipping_method_country=nullable(INTEGER),
        payment_method_country=nullable(INTEGER),
        country=STRING,
        pricelist=STRING,
    ),
    "BillingInfo": obj(
        safe_deleted=BOOLEAN,
        first_name=STRING,
        surname=STRING,
        street=STRING,
        city=STRING,
        postal_code=STRING,
        company_name=STRING,
        company_id=STRING,
        vat_number=STRING,
        country=nullable(STRING),
        optional={"user": nullable(STRING), "id": INTEGER},
    ),
    "ShippingInfo": obj(
        id=INTEGER,
        safe_deleted=BOOLEAN,
        first_name=STRING,
        surname=STRING,
        street=STRING,
        city=STRING,
        postal_code=STRING,
        email=STRING,
        phone=STRING,
        additional_info=STRING,
        country=STRING,
    ),
    "CartPaymentMethodChoice": obj(
        id=INTEGER,
        payment_method=obj(title=STRING, description=STRING, image=nullable(STRING)),
        price_incl_vat=STRING,
        price_without_vat=STRING,
    ),
    "CartShippingMethodChoice": obj(
        id=INTEGER,
        shipping_method=obj(title=STRING, description=STRING, image=nullable(STRING)),
        price_incl_vat=STRING,
        price_without_vat=STRING,
    ),
}
