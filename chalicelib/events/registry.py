"""Which payload type each event carries. A domain module of this package registers its events when it is
imported (importing `chalicelib.events` imports them all); registering also hands the outbox
(core/events.py, which cannot import this package) the check it runs on every payload written."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.core import events as outbox
from chalicelib.events import shape


@dataclass(frozen=True)
class EventType:
    trigger: str
    payload: Any  # a payload type (events/shape.py), or a list of one
    what: str  # what happened, for the docs
    fixed: dict | None = None  # fields holding one value for this trigger (`deleted` of a *_DELETE)

    def problems(self, payload) -> list[str]:
        return shape.problems(self.payload, payload, fixed=self.fixed)


TYPES: dict[str, EventType] = {}


def register(trigger: str, payload_type, what: str, *, fixed: dict | None = None) -> None:
    entry = EventType(trigger, payload_type, what, fixed)
    TYPES[trigger] = entry
    outbox.register_payload(trigger, entry.problems)


def read(trigger: str, payload):
    """An event's payload (decoded JSON) as its type: what consumers read instead of the raw dict."""
    return shape.read(TYPES[trigger].payload, payload)
