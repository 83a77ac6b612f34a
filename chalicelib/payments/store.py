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
  status change, puts the events in the same transaction.
* A pointer `PK = "PAYMENT#<config key>#<payment_id>"`, `SK = "PAYMENT"`, attribute `order` (token), lets a
  gateway callback, which knows only the payment id, find its order. Written with the first pay() result.
"""

from __future__ import annotations

import json

from botocore.exceptions import ClientError

from chalicelib.core.store import db
from chalicelib.orders.store import order_key


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


def _record_update(token: str, record: dict, existing: dict | None, *, first_data: bool = False) -> dict:
    """An Update writing `record` onto the order: the whole map when the order has none, else its fields."""
    names = {"#p": "payment", "#v": "version"}
    values: dict = {":one": 1}
    if not existing:
        names["#pid"] = "payment_id"
        values.update({":rec": record, ":pid": record.get("payment_id"), ":null": "NULL"})
        return {"Update": {
            "table": "main", "key": order_key(token),
            "expression": "SET #p = :rec, #pid = :pid ADD #v :one",
            "condition": "attribute_exists(PK) AND (attribute_not_exists(#p) OR attribute_type(#p, :null))",
            "names": names, "values": values}}
    clauses = []
    # A first result leaves the status and history the dashboard may have set meanwhile alone.
    skipped = ("history", "status", "create_at") if first_data else ("history",)
    for index, (name, value) in enumerate(record.items()):
        if name in skipped:
            continue
        names[f"#f{index}"] = name
        values[f":f{index}"] = value
        clauses.append(f"#p.#f{index} = :f{index}")
    if first_data:
        names["#pid"] = "payment_id"
        names["#d"] = "data"
        values[":pid"] = record.get("payment_id")
        clauses.append("#pid = :pid")
        condition = "attribute_not_exists(#p.#d)"
    else:
        names["#st"] = "status"
        values[":old"] = existing.get("status")
        condition = "#p.#st = :old"
    return {"Update": {"table": "main", "key": order_key(token),
                       "expression": "SET " + ", ".join(clauses) + " ADD #v :one",
                       "condition": condition, "names": names, "values": values}}


def store_first_result(token: str, record: dict, existing: dict | None) -> None:
    """Record pay()'s first result (and the payment id pointer) in one transaction.

    `existing` is the record the order held when read (None, or one without data that the dashboard
    created). Conflict when another request stored a result first.
    """
    operations = [_record_update(token, record, existing, first_data=True)]
    payment_id = record.get("payment_id")
    if payment_id:
        operations.append({"Put": {
            "table": "main",
            "item": {**pointer_key(record["method"], payment_id), "order": token, "method": record["method"],
                     "payment_id": payment_id},
            # The same method id for another order would send that order's callbacks here.
            "condition": "attribute_not_exists(PK) OR #o = :token",
            "names": {"#o": "order"}, "values": {":token": token}}})
    _transact(operations)


def store_status(token: str, record: dict, existing: dict | None, history_entry: dict,
                 events: list[dict]) -> None:
    """Write a status change and its outbox events in one transaction, if the status is still the one
    read (`existing`); Conflict otherwise."""
    if existing:
        update = _record_update(token, {k: v for k, v in record.items() if k in ("status", "update_at",
                                                                                  "checked_at")}, existing)
        spec = update["Update"]
        spec["names"]["#h"] = "history"
        spec["values"][":h"] = [history_entry]
        spec["values"][":empty"] = []
        spec["expression"] = spec["expression"].replace(
            " ADD ", ", #p.#h = list_append(if_not_exists(#p.#h, :empty), :h) ADD ", 1)
    else:
        update = _record_update(token, record, None)
    _transact([update, *events])


def touch_checked(token: str, at: str) -> None:
    """Note that status() was consulted (the 30-second throttle), without touching anything else."""
    request = {
        "TableName": db.table("main"), "Key": db.serialize(order_key(token)),
        "UpdateExpression": "SET #p.#c = :at", "ConditionExpression": "attribute_exists(#p.#s)",
        "ExpressionAttributeNames": {"#p": "payment", "#c": "checked_at", "#s": "status"},
        "ExpressionAttributeValues": db.serialize({":at": at}),
    }
    try:
        db.client().update_item(**request)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
            raise
        # the record went away: the next read decides again


def _transact(operations: list[dict]) -> None:
    try:
        db.transact(operations)
    except db.TransactionFailed as error:
        if "ConditionalCheckFailed" in error.reasons:
            raise Conflict(str(error)) from None
        raise
