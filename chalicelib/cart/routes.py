"""Cart routes (contract 1.3: K22-K31, K33-K38; K32 and the method administration are in methods/).

The storefront's cart routes are public: the cart token (a random UUID) is the credential. The
dashboard's `/cart/dashboard/{token}/...` routes edit the order of a cart: they are in
orders/editing_routes.py.
"""

from chalicelib.cart import schemas
from chalicelib.core.auth.access import PUBLIC
from chalicelib.core.http.routing import Req, Routes, empty
from chalicelib.core.lazy import lazy_module

# Imported when a cart route first runs: the service pulls in the catalog and pricing.
service = lazy_module("chalicelib.cart.service")
views = lazy_module("chalicelib.cart.views")

routes = Routes(__name__, tag="cart")


def _user_email(req: Req) -> str | None:
    user = req.user
    return user.email if user is not None else None


# --- storefront ------------------------------------------------------------------------------------

@routes.route("/cart/storefront", ["POST"], access=PUBLIC, reads=schemas.NEW_CART, reads_optional=True,
              summary="Create a cart, empty or with its first line; linked to the caller when logged in (K22).",
              response="CartToken", errors=(404,))
def create_cart(req: Req):
    return {"token": service.create_cart(req.json_body(), _user_email(req))}


@routes.route("/cart/storefront/{token}", ["GET"], access=PUBLIC, summary="The cart with its lines and totals (K23).",
              response="Cart")
def get_cart(req: Req, token: str):
    return views.cart_json(service.get_or_404(token))


@routes.route("/cart/storefront/{token}", ["POST"], access=PUBLIC, reads=schemas.ADD_ITEM,
              summary="Add a line, or add to the quantity of the SKU's line (K24): 201 new line, 200 incremented.")
def add_item(req: Req, token: str):
    return empty(service.add_item(token, req.json_body(), _user_email(req)))


@routes.route("/cart/storefront/{token}/detail", ["GET"], access=PUBLIC,
              summary="The cart's user, country, price list and chosen methods (K25).", response="CartDetail")
def cart_detail(req: Req, token: str):
    return views.detail_json(service.get_or_404(token))


@routes.route("/cart/storefront/{token}/update-quantity", ["PUT"], access=PUBLIC, reads=schemas.UPDATE_QUANTITY,
              summary="Set a line's quantity (K26).", status=204)
def update_quantity(req: Req, token: str):
    service.update_quantity(token, req.json_body())
    return empty(204)


@routes.route("/cart/storefront/{token}/{sku}", ["DELETE"], access=PUBLIC, summary="Remove a line (K37).", status=204)
def remove_line(req: Req, token: str, sku: str):
    service.remove_line(token, sku)
    return empty(204)


@routes.route("/cart/storefront/{token}/billing-info", ["GET"], access=PUBLIC,
              summary="The cart's billing address, or an empty one (K28).", response="BillingInfo")
def get_billing_info(req: Req, token: str):
    return views.info_json(service.get_or_404(token, None), "billing_info")


@routes.route("/cart/storefront/{token}/billing-info", ["PUT"], access=PUBLIC, reads=schemas.BILLING_INFO,
              summary="Set the cart's billing address (K28).", status=204)
def put_billing_info(req: Req, token: str):
    service.set_info(token, "billing_info", req.json_body())
    return empty(204)


@routes.route("/cart/storefront/{token}/shipping-info", ["GET"], access=PUBLIC,
              summary="The cart's shipping address and contact, or an empty one (K29).", response="ShippingInfo")
def get_shipping_info(req: Req, token: str):
    return views.info_json(service.get_or_404(token, None), "shipping_info")


@routes.route("/cart/storefront/{token}/shipping-info", ["PUT"], access=PUBLIC, reads=schemas.SHIPPING_INFO,
              summary="Set the cart's shipping address and contact (K29).", status=204)
def put_shipping_info(req: Req, token: str):
    service.set_info(token, "shipping_info", req.json_body())
    return empty(204)


@routes.route("/cart/storefront/{token}/payment-method", ["GET"], access=PUBLIC,
              summary="The chosen payment method with its prices (K33); 404 when none is chosen.",
              response="CartPaymentMethodChoice")
def get_payment_method(req: Req, token: str):
    chosen = views.method_json(service.get_or_404(token, None), "payment")
    return chosen if chosen is not None else empty(404)


@routes.route("/cart/storefront/{token}/shipping-method", ["GET"], access=PUBLIC,
              summary="The chosen shipping method with its prices (K34); 404 when none is chosen.",
              response="CartShippingMethodChoice")
def get_shipping_method(req: Req, token: str):
    chosen = views.method_json(service.get_or_404(token, None), "shipping")
    return chosen if chosen is not None else empty(404)


@routes.route("/cart/storefront/{token}/payment-method/{id}", ["PUT"], access=PUBLIC,
              summary="Choose a payment method country, one offered with the chosen shipping method (K35).", status=204)
def set_payment_method(req: Req, token: str, id: str):
    service.set_payment_method(token, id, req.origin())
    return empty(204)


@routes.route("/cart/storefront/{token}/shipping-method/{id}", ["PUT"], access=PUBLIC,
              summary="Choose a shipping method country of the cart's country (K36).", status=204)
def set_shipping_method(req: Req, token: str, id: str):
    service.set_shipping_method(token, id, req.origin())
    return empty(204)
