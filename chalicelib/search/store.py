"""The search feature's items in the main table (key layout in keys.py).

Live updates (live.py): the work a live update could not do while the engine was unreachable, recorded
as pending items and retried by the maintenance timer.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

from chalicelib.core.store import db
from chalicelib.core.store import keys as core_keys
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


# --- the rebuild (rebuild.py): its state item, and the products it reads --------------------------------

def rebuild_state(alias: str) -> dict | None:
    """The rebuild in progress for `alias` (strongly consistent), or None."""
    return db.get("main", keys.rebuild_state(alias), consistent=True)


def start_rebuild(alias: str, fields: dict) -> dict | None:
    """Record a new rebuild of `alias` with these attributes; answers its state, None when one exists."""
    state = {**keys.rebuild_state(alias), **fields}
    try:
        db.put_new("main", state)
    except db.ConditionFailed:
        return None
    return state


def take_over_rebuild(alias: str, owner: str, now: int, lease_until: int) -> dict | None:
    """Hand the rebuild's lease to `owner` if it expired before `now`; its state, or None if held."""
    try:
        return db.update("main", keys.rebuild_state(alias), set_fields={"owner": owner, "lease_until": lease_until},
                         condition="attribute_exists(PK) AND lease_until < :now", values={":now": now})
    except db.ConditionFailed:
        return None


def save_rebuild_progress(alias: str, owner: str, fields: dict) -> bool:
    """SET these attributes of the rebuild if `owner` still holds it; False when another run took it over."""
    try:
        db.update("main", keys.rebuild_state(alias), set_fields=fields, condition="#owner = :me",
                  names={"#owner": "owner"}, values={":me": owner}, return_new=False)
    except db.ConditionFailed:
        return False
    return True


def forget_rebuild(alias: str) -> None:
    """Delete the rebuild's state (done, abandoned or restarted)."""
    db.delete("main", keys.rebuild_state(alias))


def listed_product_ids(after: int | None, page_size: int) -> Iterator[int]:
    """The ids in the products' keys-only list (GSI2 "PRODUCTS", ascending) greater than `after`, read
    `page_size` a Query, lazily: the next Query is sent when the ids of the previous one are used up."""
    values = {":list": core_keys.PRODUCTS_LIST}
    if after is not None:
        values[":after"] = core_keys.product_list_sort_key(after)
    request: dict = {
        "TableName": db.table("main"),
        "IndexName": "GSI2",
        "KeyConditionExpression": "GSI2PK = :list" + (" AND GSI2SK > :after" if after is not None else ""),
        "ExpressionAttributeValues": db.serialize(values),
        "Limit": page_size,
    }
    while True:
        response = db.client().query(**request)
        for raw in response.get("Items", []):
            yield int(raw["GSI2SK"]["S"])
        start = response.get("LastEvaluatedKey")
        if not start:
            return
        request["ExclusiveStartKey"] = start


def products_by_id(ids: list[int]) -> dict[int, dict]:
    """Product items by id, soft-deleted ones included, strongly consistent (100 per BatchGetItem)."""
    return {int(item["id"]): item for item in db.batch_get("main", [core_keys.product(i) for i in ids],
                                                             consistent=True)}
