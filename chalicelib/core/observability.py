"""Structured logs and business metrics, with nothing to install.

* Logs: every record of the `ecoseller` loggers becomes one JSON line (time, level, logger, message,
  request id, exception, and any `extra=` fields). The request id is the API Gateway request id for HTTP
  requests, the Lambda request id for event handlers, set by `bind_request_id` at the start of each.
* Metrics: `metric("OrdersPlaced")` prints one CloudWatch Embedded Metric Format line: CloudWatch turns
  it into a metric in the `Ecoseller` namespace (with the `service` and stage dimensions) without an
  API call; locally it is just a log line. The metrics the shop emits: OrdersPlaced and OrderValue
  (checkout), OrderStatusChanged, PaymentStatusChanged, DeliveriesSent/DeliveriesFailed (notifications),
  SearchFallbacks (search served from DynamoDB).

Powertools would do the same; these 100 lines avoid its import time on every cold start.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import os
import sys
import time

NAMESPACE = "Ecoseller"
_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
_RESERVED = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


def bind_request_id(request_id: str | None) -> None:
    _request_id.set(request_id)


def request_id() -> str | None:
    return _request_id.get()


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": _request_id.get(),
        }
        entry.update({k: v for k, v in record.__dict__.items() if k not in _RESERVED and not k.startswith("_")})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


_configured = False


def configure_logging() -> None:
    """JSON lines on stdout for the `ecoseller` loggers (once per process). In Lambda (or with
    LOG_FORMAT=json) always; elsewhere only when LOG_FORMAT=json, so local consoles stay readable."""
    global _configured
    if _configured:
        return
    _configured = True
    if not (os.environ.get("AWS_LAMBDA_FUNCTION_NAME") or os.environ.get("LOG_FORMAT") == "json"):
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("ecoseller")
    root.handlers[:] = [handler]
    root.setLevel(os.environ.get("LOG_LEVEL", "INFO").upper())
    root.propagate = False


def emf_line(name: str, value: float, unit: str, dimensions: dict[str, str]) -> str:
    dims = {"service": os.environ.get("POWERTOOLS_SERVICE_NAME", "ecoseller"),
            "stage": os.environ.get("STAGE", "dev"), **dimensions}
    return json.dumps({
        "_aws": {"Timestamp": int(time.time() * 1000),
                 "CloudWatchMetrics": [{"Namespace": NAMESPACE, "Dimensions": [sorted(dims)],
                                        "Metrics": [{"Name": name, "Unit": unit}]}]},
        name: value, **dims, "request_id": _request_id.get(),
    })


def metric(name: str, value: float = 1, unit: str = "Count", **dimensions: str) -> None:
    """One metric value, as an EMF line on stdout (CloudWatch reads Lambda's stdout). Outside Lambda only
    with EMIT_METRICS=1, so local consoles and test output stay quiet."""
    if not (os.environ.get("AWS_LAMBDA_FUNCTION_NAME") or os.environ.get("EMIT_METRICS") == "1"):
        return
    print(emf_line(name, value, unit, {k: str(v) for k, v in dimensions.items()}), flush=True)
