"""Shipping and payment method routes (contract 1.3: K1-K21, K32) and their image redirects.

Access: dashboard reads are STAFF; creating a method or a method-country row needs
`<kind>method_add_permission`, changing or deleting one `<kind>method_change_permission` (the original
leaves these writes public: a hole not copied). The storefront's K32 and the image redirects are public.

`/cart/storefront/methods/{country_code}` lives in the cart's URL space next to the cart's
`/cart/storefront/{token}/...` routes: API Gateway and Chalice's local router both prefer the literal
segment `methods` over a variable, so it reaches this route (a test holds the route table to that).
A method's id is `{id}` in every path below `.../method/`: API Gateway allows one variable name per level.
"""

from chalicelib.core import media
from chalicelib.core.auth.access import PUBLIC, STAFF, permission
from chalicelib.core.http.routing import Req, Routes, empty, json_response
from chalicelib.core.lazy import lazy_module
from chalicelib.methods import schemas

# Imported when a method route first runs: the service pulls in localization and the payment config.
service = lazy_module("chalicelib.methods.service")

routes = Routes(__name__, tag="methods")

WRITE = ["PUT", "PATCH"]


def _access(kind: str, right: str):
    return STAFF if right == "read" else permission(f"{kind}method_{right}_permission")


def _partial(req: Req) -> bool:
    return req.raw.method.upper() == "PATCH"


def _no_content(_done=None):
    """204 once the deletion (the argument, already evaluated) is done."""
    return empty(204)


# The dashboard's method administration, the same for both kinds (issue 15: one table instead of twenty
# near-identical handlers). A row: handler name, path below /cart/dashboard/<kind>/method, methods, the right
# it needs (read: STAFF), the body the handler validates, status, response schema, summary, and the handler.
# `{Kind}`/`{kind}` and the contract row `{K}` are filled per kind; the names stay the OpenAPI operation ids.
_TABLE = [
    ("list_{kind}_methods", "", ["GET"], "read", None, 200, "{Kind}MethodSummaryList",
     "{Kind} methods, title in the Accept-Language language ({K}).",
     lambda kind: lambda req: service.list_methods(kind, req.language, req.origin())),
    ("create_{kind}_method", "", ["POST"], "add", lambda kind: schemas.METHOD_WRITE, 201, "{Kind}MethodSummary",
     "Create a {kind} method; `{{}}` creates an empty one ({K}).",
     lambda kind: lambda req: json_response(service.create_method(kind, req.json_body(), req.language,
                                                                  req.origin()), 201)),
    ("get_{kind}_method", "/{{id}}", ["GET"], "read", None, 200, "{Kind}Method",
     "A {kind} method with its translations ({K}).",
     lambda kind: lambda req, id: service.get_method(kind, id, req.origin())),
    ("update_{kind}_method", "/{{id}}", WRITE, "change", lambda kind: schemas.METHOD_WRITE, 200, "{Kind}Method",
     "Update a {kind} method: translations sent, `image` as base64 or data URI ({K}).",
     lambda kind: lambda req, id: service.update_method(kind, id, req.json_body(), req.origin())),
    ("delete_{kind}_method", "/{{id}}", ["DELETE"], "change", None, 204, None, "Soft-delete a {kind} method ({K}).",
     lambda kind: lambda req, id: _no_content(service.delete_method(kind, id))),
    ("list_{kind}_rows_of_method", "/{{id}}/country", ["GET"], "read", None, 200, "{Kind}MethodCountryList",
     "The per-country rows of a {kind} method ({K}).",
     lambda kind: lambda req, id: service.list_rows_of_method(kind, id)),
    ("create_{kind}_row", "/{{id}}/country", ["POST"], "add", lambda kind: schemas.ROW_CREATE[kind], 201,
     "{Kind}MethodCountry", None,  # summary per kind: _SUMMARIES
     lambda kind: lambda req, id: json_response(service.create_row(kind, id, req.json_body()), 201)),
    ("get_{kind}_row", "/country/{{id}}", ["GET"], "read", None, 200, "{Kind}MethodCountryPrices",
     "A {kind} method country row, priced in its currency ({K}).",
     lambda kind: lambda req, id: service.row_detail(kind, id, req.language, req.origin())),
    ("update_{kind}_row", "/country/{{id}}", WRITE, "change", lambda kind: schemas.ROW_UPDATE[kind], 200,
     "{Kind}MethodCountry", "Update a {kind} method country row ({K}; always 500 in the original).",
     lambda kind: lambda req, id: service.update_row(kind, id, req.json_body(), partial=_partial(req))),
    ("delete_{kind}_row", "/country/{{id}}", ["DELETE"], "change", None, 204, None,
     "Soft-delete a {kind} method country row ({K}; always 500 in the original).",
     lambda kind: lambda req, id: _no_content(service.delete_row(kind, id))),
]
# Contract rows (section 1.3) by handler, and the summaries that differ by more than the kind.
_ROWS = {
    "payment": {"list_{kind}_methods": "K1", "create_{kind}_method": "K2", "get_{kind}_method": "K3",
                "update_{kind}_method": "K4", "delete_{kind}_method": "K5", "list_{kind}_rows_of_method": "K6",
                "create_{kind}_row": "K7", "get_{kind}_row": "K10", "update_{kind}_row": "K11",
                "delete_{kind}_row": "K12"},
    "shipping": {"list_{kind}_methods": "K13", "create_{kind}_method": "K14", "get_{kind}_method": "K15",
                 "update_{kind}_method": "K16", "delete_{kind}_method": "K17", "list_{kind}_rows_of_method": "K18",
                 "create_{kind}_row": "K19", "get_{kind}_row": "K20", "update_{kind}_row": "K21",
                 "delete_{kind}_row": "K21"},
}
_SUMMARIES = {
    ("payment", "create_{kind}_row"):
        "Add a payment method in a country; `api_request` must be a payment config key (K7).",
    ("shipping", "create_{kind}_row"): "Add a shipping method in a country with the payment rows it offers (K19).",
}


