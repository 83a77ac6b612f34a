"""An example payment method that lives outside chalicelib/: a hosted card page at "Acme Pay".

Register it by pointing PAYMENT_CONFIG_PATH at a config with an entry such as

    "ACME_PAY": {"implementation": "acme_pay.py:AcmePay",
                 "kwargs": {"checkout_url": "https://checkout.acme-pay.example/pay",
                            "merchant_id": "M-1001", "secret": "${ACME_PAY_SECRET}"}}

(a file path is relative to the config file), then bind the key to a payment method country (its
`api_request`). Acme reports results to `POST /payments/ACME_PAY/callback` in its own format, which
`parse_callback` reads.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from urllib.parse import urlencode

from chalicelib.payments.base import Callback, CallbackRejected, KwargsError, OnlinePaymentMethod, PaymentStatus

ACME_STATES = {"paid": PaymentStatus.PAID, "failed": PaymentStatus.FAILED, "cancelled": PaymentStatus.CANCELLED,
               "created": PaymentStatus.PENDING}


class AcmePay(OnlinePaymentMethod):
    required_kwargs = ("checkout_url", "merchant_id", "secret")
    # Acme calls back on every change, so the stored status is current: no polling.
    remote_status = False

    @classmethod
    def validate_kwargs(cls, kwargs: dict) -> dict:
        kwargs = super().validate_kwargs(kwargs)
        if not str(kwargs["checkout_url"]).startswith("https://"):
            raise KwargsError("kwarg checkout_url: must be an https:// URL")
        return kwargs

    def pay(self) -> dict:
        payment_id = f"ACME-{self.reference}"
        query = {"merchant": self.kwargs["merchant_id"], "payment": payment_id, "amount": str(self.amount),
                 "currency": self.currency, "return": self.return_url, "notify": self.callback_url}
        query["sig"] = _sign(self.kwargs["secret"], urlencode(query).encode())
        return {"payment_url": f"{self.kwargs['checkout_url']}?{urlencode(query)}", "payment_id": payment_id}

    @classmethod
    def parse_callback(cls, kwargs: dict, headers: dict, body: bytes) -> Callback:
        """Acme posts {"transaction": "<payment id>", "state": "paid", "amount": "499.00", "currency": "CZK"}
        signed in `Acme-Signature`. The shop marks an order paid only when amount and currency are its own."""
        sent = headers.get("acme-signature") or ""
        if not hmac.compare_digest(sent.encode(), _sign(kwargs["secret"], body).encode()):
            raise CallbackRejected(401, "invalid signature")
        try:
            data = json.loads(body)
        except ValueError:
            raise CallbackRejected(400, "the body is not JSON") from None
        if not isinstance(data, dict):
            raise CallbackRejected(400, "the body must be a JSON object")
        state = ACME_STATES.get(str(data.get("state", "")).lower())
        if not data.get("transaction") or state is None:
            raise CallbackRejected(400, "transaction and state are required")
        amount, currency = data.get("amount"), data.get("currency")
        return Callback(str(data["transaction"]), state, None if amount is None else str(amount),
                        None if currency is None else str(currency))


def _sign(secret: str, data: bytes) -> str:
    return hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()
