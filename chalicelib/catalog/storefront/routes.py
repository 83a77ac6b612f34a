"""Storefront catalog routes: product detail (P1) and category product pages (C8-C10)."""

from chalicelib.core.auth.access import PUBLIC
from chalicelib.core.http.routing import Req, Routes
from chalicelib.core.http.validation import Choice, Integer, ListOf, Nested, Schema
from chalicelib.core.lazy import lazy_module
from chalicelib.core.settings import get_settings

# Imported when a storefront route first runs: it pulls in the whole catalog and pricing.
storefront = lazy_module("chalicelib.catalog.storefront.service")

# operationIds name the catalog (`get_catalog_...`), as before the catalog had sub-packages.
routes = Routes(__name__, tag="storefront", operation_package="catalog")

SELECTION = Schema("AttributeSelection", id=Integer(), selected_values_ids=ListOf(Integer(), default=list))
FILTERS = Schema("CategoryFilters", textual=ListOf(Nested(SELECTION), default=list),
                 numeric=ListOf(Nested(SELECTION), default=list))
CATEGORY_QUERY = Schema(
    "CategoryProductsQuery",
    filters=Nested(FILTERS, required=False, allow_null=True),
    sort_by=Choice(["price", "title", "recommended"], required=False, allow_null=True),
    order=Choice(["asc", "desc"], required=False, allow_null=True),
)


@routes.route("/product/storefront/{product_id}", ["GET"], access=PUBLIC,
              summary="Product detail with prices for ?country=&pricelist= (P1).", response="StorefrontProduct")
def product_detail(req: Req, product_id: str):
    return storefront.product_detail(product_id, req.query.get("country"), req.query.get("pricelist"),
                                     req.language, req.origin())


def _category_page(req: Req, category_id: str, body: dict | None):
    # The verified token's user id (the e-mail) is all the recommender needs: no user lookup on a page load.
    shopper = req.claims.get("user_id") if req.claims else None
    return storefront.category_products(category_id, req.query, body, req.language,
                                        get_settings().default_language, req.origin(), req.base_url(), shopper)


@routes.route("/category/storefront/{category_id}/products", ["GET"], access=PUBLIC,
              summary="Published products of a category and its published subcategories, paged (C8).",
              response="CategoryProductPage")
def category_products(req: Req, category_id: str):
    return _category_page(req, category_id, None)


@routes.route("/category/storefront/{category_id}/products", ["POST"], access=PUBLIC, body=CATEGORY_QUERY,
              summary="The same, filtered (OR within an attribute type, AND across types; a selection "
                      "holding every value of its type, as the storefront sends untouched numeric filters, "
                      "is no constraint) and sorted (C9). Only products priced in the price list are listed.",
              response="CategoryProductPage")
def filter_category_products(req: Req, category_id: str):
    return _category_page(req, category_id, req.data)


@routes.route("/category/storefront/{category_id}/attributes", ["GET"], access=PUBLIC,
              summary="The attribute filters of a category (C10).", response="CategoryFilterAttributes")
def category_attributes(req: Req, category_id: str):
    return storefront.category_attributes(category_id, req.language)
