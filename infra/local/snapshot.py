"""Save and restore the local stack's state under `.data/`, since moto's server keeps nothing itself.

Tables are written as DynamoDB JSON lines (one file per table), bucket objects as files with a
sidecar of their content type. Every file is written to a temporary name and renamed, so a crash
mid-save leaves the previous snapshot intact.

Layout (with the write-ahead journal, journal.py):

    state.json                   {"generation": G, "snapshot": "snapshots/G", "saved_at": ...}
    snapshots/G/dynamodb/*.jsonl the tables as they were when journal generation G began
    journal/G.jsonl, G+1, ...    the writes since, replayed in order onto that snapshot
    s3/<bucket>/objects, meta    the media bucket, mirrored on every write

`checkpoint` copies the tables from moto's backend under the journal lock (no write half applied),
starts the next journal generation, writes the new snapshot beside the old one and then switches
state.json to it in one rename; older snapshots and journals are removed after that. A crash before the
rename leaves the old snapshot and every journal since it; after it, the new snapshot and its journal.
A data folder from before the journal (`dynamodb/*.jsonl` at its top) is read as generation 0.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import time
from pathlib import Path

from chalicelib.core.store import db
from chalicelib.core.store.tables import TABLES


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def _to_json(value):
    """DynamoDB JSON as the client returns it, with binary values (B, BS) as base64 text."""
    if isinstance(value, dict):
        if set(value) == {"B"}:
            return {"B": base64.b64encode(bytes(value["B"])).decode()}
        if set(value) == {"BS"}:
            return {"BS": [base64.b64encode(bytes(b)).decode() for b in value["BS"]]}
        return {k: _to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_json(v) for v in value]
    return value


def _from_json(value):
    if isinstance(value, dict):
        if set(value) == {"B"}:
            return {"B": base64.b64decode(value["B"])}
        if set(value) == {"BS"}:
            return {"BS": [base64.b64decode(b) for b in value["BS"]]}
        return {k: _from_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_json(v) for v in value]
    return value


def save_tables(folder: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for logical in TABLES:
        lines = []
        paginator = db.client().get_paginator("scan")
        for page in paginator.paginate(TableName=db.table(logical)):
            lines += [json.dumps(_to_json(item), sort_keys=True) for item in page.get("Items", [])]
        _atomic_write(folder / "dynamodb" / f"{logical}.jsonl", ("\n".join(lines) + "\n" if lines else "").encode())
        counts[logical] = len(lines)
    return counts


def restore_tables(folder: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for logical in TABLES:
        path = folder / "dynamodb" / f"{logical}.jsonl"
        if not path.exists():
            continue
        items = [_from_json(json.loads(line)) for line in path.read_text().splitlines() if line.strip()]
        name = db.table(logical)
        for start in range(0, len(items), 25):
            pending = {name: [{"PutRequest": {"Item": item}} for item in items[start:start + 25]]}
            while pending:
                pending = db.client().batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
        counts[logical] = len(items)
    return counts


def save_bucket(folder: Path, bucket: str) -> int:
    """Mirror the bucket: write new or changed objects (by ETag), drop files of deleted ones."""
    s3 = db.aws_client("s3")
    root = folder / "s3" / bucket
    present: set[str] = set()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for entry in page.get("Contents", []):
            key = entry["Key"]
            present.add(key)
            meta_path = root / "meta" / (key + ".json")
            if meta_path.exists() and json.loads(meta_path.read_text()).get("ETag") == entry["ETag"]:
                continue
            obj = s3.get_object(Bucket=bucket, Key=key)
            _atomic_write(root / "objects" / key, obj["Body"].read())
            meta = {"ContentType": obj.get("ContentType", "binary/octet-stream"), "ETag": entry["ETag"]}
            _atomic_write(meta_path, json.dumps(meta).encode())
    objects = root / "objects"
    if objects.exists():
        for path in [p for p in objects.rglob("*") if p.is_file()]:
            key = path.relative_to(objects).as_posix()
            if key not in present:
                path.unlink()
                (root / "meta" / (key + ".json")).unlink(missing_ok=True)
    return len(present)


def restore_bucket(folder: Path, bucket: str) -> int:
    s3 = db.aws_client("s3")
    objects = folder / "s3" / bucket / "objects"
    restored = 0
    if not objects.exists():
        return 0
    for path in sorted(p for p in objects.rglob("*") if p.is_file() and not p.name.endswith(".tmp")):
        key = path.relative_to(objects).as_posix()
        meta_path = folder / "s3" / bucket / "meta" / (key + ".json")
        meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
        s3.put_object(Bucket=bucket, Key=key, Body=path.read_bytes(),
                      ContentType=meta.get("ContentType", "binary/octet-stream"))
        restored += 1
    return restored


# --- generations (with the journal) ---------------------------------------------------------------

STATE_FILE = "state.json"


def read_state(folder: Path) -> dict:
    """{"generation": first journal generation to replay, "snapshot": folder of its tables or None}."""
    path = folder / STATE_FILE
    if path.exists():
        return json.loads(path.read_text())
    if (folder / "dynamodb").exists():  # saved before the journal existed
        return {"generation": 0, "snapshot": ".", "saved_at": None}
    return {"generation": 0, "snapshot": None, "saved_at": None}


def backend_tables() -> dict[str, list[str]]:
    """Every table's items straight from moto's in-process backend, as the JSON lines save_tables
    writes (the same DynamoDB JSON a GetItem answers). Call it while no write can run."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][os.environ["AWS_DEFAULT_REGION"]]
    tables: dict[str, list[str]] = {}
    for logical in TABLES:
        table = backend.tables.get(db.table(logical))
        if table is not None:
            tables[logical] = [json.dumps(_to_json(item.to_json()["Attributes"]), sort_keys=True)
                               for item in table.all_items()]
    return tables


def table_counts() -> dict[str, int]:
    """Items per table in moto's backend (for the stack's status)."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][os.environ["AWS_DEFAULT_REGION"]]
    return {logical: len(table) for logical in TABLES
            if (table := backend.tables.get(db.table(logical))) is not None}


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_generation(folder: Path, generation: int, tables: dict[str, list[str]]) -> dict:
    """Write `tables` as the snapshot journal generation `generation` starts from, then make it current."""
    relative = f"snapshots/{generation}"
    target = folder / relative
    if target.exists():
        shutil.rmtree(target)
    (target / "dynamodb").mkdir(parents=True)
    for logical, lines in tables.items():
        _atomic_write(target / "dynamodb" / f"{logical}.jsonl", ("\n".join(lines) + "\n" if lines else "").encode())
    _fsync_dir(target / "dynamodb")
    state = {"generation": generation, "snapshot": relative, "saved_at": time.time(),
             "items": {logical: len(lines) for logical, lines in tables.items()}}
    _atomic_write(folder / STATE_FILE, json.dumps(state, indent=1).encode())
    _fsync_dir(folder)
    for old in (folder / "snapshots").iterdir():
        if old.name != str(generation):
            shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(folder / "dynamodb", ignore_errors=True)  # a pre-journal snapshot, now superseded
    return state


def checkpoint(folder: Path, journal) -> dict:
    """A consistent snapshot and a fresh journal generation (see the module's docstring)."""
    started = time.monotonic()
    with journal.lock:  # writes wait meanwhile: the copy's time is what a write may be delayed by
        tables = backend_tables()
        generation = journal.rotate()
    copied = time.monotonic()
    state = write_generation(folder, generation, tables)
    journal.drop_before(generation)
    return {**state, "copy_s": round(copied - started, 3), "write_s": round(time.monotonic() - copied, 3)}
