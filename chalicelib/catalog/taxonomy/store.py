"""The CATALOG partition's entities (reference/store.py declares them: categories, attribute types, attribute
values, product types): what their writes need beyond core/store/entities.Collection.

A write that depends on another entity (a value on its type, a category under its parent chain) reads it
consistently (`get_live`) and re-checks it in its own transaction (`live_check`), so a concurrent change
makes the transaction fail instead of writing on a stale read.
"""

from __future__ import annotations

from typing import Any

from chalicelib.core.store import db
from chalicelib.core.store.entities import Collection
from chalicelib.core.store.write import Check

_LIVE = "attribute_exists(PK) AND (attribute_not_exists(safe_deleted) OR safe_deleted = :false)"


def new_id(collection: Collection) -> int:
    """The next id of the collection's kind (its own counter)."""
    return db.next_id(collection.kind.lower())


def get_live(collection: Collection, entity_id: Any) -> dict | None:
    """A live entity by id, read consistently (a check before a write must see the latest state)."""
    try:
        entity_id = int(entity_id)
    except (TypeError, ValueError):
        return None
    item = db.get("main", collection.key(entity_id), consistent=True)
    return item if item and not item.get("safe_deleted") else None


def live_check(collection: Collection, entity_id: int, *, extra: str = "", values: dict | None = None) -> Check:
    """A transaction write requiring the entity to be live (and `extra`, when given)."""
    condition = _LIVE + (f" AND {extra}" if extra else "")
    return Check(collection.key(int(entity_id)), condition=condition, values={":false": False, **(values or {})})
