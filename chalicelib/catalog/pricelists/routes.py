"""`product/dashboard/pricelist/...` routes (contract P15-P19)."""

from chalicelib.core.auth.access import STAFF, permission
from chalicelib.core.http.routing import Req, Routes, empty, json_response
from chalicelib.core.http.validation import Boolean, Schema, String
from chalicelib.core.lazy import lazy_module

# Imported when a price-list route first runs.
pricelists = lazy_module("chalicelib.catalog.pricelists.service")

# operationIds name the catalog (`get_catalog_...`), as before the catalog had sub-packages.
routes = Routes(__name__, tag="catalog", operation_package="catalog")

PRICE_LIST = Schema(
    "PriceList",
    code=String(max_length=50),
    currency=String(max_length=3, min_length=3),
    is_default=Boolean(default=False),
    rounding=Boolean(default=False),
)
CHANGE = permission("pricelist_change_permission")


@routes.route("/product/dashboard/pricelist", ["GET"], access=STAFF, summary="All price lists (P15).",
              response="PriceListList")
def list_price_lists(req: Req):
    return pricelists.list_price_lists()


@routes.route("/product/dashboard/pricelist", ["POST"], access=permission("pricelist_add_permission"),
              body=PRICE_LIST, summary="Create a price list; is_default moves the default to it (P16).",
              status=201, response="PriceList")
def create_price_list(req: Req):
    return json_response(pricelists.create_price_list(req.data), 201)


@routes.route("/product/dashboard/pricelist/{code}", ["GET"], access=STAFF, summary="One price list (P17).",
              response="PriceList")
def get_price_list(req: Req, code: str):
    return pricelists.render(pricelists.get_or_404(code))


@routes.route("/product/dashboard/pricelist/{code}", ["PUT"], access=CHANGE, body=PRICE_LIST,
              summary="Edit a price list; re-saving the default works (P18).", response="PriceList")
def update_price_list(req: Req, code: str):
    return pricelists.update_price_list(code, req.data)


@routes.route("/product/dashboard/pricelist/{code}", ["DELETE"], access=CHANGE,
              summary="Delete a price list (soft); the default cannot be deleted (P19).", status=204, errors=(400,))
def delete_price_list(req: Req, code: str):
    pricelists.delete_price_list(code)
    return empty(204)
