"""Structured JSON logs with the request id, and CloudWatch EMF metric lines."""

from __future__ import annotations

import io
import json
import logging

from chalicelib.core import observability


def test_log_lines_are_json_with_the_request_id_and_extra_fields():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(observability.JsonFormatter())
    logger = logging.getLogger("ecoseller.test-observability")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        observability.bind_request_id("req-123")
        logger.info("order %s placed", "abc", extra={"order": "abc", "amount": 12})
        try:
            raise ValueError("boom")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
        observability.bind_request_id(None)
    first, second = [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]
    assert first["message"] == "order abc placed" and first["request_id"] == "req-123"
    assert first["order"] == "abc" and first["amount"] == 12 and first["level"] == "INFO"
    assert second["level"] == "ERROR" and "ValueError: boom" in second["exception"]


def test_metric_is_an_emf_line_cloudwatch_understands(monkeypatch, capsys):
    monkeypatch.setenv("EMIT_METRICS", "1")
    monkeypatch.setenv("STAGE", "prod")
    observability.metric("OrdersPlaced", currency="CZK")
    line = json.loads(capsys.readouterr().out.strip())
    (directive,) = line["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "Ecoseller"
    assert directive["Metrics"] == [{"Name": "OrdersPlaced", "Unit": "Count"}]
    assert sorted(directive["Dimensions"][0]) == ["currency", "service", "stage"]
    assert line["OrdersPlaced"] == 1 and line["currency"] == "CZK" and line["stage"] == "prod"


def test_metrics_stay_quiet_outside_lambda(monkeypatch, capsys):
    monkeypatch.delenv("EMIT_METRICS", raising=False)
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    observability.metric("OrdersPlaced")
    assert capsys.readouterr().out == ""


def test_http_requests_bind_their_api_gateway_request_id(client):
    from tests.helpers import call

    observability.bind_request_id(None)
    call(client, "GET", "/country/storefront/")
    assert observability.request_id()  # API Gateway's, or a fresh one where there is none (locally)
