"""JSON Schemas (draft 2020-12) of what the catalog's product type and attribute routes answer, by name: a
route names one with `response="Name"`; the API docs put them under `components/schemas` (a name may be
referred to from any package's schemas). Derived from what the code returns (checked on every HTTP test's response by
tests/openapi_check.py); extra keys are always allowed. Imported only when the document is built."""

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
