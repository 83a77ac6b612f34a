"""Independent calls of one request, issued together (issue 14).

A DynamoDB call costs a network round trip (a few ms), and a request that makes its calls one after
the other waits for each. Calls that do not depend on each other are made at the same time:

* reads of items by key go into one BatchGetItem where they can (`db.batch_get`): one call, one round
  trip, e.g. a cart and the product a line names;
* anything else (a Query with a GetItem, a counter's UpdateItem with a BatchGetItem) goes through
  `together`, a small thread pool: BatchGetItem takes keys only (no Query, no write), and a strongly
  consistent read of one partition cannot ride in it with an eventually consistent one of another.
  boto3 clients are thread-safe, and the pool's threads live as long as the container, so a call
  costs a hand-off (~0.1 ms), not a thread start.

The first callable runs on the caller's thread; each other one on a pool thread, in a copy of the
caller's context (context variables are seen as the caller set them).
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

WORKERS = 8  # a request issues 2-3 calls together; several threads of a process may do so at once

_pools: dict[str, ThreadPoolExecutor] = {}
_lock = threading.Lock()


def pool(name: str, workers: int) -> ThreadPoolExecutor:
    """The container's thread pool called `name`, made on first use and kept (a Lambda container runs one
    request at a time, but its threads outlive it: no thread start per request)."""
    found = _pools.get(name)
    if found is None:
        with _lock:
            found = _pools.get(name)
            if found is None:
                found = _pools[name] = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
    return found


def _executor() -> ThreadPoolExecutor:
    return pool("together", WORKERS)


def together(*calls: Callable[[], Any]) -> list[Any]:
    """Run the zero-argument callables at the same time; answers their results in order. Every call
    has finished when this returns or raises; the first failure (in argument order) is raised."""
    if len(calls) < 2:
        return [call() for call in calls]
    futures = [_executor().submit(contextvars.copy_context().run, call) for call in calls[1:]]
    results: list[Any] = []
    failure: BaseException | None = None
    try:
        results.append(calls[0]())
    except BaseException as error:  # noqa: BLE001 - re-raised below, once the others have finished
        failure = error
        results.append(None)
    for future in futures:
        try:
            results.append(future.result())
        except BaseException as error:  # noqa: BLE001
            failure = failure or error
            results.append(None)
    if failure is not None:
        raise failure
    return results
