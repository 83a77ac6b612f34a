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


def _add(kind: str):
    return permission(f"{kind}method_add_permission")


def _change(kind: str):
    return permission(f"{kind}method_change_permission")


# --- payment methods (K1-K5) ------------------------------------------------------------------------

@routes.route("/cart/dashboard/payment/method", ["GET"], access=STAFF,
              summary="Payment methods, title in the Accept-Language language (K1).",
              response="PaymentMethodSummaryList")
def list_payment_methods(req: Req):
    return service.list_methods("payment", req.language, req.origin())


@routes.route("/cart/dashboard/payment/method", ["POST"], access=_add("payment"), reads=schemas.METHOD_WRITE,
              summary="Create a payment method; `{}` creates an empty one (K2).",
              status=201, response="PaymentMethodSummary")
def create_payment_method(req: Req):
    return json_response(service.create_method("payment", req.json_body(), req.language, req.origin()), 201)


@routes.route("/cart/dashboard/payment/method/{id}", ["GET"], access=STAFF,
              summary="A payment method with its translations (K3).", response="PaymentMethod")
def get_payment_method(req: Req, id: str):
    return service.get_method("payment", id, req.origin())


@routes.route("/cart/dashboard/payment/method/{id}", WRITE, access=_change("payment"), reads=schemas.METHOD_WRITE,
              summary="Update a payment method: translations sent, `image` as base64 or data URI (K4).",
              response="PaymentMethod")
def update_payment_method(req: Req, id: str):
    return service.update_method("payment", id, req.json_body(), req.origin())


@routes.route("/cart/dashboard/payment/method/{id}", ["DELETE"], access=_change("payment"),
              summary="Soft-delete a payment method (K5).", status=204)
def delete_payment_method(req: Req, id: str):
    service.delete_method("payment", id)
    return empty(204)


# --- payment method countries (K6-K12) --------------------------------------------------------------

@routes.route("/cart/dashboard/payment/method/{id}/country", ["GET"], access=STAFF,
              summary="The per-country rows of a payment method (K6).", response="PaymentMethodCountryList")
def list_payment_rows_of_method(req: Req, id: str):
    return service.list_rows_of_method("payment", id)


@routes.route("/cart/dashboard/payment/method/{id}/country", ["POST"], access=_add("payment"),
              reads=schemas.ROW_CREATE["payment"],
              summary="Add a payment method in a country; `api_request` must be a payment config key (K7).",
              status=201, response="PaymentMethodCountry")
def create_payment_row(req: Req, id: str):
    return json_response(service.create_row("payment", id, req.json_body()), 201)


@routes.route("/cart/dashboard/payment/method/country", ["GET"], access=STAFF,
              summary="Every payment method country row, its method nested (K8).", response="PaymentMethodCountryList")
def list_payment_rows(req: Req):
    return service.list_payment_rows(req.language, req.origin())


@routes.route("/cart/dashboard/payment/method/country", ["POST"], access=_add("payment"),
              reads=schemas.ROW_CREATE_WITH_METHOD["payment"],
              summary="Add a payment method in a country, the method in the body (K9; 500 in the original).",
              status=201, response="PaymentMethodCountry")
def create_payment_row_by_body(req: Req):
    return json_response(service.create_row("payment", None, req.json_body()), 201)


@routes.route("/cart/dashboard/payment/method/country/{id}", ["GET"], access=STAFF,
              summary="A payment method country row, priced in its currency (K10).",
              response="PaymentMethodCountryPrices")
def get_payment_row(req: Req, id: str):
    return service.row_detail("payment", id, req.language, req.origin())


@routes.route("/cart/dashboard/payment/method/country/{id}", WRITE, access=_change("payment"),
              reads=schemas.ROW_UPDATE["payment"],
              summary="Update a payment method country row (K11; always 500 in the original).",
              response="PaymentMethodCountry")
