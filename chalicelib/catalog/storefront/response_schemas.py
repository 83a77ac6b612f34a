"""JSON Schemas of what the catalog's storefront routes answer, by name (their use: catalog/__init__.py)."""

from __future__ import annotations

from chalicelib.catalog.categories.response_schemas import BREADCRUMBS
from chalicelib.catalog.products.response_schemas import PRODUCT_TEXTS
from chalicelib.core.http.openapi import (
    ANY,
    BOOLEAN,
    INTEGER,
    NUMBER,
    STRING,
    array,
    nullable,
    obj,
    page_of,
    ref,
)

SCHEMAS = {
    "StorefrontProduct": obj(
        {"id": INTEGER, "breadcrumbs": BREADCRUMBS, **PRODUCT_TEXTS},
        product_variants=array(
            obj(
                sku=STRING,
                ean=STRING,
                weight=nullable(STRING),
                recommendation_weight=nullable(NUMBER),
                stock_quantity=INTEGER,
                price=nullable(
                    obj(
                        without_vat=STRING,
                        incl_vat=STRING,
                        vat=NUMBER,
                        discount=nullable(obj(percentage=NUMBER, without_vat=STRING, incl_vat=STRING)),
                    )
                ),
                attributes=array(
                    obj(
                        id=INTEGER,
                        order=ANY,
                        value=STRING,
                        name=STRING,
                        # unit: null when the type has none (as the original)
                        type=obj(id=INTEGER, type_name=STRING, name=STRING, unit=nullable(STRING), is_numeric=BOOLEAN),
                    )
                ),
            )
        ),
        media=array(),
    ),
    # storefront/service.list_item: a product in a storefront list (category pages, search, recommendations).
    "StorefrontProductListItem": obj(
        id=INTEGER,
        title=STRING,
        meta_title=STRING,
        meta_description=STRING,
        slug=STRING,
        primary_image=nullable({"type": "object"}),
        variant_prices=array(
            obj(
                without_vat=NUMBER,
                incl_vat=NUMBER,
                without_vat_formatted=STRING,
                incl_vat_formatted=STRING,
                discount=nullable(NUMBER),
                sku=STRING,
            )
        ),
    ),
    "CategoryProductPage": page_of(ref("StorefrontProductListItem")),
    "CategoryFilterAttributes": obj(
        textual=array(obj(id=INTEGER, name=STRING, unit=nullable(STRING),
                          possible_values=array(obj(id=INTEGER, value=STRING)))),
        numeric=array(obj(id=INTEGER, name=STRING, unit=nullable(STRING))),
    ),
}
