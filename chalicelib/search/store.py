"""The search feature's items in the main table (key layout in keys.py).

Live updates (live.py): the work a live update could not do while the engine was unreachable, recorded
as pending items and retried by the maintenance timer.
"""

from __future__ import annotations

import uuid

from chalicelib.core.store import db
from chalicelib.search import keys

PENDING_TTL_SECONDS = 7 * 24 * 3600  # by then the nightly rebuild has covered the change


def record_pending(kind: str, entity_id: int) -> None:
    """Record index work for the maintenance timer (PRODUCT, ATTRIBUTE, ATTRTYPE or CATEGORY `entity_id`)."""
    # `token` tells this recording from a later one of the same work (`forget_pending` deletes only its own).
    db.put("main", {**keys.pending(kind, entity_id), "token": uuid.uuid4().hex,
                    "ttl": db.ttl_in(PENDING_TTL_SECONDS)})


def pending_work() -> list[tuple[str, int, dict]]:
    """(kind, entity id, entry) of every recorded piece of work (strongly consistent)."""
    found = []
    for item in db.query("main", partition=("PK", keys.PENDING_PARTITION), consistent=True):
        kind, _, entity_id = item["SK"].partition("#")
        found.append((kind, int(entity_id), item))
    return found


def forget_pending(entry: dict) -> None:
    """Delete a recorded piece of work as read: one recorded again meanwhile stays for the next round."""
    try:
        db.delete("main", {"PK": entry["PK"], "SK": entry["SK"]}, condition="#t = :t", names={"#t": "token"},
                  values={":t": entry["token"]})
    except db.ConditionFailed:
        pass
