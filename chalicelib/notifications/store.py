"""The delivery log: delivery items in the main table (key layout and statuses in `keys.py`).

Every state change is one conditional write, so concurrent or duplicated handlers cannot both win:
`create` (dispatcher, once per (event, action)), `claim` (delivery handler, once per attempt), `finish`
(the attempt's outcome), `requeue` (the retry sweep or a redelivery).
"""

from __future__ import annotations

import base64
import json
from decimal import Decimal
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.core.store import db
from chalicelib.notifications import clock, keys

DAY = 24 * 3600
SUCCESS_TTL = 14 * DAY
FAILED_TTL = 30 * DAY
ACTIVE_TTL_MARGIN = 30 * DAY
# How long a claimed attempt may take before the sweep counts it as lost (the handler crashed or timed
# out): above the Lambda timeout (30 s) with room to spare.
LEASE_SECONDS = 120
# A PENDING delivery whose message has not been consumed this long is put on the queue again (the
# message was lost, e.g. the dispatcher crashed between writing the item and sending the message).
PENDING_RECHECK_SECONDS = 15 * 60
RESPONSE_EXCERPT_BYTES = 1024
MAX_LOG_ENTRIES = 50


def _gsi1(status: str, at: float, delivery_id: str) -> dict:
    return {"GSI1PK": keys.status_list(status), "GSI1SK": f"{clock.iso(at)}#{delivery_id}"}


def due_of(item: dict) -> float:
    """An active delivery's due time (finished ones: when they finished), as kept in GSI1SK."""
    return clock.parse_iso(item["GSI1SK"].split("#", 1)[0])


def due_key(item: dict) -> str:
    """An active delivery's place in the due list (its GSI1SK): `finish` can require it unchanged."""
    return item["GSI1SK"]


def last_entry(item: dict) -> dict:
    return (item.get("log") or [{}])[-1]


def _ttl(status: str, at: float) -> int:
    if status in ("SUCCEEDED", "SKIPPED"):
        return int(at + SUCCESS_TTL)
    if status == "FAILED":
        return int(at + FAILED_TTL)
    return int(at + ACTIVE_TTL_MARGIN)


def new_item(*, event_id: str, trigger: str, action_index: int, action: dict, payload: str,
             event_created_at: str | None, status: str, due: float, now: float, test: bool = False,
             reason: str | None = None) -> dict:
    delivery_id = keys.delivery_id(event_id, action_index)
    at = due if status in keys.ACTIVE_STATUSES else now
    item = {
        **keys.delivery(delivery_id),
        "delivery_id": delivery_id,
        "event_id": event_id,
        "trigger": trigger,
        "action_index": action_index,
        "action": action,
        "payload": payload,
        "event_created_at": event_created_at or clock.iso(now),
        "created_at": clock.iso(now),
        "status": status,
        "attempts": 0,
        "attempt_base": 0,
        "log": [log_entry(0, now, status, error=reason)] if reason else [],
        **_gsi1(status, at, delivery_id),
        "GSI2PK": keys.trigger_list(trigger),
        "GSI2SK": f"{clock.iso(now)}#{delivery_id}",
        "ttl": _ttl(status, at),
    }
    if test:
        item["test"] = True
    return item


def create(item: dict) -> dict | None:
    """Write a new delivery; None if it exists already (then answers nothing: see `get`)."""
    try:
        db.put("main", item, condition="attribute_not_exists(PK)")
    except db.ConditionFailed:
        return None
    return item


def get(delivery_id: str, *, consistent: bool = True) -> dict | None:
    return db.get("main", keys.delivery(delivery_id), consistent=consistent)


# Writes on the delivery path keep their expressions short: they run for every delivery, and their
# attribute lists are all they cost (DynamoDB bills by item size; emulators by expression length).

def claim(delivery_id: str, attempt: int, now: float, *, attempt_base: int | None = None,
          return_item: bool = True) -> dict | bool | None:
    """Take attempt number `attempt` of a PENDING delivery: the item as claimed (or True, without
    `return_item`), or None if that attempt is not to be made (already made or in progress: a
    duplicate message; a message of an earlier series; or the delivery is gone)."""
    condition = "#st = :pending AND attempts = :previous"
    values: dict[str, Any] = {":pending": "PENDING", ":previous": attempt - 1}
    if attempt_base is not None:
        condition += " AND attempt_base = :base"
        values[":base"] = attempt_base
    try:
        item = db.update(
            "main", keys.delivery(delivery_id),
            # GSI1PK stays "DELIVERY#ACTIVE" (PENDING and SENDING share it); GSI1SK is the lease's end.
            set_fields={"status": "SENDING", "attempts": attempt,
                        "GSI1SK": _gsi1("SENDING", now + LEASE_SECONDS, delivery_id)["GSI1SK"]},
            condition=condition, names={"#st": "status"}, values=values, return_new=return_item)
    except db.ConditionFailed:
        return None
    return item if return_item else True


