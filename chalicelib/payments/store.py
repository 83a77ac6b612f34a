"""Where payments live in the `main` table.

* The payment record is the order item's `payment` attribute (the order package documents the item and
  leaves this attribute to us), read with the order in the same GetItem:

      status        PENDING | PAID | FAILED | CANCELLED
      method        the config key (the payment method country's api_request) it was started with
      payment_type  PayBySquareMethod | OnlinePaymentMethod
      payment_id    the method's id for it (also the order's top-level `payment_id`)
      data          pay()'s result as JSON text (stored once, reused on every later read; text because
                    a merchant's method may return floats, which DynamoDB numbers refuse)
      create_at, update_at, checked_at   ISO 8601 UTC; checked_at: when status() was last consulted
      history       [{"status", "at", "source"}], source: pay | status | callback | gateway | dashboard

  Every write is conditional on the state it was decided on (no record yet, no data yet, or the status
  read), bumps the order's `version` (the order package's optimistic-concurrency counter) and, for a
  status change, puts the events in the same transaction. The order package writes the record onto its
  item (`orders.store.payment_record_operation`, `touch_payment_checked`); this module decides what to write.
* A pointer `PK = "PAYMENT#<config key>#<payment_id>"`, `SK = "PAYMENT"`, attribute `order` (token), lets a
  gateway callback, which knows only the payment id, find its order. Written with the first pay() result.
"""

from __future__ import annotations

import json

from chalicelib.core.store import db
from chalicelib.core.store.write import Put, TransactionFailed, Write
from chalicelib.orders import store as orders_store


class Conflict(Exception):
    """The order (or its payment) changed since it was read; read again and decide again."""


def pointer_key(method_key: str, payment_id: str) -> dict:
    return {"PK": f"PAYMENT#{method_key}#{payment_id}", "SK": "PAYMENT"}


def find_order_token(method_key: str, payment_id: str) -> str | None:
    item = db.get("main", pointer_key(method_key, payment_id))
    return item.get("order") if item else None


def payment_data(record: dict | None) -> dict | None:
    """pay()'s stored result, or None before pay() ran."""
    text = (record or {}).get("data")
    return json.loads(text) if isinstance(text, str) and text else None


def store_first_result(token: str, record: dict, existing: dict | None) -> None:
    """Record pay()'s first result (and the payment id pointer) in one transaction.

    `existing` is the record the order held when read (None, or one without data that the dashboard
    created). Conflict when another request stored a result first.
    """
    operations = [orders_store.payment_record_operation(token, record, existing, first_data=True)]
    payment_id = record.get("payment_id")
    if payment_id:
        operations.append(Put(
            {**pointer_key(record["method"], payment_id), "order": token, "method": record["method"],
             "payment_id": payment_id},
            # The same method id for another order would send that order's callbacks here.
            condition="attribute_not_exists(PK) OR #o = :token",
            names={"#o": "order"}, values={":token": token}))
    _transact(operations)


def store_status(token: str, record: dict, existing: dict | None, history_entry: dict,
                 events: list[dict]) -> None:
    """Write a status change and its outbox events in one transaction, if the status is still the one
    read (`existing`); Conflict otherwise."""
    if existing:
        update = orders_store.payment_record_operation(
            token, {k: v for k, v in record.items() if k in ("status", "update_at", "checked_at")}, existing,
            history_entry=history_entry)
    else:
        update = orders_store.payment_record_operation(token, record, None)
    _transact([update, *events])


def touch_checked(token: str, at: str) -> None:
    """Note that status() was consulted (the 30-second throttle), without touching anything else."""
    orders_store.touch_payment_checked(token, at)


def _transact(operations: list[Write]) -> None:
    try:
        db.transact(operations)
    except TransactionFailed as error:
        if "ConditionalCheckFailed" in error.reasons:
            raise Conflict(str(error)) from None
        raise
