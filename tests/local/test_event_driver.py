"""EventDriver against moto's standalone server, through the real boto3 code paths."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from types import SimpleNamespace

import boto3
import pytest
from chalice import Chalice, Cron, Rate
from moto.server import ThreadedMotoServer

from infra.local import events
from infra.local.events import EventDriver, parse_schedule

REGION = "eu-central-1"
UTC = dt.UTC


# --------------------------------------------------------------------------------------------------
# fixtures and helpers
# --------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def moto_aws(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    """A clean moto account for each test, reached through AWS_ENDPOINT_URL like the app does."""
    urllib.request.urlopen(urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST")).close()
    for name, value in {
        "AWS_ENDPOINT_URL": moto_url,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
        "AWS_CONFIG_FILE": "/nonexistent",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return SimpleNamespace(sqs=boto3.client("sqs"), dynamodb=boto3.client("dynamodb"))


@pytest.fixture
def make_driver(moto_aws: SimpleNamespace) -> Iterator[Callable[..., tuple[EventDriver, list[str]]]]:
    drivers: list[EventDriver] = []

    def make(app: Chalice, **kwargs) -> tuple[EventDriver, list[str]]:
        logs: list[str] = []
        driver = EventDriver(app, poll_interval=0.1, log=logs.append, **kwargs)
        drivers.append(driver)
        return driver, logs

    yield make
    for driver in drivers:
        driver.stop()


def wait_until(predicate: Callable[[], object], timeout: float = 8.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def queue_counts(sqs, url: str) -> tuple[int, int]:
    attrs = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"]), int(attrs["ApproximateNumberOfMessagesNotVisible"])


def create_stream_table(dynamodb, name: str) -> str:
    dynamodb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    return dynamodb.describe_table(TableName=name)["Table"]["LatestStreamArn"]


# --------------------------------------------------------------------------------------------------
# SQS
# --------------------------------------------------------------------------------------------------

def test_sqs_messages_are_delivered_with_lambda_shape_and_deleted(moto_aws, make_driver):
    app = Chalice(app_name="shop")
    seen: list[dict] = []
    contexts: list = []

    @app.on_sqs_message(queue="jobs", batch_size=5)
    def handle_job(event):
        contexts.append(event.context)
        seen.extend(record.to_dict() for record in event)

    driver, logs = make_driver(app)
    driver.start()  # before the queue exists: the poller waits for it quietly
    time.sleep(0.3)
    url = moto_aws.sqs.create_queue(QueueName="jobs")["QueueUrl"]
    queue_arn = moto_aws.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    moto_aws.sqs.send_message(QueueUrl=url, MessageBody="first",
                         MessageAttributes={"kind": {"DataType": "String", "StringValue": "x"}})
    for body in ("second", "third"):
        moto_aws.sqs.send_message(QueueUrl=url, MessageBody=body)

    wait_until(lambda: len(seen) == 3, what="three deliveries")
    wait_until(lambda: queue_counts(moto_aws.sqs, url) == (0, 0), what="the queue to be empty")

    first = next(r for r in seen if r["body"] == "first")
    assert first["eventSource"] == "aws:sqs"
    assert first["eventSourceARN"] == queue_arn
    assert first["awsRegion"] == REGION
    assert first["md5OfBody"] == hashlib.md5(b"first").hexdigest()
    assert first["messageId"] and first["receiptHandle"]
    assert first["attributes"]["ApproximateReceiveCount"] == "1"
    assert {"SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp"} <= first["attributes"].keys()
    assert first["messageAttributes"] == {
        "kind": {"stringValue": "x", "stringListValues": [], "binaryListValues": [], "dataType": "String"}
    }
    context = contexts[0]
    assert context.function_name == "shop-local-handle_job"
    assert 0 < context.get_remaining_time_in_millis() <= 60_000
    assert context.aws_request_id and context.memory_limit_in_mb == "128"
    assert sorted(r["body"] for r in seen) == ["first", "second", "third"]
    assert not [line for line in logs if "failed" in line]


def test_batch_item_failure_is_redelivered_then_moved_to_dlq(moto_aws, make_driver):
    dlq_url = moto_aws.sqs.create_queue(QueueName="jobs-dlq")["QueueUrl"]
    dlq_arn = moto_aws.sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    url = moto_aws.sqs.create_queue(QueueName="jobs", Attributes={
        "VisibilityTimeout": "1",
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2}),
    })["QueueUrl"]

    app = Chalice(app_name="shop")
    deliveries: list[tuple[str, str]] = []

    @app.on_sqs_message(queue="jobs", batch_size=10)
    def handle_job(event):
        failures = []
        for record in event:
            raw = record.to_dict()
            deliveries.append((raw["body"], raw["attributes"]["ApproximateReceiveCount"]))
            if raw["body"] == "bad":
                failures.append({"itemIdentifier": raw["messageId"]})
        return {"batchItemFailures": failures}

    moto_aws.sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": "1", "MessageBody": "good"}, {"Id": "2", "MessageBody": "bad"}])
    driver, logs = make_driver(app)
    driver.start()

    wait_until(lambda: queue_counts(moto_aws.sqs, dlq_url)[0] == 1, what="the bad message in the DLQ")
    dead = moto_aws.sqs.receive_message(QueueUrl=dlq_url)["Messages"]
    assert [m["Body"] for m in dead] == ["bad"]
    assert sorted(deliveries) == [("bad", "1"), ("bad", "2"), ("good", "1")]
    assert queue_counts(moto_aws.sqs, url) == (0, 0)


def test_raising_handler_leaves_the_batch_and_keeps_polling(moto_aws, make_driver):
    url = moto_aws.sqs.create_queue(QueueName="jobs", Attributes={"VisibilityTimeout": "1"})["QueueUrl"]
    app = Chalice(app_name="shop")
    handled: list[tuple[str, str]] = []
    calls = []

    @app.on_sqs_message(queue="jobs")
    def handle_job(event):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("boom")
        handled.extend((r.body, r.to_dict()["attributes"]["ApproximateReceiveCount"]) for r in event)

    driver, logs = make_driver(app)
    driver.start()
    moto_aws.sqs.send_message(QueueUrl=url, MessageBody="m1")
    # Not deleted after the failure: it comes back once the visibility timeout is over.
    wait_until(lambda: handled == [("m1", "2")], what="m1 to be redelivered")
    moto_aws.sqs.send_message(QueueUrl=url, MessageBody="m2")
    wait_until(lambda: ("m2", "1") in handled, what="m2 on the same thread")
    wait_until(lambda: queue_counts(moto_aws.sqs, url) == (0, 0), what="the queue to be empty")
    assert "[events] handle_job failed: RuntimeError: boom" in logs


# --------------------------------------------------------------------------------------------------
# DynamoDB streams
# --------------------------------------------------------------------------------------------------

def test_put_item_reaches_stream_handler_with_images(moto_aws, make_driver):
    app = Chalice(app_name="shop")
    records = []

    @app.on_dynamodb_record(stream_arn="ORDERS_STREAM_ARN", batch_size=10)
    def on_order_change(event):
        records.extend(event)

    driver, logs = make_driver(app, stream_tables={"ORDERS_STREAM_ARN": "orders"})
    driver.start()  # before the table exists
    time.sleep(0.3)
    stream_arn = create_stream_table(moto_aws.dynamodb, "orders")
    moto_aws.dynamodb.put_item(TableName="orders",
                          Item={"pk": {"S": "o1"}, "status": {"S": "new"}, "blob": {"B": b"\x00\x01"}})
    moto_aws.dynamodb.update_item(TableName="orders", Key={"pk": {"S": "o1"}}, UpdateExpression="SET #s = :s",
                             ExpressionAttributeNames={"#s": "status"},
                             ExpressionAttributeValues={":s": {"S": "paid"}})

    wait_until(lambda: len(records) == 2, what="two stream records")
    insert, modify = records
    assert insert.event_name == "INSERT"
    assert insert.keys == {"pk": {"S": "o1"}}
    assert insert.new_image == {"pk": {"S": "o1"}, "status": {"S": "new"},
                                "blob": {"B": base64.b64encode(b"\x00\x01").decode()}}
    assert insert.old_image is None
    assert insert.table_name == "orders"
    assert insert.event_source_arn == stream_arn
    assert insert.aws_region == REGION
    assert insert.stream_view_type == "NEW_AND_OLD_IMAGES"
    assert isinstance(insert.timestamp, dt.datetime)
    assert insert.to_dict()["eventSource"] == "aws:dynamodb"
    assert modify.event_name == "MODIFY"
    assert modify.old_image["status"] == {"S": "new"}
    assert modify.new_image["status"] == {"S": "paid"}
    assert int(modify.sequence_number) > int(insert.sequence_number)
    assert not [line for line in logs if "failed" in line]


def test_stream_batch_is_retried_and_resumes_from_first_failed_record(moto_aws, make_driver):
    create_stream_table(moto_aws.dynamodb, "events")
    for pk in ("a", "b", "c"):  # written before the driver starts: TRIM_HORIZON still sees them
        moto_aws.dynamodb.put_item(TableName="events", Item={"pk": {"S": pk}})

    app = Chalice(app_name="shop")
    calls: list[list[str]] = []

    @app.on_dynamodb_record(stream_arn="not-known-until-deploy", batch_size=10)
    def on_change(event):
        batch = list(event)
        calls.append([r.keys["pk"]["S"] for r in batch])
        if len(calls) == 1:
            raise ValueError("transient")
        if len(calls) == 2:
            return {"batchItemFailures": [{"itemIdentifier": batch[1].sequence_number}]}
        return None

    driver, logs = make_driver(app, stream_tables={"on_change": "events"})  # keyed by handler name
    driver.start()
    wait_until(lambda: len(calls) >= 3, what="three invocations")
    time.sleep(0.5)  # nothing else may be redelivered
    assert calls == [["a", "b", "c"], ["a", "b", "c"], ["b", "c"]]
    assert "[events] on_change failed: ValueError: transient" in logs


# --------------------------------------------------------------------------------------------------
# schedules
# --------------------------------------------------------------------------------------------------

def test_run_schedules_now_fires_each_schedule_with_the_scheduled_event(moto_aws, make_driver):
    app = Chalice(app_name="shop")
    fired: dict[str, list] = {"nightly": [], "every_five": [], "weekly": []}

    @app.schedule("cron(0 2 * * ? *)")
    def nightly(event):
        fired["nightly"].append(event)

    @app.schedule(Rate(5, unit=Rate.MINUTES))
    def every_five(event):
        fired["every_five"].append(event)

    @app.schedule(Cron(0, 3, "?", "*", "SUN", "*"))
    def weekly(event):
        fired["weekly"].append(event)

    driver, logs = make_driver(app)  # not started: run_schedules_now() needs no threads
    driver.run_schedules_now()
    assert {name: len(events) for name, events in fired.items()} == {"nightly": 1, "every_five": 1, "weekly": 1}

    event = fired["nightly"][0]
    raw = event.to_dict()
    assert set(raw) == {"version", "id", "detail-type", "source", "account", "time", "region", "resources",
                        "detail"}
    assert event.detail_type == "Scheduled Event"
    assert event.source == "aws.events"
    assert event.version == "0" and event.detail == {}
    assert event.account == "123456789012" and event.region == REGION
    assert event.resources == [f"arn:aws:events:{REGION}:123456789012:rule/shop-local-nightly"]
    fired_at = dt.datetime.strptime(event.time, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert abs((dt.datetime.now(UTC) - fired_at).total_seconds()) < 5
    assert event.context.function_name == "shop-local-nightly"


def test_schedule_thread_fires_at_the_computed_times(moto_aws, make_driver, monkeypatch):
    class EveryFewTenthsOfASecond:
        def next_after(self, after):
            return after + dt.timedelta(seconds=0.3)

    # Real expressions fire at most once a minute; the timer loop is the same for any schedule.
    monkeypatch.setattr(events, "parse_schedule", lambda expression: EveryFewTenthsOfASecond())
    app = Chalice(app_name="shop")
    fired = []

    @app.schedule("rate(1 minute)")
    def tick(event):
        fired.append((event.time, dt.datetime.now(UTC)))

    driver, logs = make_driver(app)
    started = dt.datetime.now(UTC)
    driver.start()
    wait_until(lambda: len(fired) >= 3, timeout=5, what="three timer fires")
    driver.stop()
    scheduled = [dt.datetime.strptime(t, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC) for t, _ in fired]
    assert all(started - dt.timedelta(seconds=1) <= s <= at for s, (_, at) in zip(scheduled, fired, strict=True))


@pytest.mark.parametrize(("expression", "after", "expected"), [
    ("cron(0 2 * * ? *)", "2026-11-28T18:00", "2026-11-29T02:00"),
    ("cron(0 2 * * ? *)", "2026-11-29T02:00", "2026-11-30T02:00"),  # strictly after
    ("cron(15 10 ? * MON-FRI *)", "2026-11-26T09:00", "2026-11-26T10:15"),  # Thursday
    ("cron(15 10 ? * MON-FRI *)", "2026-11-27T11:00", "2026-11-30T10:15"),  # Friday -> Monday
    ("cron(15 10 ? * 2-6 *)", "2026-11-28T18:00", "2026-11-30T10:15"),  # Saturday -> Monday
    ("cron(0 12 ? * 1 *)", "2026-11-28T18:00", "2026-11-29T12:00"),  # 1 = Sunday
    ("cron(0/15 * * * ? *)", "2026-11-28T10:07", "2026-11-28T10:15"),
    ("cron(0/15 * * * ? *)", "2026-11-28T10:45", "2026-11-28T11:00"),
    ("cron(5,35 8-9 * * ? *)", "2026-11-28T08:40", "2026-11-28T09:05"),
    ("cron(0 0 31 * ? *)", "2026-11-28T00:00", "2026-12-31T00:00"),
    ("cron(0 8 1 JAN,JUL ? 2027)", "2026-11-28T00:00", "2027-01-01T08:00"),
    ("cron(0 8 1 JAN,JUL ? 2027)", "2027-07-01T08:00", None),  # no later year
    ("rate(5 minutes)", "2026-11-28T18:00:30", "2026-11-28T18:05:30"),
    ("rate(1 hour)", "2026-11-28T18:00", "2026-11-28T19:00"),
    ("rate(2 days)", "2026-11-28T18:00", "2026-11-30T18:00"),
])
def test_next_fire_time(expression, after, expected):
    start = dt.datetime.fromisoformat(after).replace(tzinfo=UTC)
    result = parse_schedule(expression).next_after(start)
    assert result == (dt.datetime.fromisoformat(expected).replace(tzinfo=UTC) if expected else None)


def test_schedule_objects_and_invalid_expressions():
    start = dt.datetime(2026, 11, 28, 18, 0, tzinfo=UTC)
    assert parse_schedule(Rate(1, unit=Rate.DAYS)).next_after(start) == start + dt.timedelta(days=1)
    assert parse_schedule(Cron(30, 6, "?", "*", "MON", "*")).next_after(start) == dt.datetime(
        2026, 11, 30, 6, 30, tzinfo=UTC)
    for bad in ("cron(0 2 * * * *)", "cron(0 2 ? * ? *)", "cron(0 2 L * ? *)", "cron(60 2 * * ? *)",
                "cron(0 2 * *)", "rate(0 minutes)", "rate(5 weeks)", "every 5 minutes"):
        with pytest.raises(ValueError):
            parse_schedule(bad)


# --------------------------------------------------------------------------------------------------
# lifecycle
# --------------------------------------------------------------------------------------------------

def test_stop_is_prompt_and_idempotent_and_unsupported_sources_are_reported(moto_aws, make_driver):
    moto_aws.sqs.create_queue(QueueName="lifecycle")
    app = Chalice(app_name="shop")

    @app.on_sqs_message(queue="lifecycle")
    def lc_queue(event):
        pass

    @app.on_sqs_message(queue="lifecycle-missing")
    def lc_missing_queue(event):
        pass

    @app.on_dynamodb_record(stream_arn="arn:aws:dynamodb:eu-central-1:123456789012:table/nope/stream/x")
    def lc_stream(event):
        pass

    @app.on_dynamodb_record(stream_arn="PLACEHOLDER_WITHOUT_MAPPING")
    def lc_unmapped_stream(event):
        pass

    @app.schedule("rate(1 day)")
    def lc_daily(event):
        pass

    @app.schedule("cron(0 2 L * ? *)")
    def lc_last_day(event):
        pass

    @app.on_s3_event(bucket="uploads")
    def lc_upload(event):
        pass

    driver, logs = make_driver(app)
    driver.start()
    driver.start()  # no-op
    time.sleep(1.2)  # let the SQS poller sit inside a long-poll
    started = time.monotonic()
    driver.stop()
    assert time.monotonic() - started < 3
    driver.stop()  # idempotent
    assert not [t for t in threading.enumerate() if t.name.startswith("events-lc_")]
    assert any("lc_upload" in line and "not driven locally" in line for line in logs)
    assert any("lc_last_day" in line and "not driven" in line for line in logs)
    assert any("lc_unmapped_stream" in line and "stream_tables" in line for line in logs)
    assert not [line for line in logs if "failed" in line or "Error" in line]
