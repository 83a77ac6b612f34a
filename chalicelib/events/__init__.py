"""The shop's domain events: what each event's payload holds, one typed module per emitting domain
(`catalog`, `orders`, `payments`, `recommender`; the types are declared with `shape`, registered per
trigger in `registry`), the JSON Schemas generated from them (`schemas`), and the outbox's reading side
(`store`).

Importing this package registers every payload type, which is also what makes the outbox
(core/events.py) check each payload written against its type: a module that emits events imports it.
"""

from chalicelib.events import catalog, orders, payments, recommender  # noqa: F401 - registers their types
from chalicelib.events.registry import TYPES  # noqa: E402 - after the domains registered themselves


def types() -> dict:
    """Every registered event type by trigger (the outbox loads this package through it: core/events.py)."""
    return TYPES
