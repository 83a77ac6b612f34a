"""JSON Schemas (draft 2020-12) of what the cart routes answer, by name: a route names one with
`response="Name"`; the API docs put them under `components/schemas`. Derived from what the code returns
(checked on every HTTP test's response by tests/openapi_check.py); extra keys are always allowed. Imported
only when the document is built.

`CartItem` and `Cart` are also the parts of an order (chalicelib/orders/response_schemas.py refers to them):
chalicelib/cart/views.py builds both for carts and orders."""

from __future__ import annotations

from chalicelib.core.http.openapi import BOOLEAN, INTEGER, STRING, array, nullable, obj, ref

# The fields billing and shipping addresses share (views.BILLING_FIELDS / SHIPPING_FIELDS).
ADDRESS = {"first_name": STRING, "surname": STRING, "street": STRING, "city": STRING, "postal_code": STRING}
# views.info_json: a stored address has an `id`, the empty one stands in with `user: null` and `country: null`.
INFO_OPTIONAL = {"user": nullable(STRING), "id": INTEGER}


def _method_choice(key: str) -> dict:
    """views.method_json: the chosen method's snapshot under `key` (payment_method / shipping_method)."""
    return obj(
        {"id": INTEGER, key: obj(title=STRING, description=STRING, image=nullable(STRING))},
        price_incl_vat=STRING,
        price_without_vat=STRING,
    )


SCHEMAS = {
    "CartItem": obj(
        id=INTEGER,
        product_id=INTEGER,
        product_variant_sku=STRING,
        product_slug=STRING,
        product_variant_name=nullable(STRING),  # null when a text it needs is missing (contract K23)
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
    ),
    "Cart": obj(
        token=STRING,
        cart_items=array(ref("CartItem")),
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
        country=nullable(STRING),  # a shop with no country yet (contract K25: <code>|null)
        pricelist=nullable(STRING),
    ),
    "BillingInfo": obj(
        {"safe_deleted": BOOLEAN, **ADDRESS},
        company_name=STRING,
        company_id=STRING,
        vat_number=STRING,
        country=nullable(STRING),
        optional=INFO_OPTIONAL,
    ),
    "ShippingInfo": obj(
        {"safe_deleted": BOOLEAN, **ADDRESS},
        email=STRING,
        phone=STRING,
        additional_info=STRING,
        country=nullable(STRING),
        optional=INFO_OPTIONAL,
    ),
    "CartPaymentMethodChoice": _method_choice("payment_method"),
    "CartShippingMethodChoice": _method_choice("shipping_method"),
}
