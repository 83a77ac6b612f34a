"""The payment flow: what the storefront's order page shows (O10), status changes from gateways and the
dashboard, and the dashboard's summary.

`payment_block(order, api_base_url)` is what `GET order/storefront/<token>/` returns as `payment`:

* None when the order's payment method country has no `api_request` (an offline method: cash on delivery);
* `{"status": "PAID"}` once paid;
* `{"status": "CANCELLED"}` when the payment was cancelled: nothing left to pay, so no payment data;
* otherwise `{"status": "PENDING" | "FAILED", "data": {...pay() result..., "payment_type": ...}}`. FAILED keeps
  the data: the payer can try again (scan the QR code again, reopen the gateway page), as the storefront
  shows the payment options for every status but PAID;
* `{"status": "PENDING", "data": None}` while the method cannot produce a payment (misconfigured key,
  gateway down); the order page still renders, the error is logged, the next read tries again.

pay() runs once per order: its result is stored with the payment record and reused by every later read.
(Two first reads racing may both call pay(); one result is stored, and both answer with that one.)
status() is consulted only for methods whose state lives elsewhere (`remote_status`), at most once per
30 seconds per order. Reads cost no DynamoDB call beyond the order the caller already loaded, except the
first (one transaction) and a due status check (one write).

A status change writes PAYMENT_STATUS_CHANGED (and ORDER_FULLY_PAID for PAID) in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from chalicelib.core.event_names import ORDER_FULLY_PAID, PAYMENT_STATUS_CHANGED
from chalicelib.core.events import outbox_put
from chalicelib.core.http.errors import ApiError, Conflict, NotFound
from chalicelib.core.http.jsonutil import dumps
from chalicelib.core.money import quantize
from chalicelib.core.store import write
from chalicelib.orders import store as orders_store
from chalicelib.payments import config, store
from chalicelib.payments.base import (
    ONLINE,
    PAY_BY_SQUARE,
    Callback,
    CallbackRejected,
    PaymentError,
    PaymentStatus,
)

logger = logging.getLogger("ecoseller.payments")

STATUS_CHECK_SECONDS = 30
MAX_PAYMENT_ID = 200
FINAL = (PaymentStatus.PAID, PaymentStatus.CANCELLED)
_ATTEMPTS = 3

_now: Callable[[], float] = time.time


def set_clock(source: Callable[[], float] | None) -> None:
    """Use `source()` (epoch seconds) as the current time; None: the real clock again (tests)."""
    global _now
    _now = source or time.time


def _iso(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).isoformat()


def _epoch(text) -> float | None:
    try:
        return dt.datetime.fromisoformat(str(text)).timestamp()
    except ValueError:
        return None


def method_key(order: dict) -> str | None:
    """The config key the order pays with: its payment method country's `api_request` (None: offline)."""
    key = (order.get("payment_method_country") or {}).get("api_request")
    return key.strip() if isinstance(key, str) and key.strip() else None


def stored_status(record: dict | None) -> PaymentStatus | None:
    return PaymentStatus.parse(record.get("status")) if record else None


# --- the storefront's payment block (O10) -----------------------------------------------------------

def payment_block(order: dict, base_url: str | None) -> dict | None:
    """The `payment` of `GET order/storefront/<token>/`. `base_url` is this API's root
    (`chalicelib.payments.urls.api_base_url(req)`). Updates `order["payment"]` and `order["payment_id"]`
    in place when it stores something, so the caller renders the order as stored."""
    key = method_key(order)
    if key is None:
        return None
    record = order.get("payment") or None
    status = stored_status(record)
    if status in FINAL:
        return {"status": status.value}
    spec = config.get(key)
    if spec is None:
        logger.error("order %s: payment method %r is not in the payments config", order.get("token"), key)
        data = store.payment_data(record)
        if data is not None:  # started before the key left the config: what was shown stays valid
            data = {**data, "payment_type": record.get("payment_type")}
        return {"status": (status or PaymentStatus.PENDING).value, "data": data}
    try:
        if store.payment_data(record) is None:
            record = _start(order, spec, base_url, record)
        elif spec.cls.remote_status and _check_due(record):
            record = _check(order, spec, base_url, record)
    except PaymentError as error:
        logger.error("order %s: payment method %s failed: %s", order.get("token"), key, error)
        return {"status": (status or PaymentStatus.PENDING).value, "data": None}
    status = stored_status(record) or PaymentStatus.PENDING
    if status in FINAL:
        return {"status": status.value}
    data = store.payment_data(record) or {}
    return {"status": status.value, "data": {**data, "payment_type": record.get("payment_type") or spec.payment_type}}