def _register(kind: str) -> None:
    for name, below, methods, right, reads, status, response, summary, make in _TABLE:
        texts = {"kind": kind, "Kind": kind.capitalize(), "K": _ROWS[kind][name]}
        handler = make(kind)
        handler.__name__ = handler.__qualname__ = name.format(**texts)
        routes.route(f"/cart/dashboard/{kind}/method{below.format()}", methods, access=_access(kind, right),
                     reads=reads(kind) if reads else None, status=status,
                     response=response.format(**texts) if response else None,
                     summary=_SUMMARIES.get((kind, name)) or summary.format(**texts))(handler)


for _kind in ("payment", "shipping"):
    _register(_kind)


# K8 and K9 exist for payment rows only.
@routes.route("/cart/dashboard/payment/method/country", ["GET"], access=STAFF,
              summary="Every payment method country row, its method nested (K8).", response="PaymentMethodCountryList")
def list_payment_rows(req: Req):
    return service.list_payment_rows(req.language, req.origin())


@routes.route("/cart/dashboard/payment/method/country", ["POST"], access=_access("payment", "add"),
              reads=schemas.ROW_CREATE_WITH_METHOD["payment"],
              summary="Add a payment method in a country, the method in the body (K9; 500 in the original).",
              status=201, response="PaymentMethodCountry")
def create_payment_row_by_body(req: Req):
    return json_response(service.create_row("payment", None, req.json_body()), 201)


# --- storefront (K32) and images ----------------------------------------------------------------------

@routes.route("/cart/storefront/methods/{country_code}", ["GET"], access=PUBLIC,
              summary="Active shipping methods of a country with the payment methods offered with each (K32).",
              response="StorefrontMethodList")
def storefront_methods(req: Req, country_code: str):
    return service.storefront_methods(country_code, req.language, req.origin())


@routes.route("/media/shipping_method/{name}", ["GET"], access=PUBLIC, summary="A shipping method image (redirect).",
              status=302)
def shipping_method_image(req: Req, name: str):
    return media.redirect(f"shipping_method/{name}")


@routes.route("/media/payment_method/{name}", ["GET"], access=PUBLIC, summary="A payment method image (redirect).",
              status=302)
def payment_method_image(req: Req, name: str):
    return media.redirect(f"payment_method/{name}")
