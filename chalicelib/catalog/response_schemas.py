"""JSON Schemas (draft 2020-12) of what the catalog routes answer, by name: a route names one with
`response="Name"`; the API docs put them under `components/schemas`. Derived from what the code returns
(checked on every HTTP test's response by tests/openapi_check.py); extra keys are always allowed. Imported
only when the document is built."""

from __future__ import annotations

from chalicelib.core.http.openapi import (
    ANY,
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

# products.TRANSLATION_FIELDS: a dashboard product's texts in one language, and the storefront detail's.
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
# attributes._name_rows: an attribute type's or value's name by language (null where one was not given).
NAMES = map_of(obj(name=nullable(STRING)))
BREADCRUMBS = array(obj(id=INTEGER, title=STRING, slug=STRING))  # categories.breadcrumbs, root first
CATEGORY_NODE = {"id": INTEGER, "title": STRING, "meta_title": STRING, "slug": STRING}  # a tree node's own fields

SCHEMAS = {
    "PriceList": obj(
        code=STRING, currency=STRING, is_default=BOOLEAN, rounding=BOOLEAN, update_at=STRING, create_at=STRING
    ),
    "PriceListList": array(ref("PriceList")),
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
    "BaseAttribute": obj(id=INTEGER, value=nullable(STRING), type=INTEGER, translations=NAMES),
    "BaseAttributeList": array(ref("BaseAttribute")),
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
    # storefront.list_item: a product in a storefront list (category pages, search, recommendations).
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
    "DashboardCategoryTree": array(ref("DashboardCategoryNode")),
    "StorefrontCategoryTree": array(ref("StorefrontCategoryNode")),
    "StorefrontCategory": obj(
        CATEGORY_NODE,
        children=array(ref("StorefrontCategoryNode")),
        description_editorjs=EDITORJS,
        meta_description=STRING,
        breadcrumbs=BREADCRUMBS,
    ),
    "CategoryFilterAttributes": obj(
        textual=array(obj(id=INTEGER, name=STRING, unit=nullable(STRING),
                          possible_values=array(obj(id=INTEGER, value=STRING)))),
        numeric=array(obj(id=INTEGER, name=STRING, unit=nullable(STRING))),
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
    # attributes.Taxonomy.product_type
    "ProductType": obj(
        id=INTEGER,
        name=nullable(STRING),  # P3 may leave it out (null), as the original's model allows
        allowed_attribute_types=array(ref("ProductAttributeType")),
        allowed_attribute_types_ids=array(INTEGER),
        vat_groups=array(INTEGER),
        create_at=STRING,
        update_at=STRING,
    ),
    # attributes.render_attribute_type (type_name and unit may be left null)
    "ProductAttributeType": obj(
        id=INTEGER,
        type_name=nullable(STRING),
        unit=nullable(STRING),
        base_attributes=array(ref("BaseAttribute")),
        value_type=STRING,
        translations=NAMES,
    ),
    "Category": obj(
        id=INTEGER,
        published=BOOLEAN,
        translations=map_of(
            obj(
                title=STRING,
                meta_title=STRING,
                meta_description=STRING,
                description=nullable(STRING),
                description_editorjs=EDITORJS,
                slug=STRING,
            )
        ),
        update_at=STRING,
        create_at=STRING,
        parent=nullable(INTEGER),
    ),
    # product_views.variant_json (ean, weight and recommendation_weight are optional)
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
    "ProductTypeList": array(ref("ProductType")),
    "ProductAttributeTypeList": array(ref("ProductAttributeType")),
    "DashboardProductList": array(ref("DashboardProduct")),
    "DashboardCategoryNode": obj(
        CATEGORY_NODE,
        children=array(ref("DashboardCategoryNode")),
        published=BOOLEAN,
        create_at=STRING,
        update_at=STRING,
    ),
    "StorefrontCategoryNode": obj(CATEGORY_NODE, children=array(ref("StorefrontCategoryNode"))),
}