def log_entry(attempt: int, at: float, outcome: str, *, status_code: int | None = None,
              duration_ms: float | None = None, response: str | None = None, error: str | None = None) -> dict:
    entry: dict[str, Any] = {"attempt": attempt, "at": clock.iso(at), "outcome": outcome}
    if status_code is not None:
        entry["status_code"] = status_code
    if duration_ms is not None:
        entry["duration_ms"] = Decimal(str(round(duration_ms, 1)))
    if response:
        entry["response"] = truncate(response)
    if error:
        entry["error"] = error[:500]
    return entry


def truncate(text: str, limit: int = RESPONSE_EXCERPT_BYTES) -> str:
    raw = text.encode("utf-8")
    if len(raw) <= limit:
        return text
    return raw[:limit].decode("utf-8", errors="ignore")


def finish(item: dict, *, status: str, entry: dict | None, now: float, due: float | None = None,
           first_attempt_at: float | None = None, expect_status: str = "SENDING",
           expect_gsi1sk: str | None = None) -> bool:
    """Record an attempt's outcome (or a sweep's decision) on a delivery still in `expect_status` with
    the same attempt count (and GSI1SK, when given); False if the delivery moved on meanwhile."""
    delivery_id = item["delivery_id"]
    at = due if status in keys.ACTIVE_STATUSES and due is not None else now
    gsi1 = _gsi1(status, at, delivery_id)
    names = {"#st": "status", "#k": "GSI1SK"}
    values: dict[str, Any] = {":st": status, ":k": gsi1["GSI1SK"], ":ttl": _ttl(status, at),
                              ":expected": expect_status, ":attempts": item["attempts"]}
    clauses = ["#st = :st", "#k = :k", "#ttl = :ttl"]
    names["#ttl"] = "ttl"
    if status not in keys.ACTIVE_STATUSES:  # an active delivery stays in the ACTIVE partition
        names["#p"], values[":p"] = "GSI1PK", gsi1["GSI1PK"]
        clauses.append("#p = :p")
    if first_attempt_at is not None:
        names["#f"], values[":f"] = "first_attempt_at", Decimal(str(round(first_attempt_at, 3)))
        clauses.append("#f = :f")
    if entry is not None:
        names["#log"], values[":entry"], values[":empty"] = "log", [entry], []
        clauses.append("#log = list_append(if_not_exists(#log, :empty), :entry)")
    condition = "#st = :expected AND attempts = :attempts"
    if expect_gsi1sk is not None:
        condition += " AND #k = :seen"
        values[":seen"] = expect_gsi1sk
    try:
        db.client().update_item(
            TableName=db.table("main"), Key=db.serialize(keys.delivery(delivery_id)),
            UpdateExpression="SET " + ", ".join(clauses), ConditionExpression=condition,
            ExpressionAttributeNames=names, ExpressionAttributeValues=db.serialize(values))
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
            return False
        raise
    return True


def append_log(delivery_id: str, entry: dict) -> None:
    """Add an attempt entry without touching the state (an outcome that arrived after the sweep moved on)."""
    db.client().update_item(
        TableName=db.table("main"), Key=db.serialize(keys.delivery(delivery_id)),
        UpdateExpression="SET #log = list_append(if_not_exists(#log, :empty), :entry)",
        ConditionExpression="attribute_exists(PK)",
        ExpressionAttributeNames={"#log": "log"},
        ExpressionAttributeValues=db.serialize({":entry": [entry], ":empty": []}))


def requeue(item: dict, *, now: float, reset_series: bool = False) -> dict | None:
    """Make a due (or finished, for a redelivery) delivery PENDING again: `item` as it is now, or None
    if it moved on meanwhile. The caller then sends the message for attempt `attempts + 1`."""
    delivery_id = item["delivery_id"]
    due = now + PENDING_RECHECK_SECONDS
    fields: dict[str, Any] = {"status": "PENDING", **_gsi1("PENDING", due, delivery_id), "ttl": _ttl("PENDING", due)}
    remove: list[str] = []
    if reset_series:
        fields["attempt_base"] = item["attempts"]
        remove.append("first_attempt_at")
        log = list(item.get("log") or [])
        if len(log) > MAX_LOG_ENTRIES:
            fields["log"] = log[-MAX_LOG_ENTRIES:]
    try:
        db.update("main", keys.delivery(delivery_id), set_fields=fields, remove=remove,
                  condition="#st = :status AND attempts = :attempts AND #k = :seen",
                  names={"#st": "status", "#k": "GSI1SK"},
                  values={":status": item["status"], ":attempts": item["attempts"], ":seen": item["GSI1SK"]},
                  return_new=False)
    except db.ConditionFailed:
        return None
    updated = {**item, **fields}
    for name in remove:
        updated.pop(name, None)
    return updated


