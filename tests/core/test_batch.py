"""The partial batch responses of the SQS and stream handlers (core/batch.py)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from chalicelib.core import batch


def _sqs(*ids):
    return [{"messageId": i, "body": i} for i in ids]


def _stream(*sequences):
    return [{"dynamodb": {"SequenceNumber": s}} for s in sequences]


def test_sqs_reports_each_failed_message_in_order():
    records = _sqs("a", "b", "c", "d")
    assert batch.sqs_failures(records, lambda r: r["body"] in ("a", "c")) == ["b", "d"]
    with ThreadPoolExecutor(2) as pool:
        assert batch.sqs_failures(records, lambda r: r["body"] != "c", pool=pool) == ["c"]
    assert batch.response(["b"]) == {"batchItemFailures": [{"itemIdentifier": "b"}]}


def test_a_stream_is_retried_from_its_first_failed_record_on():
    records = _stream("1", "2", "3")
    assert batch.stream_response(records, None) == {"batchItemFailures": []}
    assert batch.stream_response(records, 1) == {"batchItemFailures": [{"itemIdentifier": "2"},
                                                                       {"itemIdentifier": "3"}]}
