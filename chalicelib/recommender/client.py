"""Reads from the recommender service (RS, contract section 8): predictions, category positions and the
dashboard pages. Writes to the RS (store_object / store_objects) go through the notification flow
instead (notifications/senders/recommender.py), so they are retried and logged.

Settings are the sender's: `RS_URL` and `RS_ENABLED` (unset URL or a false flag: not configured).

* Storefront calls (predict, product positions) wait at most `STOREFRONT_CONNECT_TIMEOUT` to connect and
  `STOREFRONT_TIMEOUT` in all: a slow RS costs a page a little latency, never an error.
* Dashboard calls use the notification flow's timeouts (2 s to connect, 10 s in all).
* After a storefront call fails, the RS is left alone for `COOL_DOWN` seconds (per process): while it is
  down, shoppers get the fallback at once instead of each waiting for a timeout.
* `requests` is imported on first use (cold start).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any

from chalicelib.core.http.jsonutil import dumps
from chalicelib.notifications.senders import http_client
from chalicelib.notifications.senders import recommender as rs_settings

logger = logging.getLogger("ecoseller.recommender")

STOREFRONT_CONNECT_TIMEOUT = 0.5
STOREFRONT_TIMEOUT = 1.5
DASHBOARD_CONNECT_TIMEOUT = http_client.CONNECT_TIMEOUT
DASHBOARD_TIMEOUT = http_client.TOTAL_TIMEOUT
MAX_RESPONSE_BYTES = 4 * 1024 * 1024
COOL_DOWN = 30.0
USER_AGENT = "ecoseller-core/1.0"

_local = threading.local()
_state = {"down_until": 0.0}


class RecommenderError(Exception):
    """The RS could not answer (not reachable, timed out, non-2xx, not JSON)."""


def not_configured() -> str | None:
    """Why the RS is not used here (None when it is configured)."""
    return rs_settings.not_configured()


def is_configured() -> bool:
    return not_configured() is None


def is_cooling_down() -> bool:
    return time.monotonic() < _state["down_until"]


def reset() -> None:
    """Forget a recorded failure (tests; an operator who just brought the RS back)."""
    _state["down_until"] = 0.0


def _session():
    session = getattr(_local, "session", None)
    if session is None:
        import requests

        session = requests.Session()
        session.headers["User-Agent"] = USER_AGENT
        _local.session = session
    return session


def _call(method: str, path: str, *, body: Any = None, params: dict | None = None, connect: float,
          total: float) -> Any:
    """One request to the RS; the decoded JSON answer, or RecommenderError."""
    import requests
    from urllib3.util import Timeout

    url = f"{rs_settings.base_url()}{path}"
    data = dumps(body).encode("utf-8") if body is not None else None
    headers = {"Content-Type": "application/json"} if data is not None else {}
    started = time.monotonic()
    deadline = started + total
    try:
        with _session().request(method, url, data=data, params=params, headers=headers, stream=True,
                                allow_redirects=False, timeout=Timeout(connect=connect, total=total)) as response:
            chunks, received = [], 0
            for chunk in response.iter_content(chunk_size=16384):
                chunks.append(chunk)
                received += len(chunk)
                if received > MAX_RESPONSE_BYTES:
                    raise RecommenderError(f"{method} {path}: answer larger than {MAX_RESPONSE_BYTES} bytes")
                if time.monotonic() > deadline:
                    raise RecommenderError(f"{method} {path}: timed out reading the answer")
            status = response.status_code
    except requests.exceptions.RequestException as error:
        raise RecommenderError(f"{method} {path}: {type(error).__name__}: {error}"[:300]) from None
    if not 200 <= status <= 299:
        raise RecommenderError(f"{method} {path}: HTTP {status}")
    try:
        return json.loads(b"".join(chunks) or b"null")
    except ValueError:
        raise RecommenderError(f"{method} {path}: the answer is not JSON") from None


def storefront_call(path: str, body: dict) -> Any:
    """POST for a storefront page; RecommenderError (at once while cooling down) on any failure."""
    if is_cooling_down():
        raise RecommenderError("recommender recently failed; cooling down")
    started = time.monotonic()
    try:
        return _call("POST", path, body=body, connect=STOREFRONT_CONNECT_TIMEOUT, total=STOREFRONT_TIMEOUT)
    except RecommenderError as error:
        _state["down_until"] = time.monotonic() + COOL_DOWN
        logger.warning("recommender call failed after %.0f ms, using the fallback for %.0f s: %s",
                       (time.monotonic() - started) * 1000, COOL_DOWN, error)
        raise


def predict(body: dict) -> Any:
    """`POST {RS_URL}/predict`: `[{"product_variant_sku", "rs_info"}]` as the RS answered it."""
    return storefront_call("/predict", body)


def predict_product_positions(body: dict) -> Any:
    """`POST {RS_URL}/predict/product_positions`: `{"<product id>": position}` as the RS answered it."""
    return storefront_call("/predict/product_positions", body)


def dashboard(page: str, date_from: str, date_to: str) -> Any:
    """`GET {RS_URL}/dashboard/<page>?date_from&date_to`, passed through unchanged."""
    return _call("GET", f"/dashboard/{page}", params={"date_from": date_from, "date_to": date_to},
                 connect=DASHBOARD_CONNECT_TIMEOUT, total=DASHBOARD_TIMEOUT)
