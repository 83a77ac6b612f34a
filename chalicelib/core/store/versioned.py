"""Small reference partitions read once per container, not once per request (issue 14).

The CATALOG partition (categories, attribute types and values, product types) and the PRICING
partition (price lists, countries, currencies, VAT groups) are read whole by every storefront request.
Read with a strongly consistent Query each time, they cost ~7 read units a request on the small demo
shop, all on two partition keys (DynamoDB serves 3,000 read units a second per key), and more as the
taxonomy grows. Here each registered partition has a version item (`keys.reference_version`):

* every write through `db` to an item of the partition bumps it: inside the same transaction for
  `db.transact`, right after the write for single-item writes; the writing process also drops its own
  copy at once, so it reads its own writes;
* a read answers the copy this process holds while it was checked less than `CHECK_SECONDS` ago;
  otherwise it reads the version item (one eventually consistent GetItem: half a read unit, once per
  CHECK_SECONDS per container, not per request) and re-reads the partition only when the version
  changed, or when the copy is older than `MAX_AGE_SECONDS` (a backstop for writes made around `db`: a
  restore, a bulk import). The version item is in the partition (SK `~VERSION`, after every entity),
  so a container's first read is the one Query it always was. That Query reads newest key first, so
  the version comes before the items even when the partition takes several 1 MB pages.

So another container sees a dashboard change within `CHECK_SECONDS` plus DynamoDB's eventual
consistency (typically well under a second): 2 s at most in practice. Eventually consistent is enough
for the version item because a stale answer only delays a re-read that the next check makes. Money
paths keep their own rules: a cart line's price comes from the product item, read strongly consistent.

Every read answers the same copy, frozen (read-only dicts and lists, built once per version), so no
caller can change what the next request sees and no request pays for a copy of its own (unpickling the
1.24 MB CATALOG of a 100,000-product shop took ~30 ms a request). A caller that changes an item makes its own:
`dict(item)`, `{**item, ...}`.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

CHECK_SECONDS = float(os.environ.get("REFERENCE_CHECK_SECONDS", "1"))
MAX_AGE_SECONDS = 300.0

PARTITIONS: set[str] = set()


@dataclass
class _Copy:
    items: list
    version: int
    checked_at: float
    read_at: float
    derived: dict = field(default_factory=dict)  # build function -> what it built from `items`


_copies: dict[str, _Copy] = {}
_lock = threading.Lock()
_clock = time.monotonic


def register(partition: str) -> None:
    """Serve `partition` through this cache; writes to it bump its version."""
    PARTITIONS.add(partition)


def read(partition: str) -> list[dict]:
    """The partition's items, in key order, without its version item: frozen, shared by every read."""
    from chalicelib.core.store import db, keys

    now = _clock()
    held = _copies.get(partition)
    if held is not None and now - held.checked_at < CHECK_SECONDS and now - held.read_at < MAX_AGE_SECONDS:
        return held.items
    if held is not None and now - held.read_at < MAX_AGE_SECONDS:
        found = db.get("main", keys.reference_version(partition))
        if held.version == (int(found["version"]) if found else 0):
            held.checked_at = now
            return held.items
    # Newest key first, so the version item (it sorts after every entity) is read before the items: a
    # partition past 1 MB comes in several Query pages, and a write committing between two of them must
    # leave this copy with the version from before it (the next check re-reads), never with its own
    # version and the item as it was (hidden until MAX_AGE_SECONDS).
    items, version = [], 0
    for item in db.query("main", partition=("PK", partition), consistent=True, forward=False):
        if item["SK"] == keys.REFERENCE_VERSION_SK:
            version = int(item.get("version") or 0)
        else:
            items.append(item)
    items.reverse()  # key order
    frozen = freeze(items)
    with _lock:
        _copies[partition] = _Copy(frozen, version, now, now)
    return frozen


def derived(partition: str, build: Callable[[list], Any]) -> Any:
    """`build(read(partition))`, frozen, built once per version of the partition in this container (an index
    of the 2,000 attribute values of a big shop costs milliseconds to build, so not once per request)."""
    items = read(partition)
    held = _copies.get(partition)
    if held is None or held.items is not items:  # another thread re-read meanwhile: build for this read only
        return freeze(build(items))
    if build not in held.derived:
        held.derived[build] = freeze(build(items))
    return held.derived[build]


def freeze(value: Any) -> Any:
    """The value with its dicts and lists read-only (still a dict and a list to every reader)."""
    if isinstance(value, dict):
        return FrozenDict({key: freeze(item) for key, item in value.items()})
    if isinstance(value, list):
        return FrozenList(freeze(item) for item in value)
    if isinstance(value, set):
        return frozenset(value)
    return value


def _refuse(self, *args, **kwargs):
    raise TypeError("a shared reference item is read-only: change a copy (dict(item), list(items))")


class FrozenDict(dict):
    """A dict no one can change; copies of it (`dict(d)`, `{**d}`, `copy.deepcopy`) are plain dicts."""

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = __ior__ = _refuse

    def __reduce__(self):
        return dict, (dict(self),)

    def __deepcopy__(self, memo):
        import copy

        return {key: copy.deepcopy(item, memo) for key, item in self.items()}


class FrozenList(list):
    """A list no one can change; copies of it are plain lists."""

    __setitem__ = __delitem__ = append = extend = insert = pop = remove = clear = sort = reverse = _refuse
    __iadd__ = __imul__ = _refuse

    def __reduce__(self):
        return list, (list(self),)

    def __deepcopy__(self, memo):
        import copy

        return [copy.deepcopy(item, memo) for item in self]


def touched_partitions(keys_written) -> set[str]:
    """The registered partitions among the PKs of these keys or items (a version item itself aside)."""
    from chalicelib.core.store import keys

    return {key.get("PK") for key in keys_written
            if isinstance(key, dict) and key.get("SK") != keys.REFERENCE_VERSION_SK} & PARTITIONS


def bump_operation(partition: str):
    """The transaction write that bumps a partition's version."""
    from chalicelib.core.store import keys
    from chalicelib.core.store.write import Update

    return Update.add(keys.reference_version(partition), {"version": 1})


def forget(partitions=None) -> None:
    """Drop this process's copies (all, or of these partitions): the next read re-reads."""
    with _lock:
        for partition in list(_copies if partitions is None else partitions):
            _copies.pop(partition, None)


def now() -> float:
    """This module's clock (monotonic seconds; a test's own while it sets one)."""
    return _clock()


def set_clock(source=None) -> None:
    """Tests: use `source()` (seconds) as the monotonic clock; None: the real one."""
    global _clock
    _clock = source or time.monotonic
