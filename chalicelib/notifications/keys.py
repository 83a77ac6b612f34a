"""The notification flow's items in the `main` table (core/store/keys.py is shared; these kinds are ours).

DELIVERY#<delivery_id> / DELIVERY
    One delivery: one configured action of one event. `delivery_id` is `<event_id>.<action_index>`,
    so the item is also the idempotency record of the pair (event, action): the dispatcher creates it
    with a conditional put (a duplicate event or a redelivered SQS message finds it and adds nothing),
    and every attempt is claimed with a conditional update on (`status` = PENDING, `attempts` = n-1),
    so a duplicated delivery message finds the attempt taken and causes no second side effect.

    Attributes: delivery_id, event_id, trigger, action_index, action (the config entry as dispatched),
    payload (the event payload, JSON text), event_created_at, created_at, status, attempts (attempts
    made, all time), attempt_base (attempts made before the last redelivery), first_attempt_at (epoch,
    of the current retry series), log (one entry per attempt: attempt, at, outcome, status_code,
    duration_ms, response (first 1 KiB), error; a no-op's reason is entry 0), test (a dashboard test
    delivery), ttl. The last status code and error are the last log entry's; an active delivery's due
    time is in its GSI1SK.

    Statuses: SCHEDULED (delayed action, due later) -> PENDING (message on the deliveries queue) ->
    SENDING (attempt claimed; due = the lease's end) -> SUCCEEDED | RETRYING (due = next attempt) |
    FAILED (last attempt failed or a permanent error; copied to the deliveries DLQ) | SKIPPED (no-op:
    recommender or webhook URL or sender not configured).

    GSI1 (ALL): the active ones (SCHEDULED, PENDING, SENDING, RETRYING) share GSI1PK "DELIVERY#ACTIVE"
    with GSI1SK "<due iso>#<id>", which is what the retry sweep queries (due <= now); finished ones
    have GSI1PK "DELIVERY#<STATUS>" and GSI1SK "<finished iso>#<id>" (newest first in the log).
    GSI2 (keys only): GSI2PK "DELIVERY#TRIGGER#<trigger>", GSI2SK "<created iso>#<id>".

    TTL: SUCCEEDED and SKIPPED expire 14 days after they finish, FAILED 30 days after (a redelivery
    makes them active again); active items carry a TTL 30 days past their due time as a safety net.
"""

from __future__ import annotations

ACTIVE_STATUSES = ("SCHEDULED", "PENDING", "SENDING", "RETRYING")
FINAL_STATUSES = ("SUCCEEDED", "FAILED", "SKIPPED")
STATUSES = ACTIVE_STATUSES + FINAL_STATUSES

ACTIVE_LIST = "DELIVERY#ACTIVE"


def delivery_id(event_id: str, action_index: int) -> str:
    return f"{event_id}.{action_index}"


def delivery(delivery_id_: str) -> dict:
    return {"PK": f"DELIVERY#{delivery_id_}", "SK": "DELIVERY"}


def status_list(status: str) -> str:
    """GSI1PK of a delivery in `status`."""
    return ACTIVE_LIST if status in ACTIVE_STATUSES else f"DELIVERY#{status}"


def trigger_list(trigger: str) -> str:
    """GSI2PK of the deliveries of one trigger."""
    return f"DELIVERY#TRIGGER#{trigger}"
