"""Search without the engine: the same documents, matched in memory, read from DynamoDB.

Used when search is switched off (`USE_ELASTIC=0`), before the first index exists, and whenever the
engine errors or times out. Correct, but its cost grows with the catalog: the published products are
read page by page (the rebuild's source) and their texts folded the way the analyzers fold them; a warm
Lambda keeps that corpus for `SEARCH_FALLBACK_CACHE_SECONDS` (a 100,000-product catalog is some tens of
MB and a few seconds to read).

Matching follows the index, so results do not change when the engine goes away: each query word is
looked up in the title, short description and attribute list of the language (case- and
accent-insensitive, HTML stripped), weighted 5 / 3 / 2 like the engine's fields, and the product id
itself counts 10. A word matches a whole word, or the start of one (what the edge n-grams index; "heat"
does not find "overheating" there either), the whole word scoring higher. Only when that finds fewer
products than asked for, words of 3+ letters also match words (or word starts) one typo away, as the
engine's fuzzy clause does. Best score first, then product id.
"""

from __future__ import annotations

import heapq
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from chalicelib.catalog.products import service as catalog_products
from chalicelib.core.settings import get_settings
from chalicelib.search import documents, source, text
from chalicelib.search.settings import SearchSettings

WHOLE, PREFIX, TYPO = 1.0, 0.8, 0.3
# The products of each page of ids are fetched with this many BatchGetItem calls (100 keys each) at once:
# reading a large catalog is bound by round trips, not by DynamoDB.
READERS = 8
_lock = threading.Lock()
_cache: dict = {}


@dataclass
class Entry:
    product_id: int
    # field -> language -> folded words joined by single spaces, with a space at both ends
    texts: dict[str, dict[str, str]]


def _folded(value: str) -> str:
    return " " + " ".join(text.words(value)) + " "


def _entry(doc: dict) -> Entry:
    texts: dict[str, dict[str, str]] = {}
    for name in documents.TEXT_FIELDS:
        per_language: dict[str, str] = {}
        seen: dict[str, str] = {}
        for language, value in (doc.get(name) or {}).items():
            folded = _folded(value or "")
            per_language[language] = seen.setdefault(folded, folded)  # languages falling back share one string
        texts[name] = per_language
    return Entry(int(doc["product_id"]), texts)


def build_corpus() -> list[Entry]:
    core = get_settings()
    entries: list[Entry] = []
    lookup = source.attribute_lookup()
    with ThreadPoolExecutor(max_workers=READERS) as pool:
        for ids in source.id_pages(None, 100 * READERS):
            chunks = [ids[start:start + 100] for start in range(0, len(ids), 100)]
            for products in pool.map(catalog_products.get_many, chunks):
                entries += [_entry(documents.document(product, lookup, core.languages, core.default_language))
                            for product in products if product.get("published")]
    return entries


def corpus(settings: SearchSettings) -> list[Entry]:
    key = (get_settings().table_prefix, get_settings().languages)
    with _lock:
        cached = _cache.get(key)
        if cached and time.monotonic() - cached[0] < settings.fallback_cache_seconds:
            return cached[1]
    entries = build_corpus()
    with _lock:
        _cache[key] = (time.monotonic(), entries)
    return entries


def reset() -> None:
    with _lock:
        _cache.clear()


def _word_score(word: str, folded: str, typos: bool) -> float:
    if f" {word} " in folded:
        return WHOLE
    if f" {word}" in folded:
        return PREFIX
    if typos and len(word) >= 3:
        for candidate in folded.split():
            # a typo in the word itself, or in the part of a longer word that was typed so far
            if text.one_edit_apart(word, candidate) or any(
                    text.one_edit_apart(word, candidate[:length]) for length in (len(word) - 1, len(word),
                                                                                 len(word) + 1)
                    if 0 < length < len(candidate)):
                return TYPO
    return 0.0


def score(entry: Entry, language: str, words: list[str], typos: bool = False) -> float:
    total = 0.0
    for word in words:
        best = float(documents.BOOSTS["id"]) if word == str(entry.product_id) else 0.0
        for name in documents.TEXT_FIELDS:
            folded = entry.texts[name].get(language)
            if folded and best < documents.BOOSTS[name]:
                best = max(best, documents.BOOSTS[name] * _word_score(word, folded, typos))
        total += best
    return total


def search_ids(settings: SearchSettings, language: str, query: str, size: int) -> list[int]:
    words = list(dict.fromkeys(text.words(query)))
    if not words or size <= 0:
        return []
    entries = corpus(settings)
    ranked = [(-s, e.product_id) for e in entries if (s := score(e, language, words)) > 0]
    if len(ranked) < size:
        matched = {product_id for _s, product_id in ranked}
        ranked += [(-s, e.product_id) for e in entries
                   if e.product_id not in matched and (s := score(e, language, words, typos=True)) > 0]
    return [product_id for _s, product_id in heapq.nsmallest(size, ranked)]
