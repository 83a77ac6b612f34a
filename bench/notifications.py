"""Notification flow benchmark: deliveries per second through the delivery handler to a local HTTP
receiver, and the events -> deliveries fan-out rate of the dispatcher.

Both run the Lambda handlers registered on the app (`notify_deliver`, `notify_dispatch`) with Lambda
SQS events, against moto in this process (DynamoDB, SQS) and a receiver in a child process on
127.0.0.1 (so it does not compete for this process's GIL). The figures therefore include moto's cost
per DynamoDB call, which dominates; real DynamoDB answers in single-digit milliseconds too, but many
calls proceed in parallel.

* deliveries/s: batches of 10 messages (the event source's batch size), each delivery claimed,
  POSTed (signed) and recorded; median of the runs. Setup (writing the PENDING deliveries) is not timed.
* `--aws server` runs moto as its own process (as DynamoDB is remote), `--aws inprocess` (default) in this one.
* `--store memory` replaces the delivery log's DynamoDB calls (claim, outcome) by an in-memory store
  with the same conditional semantics: the handler's own ceiling (HTTP, signing, JSON, the thread pool),
  without the emulator's cost; `--latency-ms 5` adds a DynamoDB-like round trip to each of those calls.
* fan-out: batches of 10 events, each expanded into ACTIONS deliveries (conditional writes + messages on
  the deliveries queue); events/s and deliveries/s, median of the runs. The deliveries queue is emptied
  between batches, untimed: moto's SQS slows down with the queue's length, real SQS does not.

    .venv/bin/python bench/notifications.py [--runs 5] [--deliveries 300] [--events 100] [--actions 3]
                                            [--store moto|memory] [--latency-ms 0] [--aws inprocess|server]
                                            [--concurrency 10]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ENV = {
    "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "eu-central-1",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled", "TABLE_PREFIX": "bench", "STAGE": "bench",
    "JWT_SIGNING_KEY": "bench-signing-key-bench-signing-key-0123",
    "WEBHOOK_SECRETS": "whsec_" + "YmVuY2gtc2VjcmV0LWJlbmNoLXNlY3JldA==",
}

RECEIVER = r"""
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = b'{"ok":true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
"""


class Context:
    function_name = "bench"
    aws_request_id = "bench"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 30_000


class MemoryStore:
    """The delivery log's write path in memory, with the conditions store.py puts on DynamoDB. `latency`
    seconds are waited (GIL released) before each claim and outcome, as a round trip to DynamoDB would."""

    def __init__(self, latency: float = 0.0):
        import threading

        self.items: dict[str, dict] = {}
        self.lock = threading.Lock()
        self.latency = latency

    def create(self, item):
        with self.lock:
            if item["delivery_id"] in self.items:
                return None
            self.items[item["delivery_id"]] = json.loads(json.dumps(item, default=str))
            return item

    def get(self, delivery_id, consistent=True):
        with self.lock:
            return dict(self.items[delivery_id]) if delivery_id in self.items else None

    def claim(self, delivery_id, attempt, now, *, attempt_base=None, return_item=True):
        time.sleep(self.latency)
        with self.lock:
            item = self.items.get(delivery_id)
            if (not item or item["status"] != "PENDING" or item["attempts"] != attempt - 1
                    or (attempt_base is not None and item["attempt_base"] != attempt_base)):
                return None
            item.update(status="SENDING", attempts=attempt)
            return dict(item) if return_item else True

    def finish(self, item, *, status, entry, now, due=None, first_attempt_at=None, expect_status="SENDING",
               expect_gsi1sk=None):
        time.sleep(self.latency)
        with self.lock:
            stored = self.items.get(item["delivery_id"])
            if not stored or stored["status"] != expect_status or stored["attempts"] != item["attempts"]:
                return False
            stored["status"] = status
            stored["log"] = stored.get("log", []) + [json.loads(json.dumps(entry, default=str))]
            return True

    def append_log(self, delivery_id, entry):
        with self.lock:
            self.items[delivery_id]["log"].append(entry)


def sqs_event(bodies: list[str]) -> dict:
    return {"Records": [{"messageId": uuid.uuid4().hex, "receiptHandle": "r", "body": body, "attributes": {},
                         "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
                         "eventSourceARN": "arn:aws:sqs:eu-central-1:123456789012:bench", "awsRegion": "eu-central-1"}
                        for body in bodies]}


def bench_deliveries(app, count: int, runs: int, memory: bool = False, latency: float = 0.0) -> list[float]:
    from chalicelib.notifications import clock, flow, store

    if memory:
        fake = MemoryStore(latency)
        for name in ("create", "get", "claim", "finish", "append_log"):
            setattr(store, name, getattr(fake, name))

    handler = app.handler_map["notify_deliver"]
    action = {"type": "HTTP", "method": "POST", "url": "${BENCH_RECEIVER}/hook"}
    payload = json.dumps({"token": "t", "order": {"cart": {"cart_items": [{"sku": "A", "quantity": 1}] * 5}}})
    rates = []
    for run in range(runs + 1):  # the first run warms up (imports, connections) and is not counted
        now = clock.now()
        items = []
        for n in range(count):
            item = store.new_item(event_id=f"r{run}-{n}", trigger="ORDER_SAVE", action_index=0, action=action,
                                  payload=payload, event_created_at=None, status="PENDING", due=now, now=now)
            store.create(item)
            items.append(item)
        ids = [item["delivery_id"] for item in items]
        events = [sqs_event([flow.delivery_message(item, 1) for item in items[i:i + 10]])
                  for i in range(0, count, 10)]
        started = time.perf_counter()
        for event in events:
            result = handler(event, Context())
            assert result == {"batchItemFailures": []}, result
        elapsed = time.perf_counter() - started
        done = sum(1 for d in ids if store.get(d)["status"] == "SUCCEEDED")
        assert done == count, f"{done} of {count} succeeded"
        if run:
            rates.append(count / elapsed)
    return rates


def drain(sqs, url: str) -> None:
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
        if not messages:
            return
        sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                                                        for i, m in enumerate(messages)])


def bench_fanout(app, events: int, actions: int, runs: int) -> list[tuple[float, float]]:
    from chalicelib.core import queues
    from chalicelib.core.http.jsonutil import dumps

    handler = app.handler_map["notify_dispatch"]
    sqs = queues.client()
    url = queues.queue_url("deliveries")
    rates = []
    for run in range(runs + 1):
        bodies = [dumps({"event_id": f"f{run}-{n}", "type": "PRODUCT_SAVE", "payload": dumps({"id": n}),
                         "created_at": None, "deliver_after_seconds": 0}) for n in range(events)]
        elapsed = 0.0
        for start in range(0, events, 10):
            event = sqs_event(bodies[start:start + 10])
            started = time.perf_counter()
            result = handler(event, Context())
            elapsed += time.perf_counter() - started
            assert result == {"batchItemFailures": []}, result
            drain(sqs, url)
        if run:
            rates.append((events / elapsed, events * actions / elapsed))
    return rates


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@contextlib.contextmanager
def _emulated_aws(where: str):
    """moto for the run: a `moto.server` child process (boto3 reaches it through AWS_ENDPOINT_URL), or the
    in-process mock."""
    if where == "inprocess":
        from moto import mock_aws

        with mock_aws():
            yield
        return
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not _listening(port):
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("moto.server did not start")
            time.sleep(0.1)
        os.environ["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{port}"
        yield
    finally:
        os.environ.pop("AWS_ENDPOINT_URL", None)
        server.terminate()
        server.wait(timeout=10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--deliveries", type=int, default=300)
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--actions", type=int, default=3)
    parser.add_argument("--store", choices=("moto", "memory"), default="moto")
    parser.add_argument("--latency-ms", type=float, default=0.0,
                        help="with --store memory: a round trip to DynamoDB per claim and outcome (e.g. 5)")
    parser.add_argument("--aws", choices=("server", "inprocess"), default="inprocess",
                        help="moto as its own process on 127.0.0.1, as DynamoDB and SQS are remote in AWS "
                             "(default), or inside this process, where it competes for this process's GIL")
    parser.add_argument("--concurrency", type=int, default=None,
                        help="attempts run in parallel per batch (the handler's default: 10)")
    args = parser.parse_args(argv)

    os.environ.update(ENV)
    receiver = subprocess.Popen([sys.executable, "-c", RECEIVER], stdout=subprocess.PIPE, text=True)
    try:
        port = int(receiver.stdout.readline())
        os.environ["BENCH_RECEIVER"] = f"http://127.0.0.1:{port}"
        config_path = Path(tempfile.mkdtemp()) / "notifications.json"
        hook = {"type": "HTTP", "method": "POST", "url": "${BENCH_RECEIVER}/product"}
        config_path.write_text(json.dumps({"PRODUCT_SAVE": [hook] * args.actions}))
        os.environ["NOTIFICATIONS_CONFIG_PATH"] = str(config_path)

        with _emulated_aws(args.aws):
            from chalicelib.core import queues
            from chalicelib.core.store.migrate import ensure_tables

            ensure_tables(log=lambda line: None)
            queues.ensure_queues(log=lambda line: None)
            from app import app
            from chalicelib.notifications import flow

            if args.concurrency:
                flow.DELIVERY_CONCURRENCY = args.concurrency
            fanout = bench_fanout(app, args.events, args.actions, args.runs)
            delivery_rates = bench_deliveries(app, args.deliveries, args.runs, memory=args.store == "memory",
                                              latency=args.latency_ms / 1000)
    finally:
        receiver.terminate()
        receiver.wait(timeout=10)

    from chalicelib.notifications import flow

    log = f"in-memory, {args.latency_ms:g} ms per call" if args.store == "memory" else f"moto {args.aws}"
    print(f"delivery handler -> local HTTP receiver ({log} delivery log, {flow.DELIVERY_CONCURRENCY} in "
          f"parallel per batch): {statistics.median(delivery_rates):.0f} deliveries/s "
          f"(median of {args.runs} runs of {args.deliveries}; runs: "
          + ", ".join(f"{r:.0f}" for r in delivery_rates) + ")")
    event_rates = [e for e, _d in fanout]
    delivery_fanout = [d for _e, d in fanout]
    print(f"dispatcher fan-out ({args.actions} actions/event): {statistics.median(event_rates):.0f} events/s -> "
          f"{statistics.median(delivery_fanout):.0f} deliveries/s (median of {args.runs} runs of {args.events} events)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
