"""Make moto's DynamoDB cost what DynamoDB costs: a Query reads its partition, a transaction copies
the items it writes. Only the emulator changes; the app sends the same requests it sends to AWS.

Profiled in moto 5.2 (a Query of one partition of a table holding 50,000 other items, 1.8 s; a
TransactWriteItems of 6 puts, 11 s), three things cost in proportion to everything ever stored:

1. `Table.query` asks `Table.all_items()` for every item of the table, sorted (half a million
   DynamoType comparisons for 50,000 items), and then keeps those of the queried partition; a query
   of an index (GSI or LSI) walks the same list checking the index's hash key on each item.
2. `transact_write_items` deep-copies every table the transaction names, so that it can put the
   copy back if one of its operations fails.
3. Every `Item` and `StreamRecord` moto creates (each stored item, each copy made by 1 and 2, each
   query result, which moto deep-copies) is appended to a class-level list that feeds moto's web
   dashboard (`BaseModel.instances_tracked`) and is emptied only when a `mock_aws` context starts
   or stops. A long-lived moto server therefore keeps every copy: ~0.9 GB a minute of checkouts.

The patch keeps moto's own code deciding every answer, and changes only what that code is given:

1. While a Query runs, `all_items()` answers for that table only the candidates: the queried
   partition (table queries, and LSIs, whose hash key is the table's), or the items whose GSI
   hash-key attribute has the queried value, from an index built on the first GSI query of a table
   and kept up to date by every write (moto writes only through `Table.put_item`,
   `Table.delete_item` and, in place, `DynamoDBBackend.update_item`). moto's loop still checks each
   candidate against the key condition and sorts them, so a stale index entry can only cost a
   check, never change an answer.
2. During a transaction the table copy is the table itself; instead, the first write to each key
   saves a copy of that item's prior version (or its absence) and the length of the table's stream,
   and when moto would put its copy back (it does so for the errors it cancels with, and for
   validation errors found mid-way) those items and the stream are restored.
3. `Item` and `StreamRecord` are no longer listed for the dashboard (it shows no DynamoDB items).

And one thing costs in proportion to each answer, measured with the ecoseller demo dump (1,470
products) under the local stack: moto 5.2 writes every answer through its generic, model-driven
serializer, which walks botocore's shape of each attribute value of each item; that was 80 % of moto's
time (a category page's Query of the catalog partition, a product's BatchGetItem). The data-plane
answers (GetItem, BatchGetItem, Query, Scan, writes, transactions) are already DynamoDB's JSON once
moto has turned its types into dicts, so:

4. those answers are written with `json.dumps` (bytes as base64, None-valued keys left out, as the
   serializer leaves them out); errors and every other operation still go through moto's serializer.

And a Query of a keys-only GSI was paged by the full items' size (moto measures, and
deep-copies, before it projects): the dashboard's product list read 1,470 product ids of the ecoseller
dump in 4 pages of ~470 at ~1.7 s each, where DynamoDB answers one page. So:

5. a keys-only index query's candidates are the items as the index holds them (their key attributes),
   which moto then sizes, pages and copies; its own projection at the end changes nothing.

And every `Item` moto builds (each put, each copy a query or a transaction makes) checked the 400 KB
limit once per attribute, by adding up the sizes of all the attributes set so far: an item of n
attributes was sized n(n+1)/2 times, nested maps walked each time (a third of the ecoseller dump's
import). So:

6. an `Item` is built with one running total of its attributes' sizes, checked against the same limit
   after each attribute, as moto's `LimitedSizeDict` checks it; later writes to an item's attributes
   (moto's update_item) still go through `LimitedSizeDict`.

`tests/local/test_moto_fast.py` runs the same requests against moto with and without the patch and
compares the answers. The module checks, when installed, that moto still has the functions it
wraps, and otherwise leaves moto as it is (with a warning).
"""

from __future__ import annotations

import copy
import functools
import inspect
import threading
import warnings
from typing import Any

