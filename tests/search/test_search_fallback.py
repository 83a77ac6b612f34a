"""The fallback: with search switched off, the engine gone or too slow, the storefront still gets its matches."""

from __future__ import annotations

import socket
import threading
from urllib.parse import quote

import pytest

from chalicelib.search import engine, fallback, rebuild, service
from tests.helpers import body, call

QUERIES = [("en", "heat"), ("cs", "cerveny"), ("cs", "Červený kůň"), ("en", "robbers"), ("cs", "lupici"),
           ("en", "hrose"), ("cs", "cestina"), ("en", "lamp"), ("en", "zzzqqq")]


@pytest.fixture
def shop(indexed_shop, monkeypatch):
    engine.reset()
    yield indexed_shop
    engine.reset()


def search(client, language: str, query: str) -> tuple[str, list[int]]:
    response = call(client, "GET", f"/search/storefront/product/{language}/{quote(query)}/")
    assert response.status_code == 200, response.body
    return response.headers["X-Search-Backend"], [item["id"] for item in body(response)]


def test_switched_off_the_fallback_answers_with_the_same_matches(shop, monkeypatch):
    client, ids = shop
    with_engine = {query: search(client, *query) for query in QUERIES}
    assert {backend for backend, _ in with_engine.values()} == {"opensearch"}
    monkeypatch.setenv("USE_ELASTIC", "0")
    monkeypatch.setenv("SEARCH_FALLBACK_CACHE_SECONDS", "60")  # the catalog does not change here
    for query in QUERIES:
        backend, found = search(client, *query)
        assert backend == "fallback"
        assert set(found) == set(with_engine[query][1]), query  # the same products
        assert found[:1] == with_engine[query][1][:1], query  # and the same best match
    assert search(client, "en", "heat")[1][:2] == [ids["heat"], ids["wave"]]
    assert ids["hidden"] not in search(client, "en", "hidden")[1]  # unpublished
    monkeypatch.delenv("USE_ELASTIC")
    monkeypatch.setenv("USE_OPENSEARCH", "off")  # the alias of the switch
    assert search(client, "cs", "cerveny") == ("fallback", [ids["horse"]])


def test_an_engine_stopped_midway_is_answered_by_the_fallback(shop, osmem_server, monkeypatch):
    client, ids = shop
    clone = osmem_server.clone()
    monkeypatch.setenv("OPENSEARCH_URL", clone.url)
    rebuild.rebuild()
    assert search(client, "cs", "cerveny") == ("opensearch", [ids["horse"]])
    clone.close()  # the engine is gone
    assert search(client, "cs", "cerveny") == ("fallback", [ids["horse"]])
    assert not engine.available()  # the next requests do not wait for it...
    assert search(client, "en", "heat")[0] == "fallback"
    monkeypatch.setenv("SEARCH_RETRY_AFTER", "0")
    engine.trip(rebuild.load())  # ...until the retry window has passed
    assert engine.available()


def test_an_engine_that_does_not_answer_in_time_is_answered_by_the_fallback(shop, monkeypatch):
    client, ids = shop
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # accepts connections, never answers
    accepted: list = []
    thread = threading.Thread(target=lambda: accepted.append(silent.accept()), daemon=True)
    thread.start()
    monkeypatch.setenv("OPENSEARCH_URL", f"http://127.0.0.1:{silent.getsockname()[1]}")
    monkeypatch.setenv("SEARCH_TIMEOUT", "0.3")
    try:
        assert search(client, "cs", "cerveny") == ("fallback", [ids["horse"]])
    finally:
        silent.close()


def test_fallback_rules():
    entry = fallback._entry({"product_id": 7, "title": {"en": "Red <b>Horse</b>", "cs": "Červený kůň"},
                             "short_description": {"en": "A story", "cs": ""},
                             "attribute_list": {"en": "Czech, English", "cs": "Čeština"}})
    assert fallback.score(entry, "cs", ["cerveny"]) == 5  # whole word of the title
    assert fallback.score(entry, "cs", ["cerv"]) == 5 * fallback.PREFIX
    assert fallback.score(entry, "cs", ["erven"]) == 0  # inside a word: not a word start, as in the index
    assert fallback.score(entry, "en", ["horse", "czech"]) == 5 + 2
    assert fallback.score(entry, "en", ["b"]) == 0  # tags are not text
    assert fallback.score(entry, "en", ["7"]) == 10  # the id
    assert fallback.score(entry, "en", ["hrose"]) == 0
    assert fallback.score(entry, "en", ["hrose"], typos=True) == 5 * fallback.TYPO
    assert fallback.score(entry, "en", ["zzz"], typos=True) == 0


def test_a_blank_query_finds_nothing_without_asking_anyone(shop):
    client, _ids = shop
    response = call(client, "GET", "/search/storefront/product/en/%20/")
    assert response.status_code == 200 and body(response) == []
    assert service.search("en", "  ") == ([], "none")