def _start(order: dict, spec: config.MethodSpec, base_url: str | None, existing: dict | None) -> dict:
    """Run pay() and store its result; answers the stored record (another request's if it won)."""
    method = config.create(spec.key, order, api_base_url=base_url, payment=existing)
    try:
        result = method.pay()
    except PaymentError:
        raise
    except Exception as error:  # noqa: BLE001 - a merchant's method failing must not break the order page
        logger.exception("order %s: %s.pay() raised", order.get("token"), spec.implementation)
        raise PaymentError(f"pay() raised {type(error).__name__}") from None
    _check_result(spec, result)
    now = _iso(_now())
    payment_id = str(result["payment_id"])
    record = {
        **(existing or {}),
        "status": (stored_status(existing) or PaymentStatus.PENDING).value,
        "method": spec.key,
        "payment_type": spec.payment_type,
        "payment_id": payment_id,
        "data": dumps({k: v for k, v in result.items() if k != "payment_type"}),
        "update_at": now,
        "checked_at": now,
    }
    if not existing:
        record["create_at"] = now
        record["history"] = [{"status": PaymentStatus.PENDING.value, "at": now, "source": "pay"}]
    try:
        store.store_first_result(order["token"], record, existing)
    except store.Conflict:
        fresh = orders_store.get_order(order["token"]) or {}
        if store.payment_data(fresh.get("payment")) is None:
            raise PaymentError("the payment record changed while it was being created") from None
        record = fresh["payment"]
    order["payment"] = record
    order["payment_id"] = record.get("payment_id")
    return record


def _check_result(spec: config.MethodSpec, result) -> None:
    where = f"{spec.implementation}.pay()"
    if not isinstance(result, dict):
        raise PaymentError(f"{where} must return a dict")
    payment_id = result.get("payment_id")
    if payment_id is None or isinstance(payment_id, bool) or not str(payment_id).strip():
        raise PaymentError(f"{where} must return a payment_id")
    if len(str(payment_id)) > MAX_PAYMENT_ID:
        raise PaymentError(f"{where} returned a payment_id over {MAX_PAYMENT_ID} characters")
    if spec.payment_type == PAY_BY_SQUARE:
        if not isinstance(result.get("qr_code"), str) or not isinstance(result.get("payment_data"), dict):
            raise PaymentError(f"{where} must return qr_code (base64 text) and payment_data (a dict)")
    elif spec.payment_type == ONLINE:
        url = result.get("payment_url")
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise PaymentError(f"{where} must return payment_url (an http(s) URL)")


def _check_due(record: dict) -> bool:
    checked = _epoch(record.get("checked_at"))
    # (1 ms of slack: the stored time is rounded to the microsecond)
    return checked is None or _now() - checked >= STATUS_CHECK_SECONDS - 0.001


def _check(order: dict, spec: config.MethodSpec, base_url: str | None, record: dict) -> dict:
    """Consult status(); store a change (with its events) or just the time of the check."""
    method = config.create(spec.key, order, api_base_url=base_url, payment=record)
    try:
        status = PaymentStatus.parse(method.status())
    except Exception:  # noqa: BLE001 - an unreachable gateway leaves the stored status as it is
        logger.exception("order %s: %s.status() raised", order.get("token"), spec.implementation)
        status = None
    now = _iso(_now())
    if status is None or status == stored_status(record):
        store.touch_checked(order["token"], now)
        record = {**record, "checked_at": now}
        order["payment"] = record
        return record
    try:
        record, _changed = change_status(order, status, source="status")
    except Conflict:
        pass  # a final status was recorded meanwhile (callback, dashboard): it stands
    return order.get("payment") or record


# --- status changes ----------------------------------------------------------------------------------

def change_status(order: dict, status: PaymentStatus, *, source: str,
                  allow_final_change: bool = False) -> tuple[dict, bool]:
    """Set the order's payment status: (the record, whether it changed). The same status again changes
    nothing and records no event. Leaving PAID or CANCELLED needs `allow_final_change` (the dashboard
    correcting a mistake); otherwise Conflict (409). Updates `order["payment"]` in place."""
    def attempt() -> tuple[dict, bool]:
        existing = order.get("payment") or None
        previous = stored_status(existing)
        if previous == status:
            return existing, False
        if previous in FINAL and not allow_final_change:
            raise Conflict(f"the payment is {previous.value} already")
        now = _iso(_now())
        entry = {"status": status.value, "at": now, "source": source}
        record = {**(existing or {}), "status": status.value, "update_at": now}
        if not existing:
            record.update({"method": method_key(order) or "", "payment_type": _payment_type(order),
                           "payment_id": order.get("payment_id"), "create_at": now, "checked_at": now,
                           "history": [entry]})
        else:
            record["history"] = [*(existing.get("history") or []), entry]
            if source == "status":
                record["checked_at"] = now
        try:
            store.store_status(order["token"], record, existing, entry, _events(order, record, previous))
        except store.Conflict:
            fresh = orders_store.get_order(order["token"])
            if fresh is None:
                raise NotFound({"detail": "Order not found."}) from None
            order.clear()
            order.update(fresh)
            raise write.Stale("the payment changed concurrently") from None  # again, on the fresh order
        order["payment"] = record
        return record, True

    try:
        return write.retrying(attempt, attempts=_ATTEMPTS)
    except write.Stale:
        raise Conflict("the payment changed concurrently, try again") from None


def _payment_type(order: dict) -> str:
    spec = config.get(method_key(order))
    return spec.payment_type if spec else ""


