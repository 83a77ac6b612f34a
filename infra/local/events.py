"""Run a Chalice app's Lambda event handlers locally, driven the way Lambda drives them.

``EventDriver(app).start()`` starts one daemon thread per event source of the app:

* ``@app.on_sqs_message``: long-polls the queue, invokes the handler with a Lambda SQS event,
  deletes what succeeded (partial batch responses are honoured; a raising handler deletes nothing,
  so the messages come back after the visibility timeout and the redrive policy applies).
* ``@app.schedule``: fires ``rate(...)``/``cron(...)`` expressions in real time (UTC) with a
  CloudWatch "Scheduled Event"; ``run_schedules_now()`` fires them all at once.
* ``@app.on_dynamodb_record``: polls the table's DynamoDB stream shards and invokes the handler in
  batches; a failing batch is retried, ``batchItemFailures`` resumes from the first failed record.

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


class _Source:
    """One event source; `run` is the body of its thread."""

    kind = ""

    def __init__(self, driver: EventDriver, config: Any, handler: Callable[..., Any]) -> None:
        self.driver = driver
        self.config = config
        self.name: str = config.name
        self.handler = handler
        self._last_warning = ""

    @property
    def stopping(self) -> bool:
        return self.driver._stop.is_set()

    def wait(self, seconds: float) -> bool:
        """Sleep unless stopped; True if the driver is stopping."""
        return self.driver._stop.wait(seconds)

    def bind(self, session: boto3.session.Session) -> None:
        """Create the AWS clients (on the starting thread: boto3 sessions are not thread-safe)."""

    def describe(self) -> str:
        return self.kind

    def run(self) -> None:
        raise NotImplementedError

    def invoke(self, event: dict[str, Any]) -> tuple[bool, Any]:
        """Call the handler like Lambda: (True, result) or (False, None) after logging the error."""
        context = LambdaContext(f"{self.driver.app_name}-{STAGE}-{self.name}", self.driver.region,
                                self.driver.account)
        try:
            return True, self.handler(event, context)
        except Exception as exc:  # noqa: BLE001 - a handler error must never kill the thread
            self.driver.log(f"[events] {self.name} failed: {type(exc).__name__}: {exc}")
            return False, None

    def warn_once(self, message: str) -> None:
        """Log infrastructure trouble without repeating the same line every poll."""
        message = " ".join(message.split())[:300]  # one line, even for an HTML error page
        if message != self._last_warning:
            self._last_warning = message
            self.driver.log(f"[events] {self.name}: {message}")

    def healthy(self) -> None:
        self._last_warning = ""


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
    config: SQSEventConfig

    def bind(self, session: boto3.session.Session) -> None:
        config = Config(retries={"max_attempts": 2, "mode": "standard"}, connect_timeout=2,
                        read_timeout=SQS_WAIT_S + 10)
        self.sqs = session.client("sqs", config=config)
        self.queue_name = self.config.queue or (self.config.queue_arn or "").split(":")[-1]
        self.queue_url: str | None = None
        self.queue_arn = ""

    def describe(self) -> str:
        return f"sqs queue {self.queue_name!r} (batch {self.config.batch_size})"

    def run(self) -> None:
        while not self.stopping:
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
        while messages and len(messages) < batch_size and not self.stopping:
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


# --------------------------------------------------------------------------------------------------
# Schedules
# --------------------------------------------------------------------------------------------------

class _ScheduleSource(_Source):
    kind = "schedule"
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
            self.invoke(self.event(when))

    def run(self) -> None:
        next_fire = self.schedule.next_after(dt.datetime.now(UTC))
        while next_fire is not None and not self.stopping:
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


class _Shard:
    def __init__(self, shard_id: str, parent: str | None) -> None:
        self.id = shard_id
        self.parent = parent
        self.iterator: str | None = None
        self.pending: list[dict[str, Any]] = []  # fetched, not yet processed successfully
        self.checkpoint: str | None = None  # last sequence number processed successfully
        self.closed = False
        self.failures = 0


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

    def bind(self, session: boto3.session.Session) -> None:
        config = Config(retries={"max_attempts": 2, "mode": "standard"}, connect_timeout=2)
        self.dynamodb = session.client("dynamodb", config=config)
        self.streams = session.client("dynamodbstreams", config=config)

    def describe(self) -> str:
        return f"dynamodb stream of table {self.table!r}"

    def run(self) -> None:
        while not self.stopping:
            try:
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
                self.stream_arn = None  # re-resolve; checkpoints survive if the stream is the same
                self.wait(self.driver.poll_interval)

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
        while True:
            description = self.streams.describe_stream(**kwargs)["StreamDescription"]
            for shard in description.get("Shards", []):
                if shard["ShardId"] not in self.shards:
                    self.shards[shard["ShardId"]] = _Shard(shard["ShardId"], shard.get("ParentShardId"))
            last = description.get("LastEvaluatedShardId")
            if not last:
                break
            kwargs["ExclusiveStartShardId"] = last
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
            if self.stopping:
                break
            if self._ready(shard):
                busy = self._process(shard) or busy
        return busy

    def _fetch(self, shard: _Shard) -> None:
        if shard.iterator is None:
            # New shards are read from the start (TRIM_HORIZON) so nothing written before the
            # driver started is missed; after an error we resume behind the checkpoint.
            kwargs: dict[str, Any] = {"ShardIteratorType": "TRIM_HORIZON"}
            if shard.checkpoint:
                kwargs = {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": shard.checkpoint}
            shard.iterator = self.streams.get_shard_iterator(
                StreamArn=self.stream_arn, ShardId=shard.id, **kwargs)["ShardIterator"]
        response = self.streams.get_records(ShardIterator=shard.iterator,
                                            Limit=min(self.config.batch_size, 1000))
        shard.pending = [stream_record(r, self.stream_arn) for r in response.get("Records", [])]
        shard.iterator = response.get("NextShardIterator")
        if shard.iterator is None and not shard.pending:
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
        failed = _failed_items(result, sequence_numbers) if ok else None
        if ok and failed is None:
            self.driver.log(f"[events] {self.name}: invalid batchItemFailures, whole batch retried")
        if failed is None:
            retry_from = 0
        elif failed:
            retry_from = min(sequence_numbers.index(s) for s in failed)
        else:
            retry_from = len(batch)
        if retry_from:
            shard.checkpoint = sequence_numbers[retry_from - 1]
            shard.pending = shard.pending[retry_from:]
        if retry_from < len(batch):
            shard.failures += 1
            self.wait(min(self.driver.poll_interval * 2 ** (shard.failures - 1), MAX_BACKOFF_S))
        else:
            shard.failures = 0
        if shard.iterator is None and not shard.pending:
            shard.closed = True
        return True


# --------------------------------------------------------------------------------------------------
# The driver
# --------------------------------------------------------------------------------------------------

class EventDriver:
    """Drives `app`'s SQS, schedule and DynamoDB stream handlers from daemon threads.

    `stream_tables` maps a handler name or the `stream_arn` a handler was registered with (often a
    placeholder, since the real ARN is only known after deployment) to the table whose current
    stream should feed it. Without an entry, the table name is read from a literal stream ARN.
    """

    def __init__(self, app: Chalice, *, poll_interval: float = 1.0, log: Log = print,
                 stream_tables: dict[str, str] | None = None) -> None:
        self.app_name = app.app_name
        self.poll_interval = poll_interval
        self.log = log
        self.region = os.environ.get("AWS_DEFAULT_REGION") or os.environ.get("AWS_REGION") or "us-east-1"
        self.account = os.environ.get("MOTO_ACCOUNT_ID", DEFAULT_ACCOUNT)
        self._stream_tables = dict(stream_tables or {})
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
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
        """Start one daemon thread per event source and return at once (a second call is a no-op)."""
        if self._threads or self._stop.is_set():
            return
        session = boto3.session.Session(region_name=self.region)
        for source in self._sources:
            source.bind(session)
            thread = threading.Thread(target=source.run, name=f"events-{source.name}", daemon=True)
            self._threads.append(thread)
            self.log(f"[events] {source.name} <- {source.describe()}")
        for thread in self._threads:
            thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Signal every thread and wait for them (up to `timeout` seconds in all)."""
        self._stop.set()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
            if thread.is_alive():
                self.log(f"[events] {thread.name} did not stop within {timeout}s")
        self._threads = [t for t in self._threads if t.is_alive()]

    def run_schedules_now(self) -> None:
        """Fire every scheduled handler once, now, on the calling thread."""
        now = dt.datetime.now(UTC).replace(microsecond=0)
        for source in self._sources:
            if isinstance(source, _ScheduleSource):
                source.fire(now)
