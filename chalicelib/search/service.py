"""Storefront search (contract S1): best matches first, as ProductStorefrontList items.

The engine answers when it is switched on and healthy; otherwise (switched off, unreachable, timed
out, index missing) the DynamoDB fallback does, so the storefront gets a 200 either way. The ids are
then rendered by the catalog (catalog.storefront.service.list_items) in score order, which the original lost.
Hits the storefront cannot render are left out: unpublished or deleted a moment ago (not yet out of
the index), or without a price in the shopper's price list (its card reads `variant_prices[0]`);
out-of-stock products stay. A few extra hits are asked for, and when that is still not enough for a
full page, the search runs again with more hits (FILL_ROUNDS).
"""

from __future__ import annotations

import logging

from chalicelib.core.http.errors import ValidationError
from chalicelib.core.settings import get_settings
from chalicelib.search import engine
from chalicelib.search.settings import load

logger = logging.getLogger("ecoseller.search")

DEFAULT_LIMIT = 6
MAX_LIMIT = 100
MAX_QUERY_LENGTH = 200
SPARE_HITS = 5
FILL_ROUNDS = 3  # searches with 4x more hits when too many of them cannot be listed

ENGINE, FALLBACK = "opensearch", "fallback"


def check_language(language: str) -> str:
    languages = get_settings().languages
    if language not in languages:
        raise ValidationError.field("language", f'"{language}" is not a shop language; use one of: '
                                                f'{", ".join(languages)}.')
    return language


def matching_ids(language: str, query: str, size: int) -> tuple[list[int], str]:
    """(product ids best first, which backend answered)."""
    settings = load()
    if settings.enabled and engine.available():
        try:
            return engine.search_ids(settings, language, query, size), ENGINE
        except engine.EngineError as error:
            engine.trip(settings)
            logger.warning("search_engine_failed, answering from the fallback for %ss: %s", settings.retry_after,
                           error)
    from chalicelib.search import fallback  # only when the engine does not answer: it reads the catalog

    return fallback.search_ids(settings, language, query, size), FALLBACK


def search(language: str, query: str, *, limit: int = DEFAULT_LIMIT, country: str | None = None,
           pricelist: str | None = None, origin: str = "") -> tuple[list[dict], str]:
    """(ProductStorefrontList items best first, the backend that answered)."""
    check_language(language)
    query = query.strip()
    if len(query) > MAX_QUERY_LENGTH:
        raise ValidationError.field("query", f"Ensure this field has no more than {MAX_QUERY_LENGTH} characters.")
    if not query:
        return [], "none"
    from chalicelib.catalog.storefront import service as storefront  # on the first search, not when the app starts

    size = limit + SPARE_HITS
    for _round in range(FILL_ROUNDS):
        ids, backend = matching_ids(language, query, size)
        items = storefront.list_items(ids, country, pricelist, language, origin)
        if len(items) >= limit or len(ids) < size:  # full, or every hit was looked at
            break
        size *= 4
    return items[:limit], backend
