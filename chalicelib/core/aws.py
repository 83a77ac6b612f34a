"""One boto3 client per AWS service per process (clients are thread-safe; creating them is not)."""

from __future__ import annotations

import threading
from typing import Any

import boto3
from botocore.config import Config

_lock = threading.Lock()
_clients: dict[str, Any] = {}

# Standard mode retries throttling and 5xx with backoff; 8 attempts ride out a short throttle burst.
_CONFIG = Config(retries={"mode": "standard", "max_attempts": 8}, connect_timeout=3, read_timeout=10)


def aws_client(service: str):
    client = _clients.get(service)
    if client is None:
        with _lock:
            client = _clients.get(service)
            if client is None:
                client = boto3.session.Session().client(service, config=_CONFIG)
                _clients[service] = client
    return client


def forget_clients() -> None:
    """Forget the cached clients (tests start a new emulated AWS)."""
    with _lock:
        _clients.clear()
