"""JSON Schemas of what the dashboard's product routes answer, by name (their use: catalog/__init__.py)."""

from __future__ import annotations

from chalicelib.core.http.openapi import (
    BOOLEAN,
    EDITORJS,
    INTEGER,
    NUMBER,
    STRING,
    array,
    map_of,
    nullable,
    obj,
    page_of,
    ref,
)

# products/service.TRANSLATION_FIELDS: a dashboard product's texts in one language, and the storefront detail's.
PRODUCT_TEXTS = {
    "title": STRING,
    "meta_title": STRING,
    "meta_description": STRING,
    "short_description": STRING,
    "description": STRING,
    "description_editorjs": EDITORJS,
    "slug": STRING,
}
# On the dashboard the two descriptions come back null when they were saved null (the storefront says "").
DASHBOARD_PRODUCT_TEXTS = {**PRODUCT_TEXTS, "short_description": nullable(STRING), "description": nullable(STRING)}

SCHEMAS = {
    "DashboardProduct": obj(
        id={"type": ["integer", "string"]},
        published=BOOLEAN,
        translations=map_of(obj(DASHBOARD_PRODUCT_TEXTS)),
        category=nullable(INTEGER),  # optional on create (P10 accepts none or null)
        product_variants=array(ref("ProductVariant")),
        update_at=STRING,
        create_at=STRING,
        media=array(),
        type=nullable(ref("ProductType")),  # a product may have no type (type_id is optional)
    ),
    "DashboardProductPage": page_of(
        obj(
            id=INTEGER,
            title=STRING,
            slug=STRING,
            primary_image=nullable(ref("ProductMedia")),
            published=BOOLEAN,
            create_at=STRING,
            update_at=STRING,
        )
    ),
    "MediaUploadSlot": obj(
        upload_key=STRING,
        url=STRING,
        fields=obj(
            {
                "key": STRING,
                "x-amz-algorithm": STRING,
                "x-amz-credential": STRING,
                "x-amz-date": STRING,
                "x-amz-security-token": STRING,
                "policy": STRING,
                "x-amz-signature": STRING,
            }
        ),
        expires_in=INTEGER,
        max_bytes=INTEGER,
    ),
    # products/views.variant_json (ean, weight and recommendation_weight are optional)
    "ProductVariant": obj(
        sku=STRING,
        ean=nullable(STRING),
        weight=nullable(STRING),
        recommendation_weight=nullable(NUMBER),
        stock_quantity=INTEGER,
        price=array(obj(id=INTEGER, price=STRING, discount=nullable(STRING), price_list=STRING)),
        attributes=array(INTEGER),
    ),
    "ProductMedia": obj(
        id=INTEGER, media=STRING, type=STRING, alt=nullable(STRING), product_id=INTEGER, sort_order=INTEGER
    ),
    "DashboardProductList": array(ref("DashboardProduct")),
}
