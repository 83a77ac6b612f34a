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

SCHEMAS = {
    "PriceList": obj(
        code=STRING, currency=STRING, is_default=BOOLEAN, rounding=BOOLEAN, update_at=STRING, create_at=STRING
    ),
    "PriceListList": array(ref("PriceList")),
    "DashboardProduct": obj(
        id={"type": ["integer", "string"]},
        published=BOOLEAN,
        translations=map_of(
            obj(
                title=STRING,
                meta_title=STRING,
                meta_description=STRING,
                short_description=STRING,
                description=STRING,
                description_editorjs=EDITORJS,
                slug=STRING,
            )
        ),
        category=INTEGER,
        product_variants=array(
            obj(
                sku=STRING,
                ean=nullable(STRING),
                weight=nullable(STRING),
                recommendation_weight=nullable(NUMBER),
                stock_quantity=INTEGER,
                price=array(obj(id=INTEGER, price=STRING, discount=nullable(STRING), price_list=STRING)),
                attributes=array(INTEGER),
            )
        ),
        update_at=STRING,
        create_at=STRING,
        media=array(),
        type=obj(
            id=INTEGER,
            name=STRING,
            allowed_attribute_types=array(
                obj(
                    id=INTEGER,
                    type_name=STRING,
                    unit=STRING,
                    base_attributes=array(
                        obj(id=INTEGER, value=STRING, type=INTEGER, translations=map_of(obj(name=STRING)))
                    ),
                    value_type=STRING,
                    translations=map_of(obj(name=STRING)),
                )
            ),
            allowed_attribute_types_ids=array(INTEGER),
            vat_groups=array(),
            create_at=STRING,
            update_at=STRING,
        ),
    ),
    "StorefrontProduct": obj(
        id=INTEGER,
        breadcrumbs=array(obj(id=INTEGER, title=STRING, slug=STRING)),
        title=STRING,
        meta_title=STRING,
        meta_description=STRING,
        short_description=STRING,
        description=STRING,
        description_editorjs=EDITORJS,
        slug=STRING,
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
                        type=obj(id=INTEGER, type_name=STRING, name=STRING, unit=STRING, is_numeric=BOOLEAN),
                    )
                ),
            )
        ),
        media=array(),
    ),
    "BaseAttribute": obj(
        id=INTEGER, value=nullable(STRING), type=INTEGER, translations=map_of(obj(name=nullable(STRING)))
    ),
    "BaseAttributeList": array(ref("BaseAttribute")),
    "DashboardProductPage": page_of(
        obj(
            id=INTEGER,
            title=STRING,
            slug=STRING,
            primary_image=nullable(
                obj(id=INTEGER, media=STRING, type=STRING, alt=nullable(STRING), product_id=INTEGER, sort_order=INTEGER)
            ),
            published=BOOLEAN,
            create_at=STRING,
            update_at=STRING,
        )
    ),
    "CategoryProductPage": page_of(
        obj(
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
        )
    ),
    "DashboardCategoryTree": array(ref("DashboardCategoryNode")),
    "StorefrontCategoryTree": array(ref("StorefrontCategoryNode")),
    "StorefrontCategory": obj(
        id=INTEGER,
        title=STRING,
        meta_title=STRING,
        slug=STRING,
        children=array(ref("StorefrontCategoryNode")),
        description_editorjs=EDITORJS,
        meta_description=STRING,
        breadcrumbs=array(obj(id=INTEGER, title=STRING, slug=STRING)),
    ),
    "CategoryFilterAttributes": obj(
        textual=array(obj(id=INTEGER, name=STRING, unit=STRING, possible_values=array(obj(id=INTEGER, value=STRING)))),
        numeric=array(),
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
    "ProductType": obj(
        id=INTEGER,
        name=STRING,
        allowed_attribute_types=array(
            obj(
                id=INTEGER,
                type_name=STRING,
                unit=STRING,
                base_attributes=array(
                    obj(id=INTEGER, value=STRING, type=INTEGER, translations=map_of(obj(name=STRING)))
                ),
                value_type=STRING,
                translations=map_of(obj(name=STRING)),
            )
        ),
        allowed_attribute_types_ids=array(INTEGER),
        vat_groups=array(INTEGER),
        create_at=STRING,
        update_at=STRING,
    ),
    "ProductAttributeType": obj(
        id=INTEGER,
        type_name=nullable(STRING),
        unit=nullable(STRING),
        base_attributes=array(obj(id=INTEGER, value=STRING, type=INTEGER, translations=map_of(obj(name=STRING)))),
        value_type=STRING,
        translations=map_of(obj(name=nullable(STRING))),
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
    "ProductVariant": obj(
        sku=STRING,
        ean=STRING,
        weight=STRING,
        recommendation_weight=NUMBER,
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
        id=INTEGER,
        title=STRING,
        meta_title=STRING,
        slug=STRING,
        children=array(ref("DashboardCategoryNode")),
        published=BOOLEAN,
        create_at=STRING,
        update_at=STRING,
    ),
    "StorefrontCategoryNode": obj(
        id=INTEGER, title=STRING, meta_title=STRING, slug=STRING, children=array(ref("StorefrontCategoryNode"))
    ),
}
