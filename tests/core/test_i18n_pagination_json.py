from decimal import Decimal

import pytest

from chalicelib.core.http import i18n, pagination
from chalicelib.core.http.errors import NotFound
from chalicelib.core.http.jsonutil import dumps

LANGS = ("en", "cs")


@pytest.mark.parametrize(
    ("header", "expected"),
    [(None, "en"), ("", "en"), ("cs", "cs"), ("cs-CZ", "cs"), ("en-US", "en"), ("de", "en"),
     ("cs,en;q=0.9", "cs"), ("de,cs;q=0.8,en;q=0.5", "cs"), ("en;q=0.1,cs;q=0.9", "cs"), ("CS", "cs"),
     ("cs;q=0", "en")],
)
def test_request_language(header, expected):
    assert i18n.request_language(header, LANGS, "en") == expected


def test_flatten_uses_language_row_then_default_row_and_blanks_nulls():
    translations = {"en": {"title": "Movie", "slug": "movie", "description": None},
                    "cs": {"title": "Film", "slug": ""}}
    fields = ("title", "slug", "description")
    assert i18n.flatten(translations, "cs", fields) == {"title": "Film", "slug": "", "description": ""}
    assert i18n.flatten(translations, "de", fields) == {"title": "Movie", "slug": "movie", "description": ""}
    assert i18n.flatten({}, "cs", fields) == {"title": "", "slug": "", "description": ""}


def test_paginate_envelope_and_limits():
    items = list(range(40))
    page = pagination.paginate(items, query={"page": "2"}, rules=pagination.STOREFRONT, base_url="http://h/x/")
    assert page["count"] == 40 and page["total_pages"] == 2 and page["results"] == list(range(36, 40))
    assert page["links"] == {"next": None, "previous": "http://h/x/"}
    capped = pagination.paginate(items, query={"limit": "500"}, rules=pagination.DASHBOARD, base_url="u")
    assert len(capped["results"]) == 40
    lowered = pagination.paginate(items, query={"limit": "5"}, rules=pagination.STOREFRONT, base_url="u")
    assert lowered["total_pages"] == 8 and lowered["links"]["next"] == "u?limit=5&page=2"
    empty = pagination.paginate([], query={}, rules=pagination.DASHBOARD, base_url="u")
    assert empty == {"links": {"next": None, "previous": None}, "count": 0, "total_pages": 1, "results": []}
    for bad in ("0", "-1", "x", "3"):
        with pytest.raises(NotFound):
            pagination.paginate(items, query={"page": bad}, rules=pagination.STOREFRONT, base_url="u")


def test_json_numbers_from_decimal_are_exact():
    assert dumps({"a": Decimal("181.50"), "b": Decimal("100"), "c": Decimal("0.1")}) == '{"a":181.5,"b":100,"c":0.1}'
    assert dumps({"t": "Kč"}) == '{"t":"Kč"}'
