"""Items a container may answer from what it read a moment ago: storefront reads of hot, shared items.

A category page reads its category's listing (one item per category, tens of KB on a big category) and its
page's products. Read per request, a popular category's listing key would reach DynamoDB's 3,000 read units
a second per partition at a few hundred pages a second, and the first product of a popular page at 6,000.
These reads are eventually consistent already, so each container keeps what it read for
`versioned.CHECK_SECONDS` (the same bound as the reference partitions): one read a second per container and
key, whatever the request rate. A write through `db` drops what this container holds of the keys it wrote (so
it reads its own writes); writes made around `db` (the importer's batches) call `forget()`. Prices and stock
are not served from here: the cart and checkout read them consistently.
"""

from __future__ import annotations

import threading

from chalicelib.core.store import versioned

MAX_HELD = 512  # keys; the oldest go first (a listing of a big category is tens of KB decoded)

_held: dict[tuple[str, str], tuple[float, dict | None]] = {}
_lock = threading.Lock()


def _key(key: dict) -> tuple[str, str]:
    return key["PK"], key["SK"]


def batch_get(key_list: list[dict]) -> dict[tuple[str, str], dict | None]:
    """{(PK, SK): item or None} of the main table's items at these keys, read at most CHECK_SECONDS ago; the
    items are shared by the container's requests, so read-only (core/store/versioned.freeze)."""
    from chalicelib.core.store import db

    now = versioned.now()
    with _lock:
        held = {_key(key): _held.get(_key(key)) for key in key_list}
    stale = [key for key in key_list if held[_key(key)] is None or now - held[_key(key)][0] >= versioned.CHECK_SECONDS]
    if stale:
        found = {_key(item): item for item in db.batch_get("main", stale)}
        with _lock:
            for key in stale:
                held[_key(key)] = _held[_key(key)] = (now, versioned.freeze(found.get(_key(key))))
            while len(_held) > MAX_HELD:
                _held.pop(next(iter(_held)))
    return {name: entry[1] for name, entry in held.items()}


def forget(keys_written=None) -> None:
    """Drop what this container holds: of these keys or items, or everything."""
    with _lock:
        if keys_written is None:
            _held.clear()
            return
        for key in keys_written:
            if isinstance(key, dict) and "PK" in key and "SK" in key:
                _held.pop(_key(key), None)