# --- queries ---------------------------------------------------------------------------------------

def due_active(now: float, limit: int = 500) -> list[dict]:
    """Active deliveries whose due time has come (oldest first)."""
    request = {
        "TableName": db.table("main"), "IndexName": "GSI1",
        "KeyConditionExpression": "GSI1PK = :pk AND GSI1SK <= :now",
        "ExpressionAttributeValues": db.serialize({":pk": keys.ACTIVE_LIST, ":now": clock.iso(now) + "#~"}),
        "Limit": min(limit, 1000),
    }
    found: list[dict] = []
    while len(found) < limit:
        response = db.client().query(**request)
        found += [db.deserialize(raw) for raw in response.get("Items", [])]
        start = response.get("LastEvaluatedKey")
        if not start:
            break
        request["ExclusiveStartKey"] = start
    return found[:limit]


def next_due() -> float | None:
    """The earliest due time among active deliveries (tests and operators: when does work resume?)."""
    response = db.client().query(
        TableName=db.table("main"), IndexName="GSI1", KeyConditionExpression="GSI1PK = :pk",
        ExpressionAttributeValues=db.serialize({":pk": keys.ACTIVE_LIST}), Limit=1)
    items = response.get("Items", [])
    return due_of(db.deserialize(items[0])) if items else None


def _encode_cursor(key: dict | None) -> str | None:
    if not key:
        return None
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str | None) -> dict | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except ValueError:
        raise ValueError("invalid cursor") from None
    if not isinstance(key, dict):
        raise ValueError("invalid cursor")
    return key


def list_deliveries(*, status: str | None, trigger: str | None, limit: int,
                    cursor: str | None) -> tuple[list[dict], str | None]:
    """One page of the log and the cursor of the next (None at the end): by status (GSI1; finished ones
    newest first, active ones soonest due first), by trigger (GSI2, keys only, then fetched; newest
    first), or both (the trigger's, filtered by status). Without either: the FAILED ones."""
    start = _decode_cursor(cursor)
    if trigger:
        index, pk_name, pk_value, forward = "GSI2", "GSI2PK", keys.trigger_list(trigger), False
    else:
        status = status or "FAILED"
        index, pk_name, pk_value = "GSI1", "GSI1PK", keys.status_list(status)
        forward = status in keys.ACTIVE_STATUSES
    filtered = bool(status) and (index == "GSI2" or status in keys.ACTIVE_STATUSES)
    key_names = ("PK", "SK", pk_name, pk_name[:-2] + "SK")
    results: list[dict] = []
    for _page in range(20):  # bounded work per request when the filter discards most items
        request: dict = {
            "TableName": db.table("main"), "IndexName": index, "KeyConditionExpression": f"{pk_name} = :pk",
            "ExpressionAttributeValues": db.serialize({":pk": pk_value}), "ScanIndexForward": forward,
            "Limit": max(limit, 25) if filtered else limit - len(results),
        }
        if start:
            request["ExclusiveStartKey"] = db.serialize(start)
        response = db.client().query(**request)
        items = [db.deserialize(raw) for raw in response.get("Items", [])]
        if index == "GSI2" and items:
            fetched = db.batch_get("main", [{"PK": i["PK"], "SK": i["SK"]} for i in items])
            by_key = {(i["PK"], i["SK"]): i for i in fetched}
            items = [by_key[(i["PK"], i["SK"])] for i in items if (i["PK"], i["SK"]) in by_key]
        last = response.get("LastEvaluatedKey")
        start = db.deserialize(last) if last else None
        for position, item in enumerate(items):
            if status and filtered and item.get("status") != status:
                continue
            results.append(item)
            if len(results) == limit:
                if position < len(items) - 1 or start:
                    # Resume right after this item (the page may hold more).
                    start = {name: item[name] for name in key_names}
                return results, _encode_cursor(start)
        if not start:
            break
    return results, _encode_cursor(start)
