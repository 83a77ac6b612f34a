"""Order routes (contract 1.4: O1-O11).

Storefront order routes are public: the order token (a random UUID) is the credential, as in the
original; the shopper's own order list needs a login. Dashboard reads need STAFF, status and complaint
changes `order_change_permission`.
"""

from chalicelib.core.auth.access import PUBLIC, STAFF, permission
from chalicelib.core.http.errors import BadRequest
from chalicelib.core.http.routing import Req, Routes, api_base_url, empty, json_response
from chalicelib.core.lazy import lazy_module
from chalicelib.orders import schemas

# Imported when an order route first runs: checkout pulls in the cart, the catalog and pricing.
checkout = lazy_module("chalicelib.orders.checkout")
complaints = lazy_module("chalicelib.orders.complaints")
service = lazy_module("chalicelib.orders.service")
stats = lazy_module("chalicelib.orders.stats")
views = lazy_module("chalicelib.orders.views")

routes = Routes(__name__, tag="orders")

ORDER_CHANGE = permission("order_change_permission")


# --- dashboard -------------------------------------------------------------------------------------

@routes.route("/order/dashboard", ["GET"], access=STAFF, summary="Every order, newest first (O1).",
              response="OrderSummaryList")
def list_orders(req: Req):
    return service.list_orders()


@routes.route("/order/dashboard/today-stats", ["GET"], access=STAFF,
              summary="Today's orders, revenue and best seller (O2), from daily counters.", response="OrderStats")
def today_stats(req: Req):
    return stats.today_stats()


@routes.route("/order/dashboard/month-stats", ["GET"], access=STAFF,
              summary="The last 30 days' orders, revenue, best sellers and orders per day (O3).", response="OrderStats")
def month_stats(req: Req):
    return stats.month_stats()


@routes.route("/order/dashboard/complaint/{id}", ["PUT"], access=ORDER_CHANGE, reads=schemas.COMPLAINT_STATUS,
              summary="Approve or decline a complaint (O4); the customer is notified.", status=204)
def update_complaint(req: Req, id: str):
    complaints.set_status(id, req.json_body())
    return empty(204)


@routes.route("/order/dashboard/{token}", ["GET"], access=STAFF,
              summary="An order with its cart, complaints and payment (O5).", response="DashboardOrder")
def dashboard_order(req: Req, token: str):
    order = service.dashboard_order(token)
    return {**views.order_json(order), "payment": service.payment_summary(order)}


@routes.route("/order/dashboard/{token}", ["PUT"], access=ORDER_CHANGE, reads=schemas.ORDER_STATUS,
              summary="Change the order status: PENDING, PROCESSING, SHIPPED or CANCELLED (O6).", status=204)
def update_order_status(req: Req, token: str):
    service.set_status(token, req.json_body())
    return empty(204)


# --- storefront ------------------------------------------------------------------------------------

@routes.route("/order/storefront", ["POST"], access=PUBLIC, reads=schemas.CHECKOUT_DOCUMENT,
              summary="Order the cart (O7): one transaction; the same cart gives the same order token.",
              status=201, response="OrderToken")
def place_order(req: Req):
    token, status = checkout.place_order(req.json_body())
    return json_response({"token": token}, status)


@routes.route("/order/storefront/orders", ["GET"], access=PUBLIC, summary="The caller's orders (O8).",
              response="OrderSummaryList", errors=(400,))
def my_orders(req: Req):
    user = req.user
    if user is None:
        raise BadRequest("User is not authenticated")
    return service.user_orders(user.email)


@routes.route("/order/storefront/complaint", ["POST"], access=PUBLIC, reads=schemas.COMPLAINT,
              summary="Complain about an item of an order: RETURN or WARRANTY_CLAIM (O9).",
              status=201, response="Complaint")
def create_complaint(req: Req):
    return json_response(complaints.create(req.json_body()), 201)


@routes.route("/order/storefront/{token}", ["GET"], access=PUBLIC,
              summary="The order and its payment: QR bank transfer data or the gateway link (O10).",
              response="StorefrontOrder", errors=(400,))
def storefront_order(req: Req, token: str):
    order = service.storefront_order(token)
    # The payment first: starting it stores the payment id on the order, which the order JSON shows.
    payment = service.payment_block(order, api_base_url(req))
    return {"order": views.order_json(order), "payment": payment}


@routes.route("/order/storefront/{token}/items", ["GET"], access=PUBLIC, summary="The order's items (O11).",
              response="OrderItems", errors=(400,))
def order_items(req: Req, token: str):
    return views.items_json(service.storefront_order(token))
