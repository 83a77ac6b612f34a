"""Make moto serialize requests, as DynamoDB does for the items one request touches.

moto applies a TransactWriteItems by checking every condition and then writing, with no lock: two
threads can both pass the checks before either writes, which real DynamoDB never allows (that is
what conditional writes and transactions are for). So tests and the local stack run each emulated AWS
DynamoDB request under one process-wide lock, both in-process (`mock_aws`) and through moto's HTTP
server. DynamoDB requests are short (microseconds to milliseconds), so the lock costs little.

Only DynamoDB: other services need no such atomicity here, and an SQS ReceiveMessage long poll waits
inside moto for up to its WaitTimeSeconds; under the lock it held every API request of the local stack
behind the event pollers (2-4 s per authenticated call).

`install` also installs `moto_fast` (a partition-indexed Query, transactions that copy only the items
they write): everything that serializes moto wants it fast too, and its hooks rely on this lock
(one DynamoDB request at a time).
"""

from __future__ import annotations

import functools
import threading

_LOCK = threading.RLock()
_installed = False


def _is_dynamodb(target: str | None) -> bool:
    return (target or "").startswith("DynamoDB_")


def _serialized(method, target_of):
    """`method` under the lock when `target_of(*args)` (the request's X-Amz-Target) is a DynamoDB call."""
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        if not _is_dynamodb(target_of(*args)):
            return method(*args, **kwargs)
        with _LOCK:
            return method(*args, **kwargs)

    wrapper.__wrapped_by_serializer__ = True
    return wrapper


def _stub_target(_stubber, request, *_rest) -> str | None:
    target = request.headers.get("X-Amz-Target")
    return target.decode() if isinstance(target, bytes) else target


def _server_target(_app, environ, *_rest) -> str | None:
    return environ.get("HTTP_X_AMZ_TARGET")


def install() -> None:
    """Idempotent: wrap moto's in-process stub and its server application once per process."""
    global _installed
    if _installed:
        return
    from moto.core.botocore_stubber import BotocoreStubber
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    from infra.local import moto_fast

    moto_fast.install()
    BotocoreStubber.process_request = _serialized(BotocoreStubber.process_request, _stub_target)
    DomainDispatcherApplication.__call__ = _serialized(DomainDispatcherApplication.__call__, _server_target)
    _installed = True
