"""Partial batch responses of the SQS and stream handlers (`ReportBatchItemFailures`).

A handler answers `{"batchItemFailures": [{"itemIdentifier": ...}, ...]}`: the records to be delivered
again, everything else being done with.

* SQS: each failed message by its messageId; the others are deleted from the queue (`sqs_failures`,
  `response`).
* Streams: a shard is read in order, so a failure holds the shard at that record: it and every record
  after it, by SequenceNumber, come again (`stream_response`); Lambda resumes from the lowest reported.

Small on purpose (AWS Lambda Powertools' BatchProcessor would be a dependency and cost cold start).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import Executor


def response(failed_ids: Iterable[str]) -> dict:
    """The partial batch response reporting these item identifiers as failed."""
    return {"batchItemFailures": [{"itemIdentifier": identifier} for identifier in failed_ids]}


def sqs_failures(records: list[dict], handle: Callable[[dict], bool], *, pool: Executor | None = None) -> list[str]:
    """Run `handle(record)` on every SQS record, in order (or concurrently on `pool`); answers the
    messageIds, in record order, of those it answered False for (to be retried by SQS)."""
    if pool is None or len(records) <= 1:
        done = [handle(record) for record in records]
    else:
        done = list(pool.map(handle, records))
    return [record["messageId"] for record, ok in zip(records, done, strict=True) if not ok]


def stream_response(records: list[dict], first_failed: int | None) -> dict:
    """The response for stream records of which the one at position `first_failed` (None: none) was not
    processed: it and everything after it are retried."""
    if first_failed is None:
        return response([])
    return response(record["dynamodb"]["SequenceNumber"] for record in records[first_failed:])
