"""Write-ahead journal of the local stack: every write moto accepted is on disk before its answer leaves.

moto keeps its state in memory, and the stack's snapshot (snapshot.py) is written once a minute, so a
crash (SIGKILL, OOM kill) used to lose up to a minute of accepted writes: orders whose e-mail was sent,
registered users, and the order-number counter, whose next order then reused a number. Now:

* DynamoDB: each data-changing request (PutItem, UpdateItem, DeleteItem, BatchWriteItem,
  TransactWriteItems, PartiQL statements) that moto answered with success is appended to
  `.data/journal/<generation>.jsonl` as the exact request body moto received, before the answer is
  returned. The hook wraps moto's `DynamoHandler.call_action`, which moto_serial already runs under its
  lock; the journal's own lock spans apply + append, so the journal's order is the order moto applied
  the writes in, and a checkpoint sees no write half done. Failed writes (a condition that did not hold,
  a cancelled transaction) changed nothing and are not recorded.
* S3 (the media bucket): after a successful PUT/POST/DELETE the bucket is mirrored to `.data/s3/` (only
  objects whose ETag changed are written), also before the answer.

What survives what: each journal line is one `write()` on an O_APPEND file, so it is in the kernel's
page cache when moto answers: a SIGKILL or crash of the stack loses nothing. A power cut or kernel crash
can lose what the kernel had not written out yet; `JOURNAL_FSYNC=1` adds an fdatasync per write (and per
mirrored object) to survive that too, at a cost of a disk flush per write.

Replay: the stack restores the last snapshot, then sends every journaled request again, in order, to the
fresh moto (`replay`). Same starting state + same requests in the same order = the same state: DynamoDB
expressions have no clock (the app sends its timestamps as values) and moto never expires TTL items, so
conditional writes succeed again exactly as they did. A checkpoint (`Journal.checkpoint`) reads the
tables from moto's backend under the journal lock, switches to the next generation's file, writes the
snapshot and only then drops the older journals; a crash anywhere in between replays a journal onto the
snapshot it belongs to (state.json names the snapshot and the first generation to replay).

Not kept: SQS messages in flight and DynamoDB stream positions (both live in moto's memory). The outbox
table is the source of truth for events: restoring writes every outbox item again, so the fresh stream
carries them from TRIM_HORIZON, and the consumers are idempotent (a delivery is created once per
(event, action) with a conditional put, each attempt is claimed conditionally, the sweep requeues
deliveries whose message was lost), so what was pending is delivered and what was delivered is not sent
twice. The search index is rebuilt from the tables at every start.
"""

from __future__ import annotations

import functools
import http.client
import json
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

# DynamoDB operations that can change items (PartiQL statements may be reads; replaying one is harmless).
WRITE_ACTIONS = frozenset({
    "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems",
    "ExecuteStatement", "BatchExecuteStatement", "ExecuteTransaction",
})
DYNAMODB_TARGET_PREFIX = "DynamoDB_20120810."
S3_WRITE_METHODS = frozenset({"PUT", "POST", "DELETE"})

_active: Journal | None = None
_mirrors: dict[str, BucketMirror] = {}
_installed = False


def _status(response) -> int:
    try:
        return int(response[0])
    except (TypeError, ValueError, IndexError):
        return 500


