"""The product index: its analyzers and mapping, and the document of a product aggregate.

A document (contract section 7, plus what live updates need):

    id                 the product id as text (queries may name it; boosted x10)
    product_id         the id as a number (tie-break of equal scores)
    published          False for unpublished and deleted products; only published ones are searchable
    deleted            True for a deleted product (kept as a tombstone, see below)
    category           the category id
    attribute_ids      the base attributes of every variant (a renamed attribute finds its products)
    attribute_type_ids their attribute types
    title.<lang>, short_description.<lang>, attribute_list.<lang>
                       per shop language: the language's text, else the default language's (as the
                       storefront shows it); attribute_list joins, over every variant attribute, its
                       name in the language (else the default language's, else its raw value)

Every text field is indexed for autocomplete: HTML stripped, standard word split, lower-cased, stop
words of the language removed (where OpenSearch ships a list), accents folded, then edge n-grams of 2-20
characters, so "cerv" and "cerveny" find "Červený". Queries are analyzed the same way without n-grams.
Each text field also has a `.words` sub-field without n-grams: whole-word matches score higher, and
words longer than 20 characters still match.

Documents are written with the product's `version` as an external version (`external_gte`): an
older state of a product never overwrites a newer one, whichever writer (rebuild, live update) comes
last. So a deleted product is written as a tombstone (unpublished, `deleted`) instead of being removed,
and the next rebuild leaves it out.
"""

from __future__ import annotations

from collections.abc import Iterable

from chalicelib.core.http import i18n

TEXT_FIELDS = ("title", "short_description", "attribute_list")
# Field boosts of the original query (contract 7).
BOOSTS = {"id": 10, "title": 5, "short_description": 3, "attribute_list": 2}
MIN_GRAM, MAX_GRAM = 2, 20
# Stop word lists OpenSearch ships. English has none, as in the original (its analyzer kept every word).
STOPWORDS = {"cs": "_czech_", "de": "_german_"}


def _language_filters(language: str) -> list[str]:
    return ["lowercase", *([f"stop_{language}"] if STOPWORDS.get(language) else []), "asciifolding"]


def analysis(languages: Iterable[str]) -> dict:
    filters: dict = {"prefixes": {"type": "edge_ngram", "min_gram": MIN_GRAM, "max_gram": MAX_GRAM}}
    analyzers: dict = {
        "identifier": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase"]},
    }
    for language in languages:
        if STOPWORDS.get(language):
            # Before folding: the lists are written with accents ("který").
            filters[f"stop_{language}"] = {"type": "stop", "stopwords": STOPWORDS[language]}
        common = {"type": "custom", "tokenizer": "standard", "char_filter": ["html_strip"]}
        analyzers[f"autocomplete_{language}"] = {**common, "filter": [*_language_filters(language), "prefixes"]}
        analyzers[f"words_{language}"] = {**common, "filter": _language_filters(language)}
    return {"filter": filters, "analyzer": analyzers}


def _text(language: str) -> dict:
    return {"type": "text", "analyzer": f"autocomplete_{language}", "search_analyzer": f"words_{language}",
            "fields": {"words": {"type": "text", "analyzer": f"words_{language}"}}}


def mappings(languages: Iterable[str]) -> dict:
    languages = list(languages)
    return {
        # A field this mapping does not know (a language added later) is kept in _source but not indexed
        # until the next rebuild, instead of failing every live update.
        "dynamic": False,
        "_meta": {"languages": languages},
        "properties": {
            "id": {"type": "text", "analyzer": "identifier"},
            "product_id": {"type": "long"},
            "published": {"type": "boolean"},
            "deleted": {"type": "boolean"},
            "category": {"type": "long"},
            "attribute_ids": {"type": "long"},
            "attribute_type_ids": {"type": "long"},
            **{name: {"properties": {language: _text(language) for language in languages}} for name in TEXT_FIELDS},
        },
    }


def index_body(languages: Iterable[str], *, loading: bool, serverless: bool = False) -> dict:
    """Create-index body; `loading`: no replicas and no refresh while a rebuild bulk-loads it."""
    languages = list(languages)
    settings: dict = {"analysis": analysis(languages)}
    if not serverless:  # Serverless refuses shard, replica and refresh settings
        settings.update(number_of_shards=1, number_of_replicas=0 if loading else 1,
                        refresh_interval="-1" if loading else "1s")
    return {"settings": settings, "mappings": mappings(languages)}


# --- documents ------------------------------------------------------------------------------------

def _attribute_text(entry: dict, language: str, default_language: str) -> str:
    names = entry.get("name") or {}
    return names.get(language) or names.get(default_language) or str(entry.get("value") or "")


def document(product: dict, lookup: dict[int, dict], languages: Iterable[str], default_language: str) -> dict:
    """The document of a live product aggregate; `lookup` is catalog.taxonomy.service.attribute_lookup()."""
    product_id = int(product["id"])
    attribute_ids = list(dict.fromkeys(int(a) for variant in product.get("variants", [])
                                       for a in variant.get("attributes", [])))
    known = [lookup[a] for a in attribute_ids if a in lookup]  # a deleted attribute drops out
    doc: dict = {
        "id": str(product_id),
        "product_id": product_id,
        "published": bool(product.get("published")),
        "deleted": False,
        "category": None if product.get("category") is None else int(product["category"]),
        "attribute_ids": sorted(attribute_ids),
        "attribute_type_ids": sorted({int(entry["type"]["id"]) for entry in known}),
    }
    for name in TEXT_FIELDS:
        doc[name] = {}
    for language in languages:
        texts = i18n.flatten(product.get("translations"), language, ("title", "short_description"),
                             default=default_language)
        doc["title"][language] = texts["title"]
        doc["short_description"][language] = texts["short_description"]
        doc["attribute_list"][language] = ", ".join(
            text for text in dict.fromkeys(_attribute_text(entry, language, default_language) for entry in known)
            if text)
    return doc


def tombstone(product_id: int) -> dict:
    """What a deleted product leaves in the index (never matched: searches require `published`)."""
    return {"id": str(product_id), "product_id": int(product_id), "published": False, "deleted": True,
            "category": None, "attribute_ids": [], "attribute_type_ids": [],
            **{name: {} for name in TEXT_FIELDS}}
