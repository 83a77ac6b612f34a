"""Typed helpers over the low-level DynamoDB client.

Items go in and come out as plain dicts (numbers as Decimal). Conditional writes raise
`ConditionFailed`; transactions (typed writes of core/store/write.py) raise `TransactionFailed` with the
per-write reasons. Throttling is retried by botocore's standard retry mode before anything reaches the
caller. Only the storage modules (core/store, each package's store.py and keys.py) talk to this module;
tests/contract/test_storage_door.py holds that rule.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from chalicelib.core.aws import aws_client, forget_clients
from chalicelib.core.settings import get_settings
from chalicelib.core.store import keys, recent, versioned
from chalicelib.core.store.write import (  # noqa: F401 (the failures are part of this module's interface)
    Check,
    ConditionFailed,
    Delete,
    Put,
    TransactionFailed,
    Update,
    Write,
    key_of,
    set_remove_expression,
    ttl_in,
)

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def reset_clients() -> None:
    """Forget cached clients and reference copies (tests start a new emulated AWS per test)."""
    forget_clients()
    versioned.forget()
    recent.forget()


def _wrote(logical: str, *keys_or_items: dict) -> None:
    """After a single-item write: bump the version of a reference partition it belongs to."""
    if logical != "main":
        return
    recent.forget(keys_or_items)
    for partition in sorted(versioned.touched_partitions(keys_or_items)):
        bump = versioned.bump_operation(partition)
        client().update_item(TableName=table("main"), Key=serialize(bump.key), UpdateExpression=bump.expression,
                             ExpressionAttributeNames=bump.names, ExpressionAttributeValues=serialize(bump.values))
        versioned.forget([partition])  # after the bump: a read before it would cache the old version


def client():
    return aws_client("dynamodb")


def table(logical: str) -> str:
    return get_settings().table_name(logical)


def serialize(item: dict) -> dict:
    return {k: _serializer.serialize(v) for k, v in item.items()}


def serialize_value(value: Any) -> dict:
    return _serializer.serialize(value)


def deserialize(item: dict | None) -> dict | None:
    if item is None:
        return None
    return {k: _deserializer.deserialize(v) for k, v in item.items()}


def _is_conditional_failure(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


def get(logical: str, key: dict, *, consistent: bool = False) -> dict | None:
    response = client().get_item(TableName=table(logical), Key=serialize(key), ConsistentRead=consistent)
    return deserialize(response.get("Item"))


def put(logical: str, item: dict, *, condition: str | None = None, names: dict | None = None,
        values: dict | None = None) -> None:
    request: dict = {"TableName": table(logical), "Item": serialize(item)}
    _add_condition(request, condition, names, values)
    try:
        client().put_item(**request)
    except ClientError as error:
        if _is_conditional_failure(error):
            raise ConditionFailed(condition or "") from None
        raise
    _wrote(logical, item)


def put_new(logical: str, item: dict) -> None:
    """Create an item only if its key is unused (unique e-mail, unique SKU, ...)."""
    put(logical, item, condition="attribute_not_exists(PK)")


def update(logical: str, key: dict, *, set_fields: dict | None = None, remove: Iterable[str] = (),
           condition: str | None = None, names: dict | None = None, values: dict | None = None,
           return_new: bool = True) -> dict | None:
    """SET the given fields (and REMOVE others) on one item; answers the item as written."""
    names = dict(names or {})
    values = dict(values or {})
    expression = set_remove_expression(set_fields, remove, names, values)
    request: dict = {"TableName": table(logical), "Key": serialize(key), "UpdateExpression": expression,
                     "ReturnValues": "ALL_NEW" if return_new else "NONE"}
    _add_condition(request, condition, names, values)
    try:
        response = client().update_item(**request)
    except ClientError as error:
        if _is_conditional_failure(error):
            raise ConditionFailed(condition or "") from None
        raise
    _wrote(logical, key)
    return deserialize(response.get("Attributes"))


def delete(logical: str, key: dict, *, condition: str | None = None, names: dict | None = None,
           values: dict | None = None) -> None:
    request: dict = {"TableName": table(logical), "Key": serialize(key)}
    _add_condition(request, condition, names, values)
    try:
        client().delete_item(**request)
    except ClientError as error:
        if _is_conditional_failure(error):
            raise ConditionFailed(condition or "") from None
        raise
    _wrote(logical, key)


def _add_condition(request: dict, condition: str | None, names: dict | None, values: dict | None) -> None:
    if condition:
        request["ConditionExpression"] = condition
    if names:
        request["ExpressionAttributeNames"] = names
    if values:
        request["ExpressionAttributeValues"] = serialize(values)


def query(logical: str, *, partition: tuple[str, str], sort_prefix: str | None = None,
          sort_between: tuple[str, str] | None = None, index: str | None = None, forward: bool = True,
          limit: int | None = None, consistent: bool = False) -> Iterator[dict]:
    """Items of one partition (optionally of one sort-key prefix, or sort keys between two values,
    both included), page by page, in key order."""
    name, value = partition
    expression = "#pk = :pk"
    names = {"#pk": name}
    values: dict = {":pk": value}
    if sort_prefix is not None:
        sort_name = {"GSI1": "GSI1SK"}.get(index or "", "SK")
        expression += " AND begins_with(#sk, :sk)"
        names["#sk"] = sort_name
        values[":sk"] = sort_prefix
    elif sort_between is not None:
        expression += " AND #sk BETWEEN :lo AND :hi"
        names["#sk"] = {"GSI1": "GSI1SK"}.get(index or "", "SK")
        values[":lo"], values[":hi"] = sort_between
    request: dict = {
        "TableName": table(logical),
        "KeyConditionExpression": expression,
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": serialize(values),
        "ScanIndexForward": forward,
    }
    if consistent and not index:  # GSIs only offer eventually consistent reads
        request["ConsistentRead"] = True
    if index:
        request["IndexName"] = index
    returned = 0
    while True:
        if limit is not None:
            request["Limit"] = limit - returned
        response = client().query(**request)
        for raw in response.get("Items", []):
            yield deserialize(raw)
            returned += 1
        start = response.get("LastEvaluatedKey")
        if not start or (limit is not None and returned >= limit):
            return
        request["ExclusiveStartKey"] = start


def batch_get(logical: str, key_list: list[dict], *, consistent: bool = False,
              fields: tuple[str, ...] = ()) -> list[dict]:
    """Fetch up to any number of items by key (100 per call), retrying unprocessed keys; with `fields`,
    only those attributes of each item (a projection: large items cost less to read when a few will do)."""
    found: list[dict] = []
    name = table(logical)
    unique = list({tuple(sorted(k.items())): k for k in key_list}.values())
    projection = {f"#f{index}": field for index, field in enumerate(fields)}
    for start in range(0, len(unique), 100):
        pending = {name: {"Keys": [serialize(k) for k in unique[start:start + 100]]}}
        if consistent:
            pending[name]["ConsistentRead"] = True
        if projection:
            pending[name].update(ProjectionExpression=", ".join(projection), ExpressionAttributeNames=projection)
        delay = 0.05
        while pending:
            response = client().batch_get_item(RequestItems=pending)
            found += [deserialize(raw) for raw in response.get("Responses", {}).get(name, [])]
            pending = response.get("UnprocessedKeys") or {}
            if pending:
                time.sleep(delay)
                delay = min(delay * 2, 2.0)
    return found


BATCH_WRITE_ITEMS = 25  # DynamoDB's BatchWriteItem limit


def batch_write(logical: str, items: list[dict], *, encoded: bool = False, attempts: int | None = None) -> int:
    """Put whole items with BatchWriteItem, 25 a call, for bulk loads (an import, a restore): no conditions,
    no transaction, so each caller says why that is safe. Items DynamoDB leaves unprocessed are sent again
    after a growing pause, at most `attempts` calls per batch when given; answers how many items were still
    unprocessed after that (always 0 without a bound). `encoded`: the items are DynamoDB JSON already (a
    restore's lines, written byte for byte as exported)."""
    name = table(logical)
    left = 0
    for start in range(0, len(items), BATCH_WRITE_ITEMS):
        batch = items[start:start + BATCH_WRITE_ITEMS]
        pending = {name: [{"PutRequest": {"Item": item if encoded else serialize(item)}} for item in batch]}
        delay = 0.05
        calls = 0
        while pending and (attempts is None or calls < attempts):
            pending = client().batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
            calls += 1
            if pending:
                time.sleep(delay)
                delay = min(delay * 2, 5.0)
        left += sum(len(requests) for requests in pending.values())
    if not encoded:
        recent.forget(items)  # a storefront read in this container must not keep the items replaced
    return left


MAX_TRANSACTION_ITEMS = 100  # DynamoDB's TransactWriteItems limit


def transact(writes: list[Write | None]) -> None:
    """TransactWriteItems: all the writes (core/store/write.py; None entries are skipped) or none."""
    writes = [w for w in writes if w is not None]
    written = [key_of(w) for w in writes if w.table == "main" and not isinstance(w, Check)]
    touched = versioned.touched_partitions(written)
    # The version moves in the same transaction as the reference items it versions, when the transaction
    # has room for it (100 items at most); otherwise right after it, as after a single-item write.
    partitions = touched if len(writes) + len(touched) <= MAX_TRANSACTION_ITEMS else set()
    writes = [*writes, *(versioned.bump_operation(p) for p in sorted(partitions))]
    try:
        client().transact_write_items(TransactItems=[_raw(w) for w in writes])
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "TransactionCanceledException":
            reasons = [r.get("Code", "None") for r in error.response.get("CancellationReasons", [])]
            raise TransactionFailed(reasons[:len(reasons) - len(partitions)] if partitions else reasons) from None
        raise
    versioned.forget(partitions)
    recent.forget(written)
    if touched - partitions:
        _wrote("main", *({"PK": partition} for partition in touched - partitions))


_KINDS = {Put: "Put", Update: "Update", Delete: "Delete", Check: "ConditionCheck"}


def _raw(write: Write) -> dict:
    """One TransactItems entry of a typed write."""
    raw: dict = {"TableName": table(write.table)}
    if isinstance(write, Put):
        raw["Item"] = serialize(write.item)
    else:
        raw["Key"] = serialize(write.key)
    if isinstance(write, Update):
        raw["UpdateExpression"] = write.expression
    _add_condition(raw, write.condition, write.names, write.values)
    return {_KINDS[type(write)]: raw}


def increment(logical: str, key: dict, field: str, by: int = 1, *, set_fields: dict | None = None,
              condition: str | None = None, names: dict | None = None, values: dict | None = None,
              returns: str = "ALL_NEW") -> dict:
    """Atomically add to a number attribute (missing counts as 0) and SET others; answers the new item
    (`returns="UPDATED_OLD"`: the values the updated attributes had before, {} for a new item)."""
    names = {"#inc": field, **(names or {})}
    values = {":inc": by, **(values or {})}
    expression = " ".join(part for part in ("ADD #inc :inc", set_remove_expression(set_fields, (), names, values))
                          if part)
    request: dict = {"TableName": table(logical), "Key": serialize(key), "UpdateExpression": expression,
                     "ReturnValues": returns}
    _add_condition(request, condition, names, values)
    try:
        response = client().update_item(**request)
    except ClientError as error:
        if _is_conditional_failure(error):
            raise ConditionFailed(condition or "") from None
        raise
    _wrote(logical, key)
    return deserialize(response.get("Attributes")) or {}


def next_id(counter_name: str) -> int:
    """The next integer id of a sequence (atomic: concurrent callers never get the same id)."""
    return next_ids(counter_name, 1)[0]


def next_ids(counter_name: str, count: int) -> list[int]:
    """The next `count` ids of a sequence, reserved in one call (atomic, as next_id); none for 0."""
    if count <= 0:
        return []
    response = client().update_item(
        TableName=table("main"),
        Key=serialize(keys.counter(counter_name)),
        UpdateExpression="ADD #v :count",
        ExpressionAttributeNames={"#v": "value"},
        ExpressionAttributeValues={":count": {"N": str(count)}},
        ReturnValues="UPDATED_NEW",
    )
    last = int(response["Attributes"]["value"]["N"])
    return list(range(last - count + 1, last + 1))


def raise_counter_to(counter_name: str, minimum: int) -> None:
    """Make sure the next id is above `minimum` (after importing items with their own ids)."""
    try:
        update("main", keys.counter(counter_name), set_fields={"value": minimum},
               condition="attribute_not_exists(#v) OR #v < :min", names={"#v": "value"},
               values={":min": minimum}, return_new=False)
    except ConditionFailed:
        pass
