"""TestGateway: a hosted payment page simulated by this API, for trying the online payment flow.

pay() returns a `payment_url` on this API (`<API root>/payments/<key>/test-gateway/<payment_id>`); that
page has "Pay" and "Fail" buttons which mark the payment PAID or FAILED, as a real gateway's page would
through its callback. The payment id is derived from the order token: paying the same order again gives
the same id, and nothing is random.

kwargs: `secret` (optional: it signs callbacks to `POST /payments/<key>/callback`, as with a real gateway;
without it callbacks are refused; the shipped config reads it from TEST_GATEWAY_SECRET), `merchant` and
`url` (accepted for the original's config, unused). The page is a test tool: anyone with the link can mark
the payment paid, so test modules are never loaded on the `prod` stage (config.load drops them).
"""

from __future__ import annotations

import hashlib
from typing import ClassVar

from chalicelib.payments.base import KwargsError, OnlinePaymentMethod

PAGE = "test-gateway"


class TestGateway(OnlinePaymentMethod):
    __test__ = False  # not a pytest test class, whatever its name
    required_kwargs: ClassVar = ()
    remote_status: ClassVar[bool] = False  # the "gateway" is this API: its state is the stored status
    hosted_test_page: ClassVar[bool] = True

    @classmethod
    def validate_kwargs(cls, kwargs: dict) -> dict:
        result = super().validate_kwargs(kwargs)
        secret = result.get("secret") or None  # "" (an unset ${VAR:-}): no callbacks
        if secret is not None and (not isinstance(secret, str) or len(secret) < 16):
            raise KwargsError("kwarg secret: at least 16 characters")
        if "allow_in_production" in result:
            raise KwargsError("kwarg allow_in_production: no longer supported; test modules never load on prod")
        return {**result, "secret": secret}

    @staticmethod
    def payment_id_for(order_token: str) -> str:
        return "TG" + hashlib.sha256(order_token.encode("utf-8")).hexdigest()[:22].upper()

    def pay(self) -> dict:
        payment_id = self.payment_id_for(self.order_token)
        return {"payment_url": f"{self._api_base()}/payments/{self.key}/{PAGE}/{payment_id}",
                "payment_id": payment_id}
