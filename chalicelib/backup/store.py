"""The backup's table access: whole-table consistent scans, table descriptions and DynamoDB's own backups
for `backup`, the bulk load and the emptiness check for `restore`. Tables are named physically here (the
stage's names, `table_name`), as the export's manifest and the operator's messages name them; items stay in
DynamoDB JSON, written to and read from an export's files as they are."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from chalicelib.core.store import db


def table_name(logical: str) -> str:
    """This stage's name of a table (TABLE_PREFIX and stage applied)."""
    return db.table(logical)


def region() -> str:
    return db.client().meta.region_name


def describe_table(name: str) -> dict:
    """DescribeTable's `Table`; a missing table raises botocore's ResourceNotFoundException ClientError."""
    return db.client().describe_table(TableName=name)["Table"]


def create_backup(name: str, backup_name: str) -> dict:
    """A DynamoDB on-demand backup of table `name`; answers its BackupDetails (BackupArn, ...)."""
    return db.client().create_backup(TableName=name, BackupName=backup_name)["BackupDetails"]


def scan_pages(name: str, segment: int, segments: int, stop: Callable[[], bool]) -> Iterator[list[dict]]:
    """The raw items of one segment of a consistent parallel Scan of table `name`, a page at a time, until
    the segment ends or `stop()` says so (checked before each page is read)."""
    request = {"TableName": name, "ConsistentRead": True, "Segment": segment, "TotalSegments": segments}
    while not stop():
        response = db.client().scan(**request)
        yield response.get("Items", [])
        start = response.get("LastEvaluatedKey")
        if not start:
            return
        request["ExclusiveStartKey"] = start


def is_empty(name: str) -> bool:
    """Whether table `name` holds no item (one consistent Scan of one item)."""
    response = db.client().scan(TableName=name, Limit=1, ConsistentRead=True)
    return not response.get("Items") and not response.get("LastEvaluatedKey")


def load_items(logical: str, items: list[dict], attempts: int) -> int:
    """Put raw (DynamoDB JSON) items into a table being restored, BatchWriteItem with backoff, at most
    `attempts` calls per batch; answers how many items were still unprocessed then."""
    return db.batch_write(logical, items, encoded=True, attempts=attempts)