_INDEX_ATTR = "_moto_fast_gsi_index"  # where a table keeps its GSI index (skipped by moto's dashboard)
_state = threading.local()  # per thread: .candidates (table, items) during a Query; .journal during a transaction
_originals: dict[tuple[type, str], Any] = {}


def _current(table, hash_key, range_key):
    """The stored item at a key, or None, without creating a partition (moto's items is a defaultdict)."""
    partition = table.items.get(hash_key)
    if table.range_key_attr is None or partition is None:
        return partition
    return partition.get(range_key)


# --- 1. Query reads candidates, not the table --------------------------------------------------


class _GsiIndex:
    """Primary keys by the value of each GSI hash-key attribute of one table."""

    def __init__(self, table):
        self.items = table.items  # the dict it indexes (restores from backup build a new one)
        self.attrs = _gsi_hash_attrs(table)
        self.keys_by_value: dict[str, dict[Any, dict[tuple, None]]] = {attr: {} for attr in self.attrs}
        self.values_of: dict[tuple, list[tuple[str, Any]]] = {}
        for partition in table.items.values():
            for item in (partition.values() if table.range_key_attr else (partition,)):
                self.add((item.hash_key, item.range_key if table.range_key_attr else None), item)

    def fits(self, table) -> bool:
        return self.items is table.items and self.attrs == _gsi_hash_attrs(table)

    def add(self, key: tuple, item) -> None:
        values = []
        for attr in self.attrs:
            value = item.attrs.get(attr)
            if value is None:
                continue
            try:
                self.keys_by_value[attr].setdefault(value, {})[key] = None
            except TypeError:  # a list, map or set: never equal to a key value, so never a candidate
                continue
            values.append((attr, value))
        if values:
            self.values_of[key] = values

    def discard(self, key: tuple) -> None:
        for attr, value in self.values_of.pop(key, ()):
            keys = self.keys_by_value[attr][value]
            keys.pop(key, None)
            if not keys:
                del self.keys_by_value[attr][value]

    def keys(self, attr: str, value) -> list[tuple]:
        return list(self.keys_by_value[attr].get(value, ()))


def _gsi_hash_attrs(table) -> tuple[str, ...]:
    names = [key["AttributeName"] for index in (table.global_indexes or []) for key in index.schema
             if key["KeyType"] == "HASH"]
    return tuple(dict.fromkeys(names))


def _gsi_index(table) -> _GsiIndex:
    index = table.__dict__.get(_INDEX_ATTR)
    if index is None or not index.fits(table):
        index = _GsiIndex(table)
        table.__dict__[_INDEX_ATTR] = index
    return index


def _reindex(table, key: tuple | None) -> None:
    """After a write to `key`: the GSI index (if the table has one in use) lists its new values."""
    index = table.__dict__.get(_INDEX_ATTR)
    if key is None or index is None or not index.fits(table):
        return  # no index yet, or one that the next GSI query rebuilds
    index.discard(key)
    item = _current(table, *key)
    if item is not None:
        index.add(key, item)


def _keys_of(index, item):
    """The item as a keys-only index holds it (moto's Item.project converts the whole item to JSON first)."""
    from moto.dynamodb.models.dynamo_type import Item

    names = [*index.table_key_attrs, *(key["AttributeName"] for key in index.schema)]
    return Item(item.hash_key, item.range_key, {name: item.attrs[name].to_json() for name in names
                                                 if name in item.attrs})


def _partition_items(table, hash_key) -> list:
    partition = table.items.get(hash_key)
    if partition is None:
        return []
    return list(partition.values()) if table.range_key_attr else [partition]


