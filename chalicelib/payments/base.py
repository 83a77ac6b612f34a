"""The extension API: what a payment method is (contract section 5), as merchants write them.

A method is one class deriving from `PayBySquareMethod` (bank transfer with a QR code) or
`OnlinePaymentMethod` (a hosted payment page), constructed per order as `Method(order, **kwargs)` with the
`kwargs` of its entry in `config/payments.json`. It implements `pay()`, and `status()` when the payment
state lives somewhere else than in this shop (the default reads the stored status, which the gateway
callback and the dashboard keep current).

Besides `self.order` and `self.kwargs`, the shop sets on each instance before calling it:

    self.key           the config key ("BANKTRANSFER_CZK"): the order's payment method country `api_request`
    self.api_base_url  this API's public root URL ("https://api.shop.example/api"), for callback and page URLs
    self.payment       the stored payment record (status, payment_id, data, history) or None before pay()

and offers what most methods need: `amount` (Decimal, the order total incl. VAT), `currency`,
`reference` (the order number as text), `order_token`, `callback_url`, `return_url`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from abc import ABC, abstractmethod
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar, NamedTuple

from chalicelib.core.money import quantize

PAY_BY_SQUARE = "PayBySquareMethod"
ONLINE = "OnlinePaymentMethod"
SIGNATURE_HEADER = "X-Signature"


class PaymentStatus(StrEnum):
    """PENDING: initiated, not confirmed; PAID; FAILED (the payer may try again); CANCELLED (final)."""

    PENDING = "PENDING"
    PAID = "PAID"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"

    @classmethod
    def parse(cls, value) -> PaymentStatus | None:
        if isinstance(value, cls):
            return value
        try:
            return cls(str(value).strip().upper())
        except ValueError:
            return None


class Callback(NamedTuple):
    """What a gateway callback reports. `amount` (a decimal string) and `currency` are what was paid; the shop
    requires them, equal to the order's total and currency, before it marks an order PAID."""

    payment_id: str
    status: PaymentStatus
    amount: str | None = None
    currency: str | None = None


class PaymentError(Exception):
    """pay() or status() cannot go on (gateway down, the order is not payable by this method)."""


class KwargsError(ValueError):
    """A config entry's kwargs are unusable; the message names the kwarg."""


