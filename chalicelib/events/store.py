"""The outbox's reading side: the events an outbox stream record carries, and a large event's payload read
back from its outbox item. The outbox is written by core/events.py (`outbox_put`, `outbox_put_batch`); its
two stream consumers, the notification flow and the search index's live updates, read it through here.
"""

from __future__ import annotations

from chalicelib.core.events import BATCH
from chalicelib.core.store import db, keys

EVENT_SORT_KEY = keys.outbox_event("")["SK"]  # every outbox item's (an event, or a batch of events)


def outbox_events(record: dict) -> list[dict]:
    """The events of an outbox stream record (none for removals, e.g. TTL expiry): event_id, type,
    payload (JSON text), created_at, deliver_after_seconds and `_outbox`, where the event lives (the
    item's key `pk` and, for an event of a batch item, its `index`). Raises KeyError, TypeError or
    ValueError on a malformed record."""
    if record.get("eventName") != "INSERT":
        return []
    image = db.deserialize((record.get("dynamodb") or {}).get("NewImage"))
    if not image or image.get("SK") != EVENT_SORT_KEY:
        return []
    common = {"created_at": image.get("created_at"),
              "deliver_after_seconds": int(image.get("deliver_after_seconds") or 0)}
    if image.get("type") == BATCH:
        return [{"event_id": event["event_id"], "type": event["type"], "payload": event["payload"],
                 **common, "_outbox": {"pk": image["PK"], "index": index}}
                for index, event in enumerate(image.get("events") or [])]
    return [{"event_id": image["event_id"], "type": image["type"], "payload": image.get("payload") or "{}",
             **common, "_outbox": {"pk": image["PK"], "index": None}}]


def outbox_payload(reference: dict) -> str:
    """The payload (JSON text) of the event at `reference` (an `_outbox` of `outbox_events`), read back
    when it was too large to travel with its message."""
    item = db.get("outbox", keys.outbox_event(reference["pk"]), consistent=True)
    if item is None:
        raise LookupError(f"outbox item {reference['pk']} is gone")
    source = item if reference.get("index") is None else item["events"][int(reference["index"])]
    return source["payload"]
