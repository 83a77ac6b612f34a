"""The event flow: outbox stream -> events queue -> dispatcher -> deliveries, with the shipped config."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from chalicelib.core import queues
from chalicelib.core.store import db
from chalicelib.notifications import clock, flow, handlers
from tests.notifications.conftest import put_event

STREAM_ARN = "arn:aws:dynamodb:eu-central-1:123456789012:table/test-outbox/stream/2026-01-01T00:00:00.000"


def _stream_record(sequence: str, image: dict | None, event_name: str = "INSERT") -> dict:
    """A Lambda DynamoDB stream record, built by hand."""
    dynamodb = {"ApproximateCreationDateTime": 1764355200, "Keys": {"PK": {"S": "x"}, "SK": {"S": "EVENT"}},
                "SequenceNumber": sequence, "SizeBytes": 100, "StreamViewType": "NEW_IMAGE"}
    if image is not None:
        dynamodb["NewImage"] = db.serialize(image)
    return {"eventID": f"id-{sequence}", "eventName": event_name, "eventVersion": "1.1", "eventSource": "aws:dynamodb",
            "awsRegion": "eu-central-1", "dynamodb": dynamodb,
            "eventSourceARN": STREAM_ARN}


def test_a_product_saved_through_the_product_service_reaches_the_recommender_and_the_webhook(
        harness, receiver, monkeypatch):
    from chalicelib.catalog.products import schemas as product_schemas
    from chalicelib.catalog.products import service as products
    from tests.catalog_fixtures import build_catalog, product_payload

    monkeypatch.setenv("WEBHOOK_BASE_URL", receiver.url)  # the shipped config, pointed at the local receiver
    monkeypatch.setenv("RS_URL", receiver.url + "/")
    ids = build_catalog()
    harness.run()  # the catalog's own events (categories, attribute types, ...) go first
    receiver.requests.clear()

    product = products.create_product(product_schemas.PRODUCT.validate(product_payload(ids)))
    harness.run()

    product_calls = [r for r in receiver.requests
                     if isinstance(r.json(), dict) and r.json().get("_model_class") == "Product"]
    assert sorted(r.path for r in product_calls) == ["/api/product", "/store_object"]
    webhook = next(r for r in product_calls if r.path == "/api/product")
    assert webhook.json()["id"] == product["id"] and webhook.json()["product_variants"] == ["MOV-EN", "MOV-CS"]
    recommender = next(r for r in product_calls if r.path == "/store_object")
    assert recommender.json()["type_id"] == recommender.json()["type"] == ids["movie_type"]
    # Variants and prices of the same save (one BATCH outbox item) reach the recommender too.
    classes = sorted(r.json()["_model_class"] for r in receiver.requests if r.path == "/store_object")
    assert classes == ["Product", "ProductPrice", "ProductPrice", "ProductPrice", "ProductVariant", "ProductVariant"]
    triggers = {d["trigger"] for d in harness.deliveries(status="SUCCEEDED")}
    assert {"PRODUCT_SAVE", "PRODUCTVARIANT_SAVE", "PRICE_SAVE"} <= triggers
    product_save = harness.deliveries(trigger="PRODUCT_SAVE")
    assert [(d["action"]["type"], d["status"]) for d in product_save] == [
        ("RECOMMENDERAPI", "SUCCEEDED"), ("HTTP", "SUCCEEDED")]


def test_with_the_shipped_config_nothing_is_called_until_configured(harness, receiver):
    """No RS_URL, no WEBHOOK_BASE_URL: every action is a logged no-op, nothing reaches the network."""
    put_event("PRODUCT_SAVE", {"_model_class": "Product", "id": 1})
    harness.run()
    deliveries = harness.deliveries()
    assert [(d["action"]["type"], d["status"]) for d in deliveries] == [("RECOMMENDERAPI", "SKIPPED"),
                                                                        ("HTTP", "SKIPPED")]
    assert "RS_URL" in deliveries[0]["log"][-1]["error"] and "WEBHOOK_BASE_URL" in deliveries[1]["log"][-1]["error"]
    assert deliveries[0]["log"][0]["outcome"] == "SKIPPED"
    assert harness.receive("deliveries") == []  # skipped ones are never queued
    assert receiver.requests == []


def test_rs_enabled_false_makes_the_recommender_a_no_op(harness, receiver, monkeypatch):
    monkeypatch.setenv("RS_URL", receiver.url)
    monkeypatch.setenv("RS_ENABLED", "FALSE")
    put_event("CATEGORY_SAVE", {"_model_class": "Category", "id": 3, "parent_id": None, "deleted": False})
    harness.run()
    (delivery,) = harness.deliveries()
    assert delivery["status"] == "SKIPPED" and "RS_ENABLED" in delivery["log"][-1]["error"]
    assert receiver.requests == []


def test_store_objects_sends_a_list(harness, receiver, monkeypatch):
    monkeypatch.setenv("RS_URL", receiver.url)
    events = [{"_model_class": "ProductDetailEnter", "session_id": "s", "user_id": None, "product_id": 1,
               "product_variant_sku": "A"}]
    put_event("PRODUCT_DETAIL_ENTER", events)
    harness.run()
    (request,) = receiver.requests
    assert request.path == "/store_objects" and request.json() == events


def test_stream_handler_expands_batches_and_ignores_removals(harness):
    batch = {"PK": "b1", "SK": "EVENT", "event_id": "b1", "type": "BATCH", "payload": "{}",
             "created_at": "2026-11-28T10:00:00+00:00", "deliver_after_seconds": 0,
             "events": [{"event_id": "b1-0", "type": "PRODUCT_SAVE", "payload": '{"id": 1}'},
                        {"event_id": "b1-1", "type": "PRICE_SAVE", "payload": '{"id": 7, "price": 1.5}'}]}
    single = {"PK": "e2", "SK": "EVENT", "event_id": "e2", "type": "CATEGORY_DELETE", "payload": '{"id": 2}',
              "created_at": "2026-11-28T10:00:01+00:00", "deliver_after_seconds": 0}
    event = {"Records": [_stream_record("100", batch), _stream_record("101", None, "REMOVE"),
                         _stream_record("102", single)]}
    assert harness.invoke(handlers.OUTBOX_HANDLER, event) == {"batchItemFailures": []}
    bodies = sorted((json.loads(m["Body"]) for m in harness.receive("events")), key=lambda b: b["event_id"])
    assert [(b["event_id"], b["type"], json.loads(b["payload"])) for b in bodies] == [
        ("b1-0", "PRODUCT_SAVE", {"id": 1}), ("b1-1", "PRICE_SAVE", {"id": 7, "price": 1.5}),
        ("e2", "CATEGORY_DELETE", {"id": 2})]


def test_with_sqs_unavailable_the_write_succeeds_and_the_event_is_delivered_once_sqs_is_back(
        harness, receiver, monkeypatch):
    from tests.catalog_fixtures import build_catalog, product_payload
    from tests.helpers import auth, body, call, make_user

    monkeypatch.setenv("RS_URL", receiver.url)
    ids = build_catalog()
    harness.stream_records()  # the catalog's events are not this test's subject
    make_user("root@example.com", "pw", admin=True, staff=True)
    queues.client().delete_queue(QueueUrl=queues.queue_url("events"))  # SQS "down" for the events queue

    response = call(harness.client, "POST", "/product/dashboard/detail", product_payload(ids),
                    headers=auth("root@example.com"))
    assert response.status_code == 201  # the API call does not depend on SQS
    product_id = body(response)["id"]
    records = harness.stream_records()
    response = harness.invoke(handlers.OUTBOX_HANDLER, {"Records": records})
    # Lambda keeps the stream position at the first record not forwarded and retries from there.
    assert response == {"batchItemFailures": [{"itemIdentifier": records[0]["dynamodb"]["SequenceNumber"]}]}

    queues.ensure_queues(log=lambda line: None)  # SQS is back
    assert harness.invoke(handlers.OUTBOX_HANDLER, {"Records": records}) == {"batchItemFailures": []}
    harness.run()
    products = [r.json() for r in receiver.requests if r.json().get("_model_class") == "Product"]
    assert [p["id"] for p in products] == [product_id]


def test_dispatcher_reports_only_the_messages_it_could_not_hand_on(harness, monkeypatch):
    monkeypatch.setenv("RS_URL", "http://127.0.0.1:9")
    put_event("CATEGORY_SAVE", {"id": 1})
    put_event("CATEGORY_UPDATE", {"id": 2})
    harness.pump_stream()
    messages = harness.receive("events")
    arn = "arn:aws:sqs:eu-central-1:123456789012:test-events"
    from infra.local.events import sqs_record

    records = [sqs_record(m, arn) for m in messages]
    sent = []
    real = flow.send_messages

    def flaky(logical, bodies, **kwargs):
        sent.extend(bodies)
        return {bodies[0][0]} if logical == "deliveries" else real(logical, bodies, **kwargs)

    monkeypatch.setattr(flow, "send_messages", flaky)
    response = harness.invoke(handlers.DISPATCH_HANDLER, {"Records": records})
    assert response == {"batchItemFailures": [{"itemIdentifier": sent[0][0]}]}
    # Redelivered, the failed one finds its delivery PENDING and sends the message again.
    monkeypatch.setattr(flow, "send_messages", real)
    retried = [r for r in records if r["messageId"] == sent[0][0]]
    assert harness.invoke(handlers.DISPATCH_HANDLER, {"Records": retried}) == {"batchItemFailures": []}
    assert len(harness.receive("deliveries")) == 1


def test_events_of_unknown_triggers_are_dropped_not_retried(harness):
    event = harness.client.events.generate_sqs_event([json.dumps({"event_id": "u1", "type": "NOPE", "payload": "{}"}),
                                                      "not json"], queue_name="events")
    assert harness.invoke(handlers.DISPATCH_HANDLER, event) == {"batchItemFailures": []}
    assert harness.deliveries() == []


def test_delayed_actions_wait_for_their_time(harness, receiver, notification_env, monkeypatch):
    notification_env({"REVIEW_SEND": [{"type": "HTTP", "method": "POST", "url": f"{receiver.url}/review",
                                       "delay_seconds": 7 * 24 * 3600}]})
    put_event("REVIEW_SEND", {"token": "t1"})
    harness.run(advance=False)
    (delivery,) = harness.deliveries()
    assert delivery["status"] == "SCHEDULED" and receiver.requests == []
    harness.clock.advance(6 * 24 * 3600)
    harness.sweep()
    harness.pump_queue("deliveries")
    assert receiver.requests == []
    harness.run()
    assert len(receiver.requests) == 1
    (delivery,) = harness.deliveries()
    assert delivery["status"] == "SUCCEEDED"
    sent_at = clock.parse_iso(delivery["log"][0]["at"])
    assert sent_at - clock.parse_iso(delivery["event_created_at"]) >= 7 * 24 * 3600 - 1


def test_large_payloads_travel_as_a_reference_to_the_outbox(harness, receiver, monkeypatch):
    monkeypatch.setenv("RS_URL", receiver.url)
    monkeypatch.setattr(flow, "MAX_INLINE_BODY", 500)
    big = {"_model_class": "Category", "id": 5, "blob": "x" * 2000}
    put_event("CATEGORY_SAVE", big)
    harness.pump_stream()
    (message,) = harness.receive("events")
    body = json.loads(message["Body"])
    assert "payload" not in body and body["outbox"]["pk"]
    event = harness.client.events.generate_sqs_event([message["Body"]], queue_name="events")
    assert harness.invoke(handlers.DISPATCH_HANDLER, event) == {"batchItemFailures": []}
    harness.run()
    assert receiver.requests[0].json() == big


def test_a_bad_config_fails_the_dispatcher_batch_so_events_wait_in_the_queue(harness, notification_env):
    notification_env({"PRODUCT_SAVE": [{"type": "FAX", "method": "send"}]})
    event = harness.client.events.generate_sqs_event(
        [json.dumps({"event_id": "c1", "type": "PRODUCT_SAVE", "payload": "{}"})], queue_name="events")
    from chalicelib.notifications.config import ConfigError

    with pytest.raises(ConfigError, match=r"PRODUCT_SAVE\[0\]: unknown type 'FAX'"):
        harness.invoke(handlers.DISPATCH_HANDLER, event)
    assert harness.deliveries() == []


def test_ensure_queues_is_idempotent_and_sets_the_redrive_policy(aws):
    first = queues.ensure_queues(log=lambda line: None)
    second = queues.ensure_queues(log=lambda line: None)
    assert first == second and set(first) == {"test-events", "test-events-dlq", "test-deliveries",
                                              "test-deliveries-dlq"}
    attributes = queues.client().get_queue_attributes(QueueUrl=first["test-deliveries"],
                                                      AttributeNames=["All"])["Attributes"]
    policy = json.loads(attributes["RedrivePolicy"])
    assert policy["deadLetterTargetArn"].endswith(":test-deliveries-dlq") and int(policy["maxReceiveCount"]) == 5
    assert attributes["VisibilityTimeout"] == "180"


def test_sqs_errors_other_than_a_missing_queue_are_reported_too(harness, monkeypatch):
    def broken(**kwargs):
        raise ClientError({"Error": {"Code": "ServiceUnavailable", "Message": "down"}}, "SendMessageBatch")

    put_event("CATEGORY_SAVE", {"id": 1})
    records = harness.stream_records()
    monkeypatch.setattr(queues.client(), "send_message_batch", broken)
    response = harness.invoke(handlers.OUTBOX_HANDLER, {"Records": records})
    assert response["batchItemFailures"][0]["itemIdentifier"] == records[0]["dynamodb"]["SequenceNumber"]
