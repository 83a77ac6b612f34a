"""Where category listings live and how they are stored (listing/service.py says what an entry holds).

One item per category, `keys.category_listing(category_id)` (products without a category share the
"NONE" listing): `entries`, the entries by product id as zlib-compressed JSON (about 40 bytes per
product, so tens of thousands fit in DynamoDB's 400 KB item limit); `count`; and `version`, which
every write raises and is conditioned on, so two concurrent product writes cannot lose an entry.
"""

from __future__ import annotations

import json
import zlib

from chalicelib.core.store import db, keys, recent
from chalicelib.core.store.write import Put


def decode(item: dict | None) -> dict[int, dict]:
    """The entries by product id of a listing item ({} for none)."""
    if not item or "entries" not in item:
        return {}
    raw = item["entries"]
    data = bytes(raw.value if hasattr(raw, "value") else raw)
    return {int(k): v for k, v in json.loads(zlib.decompress(data)).items()}


def encode(entries: dict[int, dict]) -> bytes:
    text = json.dumps({str(k): v for k, v in sorted(entries.items())}, separators=(",", ":"), ensure_ascii=False)
    return zlib.compress(text.encode(), 6)


def read(category_id: int | None) -> tuple[dict[int, dict], int]:
    """(entries by product id, version) of one category's listing, read consistently."""
    item = db.get("main", keys.category_listing(category_id), consistent=True)
    return decode(item), int(item.get("version", 0)) if item else 0


def write_operation(category_id: int | None, entries: dict[int, dict], version: int) -> Put:
    """A `transact` Put of the listing, valid only if nobody changed it since `version` was read."""
    condition = "attribute_not_exists(PK)" if version == 0 else "version = :v"
    return Put({**keys.category_listing(category_id), "version": version + 1, "entries": encode(entries),
                "count": len(entries)},
               condition=condition, values={":v": version} if version else None)


def read_many(category_ids: list[int]) -> dict[int, dict]:
    """Entries of several categories' listings merged, in one BatchGetItem (eventually consistent) of those
    this container has not read in the last second (core/store/recent.py: a hot category's listing costs one
    read a second per container, not one per page)."""
    merged: dict[int, dict] = {}
    for item in recent.batch_get([keys.category_listing(c) for c in category_ids]).values():
        merged.update(_decoded(item))
    return merged


_decoded_items: dict[int, tuple[dict, dict[int, dict]]] = {}  # id(held item) -> (the item, its entries)


def _decoded(item: dict | None) -> dict[int, dict]:
    """`decode(item)`, once per item core/store/recent.py holds (pages read the entries, never change them;
    a re-read or a write brings a new item)."""
    if not item:
        return {}
    held = _decoded_items.get(id(item))
    if held is None or held[0] is not item:
        if len(_decoded_items) >= recent.MAX_HELD:
            _decoded_items.clear()
        held = _decoded_items[id(item)] = (item, decode(item))
    return held[1]
