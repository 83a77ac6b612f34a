"""The event flow, one function per Lambda handler (handlers.py wires them to their event sources):

outbox table stream --forward_outbox--> events queue --dispatch--> delivery log + deliveries queue
--deliver--> one action attempt; the sweep (every minute) puts due retries and delayed actions back on
the deliveries queue.

* `forward_outbox`: NEW_IMAGE records of the outbox (a `BATCH` item is expanded into its events) become
  messages on the events queue. If sending fails (SQS unavailable), the handler reports the first
  record not forwarded as a batch item failure, so the stream is retried from there: the outbox holds
  the events until SQS is back. A record that can never be forwarded (malformed) is logged and skipped,
  since it would block the shard.
* `dispatch`: each event becomes one delivery per configured action (conditional put on
  DELIVERY#<event_id>.<index>: a duplicate event adds nothing), then one message per delivery.
* `deliver`: claims the attempt (conditional update: a duplicated message finds it taken), runs the
  action, records the outcome (every attempt in the delivery's log), schedules the retry or gives up
  (FAILED, copied to the deliveries DLQ).
* `sweep`: SCHEDULED and RETRYING deliveries that are due, PENDING ones whose message seems lost and
  SENDING ones whose attempt never reported back are put back on the queue.

SQS handlers answer `{"batchItemFailures": [...]}` for the messages to retry; the stream handler the
same with sequence numbers.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.core import batch, queues
from chalicelib.core.http.jsonutil import dumps
from chalicelib.core.store import parallel
from chalicelib.events import store as outbox
from chalicelib.notifications import clock, config, keys, retry, senders, store
from chalicelib.notifications.senders import Outcome
from chalicelib.notifications.triggers import TRIGGERS

logger = logging.getLogger("ecoseller.notifications")
# One line per attempt, skip, duplicate and sweep reaches CloudWatch (Lambda's root handler takes INFO
# records from loggers that let them through; the root logger's own level stays at WARNING).
logger.setLevel(logging.INFO)

# SQS takes 256 KiB per message; larger events travel as a reference to their outbox item.
MAX_INLINE_BODY = 200_000
DELIVERY_CONCURRENCY = 10


def _log(kind: str, **fields) -> None:
    logger.info("%s %s", kind, json.dumps(fields, default=str, ensure_ascii=False))


# --- SQS -----------------------------------------------------------------------------------------

def send_messages(logical: str, bodies: list[tuple[object, str]], *, dlq: bool = False) -> set:
    """Send (key, body) pairs in batches of 10; answers the keys that could not be sent."""
    name = queues.dlq_name(logical) if dlq else queues.queue_name(logical)
    failed: set = set()
    for start in range(0, len(bodies), 10):
        chunk = bodies[start:start + 10]
        entries = [{"Id": str(i), "MessageBody": body} for i, (_key, body) in enumerate(chunk)]
        try:
            response = queues.client().send_message_batch(QueueUrl=queues.url_of(name), Entries=entries)
        except (ClientError, BotoCoreError) as error:
            if queues.is_missing_queue(error):
                queues.forget_url(name)
            _log("sqs_send_failed", queue=name, error=f"{type(error).__name__}: {error}")
            failed.update(key for key, _body in chunk)
            continue
        for failure in response.get("Failed", []):
            failed.add(chunk[int(failure["Id"])][0])
            _log("sqs_send_failed", queue=name, error=f"{failure.get('Code')}: {failure.get('Message')}")
    return failed


def delivery_message(item: dict, attempt: int) -> str:
    """The message for one attempt: the delivery's id and attempt number, plus what the attempt needs
    from the delivery item (immutable once written, or checked by the claim's condition), so the claim
    need not read the item back. A payload too large for SQS is left out and read from the item."""
    message = {"id": item["delivery_id"], "attempt": attempt, "base": int(item.get("attempt_base") or 0),
               "first": float(item["first_attempt_at"]) if item.get("first_attempt_at") is not None else None,
               "trigger": item["trigger"], "action": item["action"]}
    if item.get("test"):
        message["test"] = True
    if len(item["payload"].encode("utf-8")) <= MAX_INLINE_BODY:
        message["payload"] = item["payload"]
    return dumps(message)


# --- stream -> events queue ----------------------------------------------------------------------------

def event_message(event: dict) -> str:
    reference = event.pop("_outbox", None)
    body = dumps(event)
    if len(body.encode("utf-8")) > MAX_INLINE_BODY and reference:
        body = dumps({k: v for k, v in event.items() if k != "payload"} | {"outbox": reference})
    return body


def forward_outbox(records: list[dict]) -> dict:
    bodies: list[tuple[int, str]] = []
    for position, record in enumerate(records):
        try:
            bodies += [(position, event_message(event)) for event in outbox.outbox_events(record)]
        except (KeyError, TypeError, ValueError) as error:
            _log("outbox_record_skipped", sequence=(record.get("dynamodb") or {}).get("SequenceNumber"),
                 error=f"{type(error).__name__}: {error}")
    failed = send_messages("events", bodies)
    # Stream semantics: everything from the first failed record on is retried (duplicates are harmless).
    return batch.stream_response(records, min(failed) if failed else None)


# --- events queue -> deliveries ---------------------------------------------------------------------

def _load_event(body: str) -> dict:
    event = json.loads(body)
    reference = event.get("outbox")
    if reference and "payload" not in event:
        event["payload"] = outbox.outbox_payload(reference)
    return event


def _created_epoch(event: dict, now: float) -> float:
    try:
        return clock.parse_iso(event["created_at"])
    except (KeyError, TypeError, ValueError):
        return now


def expand(event: dict, now: float, *, test: bool = False, only_index: int | None = None) -> list[str]:
    """Write the deliveries of one event; answers the delivery messages to send."""
    to_send: list[str] = []
    actions = config.actions_for(event["type"])
    for index, action in enumerate(actions):
        if only_index is not None and index != only_index:
            continue
        reason = senders.not_configured(action)
        delay = 0 if test else max(int(event.get("deliver_after_seconds") or 0), int(action.get("delay_seconds") or 0))
        due = _created_epoch(event, now) + delay if delay else now
        status = "SKIPPED" if reason else ("SCHEDULED" if due > now else "PENDING")
        item = store.new_item(event_id=event["event_id"], trigger=event["type"], action_index=index, action=action,
                              payload=event["payload"], event_created_at=event.get("created_at"), status=status,
                              due=max(due, now), now=now, test=test, reason=reason)
        if store.create(item) is not None:
            if status == "PENDING":
                to_send.append(delivery_message(item, 1))
            elif reason:
                _log("delivery_skipped", delivery_id=item["delivery_id"], trigger=event["type"], reason=reason)
            continue
        existing = store.get(item["delivery_id"])
        if existing and existing["status"] == "PENDING":
            # Seen before; its message may never have been sent (a crash in between): send it (again).
            to_send.append(delivery_message(existing, int(existing["attempts"]) + 1))
    return to_send


def dispatch(records: list[dict]) -> dict:
    now = clock.now()
    pending: list[tuple[str, str]] = []  # (message id, delivery message body)

    def expand_record(record: dict) -> bool:
        try:
            event = _load_event(record["body"])
            if event.get("type") not in TRIGGERS:
                _log("event_dropped", event_id=event.get("event_id"), reason=f"unknown trigger {event.get('type')!r}")
                return True
            pending.extend((record["messageId"], message) for message in expand(event, now))
        except config.ConfigError:
            raise  # every event would fail the same way: let SQS retry the batch, then park it in the DLQ
        except (ValueError, KeyError, TypeError) as error:
            _log("event_dropped", message_id=record.get("messageId"), reason=f"malformed: {error}")
        except Exception as error:  # noqa: BLE001 - DynamoDB trouble: retry this message later
            _log("dispatch_failed", message_id=record.get("messageId"), error=f"{type(error).__name__}: {error}")
            return False
        return True

    failed = batch.sqs_failures(records, expand_record)
    # A message whose deliveries are written but whose delivery messages were not all sent comes again:
    # it finds its deliveries PENDING and sends them (again).
    failed += sorted(set(send_messages("deliveries", pending)) - set(failed))
    return batch.response(failed)


# --- deliveries queue -> one attempt ------------------------------------------------------------------

def _attempt_outcome(item: dict, now: float) -> Outcome:
    try:
        return senders.execute(item["action"], delivery_id=item["delivery_id"], trigger=item["trigger"],
                               payload=item["payload"], now=now)
    except Exception as error:  # noqa: BLE001 - a bug in a sender must not lose the delivery
        logger.exception("sender crashed on %s", item["delivery_id"])
        return Outcome("RETRY", error=f"internal error: {type(error).__name__}: {error}")


def _to_dead_letter_queue(item: dict, reason: str | None, failed_at: float) -> None:
    body = dumps({"delivery_id": item["delivery_id"], "event_id": item["delivery_id"].rsplit(".", 1)[0],
                  "trigger": item["trigger"], "action": item["action"], "attempts": int(item["attempts"]),
                  "reason": reason, "failed_at": clock.iso(failed_at)})
    if send_messages("deliveries", [(item["delivery_id"], body)], dlq=True):
        _log("dlq_send_failed", delivery_id=item["delivery_id"])


def record_outcome(item: dict, outcome: Outcome, *, started: float, ended: float,
                   expect_gsi1sk: str | None = None, allow_retry: bool = True) -> str | None:
    """Log the attempt on the delivery and move it on; answers the new status (None if the delivery had
    moved on meanwhile: the entry is still logged)."""
    attempt = int(item["attempts"])
    in_series = attempt - int(item.get("attempt_base") or 0)
    first_at = float(item.get("first_attempt_at") or started)
    entry = store.log_entry(attempt, started, outcome.result, status_code=outcome.status_code,
                            duration_ms=outcome.duration_ms, response=outcome.response, error=outcome.error)
    _log("delivery_attempt", delivery_id=item["delivery_id"], trigger=item["trigger"], type=item["action"]["type"],
         attempt=attempt, outcome=outcome.result, status_code=outcome.status_code,
         duration_ms=outcome.duration_ms, error=outcome.error)
    due = None
    result = outcome.result
    if result == "RETRY":
        if allow_retry and not retry.exhausted(in_series):
            status = "RETRYING"
            due = retry.next_attempt_at(first_at, in_series + 1, ended, outcome.retry_after)
        else:
            status = "FAILED"
            if allow_retry:
                entry["error"] = (f"gave up after {in_series} attempts: {outcome.error or 'failed'}")[:500]
    else:
        status = {"SUCCEEDED": "SUCCEEDED", "SKIPPED": "SKIPPED"}.get(result, "FAILED")
    first_to_record = first_at if status == "RETRYING" and item.get("first_attempt_at") is None else None
    if not store.finish(item, status=status, entry=entry, now=ended, due=due, first_attempt_at=first_to_record,
                        expect_gsi1sk=expect_gsi1sk):
        store.append_log(item["delivery_id"], entry)
        _log("delivery_outcome_late", delivery_id=item["delivery_id"], attempt=attempt)
        return None
    if status == "FAILED" and not item.get("test"):
        _to_dead_letter_queue(item, entry.get("error"), ended)
    if status in ("SUCCEEDED", "FAILED"):
        from chalicelib.core.observability import metric

        metric("DeliveriesSent" if status == "SUCCEEDED" else "DeliveriesFailed", action=item["action"]["type"])
    return status


def deliver_one(message: dict, *, allow_retry: bool = True) -> str | None:
    """One attempt from a delivery message; answers the delivery's new status (None for a duplicate)."""
    delivery_id, attempt = str(message["id"]), int(message["attempt"])
    started = clock.now()
    if "payload" in message and "action" in message:
        base = int(message.get("base") or 0)
        if store.claim(delivery_id, attempt, started, attempt_base=base, return_item=False) is None:
            item = None
        else:
            item = {"delivery_id": delivery_id, "trigger": message["trigger"], "action": message["action"],
                    "payload": message["payload"], "attempts": attempt, "attempt_base": base,
                    "first_attempt_at": message.get("first"), "test": bool(message.get("test"))}
    else:  # a large payload (or a bare message): the claim reads the item back
        item = store.claim(delivery_id, attempt, started)
    if item is None:
        _log("delivery_duplicate", delivery_id=delivery_id, attempt=attempt)
        return None
    outcome = _attempt_outcome(item, started)
    return record_outcome(item, outcome, started=started, ended=clock.now(), allow_retry=allow_retry)


def _deliver_record(record: dict) -> bool:
    """Whether the message is done with (False: SQS is to bring it back)."""
    try:
        message = json.loads(record["body"])
        delivery_id = str(message["id"])
        int(message["attempt"])
    except (ValueError, KeyError, TypeError) as error:
        _log("delivery_message_dropped", message_id=record.get("messageId"), reason=f"malformed: {error}")
        return True
    try:
        deliver_one(message)
    except Exception as error:  # noqa: BLE001 - DynamoDB trouble: SQS brings the message back
        _log("delivery_failed", delivery_id=delivery_id, error=f"{type(error).__name__}: {error}")
        return False
    return True


def _pool() -> ThreadPoolExecutor:
    return parallel.pool("deliver", DELIVERY_CONCURRENCY)


def deliver(records: list[dict]) -> dict:
    """Run a batch of delivery messages, concurrently (each attempt mostly waits on the network)."""
    pool = _pool() if DELIVERY_CONCURRENCY > 1 and len(records) > 1 else None
    return batch.response(batch.sqs_failures(records, _deliver_record, pool=pool))


# --- the sweep --------------------------------------------------------------------------------------

def sweep(now: float | None = None, limit: int = 500) -> dict:
    """Put due deliveries back on the queue; answers counts by what was done."""
    now = clock.now() if now is None else now
    counts = {"requeued": 0, "lost": 0, "failed_to_send": 0}
    to_send: list[tuple[str, str]] = []
    for item in store.due_active(now, limit):
        if item["status"] == "SENDING":
            # The attempt was claimed but never reported back (crash, timeout): count it as failed.
            lost = Outcome("RETRY", error="no outcome recorded within the lease (handler crashed or timed out)")
            started = store.due_of(item) - store.LEASE_SECONDS
            if record_outcome(item, lost, started=started, ended=now, expect_gsi1sk=store.due_key(item)) is not None:
                counts["lost"] += 1
            continue
        requeued = store.requeue(item, now=now)
        if requeued is not None:
            to_send.append((item["delivery_id"], delivery_message(requeued, int(item["attempts"]) + 1)))
    counts["requeued"] = len(to_send)
    counts["failed_to_send"] = len(send_messages("deliveries", to_send))
    if any(counts.values()):
        _log("sweep", **counts)
    return counts


# --- dashboard operations --------------------------------------------------------------------------

class NotAllowed(Exception):
    pass


def redeliver(delivery_id: str) -> dict | None:
    """A finished delivery tried again, with a fresh retry budget; None if there is no such delivery."""
    item = store.get(delivery_id)
    if item is None:
        return None
    if item["status"] in keys.ACTIVE_STATUSES:
        raise NotAllowed("The delivery is still in progress")
    now = clock.now()
    requeued = store.requeue(item, now=now, reset_series=True)
    if requeued is None:
        raise NotAllowed("The delivery changed meanwhile, try again")
    if send_messages("deliveries", [(delivery_id, delivery_message(requeued, int(item["attempts"]) + 1))]):
        _log("redeliver_send_failed", delivery_id=delivery_id)  # the sweep sends it later
    return requeued


def test_action(trigger: str, action_index: int, payload: dict | list | None) -> dict:
    """Send a test event to one action now, once (no retries); answers the delivery as recorded."""
    now = clock.now()
    event = {"event_id": f"test-{uuid.uuid4().hex}", "type": trigger,
             "payload": dumps(payload if payload is not None else {"test": True, "trigger": trigger}),
             "created_at": clock.iso(now), "deliver_after_seconds": 0}
    for message in expand({**event}, now, test=True, only_index=action_index):
        deliver_one(json.loads(message), allow_retry=False)
    return store.get(keys.delivery_id(event["event_id"], action_index))


def iter_records(event: Iterable) -> list[dict]:
    """The raw records of a Chalice event object (SQSEvent, DynamoDBEvent)."""
    return [record.to_dict() for record in event]
