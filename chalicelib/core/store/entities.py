"""A collection of same-kind entities, one item each, listed through GSI1 (key layout in keys.py).

Covers what most dashboard resources need: integer ids from a counter (or natural codes), create with
uniqueness, get, list in id order, update, soft delete (the contract's `safe_deleted`: hidden
from reads and lists, kept in the table) and hard delete.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from chalicelib.core.store import db, keys
from chalicelib.core.store.write import Put, Update

_BOOKKEEPING = ("PK", "SK", "GSI1PK", "GSI1SK", "safe_deleted")


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def public(item: dict | None) -> dict | None:
    """The item without its storage keys."""
    if item is None:
        return None
    return {k: v for k, v in item.items() if k not in _BOOKKEEPING}


class Collection:
    """Entities of one kind.

    By default each entity is its own partition (PK = KIND#id) and lists go through GSI1. With
    `partition="NAME"`, small reference collections that storefront reads need whole (price lists,
    countries, VAT groups, categories, attribute types) share one partition instead
    (PK = NAME, SK = KIND#id): a single strongly consistent Query then reads several kinds at once.
    """

    def __init__(self, kind: str, *, numeric_ids: bool = True, id_field: str = "id", partition: str | None = None):
        self.kind = kind
        self.numeric_ids = numeric_ids
        self.id_field = id_field
        self.partition = partition
        self.list_key = f"{kind}#LIST"

    def key(self, entity_id) -> dict:
        if self.partition:
            return {"PK": self.partition, "SK": f"{self.kind}#{keys.entity_sort_key(entity_id)}"}
        return keys.entity(self.kind, entity_id)

    def _list_attributes(self, entity_id, list_key: str | None) -> dict:
        if self.partition and list_key is None:
            return {}
        return {"GSI1PK": list_key or self.list_key, "GSI1SK": keys.entity_sort_key(entity_id)}

    def owns(self, item: dict) -> bool:
        """True for a live item of this collection (in a shared partition's Query result)."""
        return item.get("SK", "").startswith(f"{self.kind}#") and not item.get("safe_deleted")

    def _normalize_id(self, entity_id):
        if self.numeric_ids:
            try:
                return int(entity_id)
            except (TypeError, ValueError):
                return None
        return entity_id

    def create(self, fields: dict, entity_id=None, *, list_key: str | None = None,
               extra_operations: list[dict] | None = None) -> dict:
        """Insert a new entity; raises db.ConditionFailed when the id is taken (natural keys).

        `extra_operations` (e.g. uniqueness claims) are written in the same transaction.
        """
        if entity_id is None:
            entity_id = db.next_id(self.kind.lower())
        stamp = now_iso()
        item = {**self.key(entity_id), **self._list_attributes(entity_id, list_key), self.id_field: entity_id,
                **fields, "create_at": stamp, "update_at": stamp}
        if extra_operations:
            try:
                db.transact([Put(item, condition="attribute_not_exists(PK)"),
                             *extra_operations])
            except db.TransactionFailed as failure:
                raise db.ConditionFailed(",".join(failure.reasons)) from None
        else:
            db.put_new("main", item)
        return item

    def get(self, entity_id, *, include_deleted: bool = False) -> dict | None:
        entity_id = self._normalize_id(entity_id)
        if entity_id is None:
            return None
        item = db.get("main", self.key(entity_id))
        if item is None or (item.get("safe_deleted") and not include_deleted):
            return None
        return item

    def list(self, list_key: str | None = None) -> list[dict]:
        return list(self.iterate(list_key))

    def iterate(self, list_key: str | None = None) -> Iterator[dict]:
        if self.partition and list_key is None:
            for item in db.query("main", partition=("PK", self.partition), sort_prefix=f"{self.kind}#",
                                 consistent=True):
                if not item.get("safe_deleted"):
                    yield item
            return
        yield from db.query("main", partition=("GSI1PK", list_key or self.list_key), index="GSI1")

    _LIVE = "attribute_exists(PK) AND (attribute_not_exists(safe_deleted) OR safe_deleted = :false)"

    def _write_live(self, entity_id, fields: dict, extra_operations: list[dict] | None) -> tuple[bool, dict | None]:
        """Update a live entity, with any extra operations in one transaction.

        Answers (written, the item as written when it is known without another read).
        """
        key = self.key(entity_id)
        fields = {**fields, "update_at": now_iso()}
        try:
            if extra_operations:
                operation = Update.fields(key, set_fields=fields, condition=self._LIVE,
                                                values={":false": False})
                db.transact([operation, *extra_operations])
                return True, None
            return True, db.update("main", key, set_fields=fields, condition=self._LIVE, values={":false": False})
        except (db.ConditionFailed, db.TransactionFailed):
            return False, None

    def update(self, entity_id, fields: dict, *, extra_operations: list[dict] | None = None) -> dict | None:
        """Update a live entity; None when it does not exist or is soft-deleted."""
        entity_id = self._normalize_id(entity_id)
        if entity_id is None:
            return None
        written, item = self._write_live(entity_id, fields, extra_operations)
        if written and item is None:
            item = self.get(entity_id)
        return item if written else None

    def soft_delete(self, entity_id, *, extra_operations: list[dict] | None = None) -> bool:
        """Mark deleted and move out of the list; False when there was no live entity."""
        entity_id = self._normalize_id(entity_id)
        if entity_id is None:
            return False
        moved = {} if self.partition else {"GSI1PK": f"{self.kind}#DELETED"}
        written, _item = self._write_live(entity_id, {"safe_deleted": True, **moved}, extra_operations)
        return written

    def hard_delete(self, entity_id) -> bool:
        entity_id = self._normalize_id(entity_id)
        if entity_id is None:
            return False
        try:
            db.delete("main", self.key(entity_id), condition="attribute_exists(PK)")
            return True
        except db.ConditionFailed:
            return False