def _query_candidates(table, hash_key, index_name, hash_key_conditions) -> list | None:
    """Items that can match the query's hash key; None: let moto walk the table.

    Unsorted: moto sorts what all_items() gives it by the table's range key (table queries) or by the
    index's and the table's keys (index queries), a total order since table keys are unique, so the
    order it receives them in cannot show (and sorting DynamoTypes twice is what made it slow)."""
    try:
        if not index_name:
            if hash_key is None:
                return None
            items = _partition_items(table, hash_key)
        else:
            index = next((i for i in table.all_indexes() if i.name == index_name), None)
            conditions = dict(hash_key_conditions or [])
            if index is None or not conditions:
                return None  # moto raises its own error, or the request has no hash key to look up
            hash_attrs = [key["AttributeName"] for key in index.schema if key["KeyType"] == "HASH"]
            if hash_attrs == [table.hash_key_attr] and table.hash_key_attr in conditions:
                items = _partition_items(table, conditions[table.hash_key_attr])
            else:
                attr = next((name for name in hash_attrs if name in conditions), None)
                if attr is None or attr not in _gsi_hash_attrs(table):
                    return None
                items = [item for key in _gsi_index(table).keys(attr, conditions[attr])
                         if (item := _current(table, *key)) is not None]
                if (index.projection or {}).get("ProjectionType") == "KEYS_ONLY":
                    # What the index holds: moto sizes (1 MB pages) and deep-copies what it is given, and
                    # projects only afterwards, so a keys-only list of products paged by their full size.
                    items = [_keys_of(index, item) for item in items]
    except TypeError:  # an unhashable key value: moto answers it its own way
        return None
    return items


def _patched_all_items(original):
    @functools.wraps(original)
    def all_items(self):
        candidates = getattr(_state, "candidates", None)
        if candidates is not None and candidates[0] is self:
            return list(candidates[1])
        return original(self)
    return all_items


def _patched_query(original):
    signature = inspect.signature(original)

    @functools.wraps(original)
    def query(self, *args, **kwargs):
        arguments = signature.bind(self, *args, **kwargs).arguments
        candidates = _query_candidates(self, arguments.get("hash_key"), arguments.get("index_name"),
                                       arguments.get("hash_key_conditions"))
        if candidates is None:
            return original(self, *args, **kwargs)
        outer = getattr(_state, "candidates", None)
        _state.candidates = (self, candidates)
        try:
            return original(self, *args, **kwargs)
        finally:
            _state.candidates = outer
    return query


# --- 2. A transaction saves the items it touches ----------------------------------------------


class _Journal:
    """Prior versions of the items one transaction writes, and where each stream stood."""

    def __init__(self):
        self.priors: dict[tuple, tuple] = {}
        self.streams: dict[int, tuple] = {}

    def remember(self, table, key: tuple | None) -> None:
        if key is None:
            return
        try:
            slot = (id(table), key)
            if slot in self.priors:
                return
        except TypeError:  # moto cannot store such a key either
            return
        current = _current(table, *key)
        had_partition = key[0] in table.items
        self.priors[slot] = (table, key, None if current is None else copy.deepcopy(current), had_partition)
        shard = table.stream_shard
        if shard is not None and id(table) not in self.streams:
            self.streams[id(table)] = (shard, shard.items, len(shard.items))

    def roll_back(self) -> None:
        for table, (hash_key, range_key), prior, had_partition in reversed(self.priors.values()):
            if table.range_key_attr is None:
                if prior is None:
                    table.items.pop(hash_key, None)
                else:
                    table.items[hash_key] = prior
            elif prior is not None:
                table.items[hash_key][range_key] = prior
            else:
                partition = table.items.get(hash_key)
                if partition is not None:
                    partition.pop(range_key, None)
                    if not partition and not had_partition:
                        del table.items[hash_key]
            _reindex(table, (hash_key, range_key))
        for shard, records, count in self.streams.values():
            del records[count:]
            shard.items = records


def _journal():
    return getattr(_state, "journal", None)


class _CopyDuringTransaction:
    """moto.dynamodb.models' `copy`: a table "copied" by a running transaction is the table itself
    (the journal saves what it changes); everything else is copied as before."""

    def __getattr__(self, name):
        return getattr(copy, name)

    def deepcopy(self, value, memo=None):
        from moto.dynamodb.models.table import Table

        if isinstance(value, Table) and _journal() is not None:
            return value
        return copy.deepcopy(value, memo)


