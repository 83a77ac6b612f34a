"""Run a Chalice app's Lambda event handlers locally, driven the way Lambda drives them.

``EventDriver(app).start()`` starts one daemon thread per event source of the app:

* ``@app.on_sqs_message``: long-polls the queue, invokes the handler with a Lambda SQS event,
  deletes what succeeded (partial batch responses are honoured; a raising handler deletes nothing,
  so the messages come back after the visibility timeout and the redrive policy applies).
* ``@app.schedule``: fires ``rate(...)``/``cron(...)`` expressions in real time (UTC) with a
  CloudWatch "Scheduled Event"; ``run_schedules_now()`` fires them all at once.
* ``@app.on_dynamodb_record``: polls the table's DynamoDB stream shards and invokes the handler in
  batches; a failing batch is retried, ``batchItemFailures`` resumes from the first failed record.
  The position in a shard is the last record processed (sequence number and eventID), not the
  iterator chain: whenever a read comes back empty, the next poll asks for a new iterator AT that
  sequence number (and skips the record there only if it is the one processed). moto swaps a table
  for a copy, stream shard included, when a transaction is cancelled; an old chain then reads a shard
  that never grows again and the consumer went silent for good (issue 18).

A watchdog thread makes a consumer that stops making progress visible at once: every
``watch_interval`` seconds it measures each source's lag (stream records after the position read
from a fresh iterator; the queue's visible messages), logs ``[events] <name> STALLED: <n> records
waiting, no progress for <s> s`` once records have waited ``stall_after`` seconds with nothing
processed (and ``[events] <name> recovered: ...`` when it moves again), and restarts a poller thread
that died or has been busy in one call for more than ``hang_after`` seconds.

``EventDriver.status()`` answers what it knows, JSON-serialisable (times are ISO 8601 UTC strings)::

    {"running": true, "stall_after_s": 10.0,
     "sources": [{"name": "notify_outbox", "kind": "dynamodb", "source": "dynamodb stream of table 'x'",
                  "seen": 12, "processed": 12,     # records/messages/fires received, and handled
                  "lag": 0,                        # waiting in the stream/queue; null: not known (yet)
                  "in_flight": null,               # SQS: received, neither deleted nor visible again
                  "oldest_waiting_age_s": null,    # streams: age of the oldest waiting record
                  "lag_measured_at": "...", "last_success": "...",
                  "last_error": null, "last_error_at": null,
                  "stalled": false, "alive": true, "restarts": 0}, ...]}

AWS is reached through plain boto3, so ``AWS_ENDPOINT_URL`` decides where (moto's server locally).
Other event sources (S3, SNS, Kinesis, CloudWatch event patterns) are listed once and not driven.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from chalice.app import Chalice, DynamoDBEventConfig, ScheduledEventConfig, SQSEventConfig

__all__ = ["CronSchedule", "EventDriver", "LambdaContext", "RateSchedule", "parse_schedule"]

STAGE = "local"
DEFAULT_ACCOUNT = "123456789012"  # moto's default account
LAMBDA_TIMEOUT_S = 60  # chalice's default lambda_timeout
LAMBDA_MEMORY_MB = 128  # chalice's default lambda_memory_size
SQS_WAIT_S = 1  # short long-polls keep stop() prompt
MAX_BACKOFF_S = 10.0
STALL_AFTER_S = 10.0  # records waiting this long with nothing processed: a stall
WATCH_INTERVAL_S = 2.0
HANG_AFTER_S = LAMBDA_TIMEOUT_S + 30.0  # Lambda would have killed a handler running this long
LAG_PROBE_PAGES = 10  # the lag of a shard is counted up to this many GetRecords pages of 1000

UTC = dt.UTC
Log = Callable[[str], None]


# --------------------------------------------------------------------------------------------------
# Schedules: rate(...) and AWS 6-field cron(...), both in UTC.
# --------------------------------------------------------------------------------------------------

class RateSchedule:
    _UNITS = {"minute": 60, "hour": 3600, "day": 86400}

    def __init__(self, value: int, unit: str) -> None:
        unit = unit.lower().rstrip("s")
        if unit not in self._UNITS or value < 1:
            raise ValueError(f"invalid rate: {value} {unit}")
        self.interval = dt.timedelta(seconds=value * self._UNITS[unit])

    def next_after(self, after: dt.datetime) -> dt.datetime:
        return _as_utc(after) + self.interval


_MONTH_NAMES = {n: i for i, n in enumerate("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split(), 1)}
_DAY_NAMES = {n: i for i, n in enumerate("SUN MON TUE WED THU FRI SAT".split(), 1)}


def _parse_cron_field(text: str, lo: int, hi: int, names: dict[str, int] | None = None) -> frozenset[int]:
    """One cron field -> the set of allowed values (`*`, `?`, lists, ranges, `/` steps, names)."""

    def value(token: str) -> int:
        token = token.upper()
        if names and token in names:
            return names[token]
        if not token.isdigit():
            raise ValueError(f"unsupported cron token {token!r} (L, W and # are not implemented)")
        return int(token)

    result: set[int] = set()
    for part in text.split(","):
        base, slash, step_text = part.partition("/")
        step = int(step_text) if slash else 1
        if base in ("*", "?"):
            start, end = lo, hi
        elif "-" in base:
            first, last = base.split("-", 1)
            start, end = value(first), value(last)
        else:
            # "5/15" means: from 5, every 15 up to the field's maximum.
            start = value(base)
            end = hi if slash else start
        if step < 1 or not lo <= start <= end <= hi:
            raise ValueError(f"cron field {text!r} out of range {lo}-{hi}")
        result.update(range(start, end + 1, step))
    return frozenset(result)


class CronSchedule:
    """AWS cron: minutes hours day-of-month month day-of-week year (day-of-week 1-7 = SUN-SAT)."""

    def __init__(self, expression: str) -> None:
        fields = expression.split()
        if len(fields) != 6:
            raise ValueError(f"cron needs 6 fields, got {expression!r}")
        minutes, hours, dom, month, dow, year = fields
        if (dom == "?") == (dow == "?"):
            raise ValueError(f"exactly one of day-of-month and day-of-week must be '?': {expression!r}")
        self.minutes = sorted(_parse_cron_field(minutes, 0, 59))
        self.hours = sorted(_parse_cron_field(hours, 0, 23))
        self.days_of_month = None if dom == "?" else _parse_cron_field(dom, 1, 31)
        self.months = _parse_cron_field(month, 1, 12, _MONTH_NAMES)
        self.days_of_week = None if dow == "?" else _parse_cron_field(dow, 1, 7, _DAY_NAMES)
        self.years = _parse_cron_field(year, 1970, 2199)

    def _day_matches(self, day: dt.datetime) -> bool:
        if self.days_of_month is not None:
            return day.day in self.days_of_month
        aws_weekday = (day.weekday() + 1) % 7 + 1  # python Monday=0 -> AWS Monday=2, Sunday=1
        return aws_weekday in self.days_of_week  # type: ignore[operator]

    def next_after(self, after: dt.datetime) -> dt.datetime | None:
        """First matching minute strictly after `after`, or None if the expression never fires again."""
        t = _as_utc(after).replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
        # Walk day by day (skipping whole years/months that can't match), then pick the time of day.
        while t.year <= 2199:
            if t.year not in self.years:
                later = [y for y in self.years if y > t.year]
                if not later:
                    return None
                t = dt.datetime(min(later), 1, 1, tzinfo=UTC)
                continue
            if t.month not in self.months:
                t = (t.replace(day=1) + dt.timedelta(days=32)).replace(day=1, hour=0, minute=0)
                continue
            if self._day_matches(t):
                for hour in self.hours:
                    for minute in self.minutes:
                        if (hour, minute) >= (t.hour, t.minute):
                            return t.replace(hour=hour, minute=minute)
            t = (t + dt.timedelta(days=1)).replace(hour=0, minute=0)
        return None


def parse_schedule(expression: Any) -> RateSchedule | CronSchedule:
    """Parse a chalice schedule: 'rate(5 minutes)', 'cron(0 2 * * ? *)', or a Rate/Cron object."""
    text = expression if isinstance(expression, str) else expression.to_string()
    match = re.fullmatch(r"\s*(rate|cron)\((.*)\)\s*", text)
    if not match:
        raise ValueError(f"unsupported schedule expression {text!r}")
    kind, body = match.groups()
    if kind == "cron":
        return CronSchedule(body)
    rate = re.fullmatch(r"\s*(\d+)\s+(minutes?|hours?|days?)\s*", body, re.IGNORECASE)
    if not rate:
        raise ValueError(f"unsupported rate expression {text!r}")
    return RateSchedule(int(rate.group(1)), rate.group(2))


def _as_utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _iso(moment: dt.datetime) -> str:
    return _as_utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------------------------------
# Lambda invocation helpers
# --------------------------------------------------------------------------------------------------

class LambdaContext:
    """The attributes of the Python runtime's context object that handlers use."""

    def __init__(self, function_name: str, region: str, account: str) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:{region}:{account}:function:{function_name}"
        # The real runtime reads this from an env var, so it is a string there too.
        self.memory_limit_in_mb = str(LAMBDA_MEMORY_MB)
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = f"{dt.date.today():%Y/%m/%d}/[$LATEST]{uuid.uuid4().hex}"
        self.identity = None
        self.client_context = None
        self._deadline = time.monotonic() + LAMBDA_TIMEOUT_S

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def _failed_items(result: Any, batch_ids: Iterable[str]) -> set[str] | None:
    """Lambda's partial batch response rules: the ids to retry, or None if the whole batch failed."""
    if not isinstance(result, dict) or not result.get("batchItemFailures"):
        return set()  # no/empty/null response or list: complete success
    failures = result["batchItemFailures"]
    valid = set(batch_ids)
    if not isinstance(failures, list):
        return None
    failed = set()
    for item in failures:
        ident = item.get("itemIdentifier") if isinstance(item, dict) else None
        if not ident or ident not in valid:
            return None  # a malformed or unknown identifier fails the whole batch
        failed.add(ident)
    return failed


