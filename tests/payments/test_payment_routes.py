"""The PaymentAPI's HTTP routes: signed gateway callbacks, the test gateway's page, the dashboard views."""

from __future__ import annotations

import json

import pytest

from chalicelib.payments import service
from chalicelib.payments.base import sign
from tests.helpers import auth, body, call, make_user
from tests.payments.support import SECRET, make_order, outbox_events, stored_order

API = "http://localhost"
PAID = {"status": "PAID", "amount": "1234.50", "currency": "CZK"}  # make_order's total


def started(api_request: str = "TEST_API", **kwargs) -> dict:
    """An order whose payment page has been opened once (pay() ran)."""
    order = make_order(api_request=api_request, **kwargs)
    service.payment_block(order, API)
    return stored_order(order["token"])


def callback(client, key: str, payload, *, secret: str | None = SECRET, signature: str | None = None,
             raw: bytes | None = None):
    data = raw if raw is not None else json.dumps(payload).encode()
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Signature"] = signature
    elif secret is not None:
        headers["X-Signature"] = sign(secret, data)
    return client.http.post(f"/payments/{key}/callback", headers=headers, body=data)


# --- callbacks ---------------------------------------------------------------------------------------

def test_callback_marks_paid_once(client):
    order = started()
    payment_id = order["payment_id"]
    response = callback(client, "TEST_API", {"payment_id": payment_id, **PAID})
    assert response.status_code == 200
    assert body(response) == {"payment_id": payment_id, "status": "PAID", "changed": True}
    again = callback(client, "TEST_API", {"payment_id": payment_id, **PAID})
    assert again.status_code == 200 and body(again)["changed"] is False
    assert [e["type"] for e in outbox_events()] == ["PAYMENT_STATUS_CHANGED", "ORDER_FULLY_PAID"]
    assert service.payment_block(stored_order(order["token"]), API) == {"status": "PAID"}
    assert stored_order(order["token"])["payment"]["history"][-1]["source"] == "callback"


def test_callback_signature_may_carry_a_sha256_prefix(client):
    order = started()
    data = json.dumps({"payment_id": order["payment_id"], "status": "FAILED"}).encode()
    response = callback(client, "TEST_API", None, raw=data, signature="sha256=" + sign(SECRET, data).upper())
    assert response.status_code == 200 and body(response)["status"] == "FAILED"


@pytest.mark.parametrize("signature", ["", "deadbeef", None, "žluť"])
def test_callback_with_a_wrong_signature_is_401_and_changes_nothing(client, signature):
    order = started()
    payload = {"payment_id": order["payment_id"], "status": "PAID"}
    if signature is None:
        response = callback(client, "TEST_API", payload, secret="another-secret-0123456789")
    else:
        response = callback(client, "TEST_API", payload, signature=signature)
    assert response.status_code == 401
    assert body(response) == {"detail": "invalid signature"}
    assert stored_order(order["token"])["payment"]["status"] == "PENDING"
    assert outbox_events() == []


def test_callback_without_a_signature_header_is_401(client):
    order = started()
    data = json.dumps({"payment_id": order["payment_id"], "status": "PAID"})
    response = client.http.post("/payments/TEST_API/callback", headers={"Content-Type": "application/json"},
                                body=data)
    assert response.status_code == 401


def test_callback_for_a_method_without_secret_is_401(client):
    order = started("BANKTRANSFER_CZK")
    response = callback(client, "BANKTRANSFER_CZK", {"payment_id": order["payment_id"], "status": "PAID"})
    assert response.status_code == 401
    assert "no secret" in body(response)["detail"]


def test_callback_for_an_unknown_payment_or_key_is_404(client):
    started()
    response = callback(client, "TEST_API", {"payment_id": "TG-NOPE", "status": "PAID"})
    assert response.status_code == 404 and body(response) == {"detail": "Unknown payment."}
    response = callback(client, "NOT_A_KEY", {"payment_id": "x", "status": "PAID"})
    assert response.status_code == 404


@pytest.mark.parametrize("payload, message", [
    ({"status": "PAID"}, "payment_id: this field is required"),
    ({"payment_id": "x", "status": "REFUNDED"}, "status: must be one of PENDING, PAID, FAILED, CANCELLED"),
    ({"payment_id": "x"}, "status: must be one of"),
    ([1, 2], "the body must be a JSON object"),
])
def test_callback_with_a_bad_body_is_400_naming_the_field(client, payload, message):
    started()
    response = callback(client, "TEST_API", payload)
    assert response.status_code == 400
    assert body(response)["detail"].startswith(message)


