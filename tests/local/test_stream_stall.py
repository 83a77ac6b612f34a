"""Issue 18: stream consumers that went silent for good after a burst of checkouts, and the watchdog
that makes a consumer which stops making progress visible (log line, EventDriver.status()).

The burst is what the shop does at a sell-out: concurrent TransactWriteItems that each take one piece
of stock (conditional Update) and write an outbox item; those that find no stock are cancelled. moto
answers a cancelled transaction by putting back a copy of the tables it names, stream shard included,
so a consumer that followed its NextShardIterator chain read a shard that never grew again.
"""

from __future__ import annotations

import json
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config
from chalice import Chalice

from tests.local.test_event_driver import create_stream_table, make_driver, moto_aws, moto_url, wait_until

__all__ = ["make_driver", "moto_aws", "moto_url"]  # fixtures shared with test_event_driver

STATUS_KEYS = {"name", "kind", "source", "seen", "processed", "lag", "in_flight", "oldest_waiting_age_s",
               "lag_measured_at", "last_success", "last_error", "last_error_at", "stalled", "alive", "restarts"}


def create_stock_table(dynamodb, pieces: int) -> None:
    dynamodb.create_table(TableName="stock", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                          AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                          BillingMode="PAY_PER_REQUEST")
    dynamodb.put_item(TableName="stock", Item={"pk": {"S": "film"}, "pieces": {"N": str(pieces)}})