class CallbackRejected(Exception):
    """A gateway callback that must not change anything: `status` is the HTTP answer (400, 401)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class BasePaymentMethod(ABC):
    """A payment method bound to one order. Subclass `PayBySquareMethod` or `OnlinePaymentMethod`."""

    # "PayBySquareMethod" | "OnlinePaymentMethod": how the storefront shows pay()'s result.
    payment_type: ClassVar[str] = ""
    # Kwargs the config must give. An entry is a name, or a tuple of accepted spellings of one value
    # (("iban", "accountNumber")): the first spelling is the one `self.kwargs` holds after validation.
    required_kwargs: ClassVar[tuple[str | tuple[str, ...], ...]] = ()
    # Optional kwargs with more than one spelling, normalized the same way.
    kwarg_aliases: ClassVar[tuple[tuple[str, ...], ...]] = ()
    # True when status() asks an outside system: the shop then calls it at most once per 30 s per order.
    remote_status: ClassVar[bool] = True

    def __init__(self, order: dict, **kwargs):
        self.order = order
        self.kwargs = kwargs
        self.key: str = ""
        self.api_base_url: str | None = None
        self.payment: dict | None = None

    @abstractmethod
    def pay(self) -> dict:
        """Start the payment; the result is stored and shown to the payer (shapes: see the subclasses)."""

    def status(self) -> PaymentStatus:
        """The payment's state. Default: the stored one (kept current by callbacks and the dashboard)."""
        stored = PaymentStatus.parse((self.payment or {}).get("status"))
        return stored or PaymentStatus.PENDING

    # --- config validation ---------------------------------------------------------------------------

    @classmethod
    def validate_kwargs(cls, kwargs: dict) -> dict:
        """The kwargs normalized (alias spellings folded in); KwargsError naming the kwarg when unusable.

        Runs once per process when the config is loaded. Override to check values, and call super().
        """
        result = dict(kwargs)
        for entry in (*cls.required_kwargs, *cls.kwarg_aliases):
            names = (entry,) if isinstance(entry, str) else tuple(entry)
            value = next((result[name] for name in names if _given(result.get(name))), None)
            for alias in names[1:]:
                result.pop(alias, None)
            if value is not None:
                result[names[0]] = value
            elif entry in cls.required_kwargs:
                spelled = " or ".join(repr(name) for name in names)
                raise KwargsError(f"missing required kwarg {spelled}")
            else:
                result.pop(names[0], None)
        return result

    # --- what most methods need ----------------------------------------------------------------------

    @property
    def order_token(self) -> str:
        return str(self.order["token"])

    @property
    def reference(self) -> str:
        """The order number as text: the bank-transfer variable symbol / payment reference."""
        return str(self.order["number"])

    @property
    def amount(self) -> Decimal:
        """What the customer pays: the order total incl. VAT, to the cent."""
        return quantize((self.order.get("totals") or {})["total_incl_vat"], 2)

    @property
    def currency(self) -> str:
        return str((self.order.get("currency") or {}).get("code") or "").upper()

    @property
    def callback_url(self) -> str:
        """Where a gateway posts status changes (`POST /payments/<key>/callback`)."""
        return f"{self._api_base()}/payments/{self.key}/callback"

    @property
    def return_url(self) -> str:
        """The storefront's page for this order, where a hosted payment page sends the payer back."""
        from chalicelib.payments.urls import storefront_order_url

        return storefront_order_url(self.order_token)

    def _api_base(self) -> str:
        if not self.api_base_url:
            raise PaymentError("the API base URL is unknown (pass it to payment_block)")
        return self.api_base_url.rstrip("/")

    # --- gateway callbacks ---------------------------------------------------------------------------

    @classmethod
    def parse_callback(cls, kwargs: dict, headers: dict, body: bytes) -> Callback:
        """What a gateway reports to `POST /payments/<key>/callback`. `headers` has lower-cased names;
        `body` is the raw request body.

        Default scheme: the body is JSON `{"payment_id": ..., "status": "PAID", "amount": "1234.50",
        "currency": "CZK"}` and the header `X-Signature` holds the hex HMAC-SHA256 of the raw body under
        the kwarg `secret` (a `sha256=` prefix is accepted). A PAID callback must carry the amount and
        currency paid: the shop marks the order paid only when they are the order's. Override for a
        gateway with another format; raise CallbackRejected.
        """
        verify_signature(kwargs.get("secret"), headers, body)
        try:
            data = json.loads(body.decode("utf-8") or "null")
        except (UnicodeDecodeError, ValueError):
            raise CallbackRejected(400, "the body is not JSON") from None
        if not isinstance(data, dict):
            raise CallbackRejected(400, "the body must be a JSON object")
        payment_id = data.get("payment_id")
        if not isinstance(payment_id, (str, int)) or isinstance(payment_id, bool) or not str(payment_id).strip():
            raise CallbackRejected(400, "payment_id: this field is required")
        status = PaymentStatus.parse(data.get("status")) if isinstance(data.get("status"), str) else None
        if status is None:
            raise CallbackRejected(400, "status: must be one of " + ", ".join(s.value for s in PaymentStatus))
        amount = data.get("amount")
        if amount is not None and (isinstance(amount, bool) or not isinstance(amount, (str, int, float))):
            raise CallbackRejected(400, "amount: a decimal number, as a string or a number")
        currency = data.get("currency")
        if currency is not None and not isinstance(currency, str):
            raise CallbackRejected(400, "currency: an ISO 4217 code")
        return Callback(str(payment_id).strip(), status, None if amount is None else str(amount), currency)


class PayBySquareMethod(BasePaymentMethod):
    """A bank transfer shown as a QR code. pay() returns

        {"qr_code": "<base64 PNG>", "payment_id": "<str>",
         "payment_data": {"amount": "<decimal string>", "currency", "reference", "variable_symbol",
                          "iban", "bic", "beneficiary", ...}}
    """

    payment_type: ClassVar[str] = PAY_BY_SQUARE
    remote_status: ClassVar[bool] = False


class OnlinePaymentMethod(BasePaymentMethod):
    """A hosted payment page. pay() returns {"payment_url": "https://...", "payment_id": "<str>"}."""

    payment_type: ClassVar[str] = ONLINE


PAYMENT_TYPES = (PAY_BY_SQUARE, ONLINE)


def _given(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def sign(secret: str, body: bytes) -> str:
    """The callback signature: hex HMAC-SHA256 of the raw body."""
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify_signature(secret, headers: dict, body: bytes) -> None:
    """CallbackRejected(401) unless the X-Signature header is the body's HMAC under `secret`."""
    if not isinstance(secret, str) or not secret:
        raise CallbackRejected(401, "this payment method takes no callbacks (it has no secret)")
    sent = (_header(headers, SIGNATURE_HEADER) or "").strip()
    if sent.lower().startswith("sha256="):
        sent = sent[len("sha256="):]
    if not sent or not hmac.compare_digest(sent.lower().encode("utf-8"), sign(secret, body).encode("ascii")):
        raise CallbackRejected(401, "invalid signature")


def _header(headers: dict, name: str) -> str | None:
    value = headers.get(name.lower())
    if value is None:
        value = next((v for k, v in headers.items() if str(k).lower() == name.lower()), None)
    return value