@pytest.mark.parametrize(("reported", "message"), [
    ({"amount": "0.01", "currency": "CZK"}, "amount: 0.01 CZK is not the order's 1234.50 CZK"),
    ({"amount": "1234.50", "currency": "EUR"}, "amount: 1234.50 EUR is not the order's 1234.50 CZK"),
    ({"amount": 1234.5}, "amount, currency: a PAID callback must report the amount and currency paid"),
    ({}, "amount, currency: a PAID callback must report the amount and currency paid"),
    ({"amount": "lots", "currency": "CZK"}, "amount: 'lots' is not a decimal number"),
    ({"amount": True, "currency": "CZK"}, "amount: a decimal number"),
])
def test_a_signed_paid_callback_must_report_the_orders_amount_and_currency(client, reported, message):
    """Issue #16 item 11: a signed callback for 0.01 marked the order paid."""
    order = started()
    response = callback(client, "TEST_API", {"payment_id": order["payment_id"], "status": "PAID", **reported})
    assert response.status_code == 400
    assert body(response)["detail"].startswith(message)
    assert stored_order(order["token"])["payment"]["status"] == "PENDING"
    assert outbox_events() == []


def test_the_amount_may_come_as_a_number_and_the_currency_in_lower_case(client):
    order = started()
    response = callback(client, "TEST_API", {"payment_id": order["payment_id"], "status": "PAID",
                                             "amount": 1234.5, "currency": "czk"})
    assert response.status_code == 200 and body(response)["status"] == "PAID"


def test_a_failed_callback_needs_no_amount(client):
    order = started()
    response = callback(client, "TEST_API", {"payment_id": order["payment_id"], "status": "FAILED"})
    assert response.status_code == 200 and body(response)["status"] == "FAILED"


def test_callback_cannot_undo_paid(client):
    order = started()
    callback(client, "TEST_API", {"payment_id": order["payment_id"], **PAID})
    response = callback(client, "TEST_API", {"payment_id": order["payment_id"], "status": "FAILED"})
    assert response.status_code == 409
    assert body(response) == {"error": "the payment is PAID already"}
    assert stored_order(order["token"])["payment"]["status"] == "PAID"


def test_callback_ignores_an_authorization_header(client):
    """A gateway's own credentials are not our JWTs: no 401 for them."""
    order = started()
    data = json.dumps({"payment_id": order["payment_id"], **PAID}).encode()
    response = client.http.post("/payments/TEST_API/callback", body=data, headers={
        "Content-Type": "application/json", "X-Signature": sign(SECRET, data), "Authorization": "Bearer junk"})
    assert response.status_code == 200


# --- the test gateway page -----------------------------------------------------------------------------

def test_test_gateway_page_flow(client, monkeypatch):
    monkeypatch.setenv("STOREFRONT_URL", "https://shop.example/")
    order = make_order(api_request="TEST_API", number=31)
    block = service.payment_block(order, "http://localhost")
    url = block["data"]["payment_url"]
    assert url.startswith("http://localhost/payments/TEST_API/test-gateway/TG")
    path = url[len("http://localhost"):]

    page = client.http.get(path)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    html = page.body.decode()
    assert 'name="result" value="paid"' in html and 'name="result" value="failed"' in html
    assert "1234.50 CZK" in html and "<strong>31</strong>" in html

    failed = client.http.post(path, headers={"Content-Type": "application/x-www-form-urlencoded"}, body="result=failed")
    assert failed.status_code == 200 and "FAILED" in failed.body.decode()
    assert service.payment_block(stored_order(order["token"]), API)["status"] == "FAILED"

    paid = client.http.post(path, headers={"Content-Type": "application/x-www-form-urlencoded"}, body="result=paid")
    assert paid.status_code == 200
    assert f'href="https://shop.example/order/{order["token"]}/completed"' in paid.body.decode()
    assert service.payment_block(stored_order(order["token"]), API) == {"status": "PAID"}
    assert [e["payload"]["status"] for e in outbox_events("PAYMENT_STATUS_CHANGED")] == ["FAILED", "PAID"]
    history = stored_order(order["token"])["payment"]["history"]
    assert [(h["status"], h["source"]) for h in history] == [("PENDING", "pay"), ("FAILED", "gateway"),
                                                              ("PAID", "gateway")]


def test_test_gateway_rejects_other_results_and_unknown_payments(client):
    order = started()
    path = f"/payments/TEST_API/test-gateway/{order['payment_id']}"
    response = call(client, "POST", path, {"result": "maybe"})
    assert response.status_code == 400 and body(response) == {"result": ["Must be paid or failed."]}
    assert call(client, "GET", "/payments/TEST_API/test-gateway/TGUNKNOWN").status_code == 404
    bank = started("BANKTRANSFER_CZK")
    assert call(client, "GET", f"/payments/BANKTRANSFER_CZK/test-gateway/{bank['payment_id']}").status_code == 404


