"""The payment events (chalicelib/payments/service.py `_events`): open."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from chalicelib.core.event_names import ORDER_FULLY_PAID, PAYMENT_STATUS_CHANGED
from chalicelib.events.registry import register
from chalicelib.events.shape import note, payload

PaymentStatus = Literal["PENDING", "PAID", "FAILED", "CANCELLED"]


@payload(exact=False)
class PaymentStatusChanged:
    order: Annotated[str, note(description="the order token")]
    payment_id: str | None = None
    status: PaymentStatus
    previous_status: PaymentStatus | None = None
    method: str | None = None
    amount: Annotated[Decimal | None, note(description="the order total incl. VAT")] = None
    currency: str | None = None


register(PAYMENT_STATUS_CHANGED, PaymentStatusChanged,
         "an order's payment changed status (gateway callback or check)")
register(ORDER_FULLY_PAID, PaymentStatusChanged, "an order's payment became PAID")
