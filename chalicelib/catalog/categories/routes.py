"""`category/dashboard/...` and `category/storefront/` routes (contract C1-C7). Trailing slashes are optional.

Dashboard reads need staff, creates `category_add_permission`, updates and deletes
`category_change_permission`; the original's open PATCH is not offered. Storefront reads are public and
cost one DynamoDB Query each. The path variable is `{category_id}`, as on the storefront's
`category/storefront/{category_id}/products|attributes` routes (API Gateway requires one name per level).
"""

from chalicelib.catalog.taxonomy import schemas
from chalicelib.core.auth.access import PUBLIC, STAFF, permission
from chalicelib.core.http.routing import Req, Routes, empty, json_response
from chalicelib.core.lazy import lazy_module

# Imported when a category route first runs: it pulls in the attributes and the reference data.
categories = lazy_module("chalicelib.catalog.categories.service")

# operationIds name the catalog (`get_catalog_...`), as before the catalog had sub-packages.
routes = Routes(__name__, tag="catalog", operation_package="catalog")

CATEGORY_ADD = permission("category_add_permission")
CATEGORY_CHANGE = permission("category_change_permission")


@routes.route("/category/dashboard", ["GET"], access=STAFF,
              summary="Every root category with all its children, in the Accept-Language language (C1).",
              response="DashboardCategoryTree")
def dashboard_tree(req: Req):
    return categories.dashboard_tree(req.language)


@routes.route("/category/dashboard", ["POST"], access=CATEGORY_ADD, body=schemas.CATEGORY_CREATE,
              summary="Create a category; a new language needs a title and slug (C2).", status=201, response="Category")
def create_category(req: Req):
    return json_response(categories.create_category(req.data), 201)


@routes.route("/category/dashboard/{category_id}", ["GET"], access=STAFF,
              summary="One category in every language (C3).", response="Category")
def get_category(req: Req, category_id: str):
    return categories.get_category(category_id)


@routes.route("/category/dashboard/{category_id}", ["PUT"], access=CATEGORY_CHANGE, body=schemas.CATEGORY_UPDATE,
              summary="Edit or move (by parent) a category; only the languages sent change (C4).", response="Category")
def update_category(req: Req, category_id: str):
    return categories.update_category(category_id, req.data)


@routes.route("/category/dashboard/{category_id}", ["DELETE"], access=CATEGORY_CHANGE,
              summary="Delete (soft) a category; its children become roots (C5).", status=204)
def delete_category(req: Req, category_id: str):
    categories.delete_category(category_id)
    return empty(204)


@routes.route("/category/storefront", ["GET"], access=PUBLIC,
              summary="Published root categories with their published children, recursively (C6).",
              response="StorefrontCategoryTree")
def storefront_tree(req: Req):
    return categories.storefront_tree(req.language)


@routes.route("/category/storefront/{category_id}", ["GET"], access=PUBLIC,
              summary="A published category with children and breadcrumbs; 404 with an empty body when it is "
                      "missing, unpublished or under an unpublished category (C7).", response="StorefrontCategory")
def storefront_category(req: Req, category_id: str):
    detail = categories.storefront_detail(category_id, req.language)
    return empty(404) if detail is None else detail
