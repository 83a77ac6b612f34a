"""Make moto serialize requests, as DynamoDB does for the items one request touches.

moto applies a TransactWriteItems by checking every condition and then writing, with no lock: two
threads can both pass the checks before either writes, which real DynamoDB never allows (that is
what conditional writes and transactions are for). So tests and the local stack run each emulated AWS
request under one process-wide lock, both in-process (`mock_aws`) and through moto's HTTP server.
Requests are short (microseconds to milliseconds), so the lock costs little.
"""

from __future__ import annotations

import functools
import threading

_LOCK = threading.RLock()
_installed = False


def _serialized(method):
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        with _LOCK:
            return method(*args, **kwargs)

    wrapper.__wrapped_by_serializer__ = True
    return wrapper


def install() -> None:
    """Idempotent: wrap moto's in-process stub and its server application once per process."""
    global _installed
    if _installed:
        return
    from moto.core.botocore_stubber import BotocoreStubber
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    BotocoreStubber.process_request = _serialized(BotocoreStubber.process_request)
    DomainDispatcherApplication.__call__ = _serialized(DomainDispatcherApplication.__call__)
    _installed = True
