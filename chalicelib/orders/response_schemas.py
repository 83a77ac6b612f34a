"""JSON Schemas (draft 2020-12) of what the orders routes answer, by name: a route names one with
`response="Name"`; the API docs put them under `components/schemas`. Derived from what the code returns
(checked on every HTTP test's response by tests/openapi_check.py); extra keys are always allowed. Imported
only when the document is built."""

from __future__ import annotations

from chalicelib.core.http.openapi import BOOLEAN, INTEGER, NUMBER, STRING, array, nullable, obj

SCHEMAS = {
    "DashboardOrder": obj(
        token=STRING,
        number=INTEGER,
        cart=obj(
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
                    complaints=array(obj(id=INTEGER, type=STRING, status=STRING, description=STRING, create_at=STRING)),
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
            shipping_method_country=INTEGER,
            payment_method_country=INTEGER,
        ),
        safe_deleted=BOOLEAN,
        create_at=STRING,
        status=STRING,
        marketing_flag=BOOLEAN,
        agreed_to_terms=BOOLEAN,
        payment_id=nullable(STRING),
        customer_email=STRING,
        payment=nullable({"type": "object"}),
    ),
    "OrderToken": obj(token=STRING),
    "Complaint": obj(cart_item=INTEGER, order=STRING, description=STRING, type=STRING),
    "OrderSummaryList": array(obj(token=STRING, create_at=STRING, status=STRING, customer_email=STRING)),
    "OrderStats": obj(
        orders_count=array(obj(code=STRING, symbol=STRING, value=INTEGER)),
        revenue=array(obj(code=STRING, symbol=STRING, value=NUMBER)),
        average_order_value=array(obj(code=STRING, symbol=STRING, value=NUMBER)),
        average_items_per_order=array(obj(code=STRING, symbol=STRING, value=NUMBER)),
        top_selling_products=array(nullable(obj(title=STRING, media=nullable(STRING)))),
        daily_orders_count=array(),
    ),
    "StorefrontOrder": obj(
        order=obj(
            token=STRING,
            number=INTEGER,
            cart=obj(
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
                        complaints=array(),
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
                shipping_method_country=INTEGER,
                payment_method_country=INTEGER,
            ),
            safe_deleted=BOOLEAN,
            create_at=STRING,
            status=STRING,
            marketing_flag=BOOLEAN,
            agreed_to_terms=BOOLEAN,
            payment_id=nullable(STRING),
            customer_email=STRING,
        ),
        payment=nullable(
            obj(
                status=STRING,
                data=obj(
                    qr_code=STRING,
                    payment_id=STRING,
                    payment_data=obj(
                        amount=STRING,
                        currency=STRING,
                        reference=STRING,
                        variable_symbol=STRING,
                        iban=STRING,
                        bic=STRING,
                        beneficiary=STRING,
                        message=STRING,
                        standard=STRING,
                        bank_account=STRING,
                        bank_name=STRING,
                        due_date=STRING,
                    ),
                    payment_type=STRING,
                ),
            )
        ),
    ),
    "OrderItems": obj(
        items=array(
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
        )
    ),
}
