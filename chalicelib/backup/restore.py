"""`restore`: load an export into empty tables, in four steps, each finished before the next begins.

1. Check the whole export (`verify_export`): the manifest (format and version, tables of this version with
   the same key schema), then every file read through once: present, every line a complete DynamoDB JSON
   item with its key, as many items as the manifest says, the same SHA-256 and items digest. Any problem
   raises `ExportError` naming the file (and line) before anything is created or written.
2. Create or update the tables (`ensure_tables`, the table half of `migrate`) and refuse (`TargetNotEmpty`)
   if a table the export fills holds any item: a restore is a copy, not a merge (merged data would break
   the invariants kept by counters and unique claims).
3. Load each table with BatchWriteItem, `workers` batches in flight, unprocessed items retried with
   backoff (botocore already retries throttled calls). Items whose TTL has passed are not written: DynamoDB
   would delete them soon after (and could do so during the check below); the log says how many.
4. Verify: a consistent Scan of each restored table must give the manifest's item count and items digest,
   less the expired items left out (`RestoreFailed` otherwise); then the data migrations the export does
   not record yet are applied (a backup taken by an older version is brought up to date, as `migrate`
   would).

The outbox is not in an export (manifest.EXCLUDED): its table is created empty, so the restore sends no
event to the notification consumers.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from chalicelib.backup import codec, manifest, store
from chalicelib.backup.export import DEFAULT_SEGMENTS, scan_table
from chalicelib.backup.locations import Location, MissingFile, read_lines
from chalicelib.backup.manifest import ExportError
from chalicelib.core.store import versioned
from chalicelib.core.store.tables import TABLES, TableSpec

DEFAULT_WORKERS = 8
BATCH = 25  # BatchWriteItem's limit
MAX_ATTEMPTS = 10  # per batch, for items DynamoDB leaves unprocessed

Log = Callable[[str], None]


class TargetNotEmpty(Exception):
    """A target table holds items; nothing was written."""


class RestoreFailed(Exception):
    """Writing or the final check failed; the tables hold part of the export (delete them and restore again)."""


def _key_names(spec: TableSpec) -> tuple[str, ...]:
    return (spec.hash_key,) + ((spec.range_key,) if spec.range_key else ())


def read_manifest(location: Location) -> dict:
    where = location.describe(manifest.MANIFEST)
    try:
        raw = b"".join(location.chunks(manifest.MANIFEST))
    except MissingFile:
        raise ExportError(f"{where} is missing: not an export, or an export that did not finish") from None
    return manifest.parse(raw, where)


def _hashed(chunks: Iterable[bytes], sha) -> Iterator[bytes]:
    for chunk in chunks:
        sha.update(chunk)
        yield chunk


def _items(location: Location, logical: str, sha) -> Iterator[tuple[bytes, dict]]:
    """(line, client item) for every line of a table's file, hashing the bytes read into `sha`; a line
    that is not a complete item raises ExportError naming the file and line."""
    spec = TABLES[logical]
    name = manifest.table_file(logical)
    try:
        for number, (line, complete) in enumerate(read_lines(_hashed(location.chunks(name), sha)), start=1):
            where = f"{location.describe(name)} line {number}"
            if not complete:
                raise ExportError(f"{where}: the file ends in the middle of an item (truncated)")
            try:
                item = codec.decode_item(line, _key_names(spec), tuple(spec.attributes()))
            except codec.BadItem as error:
                raise ExportError(f"{where}: {error}") from None
            yield line, item
    except MissingFile:
        raise ExportError(f"{location.describe(name)} is missing (the manifest lists table {logical!r})") from None


def _check_totals(location: Location, logical: str, entry: dict, count: int, sha: str, digest: str) -> None:
    where = location.describe(entry["file"])
    if count != entry["items"]:
        raise ExportError(f"{where} holds {count} items, the manifest says {entry['items']} (truncated or changed)")
    if sha != entry["sha256"]:
        raise ExportError(f"{where}: SHA-256 {sha} differs from the manifest's {entry['sha256']} "
                          "(the file was changed or damaged)")
    if digest != entry["items_digest"]:
        raise ExportError(f"{where}: items digest differs from the manifest's (the file was changed or damaged)")


def verify_export(location: Location, data: dict, log: Log = print) -> None:
    """Read every file of the export once and check it against the manifest (ExportError otherwise)."""
    for logical, entry in data["tables"].items():
        sha = hashlib.sha256()
        digest = codec.TableDigest()
        count = 0
        for line, _item in _items(location, logical, sha):
            digest.add(line)
            count += 1
        _check_totals(location, logical, entry, count, sha.hexdigest(), digest.hexdigest())
    for logical in TABLES:
        if logical not in data["tables"] and logical not in manifest.EXCLUDED:
            log(f"table {logical!r} is not in the export (added after it was taken?): it is created empty")
    log(f"export {location} verified: " + ", ".join(
        f"{logical} {entry['items']} items" for logical, entry in data["tables"].items()))


def write_batch(logical: str, items: list[dict]) -> None:
    """One batch into its table, the items DynamoDB leaves unprocessed retried with backoff, MAX_ATTEMPTS times."""
    left = store.load_items(logical, items, MAX_ATTEMPTS)
    if left:
        raise RestoreFailed(f"{store.table_name(logical)}: {left} items still unprocessed after {MAX_ATTEMPTS} "
                            "attempts")


class Loaded:
    """What `load_table` wrote, and the expired items it left out (count and digest of their lines)."""

    def __init__(self) -> None:
        self.written = 0
        self.expired = 0
        self.expired_digest = codec.TableDigest()


def _expired(item: dict, ttl_attribute: str | None, now: float) -> bool:
    value = item.get(ttl_attribute or "", {}).get("N")
    if value is None:
        return False  # DynamoDB's TTL ignores items without a number there
    try:
        return float(value) < now
    except ValueError:
        return False


def load_table(location: Location, logical: str, entry: dict, workers: int = DEFAULT_WORKERS) -> Loaded:
    """Write a table's file into its (empty) table. The file is read again, so its checksum is checked
    again at the end (it could have changed since `verify_export`)."""
    spec = TABLES[logical]
    keys = _key_names(spec)
    now = time.time()
    sha = hashlib.sha256()
    loaded = Loaded()
    slots = threading.BoundedSemaphore(workers * 2)  # batches read ahead of the writers, at most
    in_flight: list[Future] = []

    def submit(batch: list[dict]) -> None:
        slots.acquire()
        future = pool.submit(write_batch, logical, batch)
        future.add_done_callback(lambda _future: slots.release())
        in_flight.append(future)

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="restore-write") as pool:
        try:
            batch: list[dict] = []
            batch_keys: set[tuple] = set()
            for line, item in _items(location, logical, sha):
                if _expired(item, spec.ttl_attribute, now):
                    loaded.expired += 1
                    loaded.expired_digest.add(line)
                    continue
                key = tuple(item[k]["S"] for k in keys)
                # A batch may not hold one key twice (DynamoDB refuses it); the final count tells.
                if len(batch) == BATCH or key in batch_keys:
                    submit(batch)
                    batch, batch_keys = [], set()
                batch.append(item)
                batch_keys.add(key)
                loaded.written += 1
                if len(in_flight) > workers * 4:
                    for future in [f for f in in_flight if f.done()]:
                        future.result()  # the first failed batch stops the restore
                        in_flight.remove(future)
            if batch:
                submit(batch)
            for future in in_flight:
                future.result()
        except BaseException:
            for future in in_flight:
                future.cancel()
            raise
    if sha.hexdigest() != entry["sha256"]:
        raise RestoreFailed(f"{location.describe(entry['file'])} changed while it was restored")
    return loaded


def verify_table(logical: str, entry: dict, loaded: Loaded, segments: int = DEFAULT_SEGMENTS) -> None:
    """The restored table must hold exactly the export's items, less the expired ones left out."""
    name = store.table_name(logical)
    result = scan_table(name, segments)
    expected = entry["items"] - loaded.expired
    if result.items != expected:
        raise RestoreFailed(f"{name} holds {result.items} items after the restore, the export {expected}")
    digest = codec.TableDigest.from_hex(entry["items_digest"]).without(loaded.expired_digest)
    if result.digest.hexdigest() != digest.hexdigest():
        raise RestoreFailed(f"{name}: the restored items differ from the export (items digest)")