def _patched_transact_write_items(original):
    from moto.dynamodb.exceptions import (
        MockValidationException,
        TransactionCanceledException,
        TransactWriteSingleOpException,
    )

    @functools.wraps(original)
    def transact_write_items(self, *args, **kwargs):
        journal = _Journal()
        _state.journal = journal
        try:
            return original(self, *args, **kwargs)
        except TransactWriteSingleOpException:
            raise  # moto raises it before its try block: it keeps what was written, so do we
        except (MockValidationException, TransactionCanceledException):
            journal.roll_back()  # where moto puts its copies of the tables back
            raise
        finally:
            _state.journal = None
    return transact_write_items


# --- write hooks: the journal and the GSI index see every write -------------------------------


def _key_of_attrs(table, attrs) -> tuple | None:
    from moto.dynamodb.models.dynamo_type import DynamoType

    try:
        hash_key = DynamoType(attrs[table.hash_key_attr])
        range_key = DynamoType(attrs[table.range_key_attr]) if table.range_key_attr else None
        hash((hash_key, range_key))
    except (KeyError, TypeError, AttributeError):
        return None  # moto rejects the request
    return hash_key, range_key


def _key_of_update(table, key) -> tuple | None:
    """The key moto's `update_item` writes, computed as it does."""
    if not isinstance(key, dict) or table.hash_key_attr not in key:
        return None
    if table.range_key_attr is not None and table.range_key_attr not in key:
        return None  # moto rejects it: the table has a range key
    return _key_of_attrs(table, key)


def _watch_write(key_of):
    """Wrap a write: remember the prior item for a running transaction, then reindex the key.
    `key_of(arguments)` names the table and key it writes, from the call's bound arguments."""
    def decorate(original):
        signature = inspect.signature(original)

        @functools.wraps(original)
        def write(self, *args, **kwargs):
            try:
                table, key = key_of(signature.bind(self, *args, **kwargs).arguments)
            except TypeError:  # a call moto itself rejects
                table, key = None, None
            journal = _journal()
            if journal is not None and table is not None:
                journal.remember(table, key)
            try:
                return original(self, *args, **kwargs)
            finally:
                if table is not None:
                    _reindex(table, key)
        return write
    return decorate


def _table_put_key(arguments):
    table = arguments["self"]
    return table, _key_of_attrs(table, arguments["item_attrs"])


def _table_delete_key(arguments):
    table = arguments["self"]
    return table, (arguments["hash_key"], arguments.get("range_key") if table.range_key_attr else None)


def _backend_update_key(arguments):
    table = arguments["self"].tables.get(arguments["table_name"])
    return table, (None if table is None else _key_of_update(table, arguments["key"]))


# --- 3. no dashboard list of every item ever made ---------------------------------------------


def _untracked_new(cls, *_args, **_kwargs):
    return object.__new__(cls)


# --- 6. an item sized once ----------------------------------------------------------------------


def _sized_once_item_init(self, hash_key, range_key, attrs):
    """moto's Item.__init__, with LimitedSizeDict's check made on a running total (sizes are additive,
    so the total after each attribute is what LimitedSizeDict recomputes from scratch)."""
    from moto.dynamodb.exceptions import ItemSizeTooLarge
    from moto.dynamodb.models.dynamo_type import DynamoType, LimitedSizeDict
    from moto.dynamodb.models.utilities import bytesize

    self.hash_key = hash_key
    self.range_key = range_key
    self.attrs = LimitedSizeDict()
    total = 0
    for key, value in attrs.items():
        value = DynamoType(value)
        total += bytesize(key) + value.size()
        if total > _ITEM_SIZE_LIMIT:
            raise ItemSizeTooLarge
        dict.__setitem__(self.attrs, key, value)


_ITEM_SIZE_LIMIT = 405000  # moto's LimitedSizeDict limit (DynamoDB's 400 KB, as moto measures it)


