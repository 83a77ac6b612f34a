"""Every SQS queue, defined once, each with its dead-letter queue.

`ensure_queues()` creates or updates them through boto3 (the local stack calls it at start-up; tests
call it inside moto); `infra/template.py` renders the same definitions as CloudFormation. Names are
`<TABLE_PREFIX>-<logical name>` and `<TABLE_PREFIX>-<logical name>-dlq`, like the tables.

`consumer` names the Lambda handler (its Chalice function name) that consumes the queue: infra/ uses
it to point the event source mapping at the queue it creates and to enable partial batch responses.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass

from botocore.exceptions import ClientError

from chalicelib.core.aws import aws_client
from chalicelib.core.settings import get_settings

DAY = 24 * 3600
MISSING_QUEUE_CODES = frozenset({"AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"})


@dataclass(frozen=True)
class QueueSpec:
    logical: str
    description: str
    consumer: str
    # At least 6x the consumer's Lambda timeout (30 s), as AWS advises for SQS event sources.
    visibility_timeout: int = 180
    # Receives before SQS moves a message to the DLQ: only a consumer crashing on it gets there,
    # since consumers handle ordinary failures themselves (retry schedule, partial batch responses).
    max_receive_count: int = 5
    retention: int = 4 * DAY
    dlq_retention: int = 14 * DAY  # the SQS maximum

    def attributes(self, dlq_arn: str) -> dict[str, str]:
        return {
            "VisibilityTimeout": str(self.visibility_timeout),
            "MessageRetentionPeriod": str(self.retention),
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": self.max_receive_count}),
        }

    def dlq_attributes(self) -> dict[str, str]:
        return {"MessageRetentionPeriod": str(self.dlq_retention)}


EVENTS = QueueSpec(
    logical="events",
    description="Domain events forwarded from the outbox table's stream; the dispatcher expands each "
    "into one delivery per configured action.",
    consumer="notify_dispatch",
)

DELIVERIES = QueueSpec(
    logical="deliveries",
    description="One message per delivery attempt (an HTTP call, an e-mail, a recommender call); deliveries "
    "that fail their last attempt are copied to its DLQ by the delivery handler.",
    consumer="notify_deliver",
)

QUEUES: dict[str, QueueSpec] = {spec.logical: spec for spec in (EVENTS, DELIVERIES)}


def queue_name(logical: str) -> str:
    return f"{get_settings().table_prefix}-{logical}"


def dlq_name(logical: str) -> str:
    return f"{queue_name(logical)}-dlq"


def client():
    return aws_client("sqs")


_urls: dict[str, str] = {}
_lock = threading.Lock()


def url_of(name: str) -> str:
    """A queue's URL by name, cached per process (`forget_url` after a QueueDoesNotExist)."""
    url = _urls.get(name)
    if url is None:
        url = client().get_queue_url(QueueName=name)["QueueUrl"]
        with _lock:
            _urls[name] = url
    return url


def forget_url(name: str) -> None:
    with _lock:
        _urls.pop(name, None)


def queue_url(logical: str) -> str:
    return url_of(queue_name(logical))


def dlq_url(logical: str) -> str:
    return url_of(dlq_name(logical))


def is_missing_queue(error: Exception) -> bool:
    return isinstance(error, ClientError) and error.response.get("Error", {}).get("Code") in MISSING_QUEUE_CODES


def _ensure(name: str, attributes: dict[str, str]) -> tuple[str, bool]:
    """Create the queue, or bring an existing one's attributes in line; (url, created)."""
    sqs = client()
    try:
        url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    except ClientError as error:
        if not is_missing_queue(error):
            raise
        return sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"], True
    current = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=list(attributes))["Attributes"]
    changed = {k: v for k, v in attributes.items()
               if (json.loads(current.get(k, "null")) if k == "RedrivePolicy" else current.get(k))
               != (json.loads(v) if k == "RedrivePolicy" else v)}
    if changed:
        sqs.set_queue_attributes(QueueUrl=url, Attributes=changed)
    return url, False


def ensure_queues(log: Callable[[str], None] = print) -> dict[str, str]:
    """Create every queue and its DLQ (idempotent); answers {queue name: url}."""
    urls: dict[str, str] = {}
    for spec in QUEUES.values():
        dlq = dlq_name(spec.logical)
        dlq_url_, created = _ensure(dlq, spec.dlq_attributes())
        if created:
            log(f"created queue {dlq}")
        attributes = client().get_queue_attributes(QueueUrl=dlq_url_, AttributeNames=["QueueArn"])["Attributes"]
        dlq_arn = attributes["QueueArn"]
        name = queue_name(spec.logical)
        url, created = _ensure(name, spec.attributes(dlq_arn))
        if created:
            log(f"created queue {name}")
        urls[dlq], urls[name] = dlq_url_, url
    with _lock:
        _urls.update(urls)
    return urls