def restore(location: Location, *, workers: int = DEFAULT_WORKERS, segments: int = DEFAULT_SEGMENTS,
            log: Log = print) -> dict[str, int]:
    """Restore the export at `location` into this stage's tables; answers {logical name: items}."""
    from chalicelib.core.store.migrate import apply_data_migrations, ensure_tables
    from chalicelib.migrations import MIGRATIONS

    if workers < 1 or segments < 1:
        raise ValueError("workers and segments must be at least 1")
    data = read_manifest(location)
    verify_export(location, data, log)
    ensure_tables(log)
    for logical in data["tables"]:
        name = store.table_name(logical)
        if not store.is_empty(name):
            raise TargetNotEmpty(f"table {name} is not empty: restore loads into empty tables only (restore "
                                 "into another stage or TABLE_PREFIX, or delete the table first)")
    counts: dict[str, int] = {}
    for logical, entry in data["tables"].items():
        started = time.perf_counter()
        loaded = load_table(location, logical, entry, workers)
        verify_table(logical, entry, loaded, segments)
        elapsed = time.perf_counter() - started
        counts[logical] = loaded.written
        expired = f", {loaded.expired} expired by TTL left out" if loaded.expired else ""
        log(f"{store.table_name(logical)}: {loaded.written} items restored and verified in {elapsed:.1f} s{expired}")
    # Restores load empty tables only: a container's copy of a reference partition was read from the
    # empty table (version 0), and the restored version items differ from it, so only ours goes.
    versioned.forget()
    apply_data_migrations(MIGRATIONS, log)
    return counts