def update_payment_row(req: Req, id: str):
    return service.update_row("payment", id, req.json_body(), partial=req.raw.method.upper() == "PATCH")


@routes.route("/cart/dashboard/payment/method/country/{id}", ["DELETE"], access=_change("payment"),
              summary="Soft-delete a payment method country row (K12; always 500 in the original).", status=204)
def delete_payment_row(req: Req, id: str):
    service.delete_row("payment", id)
    return empty(204)


# --- shipping methods (K13-K17) ---------------------------------------------------------------------

@routes.route("/cart/dashboard/shipping/method", ["GET"], access=STAFF,
              summary="Shipping methods, title in the Accept-Language language (K13).",
              response="ShippingMethodSummaryList")
def list_shipping_methods(req: Req):
    return service.list_methods("shipping", req.language, req.origin())


@routes.route("/cart/dashboard/shipping/method", ["POST"], access=_add("shipping"), reads=schemas.METHOD_WRITE,
              summary="Create a shipping method; `{}` creates an empty one (K14).",
              status=201, response="ShippingMethodSummary")
def create_shipping_method(req: Req):
    return json_response(service.create_method("shipping", req.json_body(), req.language, req.origin()), 201)


@routes.route("/cart/dashboard/shipping/method/{id}", ["GET"], access=STAFF,
              summary="A shipping method with its translations (K15).", response="ShippingMethod")
def get_shipping_method(req: Req, id: str):
    return service.get_method("shipping", id, req.origin())


@routes.route("/cart/dashboard/shipping/method/{id}", WRITE, access=_change("shipping"), reads=schemas.METHOD_WRITE,
              summary="Update a shipping method: translations sent, `image` as base64 or data URI (K16).",
              response="ShippingMethod")
def update_shipping_method(req: Req, id: str):
    return service.update_method("shipping", id, req.json_body(), req.origin())


@routes.route("/cart/dashboard/shipping/method/{id}", ["DELETE"], access=_change("shipping"),
              summary="Soft-delete a shipping method (K17).", status=204)
def delete_shipping_method(req: Req, id: str):
    service.delete_method("shipping", id)
    return empty(204)


# --- shipping method countries (K18-K21) ------------------------------------------------------------

@routes.route("/cart/dashboard/shipping/method/{id}/country", ["GET"], access=STAFF,
              summary="The per-country rows of a shipping method (K18).", response="ShippingMethodCountryList")
def list_shipping_rows_of_method(req: Req, id: str):
    return service.list_rows_of_method("shipping", id)


@routes.route("/cart/dashboard/shipping/method/{id}/country", ["POST"], access=_add("shipping"),
              reads=schemas.ROW_CREATE["shipping"],
              summary="Add a shipping method in a country with the payment rows it offers (K19).",
              status=201, response="ShippingMethodCountry")
def create_shipping_row(req: Req, id: str):
    return json_response(service.create_row("shipping", id, req.json_body()), 201)


@routes.route("/cart/dashboard/shipping/method/country/{id}", ["GET"], access=STAFF,
              summary="A shipping method country row, priced in its currency (K20).",
              response="ShippingMethodCountryPrices")
def get_shipping_row(req: Req, id: str):
    return service.row_detail("shipping", id, req.language, req.origin())


@routes.route("/cart/dashboard/shipping/method/country/{id}", WRITE, access=_change("shipping"),
              reads=schemas.ROW_UPDATE["shipping"],
              summary="Update a shipping method country row (K21; always 500 in the original).",
              response="ShippingMethodCountry")
def update_shipping_row(req: Req, id: str):
    return service.update_row("shipping", id, req.json_body(), partial=req.raw.method.upper() == "PATCH")


@routes.route("/cart/dashboard/shipping/method/country/{id}", ["DELETE"], access=_change("shipping"),
              summary="Soft-delete a shipping method country row (K21; always 500 in the original).", status=204)
def delete_shipping_row(req: Req, id: str):
    service.delete_row("shipping", id)
    return empty(204)


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