def _error_code(exc: Exception) -> str:
    if isinstance(exc, ClientError):
        return exc.response.get("Error", {}).get("Code", "")
    return ""


def _timestamp(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return dt.datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class _Source:
    """One event source; `run` is the body of its thread, the watchdog reads its figures."""

    kind = ""
    unit = "records"  # what its lag counts, for the log lines
    restartable_when_busy = True  # a poller busy for longer than hang_after is restarted

    def __init__(self, driver: EventDriver, config: Any, handler: Callable[..., Any]) -> None:
        self.driver = driver
        self.config = config
        self.name: str = config.name
        self.handler = handler
        self._last_warning = ""
        self.thread: threading.Thread | None = None  # the poller; a replaced (hung) one finds out and leaves
        self.death: str | None = None  # why the poller's thread ended, if it did not stop
        self.restarts = 0
        # Figures (written by the poller, read by the watchdog and status(); single assignments under the GIL).
        self.seen = 0
        self.processed = 0
        self.last_success: float | None = None  # epoch seconds
        self.last_error: str | None = None
        self.last_error_at: float | None = None
        self.lag: int | None = None
        self.in_flight: int | None = None
        self.oldest_waiting_at: float | None = None  # epoch seconds of the oldest waiting record
        self.lag_measured_at: float | None = None
        self.stalled = False
        self.busy_since: float | None = None  # monotonic; None while the poller sleeps
        self.progress_at = time.monotonic()  # monotonic time the last record was processed
        self.waiting_since: float | None = None  # monotonic time the watchdog first saw this lag

    @property
    def stopping(self) -> bool:
        return self.driver._stop.is_set()

    @property
    def active(self) -> bool:
        """True on the source's current poller thread while the driver runs."""
        return threading.current_thread() is self.thread and not self.stopping

    def beat(self) -> None:
        if threading.current_thread() is self.thread:
            self.busy_since = time.monotonic()

    def wait(self, seconds: float) -> bool:
        """Sleep unless stopped; True if the driver is stopping."""
        mine = threading.current_thread() is self.thread
        if mine:
            self.busy_since = None
        stopped = self.driver._stop.wait(seconds)
        if mine:
            self.busy_since = time.monotonic()
        return stopped

    def bind(self, session: boto3.session.Session) -> None:
        """Create the AWS clients (on the starting thread: boto3 sessions are not thread-safe)."""

    def describe(self) -> str:
        return self.kind

    def run(self) -> None:
        raise NotImplementedError

    def restarted(self) -> None:
        """Called before a new poller thread takes over from a dead or hung one."""

    def stall_noticed(self) -> None:
        """Called by the watchdog when records wait and nothing moves."""

    def measure(self) -> None:
        """Update `lag` (and what goes with it); None where it cannot be known."""

    def progressed(self, count: int) -> None:
        self.processed += count
        self.last_success = time.time()
        self.progress_at = time.monotonic()

    def record_error(self, message: str) -> None:
        self.last_error = " ".join(message.split())[:300]
        self.last_error_at = time.time()

    def invoke(self, event: dict[str, Any]) -> tuple[bool, Any]:
        """Call the handler like Lambda: (True, result) or (False, None) after logging the error."""
        context = LambdaContext(f"{self.driver.app_name}-{STAGE}-{self.name}", self.driver.region,
                                self.driver.account)
        try:
            return True, self.handler(event, context)
        except Exception as exc:  # noqa: BLE001 - a handler error must never kill the thread
            self.driver.log(f"[events] {self.name} failed: {type(exc).__name__}: {exc}")
            self.record_error(f"{type(exc).__name__}: {exc}")
            return False, None

    def warn_once(self, message: str) -> None:
        """Log infrastructure trouble without repeating the same line every poll."""
        message = " ".join(message.split())[:300]  # one line, even for an HTML error page
        self.record_error(message)
        if message != self._last_warning:
            self._last_warning = message
            self.driver.log(f"[events] {self.name}: {message}")

    def healthy(self) -> None:
        self._last_warning = ""

    def alive(self) -> bool:
        return self.thread is not None and self.thread.is_alive() and not self.hung_for(self.driver.hang_after)

    def hung_for(self, limit: float) -> float | None:
        """Seconds the poller has been busy in one go, if more than `limit` (and it may be restarted)."""
        since = self.busy_since
        if not self.restartable_when_busy or since is None:
            return None
        busy = time.monotonic() - since
        return busy if busy > limit else None

    def status(self) -> dict[str, Any]:
        oldest = self.oldest_waiting_at
        return {
            "name": self.name,
            "kind": self.kind,
            "source": self.describe(),
            "seen": self.seen,
            "processed": self.processed,
            "lag": self.lag,
            "in_flight": self.in_flight,
            "oldest_waiting_age_s": None if oldest is None else round(max(0.0, time.time() - oldest), 3),
            "lag_measured_at": _timestamp(self.lag_measured_at),
            "last_success": _timestamp(self.last_success),
            "last_error": self.last_error,
            "last_error_at": _timestamp(self.last_error_at),
            "stalled": self.stalled,
            "alive": self.alive(),
            "restarts": self.restarts,
        }


# --------------------------------------------------------------------------------------------------
# SQS
# --------------------------------------------------------------------------------------------------

_MISSING_QUEUE = {"AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _lambda_message_attribute(attr: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "StringValue" in attr:
        out["stringValue"] = attr["StringValue"]
    if "BinaryValue" in attr:
        out["binaryValue"] = _b64(attr["BinaryValue"])
    out["stringListValues"] = list(attr.get("StringListValues", []))
    out["binaryListValues"] = [_b64(v) for v in attr.get("BinaryListValues", [])]
    out["dataType"] = attr["DataType"]
    return out


def sqs_record(message: dict[str, Any], queue_arn: str) -> dict[str, Any]:
    """A ReceiveMessage message -> one record of Lambda's SQS event."""
    record = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": dict(message.get("Attributes", {})),
        "messageAttributes": {k: _lambda_message_attribute(v)
                              for k, v in message.get("MessageAttributes", {}).items()},
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": queue_arn.split(":")[3],
    }
    if "MD5OfMessageAttributes" in message:
        record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    return record


class _SqsSource(_Source):
    kind = "sqs"
    unit = "messages"
    config: SQSEventConfig

    def __init__(self, driver: EventDriver, config: Any, handler: Callable[..., Any]) -> None:
        super().__init__(driver, config, handler)
        self.queue_name = config.queue or (config.queue_arn or "").split(":")[-1]
        self.queue_url: str | None = None
        self.queue_arn = ""

    def bind(self, session: boto3.session.Session) -> None:
        config = Config(retries={"max_attempts": 2, "mode": "standard"}, connect_timeout=2,
                        read_timeout=SQS_WAIT_S + 10)
        self.sqs = session.client("sqs", config=config)

    def describe(self) -> str:
        return f"sqs queue {self.queue_name!r} (batch {self.config.batch_size})"

    def run(self) -> None:
        while self.active:
            self.beat()
            try:
                if self.queue_url is None and not self._resolve_queue():
                    self.wait(self.driver.poll_interval)
                    continue
                self._poll_once()
                self.healthy()
            except Exception as exc:  # noqa: BLE001 - whatever happens, the poller keeps polling
                if _error_code(exc) in _MISSING_QUEUE:
                    self.queue_url = None  # deleted under us: wait for it to come back
                else:
                    self.warn_once(f"{type(exc).__name__}: {exc}")
                self.wait(self.driver.poll_interval)

    def measure(self) -> None:
        url = self.queue_url
        if url is None:
            self.lag = self.in_flight = None
            return
        attrs = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
            "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
        # Visible messages wait for this poller; invisible ones are in a handler or waiting out a retry.
        self.lag = int(attrs.get("ApproximateNumberOfMessages", 0))
        self.in_flight = int(attrs.get("ApproximateNumberOfMessagesNotVisible", 0))
        self.lag_measured_at = time.time()

    def _resolve_queue(self) -> bool:
        try:
            url = self.sqs.get_queue_url(QueueName=self.queue_name)["QueueUrl"]
        except ClientError as exc:
            if _error_code(exc) in _MISSING_QUEUE:
                return False  # not created yet: retry quietly
            raise
        attrs = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        self.queue_arn = attrs["Attributes"]["QueueArn"]
        self.queue_url = url
        return True

    def _receive(self, count: int, wait: int) -> list[dict[str, Any]]:
        response = self.sqs.receive_message(
            QueueUrl=self.queue_url, MaxNumberOfMessages=count, WaitTimeSeconds=wait,
            MessageSystemAttributeNames=["All"], MessageAttributeNames=["All"])
        return response.get("Messages", [])

    def _receive_batch(self) -> list[dict[str, Any]]:
        batch_size = self.config.batch_size
        messages = self._receive(min(batch_size, 10), SQS_WAIT_S)
        # With a batching window Lambda keeps gathering until the batch is full or the window ends.
        window = self.config.maximum_batching_window_in_seconds
        deadline = time.monotonic() + window
        while messages and len(messages) < batch_size and self.active:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            messages += self._receive(min(batch_size - len(messages), 10), min(SQS_WAIT_S, int(left)))
        return messages

    def _poll_once(self) -> None:
        messages = self._receive_batch()
        if not messages:
            return
        records = [sqs_record(m, self.queue_arn) for m in messages]
        self.seen += len(records)
        ok, result = self.invoke({"Records": records})
        if not ok:
            return  # nothing deleted: the batch reappears after the visibility timeout
        failed = _failed_items(result, (r["messageId"] for r in records))
        if failed is None:
            self.driver.log(f"[events] {self.name}: invalid batchItemFailures, whole batch retried")
            return
        done = [r for r in records if r["messageId"] not in failed]
        for start in range(0, len(done), 10):
            chunk = done[start:start + 10]
            response = self.sqs.delete_message_batch(QueueUrl=self.queue_url, Entries=[
                {"Id": str(i), "ReceiptHandle": r["receiptHandle"]} for i, r in enumerate(chunk)])
            for failure in response.get("Failed", []):
                self.warn_once(f"delete failed: {failure.get('Code')} {failure.get('Message')}")
        if done:
            self.progressed(len(done))


# --------------------------------------------------------------------------------------------------
# Schedules
# --------------------------------------------------------------------------------------------------

class _ScheduleSource(_Source):
    kind = "schedule"
    unit = "fires"
    # A scheduled job (a search rebuild) may rightly run long, and a second thread would only queue
    # behind `_lock`: a busy schedule is reported, not restarted.
    restartable_when_busy = False
    config: ScheduledEventConfig

    def __init__(self, driver: EventDriver, config: Any, handler: Callable[..., Any]) -> None:
        super().__init__(driver, config, handler)
        self.schedule = parse_schedule(config.schedule_expression)  # ValueError if unsupported
        self._lock = threading.Lock()

    def describe(self) -> str:
        expr = self.config.schedule_expression
        return f"schedule {expr if isinstance(expr, str) else expr.to_string()}"

    def event(self, when: dt.datetime) -> dict[str, Any]:
        driver = self.driver
        rule = f"{driver.app_name}-{STAGE}-{self.name}"
        return {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": driver.account,
            "time": _iso(when),
            "region": driver.region,
            "resources": [f"arn:aws:events:{driver.region}:{driver.account}:rule/{rule}"],
            "detail": {},
        }

    def fire(self, when: dt.datetime) -> None:
        with self._lock:  # the timer and run_schedules_now() must not overlap one handler
            self.seen += 1
            ok, _ = self.invoke(self.event(when))
            if ok:
                self.progressed(1)

    def run(self) -> None:
        next_fire = self.schedule.next_after(dt.datetime.now(UTC))
        while next_fire is not None and self.active:
            delay = (next_fire - dt.datetime.now(UTC)).total_seconds()
            if delay > 0:
                # Wake at least once a minute so wall-clock jumps (suspend, NTP) are noticed.
                self.wait(min(delay, 60))
                continue
            self.fire(next_fire)
            # Fires missed while we were busy or suspended are skipped, as EventBridge does.
            now = dt.datetime.now(UTC)
            next_fire = self.schedule.next_after(next_fire)
            if next_fire is not None and next_fire <= now:
                next_fire = self.schedule.next_after(now)


# --------------------------------------------------------------------------------------------------
# DynamoDB streams
# --------------------------------------------------------------------------------------------------

_STREAM_ARN = re.compile(r"arn:aws[\w-]*:dynamodb:[^:]*:[^:]*:table/([^/]+)/stream/.+")


def _lambda_attribute(value: Any) -> Any:
    """boto3 decodes binary attributes to bytes; Lambda events carry them base64-encoded."""
    if isinstance(value, bytes):
        return _b64(value)
    if isinstance(value, dict):
        return {k: _lambda_attribute(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_lambda_attribute(v) for v in value]
    return value


def stream_record(raw: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """A GetRecords record -> one record of Lambda's DynamoDB event."""
    record = dict(raw)
    ddb = {k: _lambda_attribute(v) if k in ("Keys", "NewImage", "OldImage") else v
           for k, v in raw["dynamodb"].items()}
    created = ddb.get("ApproximateCreationDateTime")
    if isinstance(created, dt.datetime):
        ddb["ApproximateCreationDateTime"] = int(created.timestamp())  # Lambda sends epoch seconds
    record["dynamodb"] = ddb
    # moto stamps every record with us-east-1; the stream's own region is what Lambda reports.
    record["awsRegion"] = stream_arn.split(":")[3]
    record["eventSourceARN"] = stream_arn
    return record


Position = tuple[str, str | None]  # (SequenceNumber, eventID) of the last record processed in a shard


class _Shard:
    def __init__(self, shard_id: str, parent: str | None) -> None:
        self.id = shard_id
        self.parent = parent
        self.iterator: str | None = None  # None: ask for a new one at `position` on the next read
        self.pending: list[dict[str, Any]] = []  # fetched, not yet processed successfully
        self.position: Position | None = None  # None: nothing processed yet, read from TRIM_HORIZON
        self.ended = False  # GetRecords answered no NextShardIterator: the shard is closed
        self.closed = False  # ended, and everything in it processed
        self.failures = 0


def _iterator_request(position: Position | None) -> dict[str, Any]:
    if position is None:
        # New shards are read from the start so nothing written before the driver started is missed.
        return {"ShardIteratorType": "TRIM_HORIZON"}
    # AT, not AFTER: the record found there shows whether the shard still is the one we read. moto,
    # when it cancels a transaction, puts back a copy of the table taken before it, whose stream lacks
    # the cancelled writes: the next real record then gets the sequence number a cancelled one had.
    return {"ShardIteratorType": "AT_SEQUENCE_NUMBER", "SequenceNumber": position[0]}


def _after_position(records: list[dict[str, Any]], position: Position | None) -> list[dict[str, Any]]:
    """The records of a read that began at `position`, without the one already processed there."""
    if position and records:
        first = records[0]
        if first["dynamodb"]["SequenceNumber"] == position[0] and first.get("eventID") == position[1]:
            return records[1:]
    return records


def _epoch(moment: Any) -> float | None:
    if isinstance(moment, dt.datetime):
        return _as_utc(moment).timestamp()
    if isinstance(moment, int | float):
        return float(moment)
    return None


class _StreamSource(_Source):
    kind = "dynamodb"
    config: DynamoDBEventConfig
    SHARD_REFRESH_S = 30.0

    def __init__(self, driver: EventDriver, config: Any, handler: Callable[..., Any], table: str) -> None:
        super().__init__(driver, config, handler)
        self.table = table
        self.stream_arn: str | None = None
        self.shards: dict[str, _Shard] = {}
        self._shards_arn: str | None = None  # the stream `shards` belong to
        self._shards_listed_at = 0.0
        self._reread = False  # set by the watchdog: drop iterators and fetched records, read again

    def bind(self, session: boto3.session.Session) -> None:
        config = Config(retries={"max_attempts": 2, "mode": "standard"}, connect_timeout=2, read_timeout=20)
        self.dynamodb = session.client("dynamodb", config=config)
        self.streams = session.client("dynamodbstreams", config=config)

    def describe(self) -> str:
        return f"dynamodb stream of table {self.table!r}"

    def run(self) -> None:
        while self.active:
            self.beat()
            try:
                if self._reread:
                    self._reread = False
                    for shard in self.shards.values():
                        shard.iterator, shard.pending = None, []
                if self.stream_arn is None and not self._resolve_stream():
                    self.wait(self.driver.poll_interval)
                    continue
                busy = self._poll_once()
                self.healthy()
                if not busy:
                    self.wait(self.driver.poll_interval)
            except Exception as exc:  # noqa: BLE001 - whatever happens, the poller keeps polling
                if _error_code(exc) != "ResourceNotFoundException":
                    self.warn_once(f"{type(exc).__name__}: {exc}")
                self.stream_arn = None  # re-resolve; positions survive if the stream is the same
                self.wait(self.driver.poll_interval)

    def restarted(self) -> None:
        self.stream_arn = None  # the new thread resolves the stream again and reads on from the positions

    def stall_noticed(self) -> None:
        self._reread = True

    def _resolve_stream(self) -> bool:
        # The table's current stream, not a literal ARN: the table may be (re-)created any time.
        try:
            arn = self.dynamodb.describe_table(TableName=self.table)["Table"].get("LatestStreamArn")
        except ClientError as exc:
            if _error_code(exc) == "ResourceNotFoundException":
                return False  # table not created yet: retry quietly
            raise
        if not arn:
            self.warn_once(f"table {self.table!r} has no stream enabled")
            return False
        if arn != self._shards_arn:
            # A new stream (e.g. the table was re-created): read it from its beginning.
            self.shards, self._shards_arn = {}, arn
        for shard in self.shards.values():
            shard.iterator, shard.pending = None, []
        self.stream_arn = arn
        self._shards_listed_at = 0.0
        return True

    def _list_shards(self) -> None:
        kwargs: dict[str, Any] = {"StreamArn": self.stream_arn}
        shards = dict(self.shards)
        while True:
            description = self.streams.describe_stream(**kwargs)["StreamDescription"]
            for shard in description.get("Shards", []):
                if shard["ShardId"] not in shards:
                    shards[shard["ShardId"]] = _Shard(shard["ShardId"], shard.get("ParentShardId"))
            last = description.get("LastEvaluatedShardId")
            if not last:
                break
            kwargs["ExclusiveStartShardId"] = last
        self.shards = shards  # one assignment: the watchdog may be iterating the old dict
        self._shards_listed_at = time.monotonic()

    def _ready(self, shard: _Shard) -> bool:
        # Like Lambda, a child shard waits until its parent has been read to the end.
        parent = self.shards.get(shard.parent) if shard.parent else None
        return not shard.closed and (parent is None or parent.closed)

    def _poll_once(self) -> bool:
        if time.monotonic() - self._shards_listed_at > self.SHARD_REFRESH_S:
            self._list_shards()
        busy = False
        for shard in list(self.shards.values()):
            if not self.active:
                break
            if self._ready(shard):
                busy = self._process(shard) or busy
        return busy

    def _new_iterator(self, streams: Any, shard: _Shard, position: Position | None) -> tuple[str, Position | None]:
        """An iterator at `position` (the position it really starts at: TRIM_HORIZON if trimmed)."""
        try:
            response = streams.get_shard_iterator(StreamArn=self.stream_arn, ShardId=shard.id,
                                                  **_iterator_request(position))
            return response["ShardIterator"], position
        except ClientError as exc:
            if position is None or _error_code(exc) != "TrimmedDataAccessException":
                raise
        if threading.current_thread() is self.thread:
            self.warn_once(f"shard {shard.id}: records after {position[0]} are past the stream's retention;"
                           " reading on from the oldest kept")
        response = streams.get_shard_iterator(StreamArn=self.stream_arn, ShardId=shard.id,
                                              **_iterator_request(None))
        return response["ShardIterator"], None

    def _fetch(self, shard: _Shard) -> None:
        resumed_at: Position | None = None
        if shard.iterator is None:
            shard.iterator, resumed_at = self._new_iterator(self.streams, shard, shard.position)
        try:
            response = self.streams.get_records(ShardIterator=shard.iterator,
                                                Limit=min(self.config.batch_size, 1000))
        except ClientError as exc:
            if _error_code(exc) != "ExpiredIteratorException":
                raise
            shard.iterator = None  # read on from the position next time
            return
        if not self.active:
            return  # a replaced poller leaves the shard to its successor
        raw = _after_position(response.get("Records", []), resumed_at)
        shard.pending = [stream_record(r, self.stream_arn) for r in raw]
        self.seen += len(shard.pending)
        next_iterator = response.get("NextShardIterator")
        if next_iterator is None:
            shard.ended, shard.iterator = True, None
        else:
            # An empty read ends the chain: the next poll asks for an iterator at the position again, so
            # a chain that went stale (moto: bound to a shard its table no longer has) is not followed
            # for ever. While records come, the chain is followed.
            shard.iterator = next_iterator if shard.pending else None
        if shard.ended and not shard.pending:
            shard.closed = True

    def _process(self, shard: _Shard) -> bool:
        """Fetch if needed and invoke the handler once; True if there was work."""
        if not shard.pending:
            self._fetch(shard)
            if not shard.pending:
                return False
        batch = shard.pending[:self.config.batch_size]
        sequence_numbers = [r["dynamodb"]["SequenceNumber"] for r in batch]
        ok, result = self.invoke({"Records": batch})
        if not self.active:
            return False  # replaced while in the handler (hung): the successor reads from the position
        failed = _failed_items(result, sequence_numbers) if ok else None
        if ok and failed is None:
            self.driver.log(f"[events] {self.name}: invalid batchItemFailures, whole batch retried")
            self.record_error("invalid batchItemFailures")
        if failed is None:
            retry_from = 0
        elif failed:
            retry_from = min(sequence_numbers.index(s) for s in failed)
        else:
            retry_from = len(batch)
        if retry_from:
            last = batch[retry_from - 1]
            shard.position = (last["dynamodb"]["SequenceNumber"], last.get("eventID"))
            shard.pending = shard.pending[retry_from:]
            self.progressed(retry_from)
        if retry_from < len(batch):
            shard.failures += 1
            self.wait(min(self.driver.poll_interval * 2 ** (shard.failures - 1), MAX_BACKOFF_S))
        else:
            shard.failures = 0
        if shard.ended and not shard.pending:
            shard.closed = True
        return True

    def measure(self) -> None:
        """Count the records after each open shard's position, from a fresh iterator (not the chain)."""
        if self.stream_arn is None:
            self.lag = None
            self.oldest_waiting_at = None
            return
        waiting, oldest = 0, None
        for shard in list(self.shards.values()):
            if shard.closed:
                continue
            iterator, position = self._new_iterator(self.streams, shard, shard.position)
            for _page in range(LAG_PROBE_PAGES):
                response = self.streams.get_records(ShardIterator=iterator, Limit=1000)
                got = response.get("Records", [])
                records = _after_position(got, position)
                position = None  # only the first page begins at the position
                if records:
                    created = _epoch(records[0]["dynamodb"].get("ApproximateCreationDateTime"))
                    if created is not None and (oldest is None or created < oldest):
                        oldest = created
                waiting += len(records)
                iterator = response.get("NextShardIterator")
                if not got or iterator is None:
                    break
        self.lag, self.oldest_waiting_at = waiting, oldest if waiting else None
        self.lag_measured_at = time.time()


# --------------------------------------------------------------------------------------------------
# The driver
# --------------------------------------------------------------------------------------------------

class EventDriver:
    """Drives `app`'s SQS, schedule and DynamoDB stream handlers from daemon threads.

    `stream_tables` maps a handler name or the `stream_arn` a handler was registered with (often a
    placeholder, since the real ARN is only known after deployment) to the table whose current
    stream should feed it. Without an entry, the table name is read from a literal stream ARN.
    `stall_after`, `watch_interval` and `hang_after` (seconds) tune the watchdog (module docstring).
    """

    def __init__(self, app: Chalice, *, poll_interval: float = 1.0, log: Log = print,
                 stream_tables: dict[str, str] | None = None, stall_after: float = STALL_AFTER_S,
                 watch_interval: float = WATCH_INTERVAL_S, hang_after: float = HANG_AFTER_S) -> None:
        self.app_name = app.app_name
        self.poll_interval = poll_interval
        self.log = log
        self.stall_after = stall_after
        self.watch_interval = watch_interval
        self.hang_after = hang_after
        self.region = os.environ.get("AWS_DEFAULT_REGION") or os.environ.get("AWS_REGION") or "us-east-1"
        self.account = os.environ.get("MOTO_ACCOUNT_ID", DEFAULT_ACCOUNT)
        self._stream_tables = dict(stream_tables or {})
        self._stop = threading.Event()
        self._started = False
        self._watchdog: threading.Thread | None = None
        self._sources = self._build_sources(app)

    def _build_sources(self, app: Chalice) -> list[_Source]:
        sources: list[_Source] = []
        for config in app.event_sources:
            handler = app.handler_map[config.name]
            try:
                if isinstance(config, SQSEventConfig):
                    sources.append(_SqsSource(self, config, handler))
                elif isinstance(config, ScheduledEventConfig):
                    sources.append(_ScheduleSource(self, config, handler))
                elif isinstance(config, DynamoDBEventConfig):
                    table = self._table_for(config)
                    if table is None:
                        raise ValueError(f"stream {config.stream_arn!r} is no stream ARN and has no"
                                         " entry in stream_tables")
                    sources.append(_StreamSource(self, config, handler, table))
                else:
                    self.log(f"[events] {config.name}: {type(config).__name__} is not driven locally")
            except ValueError as exc:
                self.log(f"[events] {config.name}: not driven: {exc}")
        return sources

    def _table_for(self, config: DynamoDBEventConfig) -> str | None:
        for key in (config.name, config.stream_arn):
            if key in self._stream_tables:
                return self._stream_tables[key]
        match = _STREAM_ARN.fullmatch(config.stream_arn)
        return match.group(1) if match else None

    def start(self) -> None:
        """Start one daemon thread per event source and the watchdog, and return at once (a second call
        is a no-op)."""
        if self._started or self._stop.is_set():
            return
        self._started = True
        session = boto3.session.Session(region_name=self.region)
        for source in self._sources:
            source.bind(session)
            self.log(f"[events] {source.name} <- {source.describe()}")
        for source in self._sources:
            self._spawn(source)
        self._watchdog = threading.Thread(target=self._watch, name="events-watchdog", daemon=True)
        self._watchdog.start()

    def _spawn(self, source: _Source) -> None:
        thread = threading.Thread(target=self._run_source, args=(source,), name=f"events-{source.name}",
                                  daemon=True)
        source.death = None
        source.busy_since = time.monotonic()
        source.thread = thread  # before start(): the thread knows itself as the source's poller by this
        thread.start()

    @staticmethod
    def _run_source(source: _Source) -> None:
        try:
            source.run()
        except BaseException as exc:  # noqa: BLE001 - recorded for the watchdog, which starts a new poller
            if threading.current_thread() is source.thread:
                source.death = f"{type(exc).__name__}: {exc}"
                source.record_error(f"poller died: {source.death}")

    def stop(self, timeout: float = 10.0) -> None:
        """Signal every thread and wait for them (up to `timeout` seconds in all)."""
        self._stop.set()
        deadline = time.monotonic() + timeout
        threads = [s.thread for s in self._sources if s.thread is not None] + [self._watchdog]
        for thread in threads:
            if thread is None:
                continue
            thread.join(max(0.0, deadline - time.monotonic()))
            if thread.is_alive():
                self.log(f"[events] {thread.name} did not stop within {timeout}s")

    def status(self) -> dict[str, Any]:
        """Each source's figures (module docstring), JSON-serialisable; cheap: lags are the watchdog's last."""
        return {"running": self._started and not self._stop.is_set(), "stall_after_s": self.stall_after,
                "sources": [source.status() for source in self._sources]}

    # --- the watchdog --------------------------------------------------------------------------

    def _watch(self) -> None:
        while not self._stop.wait(self.watch_interval):
            for source in self._sources:
                if self._stop.is_set():
                    return
                try:
                    self.watch_once(source)
                except Exception as exc:  # noqa: BLE001 - the watchdog must outlive whatever it watches
                    source.lag = None
                    source.record_error(f"lag not measured: {type(exc).__name__}: {exc}")

    def watch_once(self, source: _Source) -> None:
        """Restart a dead or hung poller, measure the source's lag, and log a stall or its end."""
        thread = source.thread
        if thread is None:
            return
        if not thread.is_alive() and source.death is not None:
            self.log(f"[events] {source.name} poller died ({source.death}); restarted")
            self._restart(source)
        else:
            busy = source.hung_for(self.hang_after)
            if busy is not None:
                self.log(f"[events] {source.name} poller hung for {busy:.0f} s; restarted")
                source.record_error(f"poller hung for {busy:.0f} s")
                self._restart(source)
        source.measure()
        self._judge_progress(source)

    def _restart(self, source: _Source) -> None:
        if self._stop.is_set():
            return
        source.restarts += 1
        source.restarted()
        self._spawn(source)  # a hung thread left behind sees it is no longer the poller and leaves

    def _judge_progress(self, source: _Source) -> None:
        lag = source.lag
        if lag is None:
            return  # not known: neither a stall nor a recovery
        now = time.monotonic()
        if not lag:
            source.waiting_since = None
            if source.stalled:
                source.stalled = False
                self.log(f"[events] {source.name} recovered: nothing waiting")
            return
        if source.waiting_since is None:
            source.waiting_since = now
        idle = now - max(source.waiting_since, source.progress_at)
        if not source.stalled and idle >= self.stall_after:
            source.stalled = True
            error = f"; last error: {source.last_error}" if source.last_error else ""
            self.log(f"[events] {source.name} STALLED: {lag} {source.unit} waiting, no progress for "
                     f"{idle:.0f} s{error}")
            source.stall_noticed()
        elif source.stalled and idle < self.stall_after:
            source.stalled = False
            self.log(f"[events] {source.name} recovered: processing again, {lag} {source.unit} waiting")

    def run_schedules_now(self) -> None:
        """Fire every scheduled handler once, now, on the calling thread."""
        now = dt.datetime.now(UTC).replace(microsecond=0)
        for source in self._sources:
            if isinstance(source, _ScheduleSource):
                source.fire(now)
