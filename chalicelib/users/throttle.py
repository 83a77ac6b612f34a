"""Login throttling: repeated failures slow down exponentially and are answered with 429.

Two counters, both atomic DynamoDB `ADD`s that expire a day after the last failure:
* per client address + e-mail: free for the first 3 failures, then the wait doubles on each one
  (1 s, 2 s, 4 s ...), which stops password guessing against one account;
* per client address: free for 10 failures, then the wait doubles every 10 (2 s at 10, 4 s at 20 ...),
  which stops spraying many accounts from one address.
Both waits are capped at one hour. A successful login resets the address + e-mail counter.
"""

from __future__ import annotations

import math
import time
from decimal import Decimal

from chalicelib.core.http.errors import TooManyRequests
from chalicelib.core.store import db, keys

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


def _scopes(ip: str, email: str) -> tuple[str, str]:
    return f"ACCOUNT#{ip}#{email.lower()}", f"ADDRESS#{ip}"


def check(ip: str, email: str, now: float | None = None) -> None:
    """Raise 429 (with Retry-After) while either counter's wait has not passed."""
    now = time.time() if now is None else now
    account_scope, address_scope = _scopes(ip, email)
    counters = {item["PK"]: item for item in db.batch_get("main", [keys.login_failures(account_scope),
                                                                    keys.login_failures(address_scope)])}
    waits = []
    for scope, delay_of in ((account_scope, account_delay), (address_scope, address_delay)):
        item = counters.get(keys.login_failures(scope)["PK"])
        if not item or item.get("ttl", 0) < now:  # TTL deletion lags; an expired counter counts as gone
            continue
        until = float(item["last_failure"]) + delay_of(int(item["count"]))
        if until > now:
            waits.append(until - now)
    if waits:
        retry_after = max(1, math.ceil(max(waits)))
        raise TooManyRequests(retry_after, f"Too many failed login attempts. Try again in {retry_after} seconds.")


def record_failure(ip: str, email: str, now: float | None = None) -> None:
    now = time.time() if now is None else now
    stamp = {"last_failure": Decimal(str(round(now, 3))), "ttl": int(now) + EXPIRY_SECONDS}
    for scope in _scopes(ip, email):
        key = keys.login_failures(scope)
        try:
            db.increment("main", key, "count", set_fields=stamp, condition="attribute_not_exists(#t) OR #t >= :now",
                         names={"#t": "ttl"}, values={":now": int(now)})
        except db.ConditionFailed:
            # The counter expired (TTL deletion lags by hours): start again from one.
            db.put("main", {**key, "count": 1, **stamp})


def reset_account(ip: str, email: str) -> None:
    db.delete("main", keys.login_failures(_scopes(ip, email)[0]))
