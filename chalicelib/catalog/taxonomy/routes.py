"""`product/dashboard/type/`, `product/dashboard/attribute/type/` and `product/dashboard/attribute/` routes
(contract P2-P6, P20-P29). Trailing slashes are optional.

Reads need staff (the original's JWT-only detail reads are tightened); creates need `<model>_add_permission`,
updates and deletes `<model>_change_permission`. The original's open PATCH is not offered.
"""

from chalicelib.catalog.taxonomy import schemas
from chalicelib.core.auth.access import STAFF, permission
from chalicelib.core.http.routing import Req, Routes, empty, json_response
from chalicelib.core.lazy import lazy_module

# Imported when an attribute route first runs: it pulls in the reference data and localization.
attributes = lazy_module("chalicelib.catalog.taxonomy.service")

# operationIds name the catalog (`get_catalog_...`), as before the catalog had sub-packages.
routes = Routes(__name__, tag="catalog", operation_package="catalog")

PRODUCTTYPE_ADD = permission("producttype_add_permission")
PRODUCTTYPE_CHANGE = permission("producttype_change_permission")
ATTRIBUTETYPE_ADD = permission("attributetype_add_permission")
ATTRIBUTETYPE_CHANGE = permission("attributetype_change_permission")
BASEATTRIBUTE_ADD = permission("baseattribute_add_permission")
BASEATTRIBUTE_CHANGE = permission("baseattribute_change_permission")


# --- product types ------------------------------------------------------------------------------------

@routes.route("/product/dashboard/type", ["GET"], access=STAFF,
              summary="All product types with their allowed attribute types (P2).", response="ProductTypeList")
def list_product_types(req: Req):
    return attributes.list_product_types()


@routes.route("/product/dashboard/type", ["POST"], access=PRODUCTTYPE_ADD, body=schemas.PRODUCT_TYPE_CREATE,
              summary="Create a product type (P3).", status=201, response="ProductType")
def create_product_type(req: Req):
    return json_response(attributes.create_product_type(req.data), 201)


@routes.route("/product/dashboard/type/{type_id}", ["GET"], access=STAFF, summary="One product type (P4).",
              response="ProductType")
def get_product_type(req: Req, type_id: str):
    return attributes.get_product_type(type_id)


@routes.route("/product/dashboard/type/{type_id}", ["PUT"], access=PRODUCTTYPE_CHANGE,
              body=schemas.PRODUCT_TYPE_UPDATE, summary="Edit a product type; fields not sent stay (P5).",
              response="ProductType")
def update_product_type(req: Req, type_id: str):
    return attributes.update_product_type(type_id, req.data)


@routes.route("/product/dashboard/type/{type_id}", ["DELETE"], access=PRODUCTTYPE_CHANGE,
              summary="Delete (soft) a product type (P6).", status=204)
def delete_product_type(req: Req, type_id: str):
    attributes.delete_product_type(type_id)
    return empty(204)


# --- attribute types ----------------------------------------------------------------------------------

@routes.route("/product/dashboard/attribute/type", ["GET"], access=STAFF,
              summary="All attribute types with their values (P20).", response="ProductAttributeTypeList")
def list_attribute_types(req: Req):
    return attributes.list_attribute_types()


@routes.route("/product/dashboard/attribute/type", ["POST"], access=ATTRIBUTETYPE_ADD,
              body=schemas.ATTRIBUTE_TYPE_CREATE, summary="Create an attribute type (P21).",
              status=201, response="ProductAttributeType")
def create_attribute_type(req: Req):
    return json_response(attributes.create_attribute_type(req.data), 201)


@routes.route("/product/dashboard/attribute/type/{type_id}", ["GET"], access=STAFF,
              summary="One attribute type with its values (P22).", response="ProductAttributeType")
def get_attribute_type(req: Req, type_id: str):
    return attributes.get_attribute_type(type_id)


@routes.route("/product/dashboard/attribute/type/{type_id}", ["PUT"], access=ATTRIBUTETYPE_CHANGE,
              body=schemas.ATTRIBUTE_TYPE_UPDATE,
              summary="Edit an attribute type; only the languages sent change (P23).", response="ProductAttributeType")
def update_attribute_type(req: Req, type_id: str):
    return attributes.update_attribute_type(type_id, req.data)


@routes.route("/product/dashboard/attribute/type/{type_id}", ["DELETE"], access=ATTRIBUTETYPE_CHANGE,
              summary="Delete (soft) an attribute type; its values go with it (P24).", status=204)
def delete_attribute_type(req: Req, type_id: str):
    attributes.delete_attribute_type(type_id)
    return empty(204)


# --- base attributes (attribute values) ---------------------------------------------------------------

@routes.route("/product/dashboard/attribute", ["GET"], access=STAFF, summary="All attribute values (P25).",
              response="BaseAttributeList")
def list_base_attributes(req: Req):
    return attributes.list_base_attributes()


@routes.route("/product/dashboard/attribute", ["POST"], access=BASEATTRIBUTE_ADD,
              body=schemas.BASE_ATTRIBUTE_CREATE,
              summary="Create an attribute value of a type; numeric types need a number (P26).",
              status=201, response="BaseAttribute")
def create_base_attribute(req: Req):
    return json_response(attributes.create_base_attribute(req.data), 201)


@routes.route("/product/dashboard/attribute/{attribute_id}", ["GET"], access=STAFF,
              summary="One attribute value (P27).", response="BaseAttribute")
def get_base_attribute(req: Req, attribute_id: str):
    return attributes.get_base_attribute(attribute_id)


@routes.route("/product/dashboard/attribute/{attribute_id}", ["PUT"], access=BASEATTRIBUTE_CHANGE,
              body=schemas.BASE_ATTRIBUTE_UPDATE, summary="Edit an attribute value (P28).", response="BaseAttribute")
def update_base_attribute(req: Req, attribute_id: str):
    return attributes.update_base_attribute(attribute_id, req.data)


@routes.route("/product/dashboard/attribute/{attribute_id}", ["DELETE"], access=BASEATTRIBUTE_CHANGE,
              summary="Delete (soft) an attribute value (P29).", status=204)
def delete_base_attribute(req: Req, attribute_id: str):
    attributes.delete_base_attribute(attribute_id)
    return empty(204)
