"""One HTTP request with the notification flow's rules, shared by webhooks and the recommender.

* `requests` is imported on first use (it costs ~130 ms; most Lambda paths never need it).
* Timeouts: 2 s to connect, 10 s in all: every socket read waits at most what is left of the 10 s, and
  the body is read only until the deadline.
* Redirects are not followed (a webhook URL that redirects is misconfigured: a permanent failure).
* Outcome: 2xx succeeded; network errors, timeouts, 408, 429 and 5xx are retried; anything else failed.
* Only the first 1 KiB of the response is kept; at most 64 KiB is read so the connection can be reused.
* One `requests.Session` per thread keeps connections alive between deliveries to the same host.
"""

from __future__ import annotations

import threading
import time

from chalicelib.notifications import retry
from chalicelib.notifications.senders import Outcome

CONNECT_TIMEOUT = 2.0
TOTAL_TIMEOUT = 10.0
EXCERPT_BYTES = 1024
DRAIN_BYTES = 64 * 1024
USER_AGENT = "ecoseller-notifications/1.0"

_local = threading.local()


def _session():
    session = getattr(_local, "session", None)
    if session is None:
        import requests

        session = requests.Session()
        session.headers["User-Agent"] = USER_AGENT
        _local.session = session
    return session


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


def request(method: str, url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    import requests
    from urllib3.util import Timeout

    started = time.perf_counter()
    deadline = started + TOTAL_TIMEOUT
    try:
        with _session().request(method, url, data=body, headers=headers, stream=True, allow_redirects=False,
                                timeout=Timeout(connect=CONNECT_TIMEOUT, total=TOTAL_TIMEOUT)) as response:
            chunks: list[bytes] = []
            received = 0
            for chunk in response.iter_content(chunk_size=8192):
                chunks.append(chunk)
                received += len(chunk)
                if received >= DRAIN_BYTES or time.perf_counter() > deadline:
                    break
            status = response.status_code
            content = b"".join(chunks)[:EXCERPT_BYTES]
            excerpt = content.decode(response.encoding or "utf-8", errors="replace")
            retry_after = _retry_after(response.headers.get("Retry-After"))
    except requests.exceptions.RequestException as error:
        duration = (time.perf_counter() - started) * 1000
        kind = "timeout" if isinstance(error, requests.exceptions.Timeout) else "network error"
        return Outcome("RETRY", duration_ms=duration, error=f"{kind}: {type(error).__name__}: {error}"[:500])
    duration = (time.perf_counter() - started) * 1000
    if 200 <= status <= 299:
        return Outcome("SUCCEEDED", status_code=status, duration_ms=duration, response=excerpt)
    if retry.is_retryable_status(status):
        return Outcome("RETRY", status_code=status, duration_ms=duration, response=excerpt,
                       error=f"HTTP {status}", retry_after=retry_after if status in (429, 503) else None)
    return Outcome("FAILED", status_code=status, duration_ms=duration, response=excerpt, error=f"HTTP {status}")
