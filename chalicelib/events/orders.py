"""The order's events (chalicelib/orders/: `views.event_payload`, `complaints._payload`): open, what the
e-mails (notifications/emails/builders.py) and the recommender read is listed, more may come."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Annotated, Literal

from chalicelib.core.event_names import (
    ORDER_DELETE,
    ORDER_ITEM_COMPLAINT_CREATED,
    ORDER_ITEM_COMPLAINT_UPDATED,
    ORDER_SAVE,
    ORDER_STATUS_CHANGED,
    ORDER_UPDATE,
    REVIEW_SEND,
)
from chalicelib.events.common import MODEL, Timestamp
from chalicelib.events.registry import register
from chalicelib.events.shape import note, payload

OrderStatus = Literal["PENDING", "PROCESSING", "SHIPPED", "CANCELLED"]
ComplaintStatus = Literal["CREATED", "APPROVED", "DECLINED"]
ComplaintType = Literal["RETURN", "WARRANTY_CLAIM"]


@payload(exact=False)
class CountryInfo:
    code: str = None
    name: str | None = None
    locale: str | None = None


Country = str | CountryInfo | None  # a country code, or the country


@payload(exact=False)
class Address:
    first_name: str | None = None
    surname: str | None = None
    street: str | None = None
    city: str | None = None
    postal_code: str | None = None
    country: Country = None
    email: str | None = None
    phone: str | None = None
    company_name: str | None = None
    company_id: str | None = None
    vat_number: str | None = None


@payload(exact=False)
class ComplaintSummary:
    id: int = None
    type: ComplaintType = None
    status: ComplaintStatus = None


@payload(exact=False)
class CartItem:
    id: int = None
    product_variant_sku: str
    product_variant_name: str | None = None
    product_id: int = None
    product_title: str | None = None
    quantity: int
    unit_price_incl_vat_formatted: str | None = None
    base_price_incl_vat_formatted: Annotated[str | None, note(
        description="the unit price before a discount, when there was one")] = None
    total_price_incl_vat_formatted: str | None = None
    complaints: list[ComplaintSummary] = dataclasses.field(default_factory=list)


@payload(exact=False)
class MethodChoice:
    """The shipping or payment method chosen for the order's country (orders/views.py `_method_summary`)."""
    id: int = None
    title: str | None = None
    price_incl_vat: str | None = None


@payload(exact=False, description="the cart as ordered (contract K23), with its addresses, methods and country")
class Cart:
    token: str = None
    cart_items: list[CartItem] = dataclasses.field(default_factory=list)
    billing_info: Address | None = None
    shipping_info: Address | None = None
    country: Annotated[Country, note(description="country code (or the country)")] = None
    pricelist: str | None = None
    language: str | None = None
    shipping_method_country: MethodChoice | None = None
    payment_method_country: MethodChoice | None = None
    total_items_price_incl_vat_formatted: str | None = None
    total_price_incl_vat_formatted: str | None = None


@payload(exact=False, description="OrderDetail (contract O5) plus number, customer_email, language and totals")
class OrderDetail:
    token: Annotated[str, note(format="uuid")]
    number: Annotated[int, note(description="the order number (bank-transfer reference)")] = None
    cart: Cart = None
    safe_deleted: bool = None
    create_at: Timestamp = None
    status: OrderStatus = None
    marketing_flag: bool = None
    agreed_to_terms: bool = None
    payment_id: str | None = None
    customer_email: str | None = None
    language: str | None = None
    totals: Annotated[dict[str, Decimal], note(
        description="exact sums: items_without_vat, items_incl_vat, shipping_incl_vat, payment_incl_vat, "
                    "total_without_vat, total_incl_vat")] = None


@payload(exact=False)
class OrderEvent:
    """What every order event carries."""
    token: Annotated[str, note(format="uuid", description="the order token")]
    order: OrderDetail
    customer_email: Annotated[str | None, note(description="the e-mails' recipient")] = None
    language: Annotated[str | None, note(description="the e-mails' language (the order country's locale)")] = None


@payload(exact=False)
class OrderSaved(OrderEvent):
    session_id: Annotated[str | None, note(description="the shopper's recommender session")] = None
    _model_class: Annotated[Literal["Order"], MODEL] = None
    product_variants: Annotated[list[tuple[str, int]],
                                note(description="[[sku, quantity], ...] (the original's key)")] = None


@payload(exact=False)
class OrderStatusChanged(OrderEvent):
    previous_status: OrderStatus | None = None


@payload(exact=False)
class ReviewSend(OrderEvent):
    order: OrderDetail = None  # the token is enough for the review link


@payload(exact=False)
class Complaint:
    id: int
    type: ComplaintType
    status: ComplaintStatus
    description: str | None = None
    create_at: Timestamp = None
    cart_item: int | dict = None
    order: str = None
    product_variant_sku: str | None = None
    product_variant_name: str | None = None
    product_title: str | None = None
    customer_email: str | None = None


@payload(exact=False)
class ComplaintOrder:
    """The order a complaint is about: its token, recipient and language (and its cart, when sent)."""
    token: str = None
    customer_email: str | None = None
    language: str | None = None
    country: Country = None
    cart: Cart | None = None


@payload(exact=False)
class ComplaintEvent:
    complaint: Complaint
    complaint_id: Annotated[int, note(description="the original's key")] = None
    order_token: str
    order: Annotated[ComplaintOrder | str, note(description="the order (token, customer_email, language, ...)")] = None
    customer_email: str | None = None
    language: str | None = None
    previous_status: Annotated[ComplaintStatus | None, note(description="on an update")] = None


register(ORDER_SAVE, OrderSaved,
         "an order placed (POST order/storefront/): webhook, confirmation e-mail, recommender")
register(ORDER_UPDATE, OrderSaved, "not emitted (as in the original); the ORDER_SAVE shape")
register(ORDER_DELETE, OrderSaved, "not emitted (as in the original); the ORDER_SAVE shape")
register(ORDER_STATUS_CHANGED, OrderStatusChanged, "an order's status changed in the dashboard")
register(REVIEW_SEND, ReviewSend, "an order marked SHIPPED: the review request e-mail, 7 days later")
register(ORDER_ITEM_COMPLAINT_CREATED, ComplaintEvent,
         "a complaint (return or warranty claim) created by the shopper")
register(ORDER_ITEM_COMPLAINT_UPDATED, ComplaintEvent, "a complaint's status changed in the dashboard")