class Journal:
    """The append-only files of one data folder, one per generation (`journal/<generation>.jsonl`)."""

    def __init__(self, folder: Path, generation: int, *, fsync: bool = False):
        self.folder = folder / "journal"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.fsync = fsync
        # Held around apply + append of every write, and while a checkpoint copies the tables.
        self.lock = threading.Lock()
        self.generation = generation
        self.entries = 0  # in the current generation
        self.bytes = 0
        self._fd = self._open(generation)

    def _open(self, generation: int) -> int:
        return os.open(self.folder / f"{generation}.jsonl", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def append(self, action: str, region: str, body: bytes) -> None:
        line = json.dumps({"op": action, "region": region, "body": body.decode("utf-8")},
                          ensure_ascii=False, separators=(",", ":")) + "\n"
        data = line.encode("utf-8")
        written = 0
        while written < len(data):  # one write() in practice; a short write is finished, never dropped
            written += os.write(self._fd, data[written:])
        if self.fsync:
            os.fdatasync(self._fd)
        self.entries += 1
        self.bytes += len(data)

    def rotate(self) -> int:
        """Switch to the next generation's file (call with `lock` held); answers the new generation."""
        old = self._fd
        self.generation += 1
        self._fd = self._open(self.generation)
        os.close(old)
        self.entries = self.bytes = 0
        _fsync_dir(self.folder)
        return self.generation

    def drop_before(self, generation: int) -> None:
        for path in journal_files(self.folder.parent):
            if int(path.stem) < generation:
                path.unlink(missing_ok=True)

    def close(self) -> None:
        with self.lock:
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1

    def status(self) -> dict:
        return {"generation": self.generation, "entries": self.entries, "bytes": self.bytes,
                "path": str(self.folder / f"{self.generation}.jsonl"), "fsync": self.fsync}


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def journal_files(data_dir: Path) -> list[Path]:
    folder = data_dir / "journal"
    if not folder.exists():
        return []
    return sorted((p for p in folder.glob("*.jsonl") if p.stem.isdigit()), key=lambda p: int(p.stem))


def read_entries(data_dir: Path, first_generation: int) -> Iterator[dict]:
    """The journaled requests from `first_generation` on, in order. A last line without its newline was
    cut by the crash before moto answered (the append had not returned): it was never accepted, skip it."""
    for path in journal_files(data_dir):
        if int(path.stem) < first_generation:
            continue
        data = path.read_bytes()
        lines = data.split(b"\n")
        if lines and lines[-1]:
            lines = lines[:-1]
        for line in lines:
            if line.strip():
                yield json.loads(line)


def replay(data_dir: Path, first_generation: int, endpoint: str, access_key: str,
           log: Callable[[str], None]) -> tuple[int, int]:
    """Send the journal's requests to moto at `endpoint` again, in order; answers (sent, failed).

    Plain HTTP with the recorded body, so each request takes the path it took the first time (the serial
    lock, the tables' streams). moto does not check signatures; the Authorization header only tells it the
    region and (by the access key) the account."""
    host, port = endpoint.removeprefix("http://").rstrip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    sent = failed = 0
    try:
        for entry in read_entries(data_dir, first_generation):
            headers = {
                "Content-Type": "application/x-amz-json-1.0",
                "X-Amz-Target": DYNAMODB_TARGET_PREFIX + entry["op"],
                "Authorization": (f"AWS4-HMAC-SHA256 Credential={access_key}/20250101/{entry['region']}/dynamodb/"
                                  "aws4_request, SignedHeaders=content-type;host;x-amz-target, Signature=0"),
            }
            connection.request("POST", "/", body=entry["body"].encode("utf-8"), headers=headers)
            response = connection.getresponse()
            answer = response.read()
            sent += 1
            if response.status != 200:
                failed += 1
                if failed <= 3:  # same start, same order: a failure means the state differs; say so
                    log(f"journal replay: {entry['op']} #{sent} answered {response.status}: {answer[:300]!r}")
    finally:
        connection.close()
    return sent, failed


# --- S3 ------------------------------------------------------------------------------------------------

class BucketMirror:
    """Files of one bucket under `<data>/s3/<bucket>/` (objects/ and meta/, the snapshot's layout), kept
    equal to moto's bucket after every write. `known` maps a key to the ETag on disk."""

    def __init__(self, data_dir: Path, bucket: str, account: str, *, fsync: bool = False):
        self.root = data_dir / "s3" / bucket
        self.bucket = bucket
        self.account = account
        self.fsync = fsync
        self.lock = threading.Lock()
        self.known: dict[str, str] = {}
        meta = self.root / "meta"
        if meta.exists():
            for path in meta.rglob("*.json"):
                key = path.relative_to(meta).as_posix().removesuffix(".json")
                try:
                    self.known[key] = json.loads(path.read_text()).get("ETag", "")
                except (OSError, ValueError):
                    continue

    def _write(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        with open(temporary, "wb") as handle:
            handle.write(data)
            if self.fsync:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temporary, path)

    def sync(self) -> int:
        """Write changed objects, drop deleted ones; answers how many files changed."""
        from moto.s3.models import s3_backends

        with self.lock:
            backend = s3_backends[self.account]["aws"]
            bucket = backend.buckets.get(self.bucket)
            if bucket is None:
                return 0
            current = {name: key for name, key in bucket.keys.items() if key is not None}
            changed = 0
            for name, key in current.items():
                etag = key.etag
                if self.known.get(name) == etag:
                    continue
                self._write(self.root / "objects" / name, key.value)
                meta = {"ContentType": key.metadata.get("content-type") or "binary/octet-stream", "ETag": etag}
                self._write(self.root / "meta" / (name + ".json"), json.dumps(meta).encode())
                self.known[name] = etag
                changed += 1
            for name in [n for n in self.known if n not in current]:
                (self.root / "objects" / name).unlink(missing_ok=True)
                (self.root / "meta" / (name + ".json")).unlink(missing_ok=True)
                del self.known[name]
                changed += 1
            return changed


# --- hooks into moto -------------------------------------------------------------------------------

def _journaled(call_action):
    @functools.wraps(call_action)
    def wrapper(self):
        journal = _active
        if journal is None:
            return call_action(self)
        action = self._get_action()
        if action not in WRITE_ACTIONS:
            return call_action(self)
        with journal.lock:
            response = call_action(self)
            if _status(response) == 200:
                journal.append(action, self.region, self.raw_body or b"")
        return response

    return wrapper


def _mirrored(handler):
    @functools.wraps(handler)
    def wrapper(self, request, full_url, headers, *args, **kwargs):
        response = handler(self, request, full_url, headers, *args, **kwargs)
        if _mirrors and request.method in S3_WRITE_METHODS and _status(response) < 300:
            try:
                mirror = _mirrors.get(self.parse_bucket_name_from_url(request, full_url))
            except Exception:  # noqa: BLE001 - a request moto could not place names no bucket of ours
                mirror = None
            if mirror is not None:
                mirror.sync()
        return response

    return wrapper


def install() -> None:
    """Wrap moto's DynamoDB and S3 handlers once per process (inactive until `activate`)."""
    global _installed
    if _installed:
        return
    from moto.dynamodb.responses import DynamoHandler
    from moto.s3.responses import S3Response

    DynamoHandler.call_action = _journaled(DynamoHandler.call_action)
    S3Response.bucket_response = _mirrored(S3Response.bucket_response)
    S3Response.key_response = _mirrored(S3Response.key_response)
    _installed = True


def activate(journal: Journal | None, mirrors: list[BucketMirror] = ()) -> None:
    """Start (or with None stop) recording. Restore and replay run before this, unrecorded."""
    global _active
    _active = journal
    _mirrors.clear()
    _mirrors.update({mirror.bucket: mirror for mirror in mirrors})


def active() -> Journal | None:
    return _active
