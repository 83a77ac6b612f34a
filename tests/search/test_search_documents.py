"""Documents, the index body and the text rules, without an engine."""

from __future__ import annotations

from chalicelib.search import documents, engine, text

LOOKUP = {
    1: {"id": 1, "value": "en", "name": {"en": "English", "cs": "Angličtina"}, "type": {"id": 9}},
    2: {"id": 2, "value": "4K", "name": {}, "type": {"id": 8}},
    3: {"id": 3, "value": "cs", "name": {"en": "Czech"}, "type": {"id": 9}},
}
PRODUCT = {
    "id": 12, "published": True, "category": 4, "version": 3,
    "translations": {"en": {"title": "Red <i>Horse</i>", "short_description": "A story"},
                     "cs": {"title": "Červený kůň", "short_description": None}},
    "variants": [{"sku": "A", "attributes": [1, 2]}, {"sku": "B", "attributes": [3, 1, 77]}],
}


def test_document_of_a_product():
    doc = documents.document(PRODUCT, LOOKUP, ("en", "cs", "de"), "en")
    assert doc == {
        "id": "12", "product_id": 12, "published": True, "deleted": False, "category": 4,
        "attribute_ids": [1, 2, 3, 77],  # 77: a deleted value, still listed so a later event finds the product
        "attribute_type_ids": [8, 9],
        "title": {"en": "Red <i>Horse</i>", "cs": "Červený kůň", "de": "Red <i>Horse</i>"},  # de: default language
        "short_description": {"en": "A story", "cs": "", "de": "A story"},
        # the language's name, else the default language's, else the raw value; each once
        "attribute_list": {"en": "English, 4K, Czech", "cs": "Angličtina, 4K, Czech", "de": "English, 4K, Czech"},
    }


def test_tombstone_and_unpublished():
    assert documents.tombstone(5)["published"] is False and documents.tombstone(5)["deleted"] is True
    assert documents.document({**PRODUCT, "published": False}, LOOKUP, ("en",), "en")["published"] is False


def test_index_body_loads_without_replicas_or_refresh_and_maps_every_language():
    loading = documents.index_body(("en", "cs"), loading=True)
    assert loading["settings"]["number_of_replicas"] == 0 and loading["settings"]["refresh_interval"] == "-1"
    assert documents.index_body(("en",), loading=False)["settings"]["refresh_interval"] == "1s"
    serverless = documents.index_body(("en",), loading=True, serverless=True)["settings"]
    assert set(serverless) == {"analysis"}
    title = loading["mappings"]["properties"]["title"]["properties"]
    assert title["cs"]["analyzer"] == "autocomplete_cs" and title["cs"]["search_analyzer"] == "words_cs"
    assert title["en"]["fields"]["words"]["analyzer"] == "words_en"
    analyzers = loading["settings"]["analysis"]["analyzer"]
    assert analyzers["autocomplete_cs"]["filter"] == ["lowercase", "stop_cs", "asciifolding", "prefixes"]
    assert analyzers["autocomplete_en"]["char_filter"] == ["html_strip"]


def test_query_body_boosts_the_original_fields_and_filters_published():
    body = engine.query_body("cs", "kůň", 6, 2.0)
    prefixes, words, typos = body["query"]["bool"]["should"]
    assert prefixes["multi_match"]["fields"] == ["id^10", "title.cs^5", "short_description.cs^3",
                                                 "attribute_list.cs^2"]
    assert words["multi_match"]["fields"][0] == "title.cs.words^5"
    assert typos["multi_match"]["fuzziness"] == "AUTO"
    assert body["query"]["bool"]["filter"] == [{"term": {"published": True}}]
    assert body["size"] == 6 and body["sort"][0] == {"_score": {"order": "desc"}}


def test_text_rules():
    assert text.fold("ČERVENÝ Kůň") == "cerveny kun"
    assert text.words("<p>Žluťoučký&nbsp;kůň, 4K!</p>") == ["zlutoucky", "kun", "4k"]
    assert text.one_edit_apart("hrose", "horse")  # transposition
    assert text.one_edit_apart("robers", "robbers") and text.one_edit_apart("robbers", "robers")
    assert text.one_edit_apart("heat", "beat")
    assert not text.one_edit_apart("heat", "head_")
    assert not text.one_edit_apart("abcd", "badc")


def _record(event_type: str, payload: dict, batch: list[tuple[str, dict]] | None = None, name: str = "INSERT"):
    """An outbox stream record; the payloads carry only what live updates read (their types unchecked)."""
    from unittest import mock

    from chalicelib.core import events
    from chalicelib.core.store import db

    with mock.patch.dict(events._PAYLOAD_CHECKS, clear=True):
        item = events.outbox_put_batch(batch).item if batch else events.event_item(event_type, payload)
    return {"eventName": name, "dynamodb": {"NewImage": db.serialize(item), "SequenceNumber": "1"}}


def test_which_events_touch_which_documents():
    from chalicelib.search import live

    work = live.collect([
        _record("", {}, batch=[("PRODUCT_UPDATE", {"id": 3}), ("PRODUCTVARIANT_UPDATE", {"sku": "A"}),
                               ("PRICE_UPDATE", {"product_variant_sku": "A"})]),
        _record("PRICE_UPDATE", {"id": 9, "product_variant_sku": "B"}),  # on its own: its product
        _record("PRODUCTVARIANT_UPDATE", {"sku": "C"}),
        _record("ATTRIBUTE_SAVE", {"id": 5}),  # a new value is on no product yet
        _record("ATTRIBUTE_UPDATE", {"id": 6}),
        _record("ATTRIBUTETYPE_DELETE", {"id": 7}),
        _record("CATEGORY_UPDATE", {"id": 8}),
        _record("PRODUCT_DETAIL_ENTER", {"product_id": 3}),  # recommender traffic
        _record("PRODUCT_DELETE", {"id": 4}, name="REMOVE"),  # the outbox item expiring
        {"eventName": "INSERT", "dynamodb": {"NewImage": {"SK": {"S": "EVENT"}, "type": {"S": "PRODUCT_SAVE"},
                                                          "payload": {"S": "not json"}}}},  # skipped, logged
    ])
    assert (work.products, work.skus, work.attributes, work.attribute_types, work.categories) == (
        {3}, {"B", "C"}, {6}, {7}, {8})
