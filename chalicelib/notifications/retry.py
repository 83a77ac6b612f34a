"""When a failed delivery is tried again, and when it is given up.

Attempt n (n >= 2) of a series happens at a uniformly random moment of its window
[BASE * 2^(n-2), BASE * 2^(n-1)) after the series' first attempt: the windows double (exponential
backoff) and the jitter spans the whole window (full jitter), so receivers that failed together do not
come back together. With BASE = 60 s and MAX_ATTEMPTS = 10, the retries fall at 1-2 min, 2-4 min, ...,
and the 10th and last attempt 4 h 16 min to 8 h 32 min after the first: at least 8 attempts over at
least 4 hours, whatever the jitter draws. A `Retry-After` (429/503) pushes the next attempt later, up to
an hour.

SQS delays stop at 15 minutes, so waits are not kept in SQS: a RETRYING delivery records its `due` time
in the delivery log (GSI1 "DELIVERY#ACTIVE", sorted by due time) and a scheduled sweep, once a minute,
puts the due ones back on the deliveries queue (see flow.sweep).
"""

from __future__ import annotations

from chalicelib.notifications import clock

BASE_SECONDS = 60.0
MAX_ATTEMPTS = 10
MAX_RETRY_AFTER_SECONDS = 3600.0
RETRYABLE_STATUS = frozenset({408, 429})


def is_retryable_status(status_code: int) -> bool:
    return status_code in RETRYABLE_STATUS or 500 <= status_code <= 599


def window(attempt: int) -> tuple[float, float]:
    """Seconds after the first attempt between which attempt `attempt` (>= 2) happens."""
    return BASE_SECONDS * 2 ** (attempt - 2), BASE_SECONDS * 2 ** (attempt - 1)


def next_attempt_at(first_attempt_at: float, next_attempt: int, now: float,
                    retry_after: float | None = None) -> float:
    low, high = window(next_attempt)
    at = first_attempt_at + clock.uniform(low, high)
    if retry_after:
        at = max(at, now + min(retry_after, MAX_RETRY_AFTER_SECONDS))
    return max(at, now + 1.0)


def exhausted(attempts_in_series: int) -> bool:
    return attempts_in_series >= MAX_ATTEMPTS
