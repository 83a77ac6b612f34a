"""The dashboard's edits of an order's cart (contract K27, K30, K31, K38), at their cart URLs.

The order detail page addresses the cart of an order by its token under `/cart/dashboard/{token}/...`;
what those routes change is the order (orders/editing.py), so they live here. They keep the `cart` tag and
operationIds (`put_cart_dashboard_update_quantity`, ...) they had. Reading needs STAFF, changing items
`cart_change_permission`, changing addresses `order_change_permission`, as in the original.
"""

from chalicelib.cart import schemas
from chalicelib.core.auth.access import STAFF, permission
from chalicelib.core.http.routing import Req, Routes, empty
from chalicelib.core.lazy import lazy_module

# Imported when one of these routes first runs.
editing = lazy_module("chalicelib.orders.editing")
views = lazy_module("chalicelib.cart.views")

routes = Routes(__name__, tag="cart", operation_package="cart")

CART_CHANGE = permission("cart_change_permission")
ORDER_CHANGE = permission("order_change_permission")


@routes.route("/cart/dashboard/{token}/update-quantity", ["PUT"], access=CART_CHANGE, reads=schemas.UPDATE_QUANTITY,
              summary="Set a line's quantity in an order's cart; the order's stock and totals follow (K27).",
              status=204)
def dashboard_update_quantity(req: Req, token: str):
    editing.update_quantity(token, req.json_body())
    return empty(204)


@routes.route("/cart/dashboard/{token}/{sku}", ["DELETE"], access=CART_CHANGE,
              summary="Remove a line from an order's cart; its stock is returned (K38).", status=204, errors=(400,))
def dashboard_remove_line(req: Req, token: str, sku: str):
    editing.remove_line(token, sku)
    return empty(204)


@routes.route("/cart/dashboard/{token}/billing-info", ["GET"], access=STAFF,
              summary="The billing address of an order's cart (K30).", response="BillingInfo")
def dashboard_get_billing_info(req: Req, token: str):
    return views.info_json(editing.holder(token), "billing_info")


@routes.route("/cart/dashboard/{token}/billing-info", ["PUT"], access=ORDER_CHANGE, reads=schemas.BILLING_INFO,
              summary="Change the billing address of an order's cart (K30).", status=204)
def dashboard_put_billing_info(req: Req, token: str):
    editing.set_info(token, "billing_info", req.json_body())
    return empty(204)


@routes.route("/cart/dashboard/{token}/shipping-info", ["GET"], access=STAFF,
              summary="The shipping address of an order's cart (K31).", response="ShippingInfo")
def dashboard_get_shipping_info(req: Req, token: str):
    return views.info_json(editing.holder(token), "shipping_info")


@routes.route("/cart/dashboard/{token}/shipping-info", ["PUT"], access=ORDER_CHANGE,
              reads=schemas.SHIPPING_INFO,
              summary="Change the shipping address of an order's cart (K31).", status=204)
def dashboard_put_shipping_info(req: Req, token: str):
    editing.set_info(token, "shipping_info", req.json_body())
    return empty(204)
