"""JSON Schemas of what the product type and attribute routes answer, by name (their use: catalog/__init__.py)."""

from __future__ import annotations

from chalicelib.core.http.openapi import (
    INTEGER,
    STRING,
    array,
    map_of,
    nullable,
    obj,
    ref,
)

# taxonomy/service._name_rows: an attribute type's or value's name by language (null where one was not given).
NAMES = map_of(obj(name=nullable(STRING)))

SCHEMAS = {
    "BaseAttribute": obj(id=INTEGER, value=nullable(STRING), type=INTEGER, translations=NAMES),
    "BaseAttributeList": array(ref("BaseAttribute")),
    # taxonomy/service.Taxonomy.product_type
    "ProductType": obj(
        id=INTEGER,
        name=nullable(STRING),  # P3 may leave it out (null), as the original's model allows
        allowed_attribute_types=array(ref("ProductAttributeType")),
        allowed_attribute_types_ids=array(INTEGER),
        vat_groups=array(INTEGER),
        create_at=STRING,
        update_at=STRING,
    ),
    # taxonomy/service.render_attribute_type (type_name and unit may be left null)
    "ProductAttributeType": obj(
        id=INTEGER,
        type_name=nullable(STRING),
        unit=nullable(STRING),
        base_attributes=array(ref("BaseAttribute")),
        value_type=STRING,
        translations=NAMES,
    ),
    "ProductTypeList": array(ref("ProductType")),
    "ProductAttributeTypeList": array(ref("ProductAttributeType")),
}
