"""A small catalog for tests, written through the services and collections the app uses."""

from __future__ import annotations

import base64

from chalicelib.catalog.pricelists import service as pricelists
from chalicelib.catalog.reference.store import ATTRIBUTE_TYPES, BASE_ATTRIBUTES, CATEGORIES, PRODUCT_TYPES

# 1x1 PNG
PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082")).decode()


def build_catalog() -> dict:
    """Currencies, two price lists, a category tree, attributes and a product type; answers their ids."""
    from chalicelib.localization import service as localization

    localization.create_currency({"code": "CZK", "symbol": "Kč", "symbol_position": "AFTER"})
    localization.create_currency({"code": "EUR", "symbol": "€", "symbol_position": "BEFORE"})
    pricelists.create_price_list({"code": "CZK_retail", "currency": "CZK", "is_default": True, "rounding": False})
    pricelists.create_price_list({"code": "EUR_retail", "currency": "EUR", "is_default": False, "rounding": True})
    movies = CATEGORIES.create({"parent": None, "published": True,
                                "translations": {"en": {"title": "Movies", "slug": "movies"},
                                                 "cs": {"title": "Filmy", "slug": "filmy"}}})
    action = CATEGORIES.create({"parent": movies["id"], "published": True,
                                "translations": {"en": {"title": "Action", "slug": "action"}}})
    language = ATTRIBUTE_TYPES.create({"type_name": "language", "unit": "", "value_type": "TEXT",
                                       "translations": {"en": {"name": "Language"}, "cs": {"name": "Jazyk"}}})
    english = BASE_ATTRIBUTES.create({"type": language["id"], "value": "en", "order": None,
                                      "translations": {"en": {"name": "English"}, "cs": {"name": "Angličtina"}}})
    czech = BASE_ATTRIBUTES.create({"type": language["id"], "value": "cs", "order": None,
                                    "translations": {"en": {"name": "Czech"}, "cs": {"name": "Čeština"}}})
    movie = PRODUCT_TYPES.create({"name": "Movie", "allowed_attribute_types_ids": [language["id"]],
                                  "vat_groups": []})
    return {"movies": movies["id"], "action": action["id"], "language": language["id"], "english": english["id"],
            "czech": czech["id"], "movie_type": movie["id"]}


def product_payload(ids: dict, sku_prefix: str = "MOV", title: str = "Heat", published: bool = True) -> dict:
    return {
        "published": published,
        "translations": {"en": {"title": title, "slug": title.lower(), "meta_title": title,
                                "meta_description": "", "short_description": "A film", "description": "Long",
                                "description_editorjs": {"time": 1, "blocks": [{"type": "paragraph",
                                                                                 "data": {"text": "Hi", "x": 1.5}}]}},
                         "cs": {"title": f"{title} CZ", "slug": f"{title.lower()}-cz"}},
        "category": ids["action"],
        "type_id": ids["movie_type"],
        "product_variants": [
            {"sku": f"{sku_prefix}-EN", "ean": "1234567890123", "weight": "0.20", "stock_quantity": 10,
             "recommendation_weight": 1, "attributes": [ids["english"]],
             "price": [{"price_list": "CZK_retail", "price": "150", "discount": "25"},
                       {"price_list": "EUR_retail", "price": "4.80"}]},
            {"sku": f"{sku_prefix}-CS", "ean": "", "weight": None, "stock_quantity": 0,
             "attributes": [ids["czech"]], "price": [{"price_list": "CZK_retail", "price": "100"}]},
        ],
    }


def create_cz_and_sk() -> None:
    """The two countries most test shops sell to: CZ (Czech, CZK_retail) and SK (English, EUR_retail)."""
    from chalicelib.localization import service as localization

    localization.create_country({"code": "CZ", "name": "Czechia", "locale": "cs", "default_price_list": "CZK_retail"})
    localization.create_country({"code": "SK", "name": "Slovakia", "locale": "en", "default_price_list": "EUR_retail"})