# --- install ------------------------------------------------------------------------------------


def _replace(owner: type, name: str, value) -> None:
    _originals.setdefault((owner, name), owner.__dict__.get(name))
    setattr(owner, name, value)


# Operations whose successful answer is plain DynamoDB JSON (AttributeValues, counts, keys, capacity).
_JSON_ANSWERS = frozenset({"GetItem", "BatchGetItem", "Query", "Scan", "PutItem", "UpdateItem", "DeleteItem",
                           "BatchWriteItem", "TransactGetItems", "TransactWriteItems"})


def _without_none(value):
    if isinstance(value, dict):
        return {key: _without_none(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_none(item) for item in value]
    return value


def _json_default(value):
    import base64
    import datetime as dt
    from decimal import Decimal

    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.datetime):
        return value.timestamp()
    raise TypeError(f"moto_fast: cannot write {type(value).__name__} as JSON")


def _patched_serialized(original):
    import json

    from moto.core.responses import ActionResult

    @functools.wraps(original)
    def serialized(self, action_result):
        result = getattr(action_result, "result", None)
        if (isinstance(action_result, ActionResult) and isinstance(result, dict)
                and self._get_action() in _JSON_ANSWERS):
            body = json.dumps(_without_none(result), default=_json_default, separators=(",", ":"))
            return 200, {"Content-Type": "application/x-amz-json-1.0", **self.response_headers}, body
        return original(self, action_result)

    return serialized


def install() -> bool:
    """Idempotent. True when the patch is in place; False (and a warning) if this moto lacks a
    function it wraps, in which case moto is left as it is."""
    if _originals:
        return True
    import moto.dynamodb.models as backend_module
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.dynamo_type import Item
    from moto.dynamodb.models.table import StreamRecord, Table

    needed = {(Table, "all_items"): (), (Table, "query"): ("hash_key", "index_name", "hash_key_conditions"),
              (Table, "put_item"): ("item_attrs",), (Table, "delete_item"): ("hash_key", "range_key"),
              (DynamoDBBackend, "update_item"): ("table_name", "key"), (DynamoDBBackend, "transact_write_items"): (),
              (Item, "__init__"): ("hash_key", "range_key", "attrs")}
    missing = [f"{owner.__name__}.{name}" for (owner, name), parameters in needed.items()
               if name not in owner.__dict__
               or not set(parameters) <= set(inspect.signature(owner.__dict__[name]).parameters)]
    if missing or getattr(backend_module, "copy", None) is not copy:
        warnings.warn(f"moto_fast: this moto differs ({', '.join(missing) or 'copy'}); DynamoDB left unpatched",
                      stacklevel=2)
        return False
    from moto.dynamodb.responses import DynamoHandler

    _replace(DynamoHandler, "serialized", _patched_serialized(DynamoHandler.serialized))
    _replace(Table, "all_items", _patched_all_items(Table.all_items))
    _replace(Table, "query", _patched_query(Table.query))
    _replace(Table, "put_item", _watch_write(_table_put_key)(Table.put_item))
    _replace(Table, "delete_item", _watch_write(_table_delete_key)(Table.delete_item))
    _replace(DynamoDBBackend, "update_item", _watch_write(_backend_update_key)(DynamoDBBackend.update_item))
    _replace(DynamoDBBackend, "transact_write_items",
             _patched_transact_write_items(DynamoDBBackend.transact_write_items))
    _originals[(backend_module, "copy")] = copy
    backend_module.copy = _CopyDuringTransaction()
    for model in (Item, StreamRecord):
        _replace(model, "__new__", staticmethod(_untracked_new))
    _replace(Item, "__init__", _sized_once_item_init)
    return True


def uninstall() -> None:
    """Put moto back as it was (tests and the benchmark compare both)."""
    for (owner, name), original in reversed(list(_originals.items())):
        if original is None:
            delattr(owner, name)
        else:
            setattr(owner, name, original)
    _originals.clear()


def installed() -> bool:
    return bool(_originals)
