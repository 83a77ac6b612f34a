"""Fixtures for the recommender: a fake recommender service on loopback, a small priced shop, and a pump
that delivers the outbox's events the way the notification flow does."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from chalicelib.catalog.products import service as products
from chalicelib.core.store import db
from chalicelib.notifications import config
from chalicelib.orders import sales
from chalicelib.recommender import client as rs_client
from chalicelib.recommender import popular
from tests.catalog_fixtures import build_catalog, product_payload


@dataclass
class Seen:
    method: str
    path: str
    query: dict
    body: object


@dataclass
class FakeRecommender:
    """Answers per path (`answers[path] = (status, json)`, default 200 `[]`); records every request.
    `delay` seconds before answering simulates a slow RS."""

    url: str
    answers: dict = field(default_factory=dict)
    requests: list[Seen] = field(default_factory=list)
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def paths(self) -> list[str]:
        return [f"{r.method} {r.path}" for r in self.requests]

    def last(self, path: str) -> Seen:
        return [r for r in self.requests if r.path == path][-1]


@pytest.fixture
def fake_rs(monkeypatch):
    state: dict = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self):
            target: FakeRecommender = state["rs"]
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            with target.lock:
                target.requests.append(Seen(self.command, parts.path, {k: v[-1] for k, v in
                                                                       parse_qs(parts.query).items()},
                                            json.loads(raw) if raw else None))
                status, answer = target.answers.get(parts.path, (200, []))
            if target.delay:
                time.sleep(target.delay)
            payload = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                pass  # the client gave up (timeout test)

        do_GET = do_POST = do_PUT = _answer

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    target = FakeRecommender(url=f"http://127.0.0.1:{server.server_address[1]}")
    state["rs"] = target
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    monkeypatch.setenv("RS_URL", target.url)
    monkeypatch.delenv("RS_ENABLED", raising=False)
    # A loaded test machine must not turn a fake RS's answer into a timeout; the timeout test sets its own.
    monkeypatch.setattr(rs_client, "STOREFRONT_CONNECT_TIMEOUT", 5.0)
    monkeypatch.setattr(rs_client, "STOREFRONT_TIMEOUT", 15.0)
    yield target
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _clean_recommender(monkeypatch):
    """No RS configured unless a test asks for `fake_rs`; the shipped notification config; fresh caches."""
    for name in ("RS_URL", "RS_ENABLED", "NOTIFICATIONS_CONFIG_PATH", "WEBHOOK_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    config.reset()
    rs_client.reset()
    popular.reset()
    yield
    config.reset()
    rs_client.reset()
    popular.reset()


def _validated(payload: dict) -> dict:
    from chalicelib.catalog.products.schemas import PRODUCT

    return PRODUCT.validate(payload)


def make_product(ids: dict, prefix: str, title: str, published: bool = True) -> int:
    return int(products.create_product(_validated(product_payload(ids, sku_prefix=prefix, title=title,
                                                                  published=published)))["id"])


def sell(product_id: int, units: int) -> None:
    """What a checkout leaves behind in the units-sold counters (orders/sales.py)."""
    db.put("main", {**sales.sales_key(product_id), "units": units})


@pytest.fixture
def shop(client, built_once):
    """A priced catalog: CZ with VAT, five published films (ids 1-5) and one unpublished (6); written once
    per worker, then restored (built_once)."""
    from chalicelib.localization import service as localization

    def build() -> dict:
        ids = build_catalog()
        localization.create_country({"code": "CZ", "name": "Czechia", "locale": "cs",
                                     "default_price_list": "CZK_retail"})
        localization.create_vat_group({"name": "Standard", "rate": "21", "country": "CZ", "is_default": True})
        for index, title in enumerate(("Heat", "Alien", "Ronin", "Drive", "Fargo"), start=1):
            ids[title.lower()] = make_product(ids, f"F{index}", title)
        ids["hidden"] = make_product(ids, "F6", "Hidden", published=False)
        return ids

    return built_once("recommender shop", build)


def outbox_events() -> list[dict]:
    """Every event in the outbox as `{event_id, type, payload (decoded), created_at}`."""
    found = []
    for raw in db.client().scan(TableName=db.table("outbox"))["Items"]:
        item = db.deserialize(raw)
        inner = item["events"] if item["type"] == "BATCH" else [item]
        found += [{"event_id": e["event_id"], "type": e["type"], "payload": json.loads(e["payload"]),
                   "raw_payload": e["payload"], "created_at": item["created_at"]} for e in inner]
    return found


def deliver_outbox(types: set[str] | None = None) -> list[str]:
    """Expand the outbox's events into deliveries and run each once, as the dispatcher and the delivery
    handler do; answers the deliveries' statuses."""
    from chalicelib.notifications import clock, flow

    statuses = []
    for event in outbox_events():
        if types is not None and event["type"] not in types:
            continue
        message_event = {"event_id": event["event_id"], "type": event["type"], "payload": event["raw_payload"],
                         "created_at": event["created_at"]}
        for message in flow.expand(message_event, clock.now()):
            statuses.append(flow.deliver_one(json.loads(message)))
    return statuses