def checkout(dynamodb, number: int) -> bool:
    """One order: a piece of stock and its outbox item in one transaction, as chalicelib.orders does it
    (the outbox Put comes after the stock Update, so moto applies it before cancelling)."""
    try:
        dynamodb.transact_write_items(TransactItems=[
            {"Update": {"TableName": "stock", "Key": {"pk": {"S": "film"}},
                        "UpdateExpression": "SET pieces = pieces - :one", "ConditionExpression": "pieces >= :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}}}},
            {"Put": {"TableName": "outbox", "Item": {"pk": {"S": f"order-{number}"}}}},
        ])
    except dynamodb.exceptions.TransactionCanceledException:
        return False
    return True


def outbox_keys(dynamodb) -> set[str]:
    items = dynamodb.scan(TableName="outbox", ConsistentRead=True)["Items"]
    return {item["pk"]["S"] for item in items}


def stream_app(delivered: list[str], name: str = "on_outbox") -> Chalice:
    app = Chalice(app_name="shop")

    @app.on_dynamodb_record(stream_arn="OUTBOX_STREAM_ARN", batch_size=100, name=name)
    def on_outbox(event):
        delivered.extend(record.keys["pk"]["S"] for record in event)

    return app


def test_every_committed_outbox_record_is_delivered_after_a_burst_with_cancelled_checkouts(moto_aws, make_driver):
    dynamodb = boto3.client("dynamodb", config=Config(max_pool_connections=25))
    create_stream_table(dynamodb, "outbox")
    create_stock_table(dynamodb, pieces=5)
    delivered: list[str] = []
    driver, logs = make_driver(stream_app(delivered), stream_tables={"on_outbox": "outbox"})
    driver.start()
    dynamodb.put_item(TableName="outbox", Item={"pk": {"S": "before"}})
    wait_until(lambda: delivered == ["before"], what="the record written before the burst")

    with ThreadPoolExecutor(max_workers=20) as pool:
        placed = list(pool.map(lambda n: checkout(dynamodb, n), range(20)))
    assert placed.count(True) == 5  # exactly as many orders as there was stock
    # After the burst the shop goes on: a product is saved, a customer registers...
    for number in range(10):
        dynamodb.put_item(TableName="outbox", Item={"pk": {"S": f"later-{number}"}})

    committed = outbox_keys(dynamodb)
    assert len(committed) == 1 + 5 + 10
    wait_until(lambda: committed <= set(delivered), timeout=10,
               what=f"every committed record; missing {sorted(committed - set(delivered))}")
    time.sleep(0.5)  # nothing committed is delivered twice
    assert sorted(key for key in delivered if key in committed) == sorted(committed)
    assert not [line for line in logs if "STALLED" in line or "failed" in line]
    wait_until(lambda: driver.status()["sources"][0]["lag"] == 0, what="the watchdog measuring no lag")
    status = driver.status()["sources"][0]
    assert status["processed"] == len(delivered) and status["stalled"] is False and status["alive"] is True


def test_consumer_started_after_the_burst_reads_everything_committed(moto_aws, make_driver):
    dynamodb = boto3.client("dynamodb", config=Config(max_pool_connections=25))
    create_stream_table(dynamodb, "outbox")
    create_stock_table(dynamodb, pieces=3)
    with ThreadPoolExecutor(max_workers=10) as pool:
        assert list(pool.map(lambda n: checkout(dynamodb, n), range(10))).count(True) == 3
    delivered: list[str] = []
    driver, _logs = make_driver(stream_app(delivered), stream_tables={"on_outbox": "outbox"})
    driver.start()
    committed = outbox_keys(dynamodb)
    wait_until(lambda: committed <= set(delivered), what="the three orders")
    dynamodb.put_item(TableName="outbox", Item={"pk": {"S": "later"}})
    wait_until(lambda: "later" in delivered, what="a record written later")


def test_watchdog_logs_a_stalled_stream_once_and_its_recovery_and_status_shows_both(moto_aws, make_driver):
    create_stream_table(moto_aws.dynamodb, "outbox")
    target_down = threading.Event()
    target_down.set()
    delivered: list[str] = []
    app = Chalice(app_name="shop")

    @app.on_dynamodb_record(stream_arn="OUTBOX_STREAM_ARN", batch_size=100)
    def notify_outbox(event):
        if target_down.is_set():
            raise RuntimeError("target down")
        delivered.extend(record.keys["pk"]["S"] for record in event)

    # Written before the driver starts, so its first read (from TRIM_HORIZON) takes all three: written
    # while it polls, a read may take two and retry that batch alone, and `seen` would race.
    for key in ("a", "b", "c"):
        moto_aws.dynamodb.put_item(TableName="outbox", Item={"pk": {"S": key}})
    driver, logs = make_driver(app, stream_tables={"OUTBOX_STREAM_ARN": "outbox"}, stall_after=0.8,
                               watch_interval=0.1)
    driver.start()

    stalled = re.compile(r"\[events\] notify_outbox STALLED: 3 records waiting, no progress for \d+ s;"
                         r" last error: RuntimeError: target down")
    wait_until(lambda: any(stalled.fullmatch(line) for line in logs), timeout=10, what="the STALLED line")
    status = json.loads(json.dumps(driver.status()))  # JSON as the stack serves it
    assert status["running"] is True and status["stall_after_s"] == 0.8
    (source,) = status["sources"]
    assert set(source) == STATUS_KEYS
    assert source["name"] == "notify_outbox" and source["kind"] == "dynamodb"
    assert source["stalled"] is True and source["lag"] == 3 and source["processed"] == 0
    assert source["seen"] == 3 and source["alive"] is True and source["last_success"] is None
    assert source["last_error"] == "RuntimeError: target down" and source["last_error_at"].endswith("Z")
    assert source["oldest_waiting_age_s"] >= 0.5

    target_down.clear()
    wait_until(lambda: sorted(delivered) == ["a", "b", "c"], timeout=15, what="delivery once the target is up")
    wait_until(lambda: any("notify_outbox recovered" in line for line in logs), what="the recovery line")
    assert len([line for line in logs if "STALLED" in line]) == 1  # one line per stall, not one per poll
    wait_until(lambda: driver.status()["sources"][0]["lag"] == 0, what="no lag")
    source = driver.status()["sources"][0]
    assert source["stalled"] is False and source["processed"] == 3 and source["last_success"].endswith("Z")
    assert source["oldest_waiting_age_s"] is None


def test_a_hung_stream_poller_is_replaced_and_its_records_processed_once_by_the_new_one(moto_aws, make_driver):
    create_stream_table(moto_aws.dynamodb, "outbox")
    release = threading.Event()
    calls: list[list[str]] = []
    app = Chalice(app_name="shop")

    @app.on_dynamodb_record(stream_arn="OUTBOX_STREAM_ARN", batch_size=100)
    def on_change(event):
        calls.append([record.keys["pk"]["S"] for record in event])
        if len(calls) == 1:
            release.wait(30)  # stuck in a call that never returns (a socket without a timeout)

    driver, logs = make_driver(app, stream_tables={"OUTBOX_STREAM_ARN": "outbox"}, hang_after=0.5,
                               watch_interval=0.1)
    driver.start()
    for key in ("a", "b"):
        moto_aws.dynamodb.put_item(TableName="outbox", Item={"pk": {"S": key}})
    try:
        wait_until(lambda: len(calls) >= 2, timeout=10, what="the new poller's invocation")
        assert calls[1] == ["a", "b"]
        assert any(re.fullmatch(r"\[events\] on_change poller hung for \d+ s; restarted", line) for line in logs)
    finally:
        release.set()  # the old thread returns from the handler and must leave the shard alone
    moto_aws.dynamodb.put_item(TableName="outbox", Item={"pk": {"S": "c"}})
    wait_until(lambda: ["c"] in calls, what="a record written after the restart")
    time.sleep(0.5)
    assert calls == [["a", "b"], ["a", "b"], ["c"]]
    source = driver.status()["sources"][0]
    assert source["restarts"] == 1 and source["processed"] == 3 and source["alive"] is True


def test_a_dead_queue_poller_is_restarted_and_the_message_delivered(moto_aws, make_driver):
    url = moto_aws.sqs.create_queue(QueueName="jobs", Attributes={"VisibilityTimeout": "1"})["QueueUrl"]
    bodies: list[str] = []
    app = Chalice(app_name="shop")

    @app.on_sqs_message(queue="jobs", batch_size=1)
    def on_job(event):
        bodies.extend(record.body for record in event)
        if len(bodies) == 1:
            raise SystemExit("bye")  # not an Exception: it goes through the handler guard and ends the thread

    driver, logs = make_driver(app, watch_interval=0.1)
    driver.start()
    moto_aws.sqs.send_message(QueueUrl=url, MessageBody="job-1")
    wait_until(lambda: "[events] on_job poller died (SystemExit: bye); restarted" in logs, what="the restart")
    wait_until(lambda: bodies == ["job-1", "job-1"], timeout=10, what="redelivery to the new poller")
    wait_until(lambda: driver.status()["sources"][0]["processed"] == 1, what="the message deleted")
    source = driver.status()["sources"][0]
    assert source["restarts"] == 1 and source["alive"] is True and source["seen"] == 2
    assert source["last_error"] == "poller died: SystemExit: bye"
    wait_until(lambda: driver.status()["sources"][0]["lag"] == 0, what="an empty queue")


def test_status_lists_every_driven_source_before_and_after_start(moto_aws, make_driver):
    url = moto_aws.sqs.create_queue(QueueName="mail")["QueueUrl"]
    create_stream_table(moto_aws.dynamodb, "outbox")
    app = Chalice(app_name="shop")

    @app.on_sqs_message(queue="mail")
    def send_mail(event):
        pass

    @app.schedule("rate(1 day)")
    def nightly(event):
        pass

    @app.on_dynamodb_record(stream_arn="OUTBOX_STREAM_ARN")
    def on_outbox(event):
        pass

    driver, _logs = make_driver(app, stream_tables={"OUTBOX_STREAM_ARN": "outbox"}, watch_interval=0.1)
    before = json.loads(json.dumps(driver.status()))
    assert before["running"] is False
    assert [(s["name"], s["kind"], s["alive"], s["lag"]) for s in before["sources"]] == [
        ("send_mail", "sqs", False, None), ("nightly", "schedule", False, None), ("on_outbox", "dynamodb", False, None)]
    driver.start()
    moto_aws.sqs.send_message(QueueUrl=url, MessageBody="hello")
    driver.run_schedules_now()

    def figures():
        return {s["name"]: s for s in driver.status()["sources"]}

    wait_until(lambda: figures()["send_mail"]["processed"] == 1 and figures()["send_mail"]["lag"] == 0,
               what="the message handled and measured")
    wait_until(lambda: figures()["on_outbox"]["lag"] == 0, what="the stream measured")
    now = json.loads(json.dumps(driver.status()))
    assert now["running"] is True
    by_name = {s["name"]: s for s in now["sources"]}
    assert all(set(s) == STATUS_KEYS and s["alive"] for s in now["sources"])
    assert by_name["send_mail"]["in_flight"] == 0 and by_name["send_mail"]["seen"] == 1
    assert by_name["nightly"]["processed"] == 1 and by_name["nightly"]["lag"] is None
    assert by_name["on_outbox"]["processed"] == 0 and not any(s["stalled"] for s in now["sources"])
    driver.stop()
    assert driver.status()["running"] is False
