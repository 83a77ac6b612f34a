"""The built-in fallback when no recommender answers: popular products.

The ranking is the best sellers by units sold (orders/sales.py counters), then, so that a young shop with
few sales still fills a carousel, the other products newest first (highest id). It holds product ids
only, published or not: the caller renders them through the storefront's list items, which leave
unpublished and deleted products out, and asks for more when too many were left out.

The ranking changes slowly and is the same for every shopper, so each process keeps it for `TTL`
seconds: a storefront page costs no extra DynamoDB reads for it while the cache is warm.
"""

from __future__ import annotations

import threading
import time

from chalicelib.catalog.products import service as products
from chalicelib.orders import sales

TTL = 60.0
RANKING_SIZE = 500  # best sellers kept; the newest products follow them

_lock = threading.Lock()
_cache: dict = {"at": None, "ids": ()}


def _build() -> tuple[int, ...]:
    best = [product_id for product_id, _units in sales.top_products(RANKING_SIZE)]
    seen = set(best)
    newest = [product_id for product_id in reversed(products.product_ids()) if product_id not in seen]
    return tuple(best + newest)


def ranking() -> tuple[int, ...]:
    """Product ids, most popular first (cached per process for `TTL` seconds)."""
    now = time.monotonic()
    at = _cache["at"]
    if at is not None and now - at < TTL:
        return _cache["ids"]
    with _lock:
        at = _cache["at"]
        if at is None or now - at >= TTL:
            _cache["ids"], _cache["at"] = _build(), now
    return _cache["ids"]


def reset() -> None:
    """Forget the cached ranking (tests; after a bulk import)."""
    with _lock:
        _cache["at"], _cache["ids"] = None, ()
