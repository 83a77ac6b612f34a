"""PaymentAPI routes: gateway callbacks, the test gateway's page, and the dashboard's payment views.

Public (no JWT; `authenticate=False`, so a gateway's own Authorization header is ignored):
* `POST /payments/<key>/callback`: a gateway reports a status, `{"payment_id", "status", "amount",
  "currency"}`, signed with the method's `secret` (header `X-Signature: <hex HMAC-SHA256 of the raw body>`).
  A PAID report must carry the order's own total and currency (400 otherwise). 401 for a wrong signature,
  404 for an unknown key or payment, 409 when leaving PAID/CANCELLED; the same status twice is a no-op.
* `GET|POST /payments/<key>/test-gateway/<payment_id>`: the TestGateway's hosted page (Pay / Fail).

Dashboard: the configured keys and an order's payment (STAFF); setting a payment's status by hand, e.g.
a bank transfer seen on the statement (`order_change_permission`).

The storefront's payment block is not served here: the order route (O10) calls
`service.payment_block(order, urls.api_base_url(req))`.
"""

from chalice import Response

from chalicelib.core.auth.access import PUBLIC, STAFF, permission
from chalicelib.core.http.errors import ValidationError
from chalicelib.core.http.routing import Req, Routes
from chalicelib.core.http.validation import Choice, Schema
from chalicelib.core.lazy import lazy_module
from chalicelib.payments import config
from chalicelib.payments.base import PaymentStatus

# Imported when a payment route first runs (the config is loaded, and checked, at start below).
gateway_page = lazy_module("chalicelib.payments.gateway_page")
service = lazy_module("chalicelib.payments.service")

routes = Routes(__name__, tag="payments")

# Validate the config when the app starts: a bad file fails the deployment, not the first order.
config.load()

STATUS_BODY = Schema("PaymentStatusUpdate", status=Choice([s.value for s in PaymentStatus]))
GATEWAY_RESULTS = {"paid": PaymentStatus.PAID, "failed": PaymentStatus.FAILED}


def _html(text: str, status: int = 200) -> Response:
    return Response(body=text, status_code=status, headers={"Content-Type": "text/html; charset=utf-8",
                                                             "Cache-Control": "no-store"})


# A gateway's report is its own format, signed; the module behind `key` reads and checks it.
CALLBACK_DOCUMENT = {"type": "object", "description": "the gateway's signed status report"}
TEST_GATEWAY_FORM = {"content": {"application/x-www-form-urlencoded": {"schema": {
    "type": "object", "properties": {"result": {"enum": ["paid", "failed"]}}, "required": ["result"]}}}}


@routes.route("/payments/{key}/callback", ["POST"], access=PUBLIC, authenticate=False, reads=CALLBACK_DOCUMENT,
              summary="A gateway's status report for one payment, HMAC-signed with the method's secret.",
              response="PaymentCallbackResult", errors=(400, 401, 409))
def callback(req: Req, key: str):
    return service.handle_callback(key, req.headers, req.raw.raw_body or b"")


@routes.route("/payments/{key}/test-gateway/{payment_id}", ["GET"], access=PUBLIC, authenticate=False,
              summary="The test gateway's payment page (Pay / Fail buttons).", media_type="text/html")
def test_gateway_page(req: Req, key: str, payment_id: str):
    order = service.gateway_page_order(key, payment_id)
    status = (order.get("payment") or {}).get("status") or PaymentStatus.PENDING.value
    return _html(gateway_page.choose(order, payment_id, status))


@routes.route("/payments/{key}/test-gateway/{payment_id}", ["POST"], access=PUBLIC, authenticate=False,
              reads=TEST_GATEWAY_FORM,
              summary="Mark a test gateway payment paid or failed (form field `result=paid|failed`).",
              media_type="text/html")
def test_gateway_result(req: Req, key: str, payment_id: str):
    order = service.gateway_page_order(key, payment_id)
    data = req.json_body()
    result = GATEWAY_RESULTS.get(str((data if isinstance(data, dict) else {}).get("result", "")).lower())
    if result is None:
        raise ValidationError.field("result", "Must be paid or failed.")
    record, _changed = service.change_status(order, result, source="gateway")
    return _html(gateway_page.done(order, record["status"]))


@routes.route("/payments/dashboard/methods", ["GET"], access=STAFF,
              summary="The payment config's keys, the values a payment method country's api_request takes.",
              response="PaymentModuleList")
def list_methods(req: Req):
    return service.configured_methods()


@routes.route("/payments/dashboard/order/{token}", ["GET"], access=STAFF,
              summary="An order's payment: status, method, id and history.", response="OrderPayment")
def order_payment(req: Req, token: str):
    return service.payment_summary(service.get_order_or_404(token))


@routes.route("/payments/dashboard/order/{token}/status", ["POST"], access=permission("order_change_permission"),
              body=STATUS_BODY, summary="Set an order's payment status by hand (e.g. a bank transfer received).",
              response="OrderPayment")
def set_order_payment_status(req: Req, token: str):
    order = service.get_order_or_404(token)
    service.change_status(order, PaymentStatus(req.data["status"]), source="dashboard", allow_final_change=True)
    return service.payment_summary(order)
