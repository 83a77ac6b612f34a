"""The notification flow's notion of time and chance, replaceable in tests.

Retry schedules span hours; tests drive them with a test clock instead of waiting (`set_clock`), and
can make the jitter reproducible (`set_random`).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable

_now: Callable[[], float] = time.time
_random = random.Random()


def now() -> float:
    """Epoch seconds."""
    return _now()


def set_clock(source: Callable[[], float] | None) -> None:
    """Use `source()` as the current time (None: the real clock again)."""
    global _now
    _now = source or time.time


def uniform(low: float, high: float) -> float:
    return _random.uniform(low, high)


def set_random(generator: random.Random | None) -> None:
    global _random
    _random = generator or random.Random()


def iso(epoch: float) -> str:
    """Epoch seconds as sortable UTC text with milliseconds: 2026-11-28T19:12:14.123Z."""
    moment = dt.datetime.fromtimestamp(epoch, dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_iso(text: str) -> float:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
