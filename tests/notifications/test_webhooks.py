"""The HTTP action end to end: outbox -> stream -> dispatcher -> deliveries -> a local receiver, with the
retry schedule driven by the test clock."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket

import pytest

from chalicelib.notifications import clock, handlers, retry, store
from tests.notifications.conftest import put_event

ORDER_HOOK = {"ORDER_SAVE": [{"type": "HTTP", "method": "POST", "url": "${WEBHOOK_BASE_URL}/api/order",
                              "headers": {"X-Shop": "ecoseller", "Authorization": "Bearer ${HOOK_TOKEN}"}}]}
PAYLOAD = {"token": "0f6c2a9e", "customer_email": "jane@example.com", "order": {"token": "0f6c2a9e"},
           "product_variants": [["SH-2", 2]], "_model_class": "Order", "session_id": "s1"}


@pytest.fixture
def hook(harness, receiver, notification_env, monkeypatch):
    notification_env(ORDER_HOOK)
    monkeypatch.setenv("WEBHOOK_BASE_URL", receiver.url)
    monkeypatch.setenv("HOOK_TOKEN", "t0ken")
    return receiver


def attempt_times(delivery: dict) -> list[float]:
    return [clock.parse_iso(entry["at"]) for entry in delivery["log"]]


def test_500_three_times_then_200_gets_exactly_four_attempts_and_one_success(harness, hook):
    hook.script = [500, 500, 500]
    put_event("ORDER_SAVE", PAYLOAD)
    harness.run()

    assert hook.paths() == ["POST /api/order"] * 4
    (delivery,) = harness.deliveries()
    assert delivery["status"] == "SUCCEEDED"
    assert delivery["attempts"] == 4
    assert [(e["outcome"], e["status_code"]) for e in delivery["log"]] == [
        ("RETRY", 500), ("RETRY", 500), ("RETRY", 500), ("SUCCEEDED", 200)]
    assert all(e["duration_ms"] >= 0 and e["response"] == '{"ok": true}' for e in delivery["log"])
    # The same webhook-id on every retry (receivers deduplicate on it), the body is the payload.
    assert {r.headers["webhook-id"] for r in hook.requests} == {delivery["delivery_id"]}
    assert hook.requests[-1].json() == PAYLOAD
    assert hook.requests[-1].headers["X-Shop"] == "ecoseller"
    assert hook.requests[-1].headers["Authorization"] == "Bearer t0ken"
    assert hook.requests[-1].headers["Content-Type"] == "application/json"
    # Each retry inside its backoff window, counted from the first attempt.
    times = attempt_times(delivery)
    for number, at in enumerate(times[1:], start=2):
        low, high = retry.window(number)
        assert low <= at - times[0] <= high + 1
    assert float(delivery["ttl"]) == pytest.approx(times[-1] + 14 * 24 * 3600, abs=5)


def test_a_receiver_that_always_fails_ends_in_the_dlq_after_eight_or_more_attempts_over_four_hours(harness, hook):
    hook.default = 503
    put_event("ORDER_SAVE", PAYLOAD)
    harness.run()

    (delivery,) = harness.deliveries()
    assert delivery["status"] == "FAILED"
    assert len(delivery["log"]) == delivery["attempts"] == retry.MAX_ATTEMPTS >= 8
    assert len(hook.requests) == retry.MAX_ATTEMPTS
    times = attempt_times(delivery)
    assert times == sorted(times)
    assert times[-1] - times[0] >= 4 * 3600
    assert "gave up after 10 attempts" in delivery["log"][-1]["error"]
    assert float(delivery["ttl"]) == pytest.approx(times[-1] + 30 * 24 * 3600, abs=5)
    (dead,) = harness.receive("deliveries", dlq=True)
    body = json.loads(dead["Body"])
    assert body["delivery_id"] == delivery["delivery_id"] and body["trigger"] == "ORDER_SAVE"
    assert body["attempts"] == retry.MAX_ATTEMPTS


def test_a_receiver_answering_400_gets_no_retry(harness, hook):
    hook.default = 400
    put_event("ORDER_SAVE", PAYLOAD)
    harness.run()

    assert len(hook.requests) == 1
    (delivery,) = harness.deliveries()
    assert delivery["status"] == "FAILED" and delivery["attempts"] == 1
    assert delivery["log"][0]["status_code"] == 400 and delivery["log"][0]["outcome"] == "FAILED"
    assert len(harness.receive("deliveries", dlq=True)) == 1


@pytest.mark.parametrize("status", [408, 429, 502])
def test_retryable_statuses_are_retried(harness, hook, status):
    hook.script = [status]
    put_event("ORDER_SAVE", PAYLOAD)
    harness.run()
    (delivery,) = harness.deliveries()
    assert [e["status_code"] for e in delivery["log"]] == [status, 200]


def test_retry_after_pushes_the_next_attempt_later(harness, hook):
    hook.script = [429]
    hook.extra_headers = {"Retry-After": "1800"}
    put_event("ORDER_SAVE", PAYLOAD)
    harness.pump_stream()
    harness.pump_queue("events")
    harness.pump_queue("deliveries")
    (delivery,) = harness.deliveries()
    assert delivery["status"] == "RETRYING"
    assert store.due_of(delivery) >= harness.clock.now + 1800 - 1


def test_network_errors_are_retried(harness, receiver, notification_env, monkeypatch):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    notification_env(ORDER_HOOK)
    monkeypatch.setenv("WEBHOOK_BASE_URL", f"http://127.0.0.1:{closed}")
    put_event("ORDER_SAVE", PAYLOAD)
    harness.pump_stream()
    harness.pump_queue("events")
    harness.pump_queue("deliveries")
    (delivery,) = harness.deliveries()
    assert delivery["status"] == "RETRYING"
    assert delivery["log"][0]["outcome"] == "RETRY"
    assert delivery["log"][0]["error"].startswith("network error")
    # The receiver comes up at that address: the next attempt succeeds.
    monkeypatch.setenv("WEBHOOK_BASE_URL", receiver.url)
    harness.run()
    assert harness.deliveries()[0]["status"] == "SUCCEEDED"


def test_only_the_first_kib_of_the_response_is_kept(harness, hook):
    hook.body = ("é" * 3000).encode()
    put_event("ORDER_SAVE", PAYLOAD)
    harness.run()
    (delivery,) = harness.deliveries()
    assert len(delivery["log"][0]["response"].encode()) <= 1024
    assert delivery["log"][0]["response"].startswith("éé")


def test_signature_verifies_independently_with_both_rotation_secrets(harness, hook, monkeypatch):
    new_key = b"0123456789abcdef0123456789abcdef"
    new = "whsec_" + base64.b64encode(new_key).decode()
    old = "an-old-raw-secret"
    monkeypatch.setenv("WEBHOOK_SECRETS", f"{new} {old}")
    put_event("ORDER_SAVE", PAYLOAD)
    harness.run()

    (request,) = hook.requests
    message_id = request.headers["webhook-id"]
    timestamp = request.headers["webhook-timestamp"]
    assert int(timestamp) == int(harness.clock.now)
    signed = f"{message_id}.{timestamp}.".encode() + request.body
    expected = {
        "v1," + base64.b64encode(hmac.new(new_key, signed, hashlib.sha256).digest()).decode(),
        "v1," + base64.b64encode(hmac.new(old.encode(), signed, hashlib.sha256).digest()).decode(),
    }
    assert set(request.headers["webhook-signature"].split(" ")) == expected
    assert json.loads(request.body) == PAYLOAD


def test_without_secrets_there_is_no_signature(harness, hook):
    put_event("ORDER_SAVE", PAYLOAD)
    harness.run()
    (request,) = hook.requests
    assert "webhook-signature" not in request.headers and request.headers["webhook-id"]


def test_a_duplicated_sqs_message_yields_one_http_call(harness, hook):
    put_event("ORDER_SAVE", PAYLOAD)
    harness.pump_stream()
    harness.pump_queue("events")
    (message,) = harness.receive("deliveries")
    # SQS delivers at least once: the same message twice in one batch, and once more later.
    event = harness.client.events.generate_sqs_event([message["Body"], message["Body"]], queue_name="deliveries")
    event["Records"][1]["messageId"] = "second-copy"
    assert harness.invoke(handlers.DELIVER_HANDLER, event) == {"batchItemFailures": []}
    again = harness.client.events.generate_sqs_event([message["Body"]], queue_name="deliveries")
    assert harness.invoke(handlers.DELIVER_HANDLER, again) == {"batchItemFailures": []}

    assert len(hook.requests) == 1
    (delivery,) = harness.deliveries()
    assert delivery["status"] == "SUCCEEDED" and len(delivery["log"]) == 1


def test_a_duplicated_event_yields_one_delivery_and_one_call(harness, hook):
    put_event("ORDER_SAVE", PAYLOAD, event_id="evt-duplicate")
    records = harness.stream_records()
    # The stream record is processed twice (a retried stream batch): two identical event messages.
    harness.invoke(handlers.OUTBOX_HANDLER, {"Records": records})
    harness.invoke(handlers.OUTBOX_HANDLER, {"Records": records})
    harness.run()
    assert len(hook.requests) == 1
    assert [d["delivery_id"] for d in harness.deliveries()] == ["evt-duplicate.0"]


def test_a_lost_attempt_is_retried_after_its_lease(harness, hook, monkeypatch):
    """A handler that dies mid-attempt (timeout, crash) leaves the delivery SENDING; the sweep retries it."""
    from chalicelib.notifications import flow

    put_event("ORDER_SAVE", PAYLOAD)
    harness.pump_stream()
    harness.pump_queue("events")
    with monkeypatch.context() as patch:
        patch.setattr(flow, "record_outcome", lambda *args, **kwargs: None)  # the attempt never reports back
        harness.pump_queue("deliveries")
    (stuck,) = harness.deliveries()
    assert stuck["status"] == "SENDING"
    harness.run()
    (delivery,) = harness.deliveries()
    assert delivery["status"] == "SUCCEEDED"
    assert [e["outcome"] for e in delivery["log"]] == ["RETRY", "SUCCEEDED"]
    assert "lease" in delivery["log"][0]["error"]
    assert len(hook.requests) == 2  # at least once: the lost attempt may have reached the receiver
