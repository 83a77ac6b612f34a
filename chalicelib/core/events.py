"""Domain events through a transactional outbox.

A write that must notify adds `outbox_put(...)` to the same TransactWriteItems as the change, so the
event exists exactly when the change does. In AWS the outbox table's stream forwards each new item to
the events queue; consumers are idempotent on `event_id`. Outbox items expire after a week.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from chalicelib.core import providers
from chalicelib.core.event_names import TRIGGERS
from chalicelib.core.http.jsonutil import dumps
from chalicelib.core.store import keys
from chalicelib.core.store.write import Put, ttl_in

OUTBOX_TTL_SECONDS = 7 * 24 * 3600


BATCH = "BATCH"  # an outbox item carrying several events (outbox_put_batch)


class UnknownEvent(ValueError):
    """An event name outside core/event_names.py: refused when it is written, not dropped at dispatch."""


class PayloadMismatch(UnknownEvent):
    """A payload that does not fit its event's type (a required field missing, an unknown field of an
    exact payload): refused when it is written, like an unknown event name."""


# What each event's payload must be: the payload types of chalicelib/events/ register their checks here
# when imported. Core cannot import them: app.py and the CLI wire them as the EVENT_PAYLOADS provider,
# loaded at the first event written (not at cold start).
_PAYLOAD_CHECKS: dict[str, Callable[[object], list[str]]] = {}


def register_payload(event_type: str, problems: Callable[[object], list[str]]) -> None:
    """`problems(payload)` lists what in a payload of `event_type` breaks its type (empty: it fits)."""
    _PAYLOAD_CHECKS[event_type] = problems


def registered_payloads() -> frozenset[str]:
    return frozenset(_PAYLOAD_CHECKS)


def check_payload(event_type: str, payload) -> None:
    if not _PAYLOAD_CHECKS and providers.is_provided(providers.EVENT_PAYLOADS):
        providers.provided(providers.EVENT_PAYLOADS).types()  # loading the types registers their checks
    check = _PAYLOAD_CHECKS.get(event_type)
    found = check(payload) if check is not None else []
    if found:
        raise PayloadMismatch(f"{event_type} payload: " + "; ".join(found[:5]))


def event_item(event_type: str, payload: dict, *, delay_seconds: int = 0) -> dict:
    if event_type != BATCH and event_type not in TRIGGERS:
        raise UnknownEvent(f"{event_type!r} is no event of this shop (chalicelib/core/event_names.py)")
    if event_type != BATCH:
        check_payload(event_type, payload)
    event_id = uuid.uuid4().hex
    return {
        **keys.outbox_event(event_id),
        "event_id": event_id,
        "type": event_type,
        # JSON text: payloads carry floats (prices as numbers), which DynamoDB attributes cannot.
        "payload": dumps(payload),
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "deliver_after_seconds": delay_seconds,
        "ttl": ttl_in(OUTBOX_TTL_SECONDS),
    }


def outbox_put(event_type: str, payload: dict, *, delay_seconds: int = 0) -> Put:
    """A `transact` write recording one event."""
    return Put(event_item(event_type, payload, delay_seconds=delay_seconds), table="outbox")


def outbox_put_batch(events: list[tuple[str, dict]]) -> Put | None:
    """One outbox item carrying several events of one change (a product save touches its variants and
    prices too); the dispatcher expands it. Keeps a large change within a transaction's 100 items."""
    if not events:
        return None
    if len(events) == 1:
        return outbox_put(*events[0])
    item = event_item(BATCH, {})
    unknown = sorted({event_type for event_type, _payload in events} - TRIGGERS)
    if unknown:
        raise UnknownEvent(f"{unknown} are no events of this shop (chalicelib/core/event_names.py)")
    for event_type, payload in events:
        check_payload(event_type, payload)
    item["events"] = [{"event_id": f"{item['event_id']}-{index}", "type": event_type, "payload": dumps(payload)}
                      for index, (event_type, payload) in enumerate(events)]
    return Put(item, table="outbox")