def test_test_gateway_page_is_off_in_production(client, monkeypatch):
    from chalicelib.core.settings import reload_settings

    order = started()
    monkeypatch.setenv("STAGE", "prod")
    reload_settings()
    assert call(client, "GET", f"/payments/TEST_API/test-gateway/{order['payment_id']}").status_code == 404
    # Nor its callback (issue #16 item 11): test modules are not loaded on prod, however well signed.
    paid = callback(client, "TEST_API", {"payment_id": order["payment_id"], **PAID})
    assert paid.status_code == 404 and stored_order(order["token"])["payment"]["status"] == "PENDING"
    assert "TEST_API" not in [m["key"] for m in service.configured_methods()]
    assert "BANKTRANSFER_CZK" in [m["key"] for m in service.configured_methods()]


# --- dashboard -----------------------------------------------------------------------------------------

@pytest.fixture
def staff(client):
    make_user("clerk@example.com", "pw", staff=True)
    make_user("cashier@example.com", "pw", staff=True, permissions=("order_change_permission",))
    return client


def test_dashboard_order_payment_and_marking_a_transfer_received(staff):
    order = started("BANKTRANSFER_CZK", total="250.00")
    path = f"/payments/dashboard/order/{order['token']}"
    summary = call(staff, "GET", path, headers=auth("clerk@example.com"))
    assert summary.status_code == 200
    assert body(summary)["status"] == "PENDING" and body(summary)["amount"] == "250.00"

    denied = call(staff, "POST", path + "/status", {"status": "PAID"}, headers=auth("clerk@example.com"))
    assert denied.status_code == 403
    marked = call(staff, "POST", path + "/status", {"status": "PAID"}, headers=auth("cashier@example.com"))
    assert marked.status_code == 200
    assert body(marked)["status"] == "PAID"
    assert [h["source"] for h in body(marked)["history"]] == ["pay", "dashboard"]
    assert outbox_events("ORDER_FULLY_PAID")[0]["payload"]["amount"] == "250.00"

    bad = call(staff, "POST", path + "/status", {"status": "paid-ish"}, headers=auth("cashier@example.com"))
    assert bad.status_code == 400 and "status" in body(bad)
    unknown = call(staff, "GET", "/payments/dashboard/order/no-such-order", headers=auth("clerk@example.com"))
    assert unknown.status_code == 404


def test_dashboard_lists_the_configured_keys(staff, monkeypatch):
    monkeypatch.delenv("PAYMENT_CONFIG_PATH", raising=False)
    response = call(staff, "GET", "/payments/dashboard/methods", headers=auth("clerk@example.com"))
    assert response.status_code == 200
    keys = {entry["key"]: entry["payment_type"] for entry in body(response)}
    assert keys["TEST_API"] == "OnlinePaymentMethod" and keys["BANKTRANSFER_CZK"] == "PayBySquareMethod"


def test_an_oversized_payment_id_is_just_unknown(client):
    started()
    response = callback(client, "TEST_API", {"payment_id": "X" * 5000, "status": "PAID"})
    assert response.status_code == 404
    assert call(client, "GET", "/payments/TEST_API/test-gateway/" + "X" * 3000).status_code == 404


# --- the public URL of payment pages and callbacks (#16 item 7) -----------------------------------------

def test_a_foreign_host_header_never_writes_the_payment_url(client):
    order = make_order(api_request="TEST_API")
    evil = call(client, "GET", f"/order/storefront/{order['token']}", headers={"Host": "evil.example"})
    assert evil.status_code == 200
    assert "evil.example" not in evil.body.decode()
    assert "evil.example" not in json.dumps(stored_order(order["token"]), default=str)
    # The next shopper on the real address gets a page on this API, not one an attacker chose.
    page = body(call(client, "GET", f"/order/storefront/{order['token']}", headers={"Host": "localhost:8000"}))
    assert page["payment"]["data"]["payment_url"].startswith("http://localhost:8000/payments/TEST_API/")
    again = call(client, "GET", f"/order/storefront/{order['token']}", headers={"Host": "evil.example"})
    assert body(again)["payment"]["data"]["payment_url"] == page["payment"]["data"]["payment_url"]


def test_the_configured_public_url_wins_over_any_host(client, monkeypatch):
    from chalicelib.core.settings import reload_settings

    monkeypatch.setenv("PUBLIC_API_URL", "https://api.shop.example/api/")
    reload_settings()
    order = make_order(api_request="TEST_API")
    page = body(call(client, "GET", f"/order/storefront/{order['token']}", headers={"Host": "localhost"}))
    assert page["payment"]["data"]["payment_url"].startswith("https://api.shop.example/api/payments/TEST_API/")


def test_a_qr_transfer_needs_no_public_url(client):
    order = make_order(api_request="BANKTRANSFER_CZK")
    page = body(call(client, "GET", f"/order/storefront/{order['token']}", headers={"Host": "evil.example"}))
    assert page["payment"]["data"]["qr_code"]
