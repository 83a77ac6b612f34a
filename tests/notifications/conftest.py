"""Fixtures for the notification flow: queues in moto, a test clock, a local HTTP receiver, and a
harness that drives the handlers the way Lambda does (stream records and SQS messages in, partial
batch responses honoured), through `chalice.test.Client`."""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from chalicelib.core import queues
from chalicelib.core.store import db
from chalicelib.notifications import clock, config, flow, handlers, store
from infra.local.events import sqs_record, stream_record


class TestClock:
    """Starts at the real time (outbox items carry real creation times) and moves only when told."""

    def __init__(self, start: float | None = None):
        self.now = time.time() if start is None else start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def set(self, epoch: float) -> None:
        self.now = max(self.now, epoch)


@pytest.fixture
def test_clock():
    fake = TestClock()
    clock.set_clock(fake)
    clock.set_random(random.Random(7))
    yield fake
    clock.set_clock(None)
    clock.set_random(None)


# --- the local HTTP receiver ---------------------------------------------------------------------------

@dataclass
class Received:
    method: str
    path: str
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass
class Receiver:
    url: str
    requests: list[Received] = field(default_factory=list)
    # Status codes to answer in turn; once used up, `default` (a callable may pick per request).
    script: list[int] = field(default_factory=list)
    default: int = 200
    body: bytes = b'{"ok": true}'
    extra_headers: dict = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def paths(self) -> list[str]:
        return [f"{r.method} {r.path}" for r in self.requests]


@pytest.fixture
def receiver():
    state: dict = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out as separate writes

        def _answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            target: Receiver = state["receiver"]
            with target.lock:
                target.requests.append(Received(self.command, self.path, dict(self.headers), body))
                status = target.script.pop(0) if target.script else target.default
            payload = target.body if self.command != "HEAD" else b""
            self.send_response(status)
            for name, value in target.extra_headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _answer

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    target = Receiver(url=f"http://127.0.0.1:{server.server_address[1]}")
    state["receiver"] = target
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    yield target
    server.shutdown()
    server.server_close()


# --- configuration -------------------------------------------------------------------------------------

@pytest.fixture
def notification_env(monkeypatch, tmp_path):
    """A clean notification environment: nothing configured, the shipped config."""
    for name in ("WEBHOOK_BASE_URL", "WEBHOOK_SECRETS", "WEBHOOK_SECRET", "RS_URL", "RS_ENABLED", "EMAIL_FROM",
                 "STOREFRONT_URL", "NOTIFICATIONS_CONFIG_PATH", "OUTBOX_STREAM_ARN", "EMAIL_REPLY_TO",
                 "SES_CONFIGURATION_SET"):
        monkeypatch.delenv(name, raising=False)
    config.reset()

    def use_config(data: dict) -> Path:
        path = tmp_path / f"notifications-{len(list(tmp_path.iterdir()))}.json"
        path.write_text(json.dumps(data))
        monkeypatch.setenv("NOTIFICATIONS_CONFIG_PATH", str(path))
        return path

    yield use_config
    config.reset()


# --- the harness ----------------------------------------------------------------------------------------

class Harness:
    """Drives stream -> dispatcher -> deliveries -> sweep through the registered handlers."""

    def __init__(self, client, test_clock: TestClock):
        self.client = client
        self.clock = test_clock
        self.sqs = queues.client()
        self._checkpoints: dict[str, str] = {}
        self.responses: list[tuple[str, dict]] = []

    def invoke(self, name: str, event: dict):
        payload = self.client.lambda_.invoke(name, event).payload
        self.responses.append((name, payload))
        return payload

    # stream
    def stream_records(self) -> list[dict]:
        """New records of the outbox table's stream since the last call (read from moto's stream)."""
        streams = db.aws_client("dynamodbstreams")
        arn = db.client().describe_table(TableName=db.table("outbox"))["Table"]["LatestStreamArn"]
        found = []
        for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
            shard_id = shard["ShardId"]
            checkpoint = self._checkpoints.get(shard_id)
            kwargs = ({"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": checkpoint} if checkpoint
                      else {"ShardIteratorType": "TRIM_HORIZON"})
            iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard_id, **kwargs)["ShardIterator"]
            records = streams.get_records(ShardIterator=iterator, Limit=1000)["Records"]
            found += [stream_record(r, arn) for r in records]
            if records:
                self._checkpoints[shard_id] = records[-1]["dynamodb"]["SequenceNumber"]
        return found

    def pump_stream(self) -> int:
        records = self.stream_records()
        if records:
            response = self.invoke(handlers.OUTBOX_HANDLER, {"Records": records})
            assert response == {"batchItemFailures": []}, response
        return len(records)

    # queues
    def receive(self, logical: str, dlq: bool = False, max_messages: int = 10) -> list[dict]:
        url = queues.dlq_url(logical) if dlq else queues.queue_url(logical)
        return self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=max_messages, WaitTimeSeconds=0,
                                        MessageSystemAttributeNames=["All"]).get("Messages", [])

    def pump_queue(self, logical: str) -> int:
        """Feed the queue's messages to its consumer until it is empty; delete what succeeded."""
        spec = queues.QUEUES[logical]
        url = queues.queue_url(logical)
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        handled = 0
        while True:
            messages = self.receive(logical)
            if not messages:
                return handled
            records = [sqs_record(m, arn) for m in messages]
            response = self.invoke(spec.consumer, {"Records": records})
            failed = {f["itemIdentifier"] for f in (response or {}).get("batchItemFailures", [])}
            assert not failed, response
            for record in records:
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=record["receiptHandle"])
            handled += len(records)

    def sweep(self):
        event = self.client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={},
                                                     resources=[])
        return self.invoke(handlers.SWEEP_HANDLER, event)

    def run(self, max_rounds: int = 60, advance: bool = True) -> None:
        """Run everything until no delivery is active (advancing the test clock to each due time)."""
        for _ in range(max_rounds):
            self.pump_stream()
            self.pump_queue("events")
            self.pump_queue("deliveries")
            due = store.next_due()
            if due is None:
                return
            if not advance:
                return
            self.clock.set(due)
            self.sweep()
        raise AssertionError("deliveries still active after the round limit")

    def deliveries(self, **filters) -> list[dict]:
        items = db.client().scan(TableName=db.table("main"))["Items"]
        found = [db.deserialize(i) for i in items if i["PK"]["S"].startswith("DELIVERY#")]
        return sorted((i for i in found if all(i.get(k) == v for k, v in filters.items())),
                      key=lambda i: (i["event_created_at"], i["delivery_id"]))


@pytest.fixture
def harness(client, test_clock, notification_env, monkeypatch) -> Harness:
    queues.ensure_queues(log=lambda line: None)
    monkeypatch.setattr(flow, "DELIVERY_CONCURRENCY", 1)  # moto in-process: keep tests deterministic
    return Harness(client, test_clock)


def put_event(event_type: str, payload: dict | list, *, event_id: str | None = None, delay: int = 0,
              checked: bool = False) -> dict:
    """Write one outbox item the way a service's transaction does; the payload is held to its type only
    when `checked` (the flow's tests send stubs: the flow does not read payloads)."""
    from unittest import mock

    from chalicelib.core import events

    with mock.patch.dict(events._PAYLOAD_CHECKS, clear=not checked):
        item = events.event_item(event_type, payload, delay_seconds=delay)
    if event_id:
        item["PK"] = item["event_id"] = event_id
    db.put("outbox", item)
    return item


@pytest.fixture
def send_event(harness) -> Callable[..., dict]:
    return put_event