def _events(order: dict, record: dict, previous: PaymentStatus | None) -> list[dict]:
    totals = order.get("totals") or {}
    amount = totals.get("total_incl_vat")
    payload = {
        "order": order["token"],
        "payment_id": record.get("payment_id"),
        "status": record["status"],
        "previous_status": previous.value if previous else None,
        "method": record.get("method") or None,
        "amount": format(quantize(amount, 2), "f") if amount is not None else None,
        "currency": (order.get("currency") or {}).get("code"),
    }
    events = [outbox_put(PAYMENT_STATUS_CHANGED, payload)]
    if record["status"] == PaymentStatus.PAID.value:
        events.append(outbox_put(ORDER_FULLY_PAID, payload))
    return events


# --- gateway callbacks and the test gateway page ----------------------------------------------------

def handle_callback(key: str, headers, body: bytes) -> dict:
    """`POST /payments/<key>/callback`: verify, find the payment, apply its status (idempotent)."""
    spec = config.get(key)
    if spec is None:
        raise NotFound({"detail": f"Unknown payment method {key!r}."})
    try:
        lowered = {str(name).lower(): value for name, value in dict(headers or {}).items()}
        reported = Callback(*spec.cls.parse_callback(dict(spec.kwargs), lowered, body))
    except CallbackRejected as error:
        raise ApiError({"detail": error.message}, error.status) from None
    except (TypeError, ValueError):
        logger.error("payment method %s: parse_callback must return a Callback", key)
        raise
    order = find_order(key, reported.payment_id)
    if reported.status is PaymentStatus.PAID:
        _check_paid_amount(order, reported)
    record, changed = change_status(order, reported.status, source="callback")
    return {"payment_id": reported.payment_id, "status": record["status"], "changed": changed}


def _check_paid_amount(order: dict, reported: Callback) -> None:
    """A PAID callback must report the order's own total and currency: a signed callback for 0.01, or for
    the right number in another currency, does not pay an order (400, and nothing changes)."""
    expected = quantize((order.get("totals") or {}).get("total_incl_vat") or Decimal("0"), 2)
    currency = str((order.get("currency") or {}).get("code") or "").upper()
    if reported.amount is None or reported.currency is None:
        raise ApiError({"detail": "amount, currency: a PAID callback must report the amount and currency paid"},
                       400)
    try:
        paid = quantize(Decimal(str(reported.amount).strip()), 2)
    except (InvalidOperation, ValueError):
        raise ApiError({"detail": f"amount: {reported.amount!r} is not a decimal number"}, 400) from None
    if paid != expected or reported.currency.strip().upper() != currency:
        logger.warning("order %s: callback reports %s %s paid, the order is %s %s", order.get("token"),
                       reported.amount, reported.currency, expected, currency)
        raise ApiError({"detail": f"amount: {paid} {reported.currency.strip().upper()} is not the order's "
                                  f"{expected} {currency}"}, 400)


def find_order(key: str, payment_id: str) -> dict:
    """The order of payment `payment_id` of method `key`; NotFound (404) when there is none."""
    # Ids longer than any gateway's would not fit a DynamoDB key: they cannot be ours.
    token = store.find_order_token(key, payment_id) if payment_id and len(payment_id) <= MAX_PAYMENT_ID else None
    order = orders_store.get_order(token) if token else None
    if order is None or (order.get("payment") or {}).get("method") != key:
        raise NotFound({"detail": "Unknown payment."})
    return order


def gateway_page_order(key: str, payment_id: str) -> dict:
    """The order behind a test gateway page; NotFound unless `key` is a TestGateway-like method whose
    page may be served on this stage."""
    spec = config.get(key)
    # On the prod stage the loader never has test modules (config.load), so their pages are 404s there.
    if spec is None or not getattr(spec.cls, "hosted_test_page", False):
        raise NotFound({"detail": "Unknown payment."})
    return find_order(key, payment_id)


# --- the dashboard ------------------------------------------------------------------------------------

def payment_summary(order: dict) -> dict:
    """The payment part of the dashboard's order detail: status and history (no DynamoDB call)."""
    record = order.get("payment") or {}
    totals = order.get("totals") or {}
    amount = totals.get("total_incl_vat")
    return {
        "status": record.get("status"),
        "method": record.get("method") or method_key(order),
        "payment_type": record.get("payment_type") or None,
        "payment_id": record.get("payment_id") or order.get("payment_id"),
        "amount": format(quantize(amount, 2), "f") if amount is not None else None,
        "currency": (order.get("currency") or {}).get("code"),
        "create_at": record.get("create_at"),
        "update_at": record.get("update_at"),
        "checked_at": record.get("checked_at"),
        "history": [{"status": h.get("status"), "at": h.get("at"), "source": h.get("source")}
                    for h in record.get("history") or []],
    }


def get_order_or_404(token: str) -> dict:
    order = orders_store.get_order(token)
    if order is None:
        raise NotFound({"detail": "Order not found."})
    return order


def configured_methods() -> list[dict]:
    """The config's keys, for the dashboard's api_request field."""
    return [{"key": spec.key, "implementation": spec.implementation, "payment_type": spec.payment_type}
            for spec in config.load().values()]
