"""GET search/storefront/product/<lang>/<query>/ against the local engine (contract S1, section 7)."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.helpers import body, call


@pytest.fixture
def indexed(indexed_shop):
    return indexed_shop[1]


@pytest.fixture
def client(indexed_shop):
    return indexed_shop[0]


def search(client, language: str, query: str, params: str = ""):
    response = call(client, "GET", f"/search/storefront/product/{language}/{quote(query)}/{params}")
    return response, body(response)


def ids_of(items: list[dict]) -> list[int]:
    return [item["id"] for item in items]


def test_english_query_answers_storefront_list_items_best_first(client, indexed):
    response, items = search(client, "en", "heat")
    assert response.status_code == 200
    assert response.headers["X-Search-Backend"] == "opensearch"
    # whole-word title matches first; "overheating" only matches inside a word of a description: not at all
    assert ids_of(items)[:2] == [indexed["heat"], indexed["wave"]]
    assert indexed["hidden"] not in ids_of(items)
    heat = items[0]
    assert set(heat) == {"id", "title", "meta_title", "meta_description", "slug", "primary_image", "variant_prices"}
    assert heat["title"] == "Heat" and heat["slug"] == "heat"
    assert heat["variant_prices"] == [{"without_vat": 100.0, "incl_vat": 121.0, "without_vat_formatted": "100 Kč",
                                       "incl_vat_formatted": "121 Kč", "discount": None, "sku": "HEAT"}]


def test_czech_query_without_diacritics_finds_the_czech_title(client, indexed):
    for query in ("cerveny", "Červený", "CERV", "červený kůň"):
        response, items = search(client, "cs", query)
        assert response.status_code == 200, query
        assert ids_of(items)[0] == indexed["horse"], query
        assert items[0]["title"] == "Červený kůň"  # flattened in the searched language
    # the Czech title is not in the English fields
    assert indexed["horse"] not in ids_of(search(client, "en", "cerveny")[1])
    assert ids_of(search(client, "en", "red")[1]) == [indexed["horse"]]


def test_short_description_attributes_and_id_are_searched(client, indexed):
    assert ids_of(search(client, "en", "robbers")[1]) == [indexed["heat"]]
    assert ids_of(search(client, "cs", "lupici")[1]) == [indexed["heat"]]
    # attribute_list: the Czech name of the language attribute value
    assert indexed["horse"] in ids_of(search(client, "cs", "cestina")[1])
    assert ids_of(search(client, "en", str(indexed["manual"]))[1])[0] == indexed["manual"]


def test_one_letter_typos_still_find_the_product(client, indexed):
    assert ids_of(search(client, "en", "hrose")[1]) == [indexed["horse"]]  # transposition
    assert ids_of(search(client, "en", "robers")[1]) == [indexed["heat"]]  # deletion
    assert indexed["horse"] in ids_of(search(client, "cs", "cerverny")[1])  # insertion


def test_limit_country_and_pricelist(client, indexed):
    _, items = search(client, "en", "heat", "?limit=1&country=CZ&pricelist=EUR_retail")
    assert ids_of(items) == [indexed["heat"]]
    assert items[0]["variant_prices"][0]["incl_vat_formatted"] == "€ 5"  # 4.20 + 21 % VAT, rounded list
    # blank values, as the storefront sends them before it knows the country: the defaults
    response, items = search(client, "en", "heat", "?country=&pricelist=")
    assert response.status_code == 200 and items[0]["variant_prices"][0]["incl_vat_formatted"] == "121 Kč"


def test_trailing_slash_is_optional_and_nothing_found_is_an_empty_list(client, indexed):
    response = call(client, "GET", "/search/storefront/product/en/heat")
    assert response.status_code == 200 and ids_of(body(response))[0] == indexed["heat"]
    response, items = search(client, "en", "zzzzqqq")
    assert response.status_code == 200 and items == []


def test_bad_input_is_a_400_naming_the_field(client, indexed):
    response, error = search(client, "de", "heat")
    assert response.status_code == 400 and list(error) == ["language"]
    response, error = search(client, "en", "heat", "?limit=0")
    assert response.status_code == 400 and list(error) == ["limit"]
    response, error = search(client, "en", "heat", "?limit=many")
    assert response.status_code == 400 and list(error) == ["limit"]
    response, error = search(client, "en", "x" * 201)
    assert response.status_code == 400 and list(error) == ["query"]
