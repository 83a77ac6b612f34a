"""Backup and restore throughput on moto, in this process: items/s for `backup` of a generated table
and for `restore` of its export into a fresh stage, through the same functions the CLI calls.

    .venv/bin/python bench/backup.py [--items 20000] [--segments 4] [--workers 8] [--s3]

Items look like the shop's (keys, an index key, a translated title, a price, a set, a small map; about
400 bytes of DynamoDB JSON each). Writing the source table is not timed. Restore is shown per phase:
check (read the export and check every line, count and checksum), load (BatchWriteItem), verify (a
consistent Scan of the restored table).

moto answers every call in this process, under the same GIL, and its response serializer is slow for
nested attributes (about 10 ms per item of this shape on a loaded 2-core machine), so the figures are
the emulator's ceiling, not DynamoDB's. Each run also shows how long AWS calls (moto) were in flight: the
rest of the time is this project's own work alone (encoding, hashing, files). In AWS the segments and workers
run truly in parallel and throughput follows the table's capacity.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

os.environ.update({
    "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "eu-central-1",
    "TABLE_PREFIX": "bench", "STAGE": "bench", "JWT_SIGNING_KEY": "bench-signing-key-bench-signing-key-0123",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
})
os.environ.pop("AWS_ENDPOINT_URL", None)


def use_prefix(prefix: str) -> None:
    from chalicelib.core.settings import reload_settings
    from chalicelib.core.store import db

    os.environ["TABLE_PREFIX"] = prefix
    reload_settings()
    db.reset_clients()


def generate(count: int) -> None:
    from chalicelib.core.store import db
    from chalicelib.core.store.migrate import migrate
    from chalicelib.migrations import MIGRATIONS

    migrate(MIGRATIONS, log=lambda _line: None)
    name = db.table("main")
    batch = []
    for number in range(count):
        item = {
            "PK": f"BENCH#{number:07d}", "SK": "ITEM", "GSI1PK": "BENCH#LIST", "GSI1SK": f"{number:07d}",
            "id": number, "price": Decimal(number % 997) + Decimal("0.90"), "published": number % 3 != 0,
            "translations": {"en": {"title": f"Movie number {number}", "slug": f"movie-{number}"},
                             "cs": {"title": f"Film číslo {number}", "slug": f"film-{number}"}},
            "tags": {"bench", f"group-{number % 10}"}, "stock": {"CZ": number % 50, "SK": number % 7},
        }
        batch.append({"PutRequest": {"Item": db.serialize(item)}})
        if len(batch) == 25 or number == count - 1:
            pending = {name: batch}
            while pending:
                pending = db.client().batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
            batch = []


class CallClock:
    """Wall time during which at least one AWS call (botocore's `_make_api_call`, any client or thread)
    was in flight: overlapping calls count once, so wall time minus this is time spent in this project's
    own code only."""

    def __init__(self) -> None:
        import threading

        from botocore.client import BaseClient

        self.seconds = 0.0
        self._active = 0
        self._since = 0.0
        self._lock = threading.Lock()
        real = BaseClient._make_api_call
        clock = self

        def timed(client, operation, params):
            with clock._lock:
                if clock._active == 0:
                    clock._since = time.perf_counter()
                clock._active += 1
            try:
                return real(client, operation, params)
            finally:
                with clock._lock:
                    clock._active -= 1
                    if clock._active == 0:
                        clock.seconds += time.perf_counter() - clock._since

        BaseClient._make_api_call = timed


CLOCK: CallClock | None = None


def rate(items: int, seconds: float) -> str:
    return f"{items / seconds:,.0f} items/s ({seconds:.2f} s)"


def in_calls(since: float) -> str:
    return f"{CLOCK.seconds - since:.2f} s of it with AWS calls in flight"


def run(args: argparse.Namespace, destination: str) -> None:
    from chalicelib.backup import locations, restore
    from chalicelib.backup.export import backup

    use_prefix("bench")
    location = locations.parse(destination)
    calls = CLOCK.seconds
    started = time.perf_counter()
    result = backup(location, segments=args.segments, log=lambda _line: None)
    backup_seconds = time.perf_counter() - started
    entry = result["tables"]["main"]
    print(f"  backup   {entry['items']} items, {entry['bytes'] / entry['items']:.0f} bytes/item: "
          f"{rate(entry['items'], backup_seconds)}, {in_calls(calls)}")

    use_prefix(f"restored{args.round}")
    args.round += 1
    phases: dict[str, float] = {}
    real = {name: getattr(restore, name) for name in ("verify_export", "load_table", "verify_table")}

    def timed(name):
        def wrapper(*a, **k):
            began = time.perf_counter()
            try:
                return real[name](*a, **k)
            finally:
                phases[name] = phases.get(name, 0.0) + time.perf_counter() - began
        return wrapper

    for name in real:
        setattr(restore, name, timed(name))
    try:
        calls = CLOCK.seconds
        started = time.perf_counter()
        counts = restore.restore(location, workers=args.workers, segments=args.segments, log=lambda _line: None)
        restore_seconds = time.perf_counter() - started
    finally:
        for name, function in real.items():
            setattr(restore, name, function)
    items = counts["main"]
    print(f"  restore  {items} items: {rate(items, restore_seconds)}, {in_calls(calls)}")
    for label, phase in (("check", "verify_export"), ("load", "load_table"), ("verify", "verify_table")):
        print(f"    {label:<7}{rate(items, phases[phase])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--segments", type=int, default=4)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--s3", action="store_true", help="also back up to and restore from an S3 prefix")
    args = parser.parse_args()
    args.round = 0
    global CLOCK
    CLOCK = CallClock()

    from moto import mock_aws

    from chalicelib.core.store import db

    with mock_aws():
        use_prefix("bench")
        started = time.perf_counter()
        generate(args.items)
        print(f"generated {args.items} items in {time.perf_counter() - started:.1f} s "
              f"(segments {args.segments}, workers {args.workers})")
        with tempfile.TemporaryDirectory() as folder:
            print("local folder:")
            run(args, str(Path(folder) / "export"))
        if args.s3:
            db.aws_client("s3").create_bucket(Bucket="bench-backups",
                                              CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
            print("S3 prefix:")
            run(args, "s3://bench-backups/export")


if __name__ == "__main__":
    main()
