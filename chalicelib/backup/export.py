"""`backup`: every table (but the outbox, see manifest.EXCLUDED) to one JSON-lines file each, plus the
manifest, in a local folder or under an S3 prefix; optionally also DynamoDB on-demand backups.

Each table is read by a parallel Scan (`segments` workers, ConsistentRead) page by page; each page is
appended to the table's file as soon as it arrives, so memory holds at most one page per worker.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from botocore.exceptions import ClientError

from chalicelib.backup import codec, manifest, store
from chalicelib.backup.locations import Location
from chalicelib.core.settings import get_settings
from chalicelib.core.store.tables import TABLES

DEFAULT_SEGMENTS = 4

Log = Callable[[str], None]


class BackupRefused(Exception):
    """The backup cannot start (destination holds an export already, a table is missing); nothing written."""


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class ScanResult:
    """What a scan saw: item count, bytes and SHA-256 of the lines as written, and the items' digest."""

    def __init__(self) -> None:
        self.items = 0
        self.bytes = 0
        self.sha256 = hashlib.sha256()
        self.digest = codec.TableDigest()


def scan_table(name: str, segments: int, sink: Callable[[bytes], None] | None = None) -> ScanResult:
    """Read every item of table `name` with a consistent parallel Scan. Each page becomes lines given to
    `sink` (under a lock, so the sink sees whole pages one at a time); answers the counts and digests."""
    result = ScanResult()
    lock = threading.Lock()
    failed = threading.Event()

    def read_segment(segment: int) -> None:
        for page in store.scan_pages(name, segment, segments, stop=failed.is_set):
            lines = [codec.encode_item(raw) for raw in page]
            page_digest = codec.TableDigest()
            for line in lines:
                page_digest.add(line)
            data = b"".join(line + b"\n" for line in lines)
            with lock:
                if sink is not None and data:
                    sink(data)
                result.items += len(lines)
                result.bytes += len(data)
                result.sha256.update(data)
                result.digest.merge(page_digest)

    with ThreadPoolExecutor(max_workers=segments, thread_name_prefix="backup-scan") as pool:
        futures = [pool.submit(read_segment, segment) for segment in range(segments)]
        try:
            for future in futures:
                future.result()
        except BaseException:
            failed.set()  # the other segments stop after their current page
            raise
    return result


def describe(name: str) -> dict:
    try:
        return store.describe_table(name)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            raise BackupRefused(f"table {name} does not exist (wrong --stage or TABLE_PREFIX? run migrate first)") \
                from None
        raise


def export_table(location: Location, logical: str, segments: int) -> dict:
    """Write one table's file; answers its manifest entry."""
    name = store.table_name(logical)
    table = describe(name)
    started = _now()
    writer = location.writer(manifest.table_file(logical))
    try:
        result = scan_table(name, segments, writer.write)
        writer.commit()
    except BaseException:
        writer.abort()
        raise
    return {
        "table_name": name,
        "file": manifest.table_file(logical),
        "items": result.items,
        "bytes": result.bytes,
        "sha256": result.sha256.hexdigest(),
        "items_digest": result.digest.hexdigest(),
        "key_schema": table["KeySchema"],
        "attribute_definitions": table.get("AttributeDefinitions", []),
        "indexes": [{"name": index["IndexName"], "key_schema": index["KeySchema"],
                     "projection": index.get("Projection", {}).get("ProjectionType")}
                    for index in table.get("GlobalSecondaryIndexes", [])],
        "started_at": started,
        "finished_at": _now(),
    }


def create_aws_backups(log: Log = print) -> dict[str, str]:
    """A DynamoDB on-demand backup of every table (the outbox too: it is AWS's own full copy, restored
    table by table into new tables, so nothing re-fires); answers {logical name: backup ARN}."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    arns: dict[str, str] = {}
    for logical in TABLES:
        name = store.table_name(logical)
        details = store.create_backup(name, f"{name}-{stamp}")
        arns[logical] = details["BackupArn"]
        log(f"on-demand backup of {name}: {details['BackupArn']}")
    return arns


def backup(location: Location | None, *, segments: int = DEFAULT_SEGMENTS, aws: bool = False,
           log: Log = print) -> dict:
    """Export every table to `location` (None: only the on-demand backups, with `aws`); answers the
    manifest. Refuses (BackupRefused) a location that already holds an export."""
    if segments < 1:
        raise ValueError("segments must be at least 1")
    settings = get_settings()
    result: dict = {
        "format": manifest.FORMAT,
        "format_version": manifest.FORMAT_VERSION,
        "started_at": _now(),
        "stage": settings.stage,
        "table_prefix": settings.table_prefix,
        "region": store.region(),
        "consistency": manifest.CONSISTENCY,
        "tables": {},
        "excluded": {logical: why for logical, why in manifest.EXCLUDED.items() if logical in TABLES},
    }
    if location is not None:
        if location.exists(manifest.MANIFEST):
            raise BackupRefused(f"{location.describe(manifest.MANIFEST)} exists: an export is already there; "
                                "choose a new folder or prefix")
        for logical in TABLES:
            describe(store.table_name(logical))  # every table exists before anything is written
        location.prepare()
    if aws:
        result["aws_backups"] = create_aws_backups(log)
    if location is None:
        return result
    for logical in TABLES:
        if logical in manifest.EXCLUDED:
            continue
        entry = export_table(location, logical, segments)
        result["tables"][logical] = entry
        log(f"{entry['table_name']}: {entry['items']} items -> {location.describe(entry['file'])}")
    result["finished_at"] = _now()
    writer = location.writer(manifest.MANIFEST)
    try:
        writer.write((json.dumps(result, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8"))
        writer.commit()
    except BaseException:
        writer.abort()
        raise
    log(f"manifest: {location.describe(manifest.MANIFEST)}")
    return result
