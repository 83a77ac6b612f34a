"""`migrate`: create or update the tables, then apply data migrations not applied yet. Idempotent."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence

from botocore.exceptions import ClientError

from chalicelib.core.store import db, keys
from chalicelib.core.store.tables import TABLES, TableSpec, create_table_request, gsi_definition

DataMigration = tuple[str, Callable[[], None]]


def _wait_active(name: str, timeout: float = 300) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        table = db.client().describe_table(TableName=name)["Table"]
        indexes = table.get("GlobalSecondaryIndexes", [])
        indexes_busy = any(i.get("IndexStatus") not in (None, "ACTIVE") for i in indexes)
        if table["TableStatus"] == "ACTIVE" and not indexes_busy:
            return table
        if time.monotonic() > deadline:
            raise TimeoutError(f"table {name} is not ACTIVE after {timeout} s")
        time.sleep(1)


def _describe(name: str) -> dict | None:
    try:
        return db.client().describe_table(TableName=name)["Table"]
    except ClientError as error:
        if error.response["Error"]["Code"] == "ResourceNotFoundException":
            return None
        raise


def ensure_table(spec: TableSpec, log: Callable[[str], None] = print) -> list[str]:
    """Create the table, or add what an existing one lacks (indexes, stream, TTL)."""
    name = db.table(spec.logical)
    changes: list[str] = []
    table = _describe(name)
    if table is None:
        db.client().create_table(**create_table_request(spec, name))
        changes.append(f"created table {name}")
        table = _wait_active(name)
    else:
        existing = {i["IndexName"] for i in table.get("GlobalSecondaryIndexes", [])}
        for index in spec.indexes:
            if index.name in existing:
                continue
            # DynamoDB adds one index per UpdateTable call and the table must settle in between.
            attributes = [{"AttributeName": a, "AttributeType": "S"}
                          for a in (index.hash_key, index.range_key) if a]
            db.client().update_table(TableName=name, AttributeDefinitions=attributes,
                                     GlobalSecondaryIndexUpdates=[{"Create": gsi_definition(index)}])
            changes.append(f"added index {index.name} to {name}")
            table = _wait_active(name)
        stream = table.get("StreamSpecification") or {}
        if spec.stream and not stream.get("StreamEnabled"):
            db.client().update_table(TableName=name, StreamSpecification={
                "StreamEnabled": True, "StreamViewType": spec.stream})
            changes.append(f"enabled stream on {name}")
            _wait_active(name)
    if spec.ttl_attribute:
        ttl = db.client().describe_time_to_live(TableName=name)["TimeToLiveDescription"]
        if ttl.get("TimeToLiveStatus") not in ("ENABLED", "ENABLING"):
            db.client().update_time_to_live(TableName=name, TimeToLiveSpecification={
                "Enabled": True, "AttributeName": spec.ttl_attribute})
            changes.append(f"enabled TTL ({spec.ttl_attribute}) on {name}")
    for change in changes:
        log(change)
    return changes


def ensure_tables(log: Callable[[str], None] = print) -> list[str]:
    changes: list[str] = []
    for spec in TABLES.values():
        changes += ensure_table(spec, log)
    return changes


def applied_migrations() -> set[str]:
    return {item["SK"] for item in db.query("main", partition=("PK", "MIGRATION"))}


def apply_data_migrations(migrations: Sequence[DataMigration], log: Callable[[str], None] = print) -> list[str]:
    """Run each migration not recorded yet, in order, then record it.

    Each migration must itself be safe to run twice: if the process dies between the migration and its
    record, the next `migrate` runs it again.
    """
    done = applied_migrations()
    ran: list[str] = []
    for migration_id, function in migrations:
        if migration_id in done:
            continue
        function()
        try:
            db.put_new("main", {**keys.migration(migration_id),
                                "applied_at": dt.datetime.now(dt.UTC).isoformat()})
        except db.ConditionFailed:
            pass  # another migrate run recorded it first
        log(f"applied migration {migration_id}")
        ran.append(migration_id)
    return ran


def migrate(migrations: Sequence[DataMigration], log: Callable[[str], None] = print) -> list[str]:
    changes = ensure_tables(log)
    changes += apply_data_migrations(migrations, log)
    if not changes:
        log("nothing to migrate: tables and data are up to date")
    return changes
