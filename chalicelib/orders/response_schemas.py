"""JSON Schemas (draft 2020-12) of what the orders routes answer, by name: a route names one with
`response="Name"`; the API docs put them under `components/schemas`. Derived from what the code returns
(checked on every HTTP test's response by tests/openapi_check.py); extra keys are always allowed. Imported
only when the document is built.

An order's cart is the cart's own shape (`Cart`, `CartItem`: chalicelib/cart/response_schemas.py), built by
the same code (chalicelib/cart/views.py), with each item's complaints added."""

from __future__ import annotations

from chalicelib.core.http.openapi import BOOLEAN, INTEGER, NUMBER, STRING, array, nullable, obj, ref

# stats._stats: `{code, symbol, value}` figures, one per currency (or one with code "" when not money).
FIGURES_INT = array(obj(code=STRING, symbol=STRING, value=INTEGER))
FIGURES = array(obj(code=STRING, symbol=STRING, value=NUMBER))

SCHEMAS = {
    # views.complaint_json: a complaint as its order item lists it.
    "OrderItemComplaint": obj(id=INTEGER, type=STRING, status=STRING, description=STRING, create_at=STRING),
    "OrderCartItem": {"allOf": [ref("CartItem"), obj(complaints=array(ref("OrderItemComplaint")))]},
    # Unlike a cart, an order always has both methods: checkout refuses a cart without them.
    "OrderCart": {
        "allOf": [
            ref("Cart"),
            obj(
                cart_items=array(ref("OrderCartItem")),
                shipping_method_country=INTEGER,
                payment_method_country=INTEGER,
            ),
        ]
    },
    # views.order_json: the order with its cart as it was ordered.
    "Order": obj(
        token=STRING,
        number=INTEGER,
        cart=ref("OrderCart"),
        safe_deleted=BOOLEAN,
        create_at=STRING,
        status=STRING,
        marketing_flag=BOOLEAN,
        agreed_to_terms=BOOLEAN,
        payment_id=nullable(STRING),
        customer_email=STRING,
    ),
    "DashboardOrder": {"allOf": [ref("Order"), obj(payment=nullable({"type": "object"}))]},
    "OrderToken": obj(token=STRING),
    "Complaint": obj(cart_item=INTEGER, order=STRING, description=STRING, type=STRING),
    "OrderSummaryList": array(obj(token=STRING, create_at=STRING, status=STRING, customer_email=STRING)),
    "OrderStats": obj(
        orders_count=FIGURES_INT,
        revenue=FIGURES,
        average_order_value=FIGURES,
        average_items_per_order=FIGURES,
        top_selling_products=array(nullable(obj(title=STRING, media=nullable(STRING)))),
        daily_orders_count=array(),
    ),
    "StorefrontOrder": obj(
        order=ref("Order"),
        payment=nullable(
            obj(
                status=STRING,
                # A QR bank transfer's data, a gateway's page, or null while a method cannot start (a gateway
                # down, no public API URL): the page still answers and the payment starts on a later read.
                data={"oneOf": [{"type": "null"}, obj(payment_url=STRING, payment_id=STRING, payment_type=STRING), obj(
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
                )]},
            )
        ),
    ),
    # views.items_json: the lines without their complaints.
    "OrderItems": obj(items=array(ref("CartItem"))),
}
