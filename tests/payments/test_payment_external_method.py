"""A payment method added from a file outside chalicelib/ through PAYMENT_CONFIG_PATH alone
(examples/payments/: acme_pay.py next to its payments.json), paying an order end to end."""

from __future__ import annotations

import hashlib
import hmac
import json
from urllib.parse import parse_qs, urlsplit

import pytest

from chalicelib.payments import config, service
from tests.helpers import body
from tests.payments.support import ROOT, make_order, outbox_events, stored_order

EXAMPLE_CONFIG = ROOT / "examples" / "payments" / "payments.json"
ACME_SECRET = "acme-secret-for-tests-0123456789"
API = "https://api.shop.example/api"


@pytest.fixture
def acme(monkeypatch):
    monkeypatch.setenv("PAYMENT_CONFIG_PATH", str(EXAMPLE_CONFIG))
    monkeypatch.setenv("ACME_PAY_SECRET", ACME_SECRET)
    monkeypatch.setenv("STOREFRONT_URL", "https://shop.example")


def acme_callback(client, payload: dict, secret: str = ACME_SECRET):
    data = json.dumps(payload).encode()
    signature = hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()
    return client.http.post("/payments/ACME_PAY/callback", body=data,
                            headers={"Content-Type": "application/json", "Acme-Signature": signature})


def test_the_example_method_loads_from_its_own_file(acme):
    spec = config.get("ACME_PAY")
    assert spec is not None and spec.payment_type == "OnlinePaymentMethod"
    assert spec.cls.__module__.startswith("payment_method_acme_pay_")  # loaded by path, not from chalicelib
    assert spec.kwargs["secret"] == ACME_SECRET  # ${ACME_PAY_SECRET}
    assert config.is_known_key("ACME_PAY") and config.is_known_key("BANKTRANSFER_CZK")
    assert not config.is_known_key("TEST_API")  # the file replaces the shipped config entirely


def test_the_example_config_without_its_secret_fails_naming_the_key(acme, monkeypatch):
    monkeypatch.delenv("ACME_PAY_SECRET")
    with pytest.raises(config.ConfigError, match="ACME_PAY: kwarg secret: environment variable ACME_PAY_SECRET"):
        config.load()


def test_an_order_paid_through_the_example_method(acme, client):
    order = make_order(api_request="ACME_PAY", number=2001, total="499.00", currency="CZK")
    block = service.payment_block(order, API)
    assert block["status"] == "PENDING"
    data = block["data"]
    assert data["payment_type"] == "OnlinePaymentMethod" and data["payment_id"] == "ACME-2001"
    url = urlsplit(data["payment_url"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://checkout.acme-pay.example/pay"
    query = {name: values[0] for name, values in parse_qs(url.query).items()}
    assert query["amount"] == "499.00" and query["currency"] == "CZK" and query["merchant"] == "M-1001"
    assert query["notify"] == f"{API}/payments/ACME_PAY/callback"
    assert query["return"] == f"https://shop.example/order/{order['token']}/completed"

    wrong = acme_callback(client, {"transaction": "ACME-2001", "state": "paid", "amount": "499.00", "currency": "CZK"},
                          secret="not-the-secret")
    assert wrong.status_code == 401
    short = acme_callback(client, {"transaction": "ACME-2001", "state": "paid", "amount": "4.99", "currency": "CZK"})
    assert short.status_code == 400 and stored_order(order["token"])["payment"]["status"] == "PENDING"
    paid = acme_callback(client, {"transaction": "ACME-2001", "state": "paid", "amount": "499.00", "currency": "CZK"})
    assert paid.status_code == 200 and body(paid) == {"payment_id": "ACME-2001", "status": "PAID", "changed": True}
    assert service.payment_block(stored_order(order["token"]), API) == {"status": "PAID"}
    assert outbox_events("ORDER_FULLY_PAID")[0]["payload"]["method"] == "ACME_PAY"


def test_bound_to_a_country_from_the_dashboard_and_paid(acme, client):
    """K7 accepts the example's key (and refuses an unknown one) once PAYMENT_CONFIG_PATH names the file;
    an order carrying that binding pays through it."""
    from chalicelib.localization import service as localization
    from tests.helpers import auth, call, make_user

    localization.create_currency({"code": "CZK", "symbol": "Kč", "symbol_position": "AFTER"})
    localization.create_country({"code": "CZ", "name": "Czechia", "locale": "cs"})
    localization.create_vat_group({"country": "CZ", "name": "Standard", "rate": "21", "is_default": True})
    make_user("payments@example.com", "pw", staff=True,
              permissions=("paymentmethod_add_permission", "paymentmethod_change_permission"))
    headers = auth("payments@example.com")
    method = call(client, "POST", "/cart/dashboard/payment/method/", {}, headers=headers)
    assert method.status_code == 201, method.body
    rows = f"/cart/dashboard/payment/method/{body(method)['id']}/country/"
    row = {"payment_method": body(method)["id"], "country": "CZ", "vat_group": 1, "currency": "CZK",
           "price": "0.00", "is_active": True}

    unknown = call(client, "POST", rows, {**row, "api_request": "TEST_API"}, headers=headers)
    assert unknown.status_code == 400 and "api_request" in body(unknown)
    bound = call(client, "POST", rows, {**row, "api_request": "ACME_PAY"}, headers=headers)
    assert bound.status_code == 201, bound.body
    assert body(bound)["api_request"] == "ACME_PAY"

    order = make_order(api_request=body(bound)["api_request"], number=2002, total="120.00")
    block = service.payment_block(order, API)
    assert block["data"]["payment_id"] == "ACME-2002"
    paid = acme_callback(client, {"transaction": "ACME-2002", "state": "paid", "amount": "120.00", "currency": "CZK"})
    assert paid.status_code == 200
    assert service.payment_block(stored_order(order["token"]), API) == {"status": "PAID"}
