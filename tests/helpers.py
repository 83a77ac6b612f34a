"""Helpers for HTTP tests: users with given rights, their tokens, and JSON requests."""

from __future__ import annotations

import json
import threading
import time

from chalicelib.core.auth import tokens
from chalicelib.core.store import db, keys
from chalicelib.users import service, store


def make_user(email: str = "user@example.com", password: str = "secret-pass", *, staff: bool = False,
              admin: bool = False, permissions: tuple[str, ...] = (), groups: tuple[str, ...] = ()) -> dict:
    service.register(email, password, is_staff=staff, is_admin=admin)
    if permissions or groups:
        db.update("main", keys.user(email), set_fields={"user_permissions": list(permissions),
                                                         "groups": list(groups)})
    return store.get_user(email)


def token_for(email: str, dashboard_user: bool = False) -> str:
    _refresh, access = tokens.issue_pair(email, dashboard_user)
    return access


def auth(email: str, scheme: str = "JWT") -> dict:
    return {"Authorization": f"{scheme} {token_for(email)}"}


def call(client, method: str, path: str, body=None, headers: dict | None = None, raw: str | None = None):
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    payload = raw if raw is not None else (json.dumps(body) if body is not None else None)
    return client.http.request(method, path, headers=all_headers, body=payload)


def body(response):
    return json.loads(response.body) if response.body else None


def table_items(logical: str = "main") -> list[dict]:
    """Every item of a table in key order (a Scan: test-only), e.g. to assert that a rejected write wrote
    nothing."""
    items, request = [], {"TableName": db.table(logical)}
    while True:
        response = db.client().scan(**request)
        items += [db.deserialize(raw) for raw in response.get("Items", [])]
        if "LastEvaluatedKey" not in response:
            return sorted(items, key=lambda i: (i["PK"], i["SK"]))
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]


class AwsCalls:
    """Counts the DynamoDB API calls made inside a `with` block (`.operations` lists their names), and how
    they overlapped: `most_in_flight` is the most calls under way at once, `round_trips` the number of
    serial waits (a call started while none was under way; calls issued together count once), and
    `aws_seconds` the wall time during which at least one call was under way (what the request waited
    for AWS), `aws_cpu_seconds` the CPU time the calls took on their threads (botocore and in-process
    moto: subtracted from the process's CPU time it leaves the app's own, unaffected by a loaded machine).
    Thread-safe: calls made from a request's worker threads (core/store/parallel.py) count.

    `latency` (seconds) is added to every call, as a network round trip would be: in-process moto
    answers in about a millisecond while holding the GIL, so calls issued together may not overlap
    without it; with it they do, as they would against DynamoDB, and `round_trips` counts what a
    request would wait for."""

    def __init__(self, latency: float = 0.0):
        self._lock = threading.Lock()
        self._thread = threading.local()
        self.latency = latency
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.operations: list[str] = []
            self.in_flight = self.most_in_flight = self.round_trips = 0
            self.aws_seconds = self.aws_cpu_seconds = 0.0
            self._since = 0.0

    def _before(self, event_name, **_kwargs):
        with self._lock:
            self.operations.append(event_name.rsplit(".", 1)[-1])
            if self.in_flight == 0:
                self.round_trips += 1
                self._since = time.perf_counter()
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        if self.latency:
            time.sleep(self.latency)
        self._thread.cpu = time.thread_time()

    def _after(self, **_kwargs):
        spent = time.thread_time() - getattr(self._thread, "cpu", time.thread_time())
        with self._lock:
            self.aws_cpu_seconds += spent
            self.in_flight -= 1
            if self.in_flight == 0:
                self.aws_seconds += time.perf_counter() - self._since

    _HOOKS = (("before-call.dynamodb", "_before"), ("after-call.dynamodb", "_after"),
              ("after-call-error.dynamodb", "_after"))

    def __enter__(self):
        events = db.client().meta.events
        for event, handler in self._HOOKS:
            events.register(event, getattr(self, handler), unique_id=f"aws-calls-{id(self)}-{event}")
        return self

    def __exit__(self, *exc):
        events = db.client().meta.events
        for event, _handler in self._HOOKS:
            events.unregister(event, unique_id=f"aws-calls-{id(self)}-{event}")

    def __len__(self):
        return len(self.operations)
