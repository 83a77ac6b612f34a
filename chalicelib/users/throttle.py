"""Login throttling: repeated failures slow down exponentially and are answered with 429.

Two counters, both atomic DynamoDB `ADD`s that expire a day after the last failure:
* per client address + e-mail: free for the first 3 failures, then the wait doubles on each one
  (1 s, 2 s, 4 s ...), which stops password guessing against one account;
* per client address: free for 10 failures, then the wait doubles every 10 (2 s at 10, 4 s at 20 ...),
  which stops spraying many accounts from one address.
Both waits are capped at one hour. A successful login resets the address + e-mail counter.

An attempt is counted before its password is checked, atomically (`begin`): ADD 1 answers the count
and the time of the previous attempt as they were, so of 30 parallel guesses each sees the ones before
it, and only the free ones reach the (slow) hash; the rest are 429s. An attempt still being checked
counts as a failure until it succeeds. A refused attempt is taken back (it checked nothing), so the
waits follow the failures alone, as when attempts come one after another.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from decimal import Decimal

from chalicelib.core.http.errors import TooManyRequests
from chalicelib.users import store

CAP_SECONDS = 3600
EXPIRY_SECONDS = 24 * 3600
ACCOUNT_FREE_FAILURES = 3
ADDRESS_FREE_FAILURES = 10


def account_delay(failures: int) -> int:
    if failures < ACCOUNT_FREE_FAILURES:
        return 0
    return min(CAP_SECONDS, 2 ** (failures - ACCOUNT_FREE_FAILURES))


def address_delay(failures: int) -> int:
    if failures < ADDRESS_FREE_FAILURES:
        return 0
    return min(CAP_SECONDS, 2 ** (failures // ADDRESS_FREE_FAILURES))


def _count_attempt(scope: str, now: float) -> tuple[int, float | None]:
    """Count one attempt; answers (attempts before it, time of the one before it)."""
    old = store.count_login_attempt(scope, _stamp(now), int(now), int(now) + EXPIRY_SECONDS)
    if old is None:  # the counter had expired: counting starts again from this attempt
        return 0, None
    last = old.get("last_failure")
    return int(old.get("count") or 0), None if last is None else float(last)


def _take_back(scope: str, now: float, previous: float | None) -> None:
    """Uncount an attempt that was refused or succeeded. Its time goes back to the previous attempt's
    unless another attempt came since (then that one's time stays)."""
    if previous is not None and store.uncount_last_login_attempt(scope, _stamp(now), _stamp(previous)):
        return
    store.uncount_login_attempt(scope)


def _stamp(now: float) -> Decimal:
    return Decimal(str(round(now, 3)))


@dataclass(frozen=True)
class Attempt:
    """A counted attempt: when, and the time each counter had before it (to take it back)."""

    at: float
    counted: tuple[tuple[str, float | None], ...]


def begin(ip: str, email: str, now: float | None = None) -> Attempt:
    """Count this login attempt; 429 (with Retry-After) if a wait is due, the attempt taken back."""
    now = time.time() if now is None else now
    counted: list[tuple[str, float | None]] = []
    for scope, delay_of in zip(store.login_failure_scopes(ip, email), (account_delay, address_delay), strict=True):
        earlier, previous = _count_attempt(scope, now)
        counted.append((scope, previous))
        delay = delay_of(earlier)
        # No time recorded yet with a wait due: the attempts before this one are still being checked.
        until = (now if previous is None else previous) + delay if delay else 0
        if until > now:
            for done_scope, done_previous in counted:
                _take_back(done_scope, now, done_previous)
            retry_after = max(1, math.ceil(until - now))
            raise TooManyRequests(retry_after, f"Too many failed login attempts. Try again in {retry_after} seconds.")
    return Attempt(now, tuple(counted))


def succeeded(attempt: Attempt) -> None:
    """The attempt was right: the account's counter starts again, the address's forgets this attempt."""
    (account_scope, _), (address_scope, address_previous) = attempt.counted
    store.reset_login_failures(account_scope)
    _take_back(address_scope, attempt.at, address_previous)
