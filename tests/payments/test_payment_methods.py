"""The built-in methods on an order: BankTransfer's QR code carries the order's amount, currency and
reference under each standard (read back from the PNG), TestGateway's URL and id are deterministic."""

from __future__ import annotations

import base64
from decimal import Decimal

import pytest

from chalicelib.payments import config
from chalicelib.payments.base import PaymentError, PaymentStatus
from chalicelib.payments.modules.TestGateway import TestGateway
from chalicelib.payments.qr import bysquare, epc, spd
from tests.payments.support import read_qr

TOKEN = "5f0c1e9a-3b7d-4c2e-9a1f-0d6b8e4c2a11"


def order(currency: str = "CZK", total: str = "1234.5", number: int = 1042) -> dict:
    return {"token": TOKEN, "number": number, "create_at": "2026-11-28T10:00:00+00:00",
            "currency": {"code": currency}, "totals": {"total_incl_vat": Decimal(total)}}


@pytest.fixture(autouse=True)
def _shipped_config(monkeypatch):
    monkeypatch.delenv("PAYMENT_CONFIG_PATH", raising=False)


def test_spd_bank_transfer_for_a_czk_order():
    method = config.create("BANKTRANSFER_CZK", order("CZK", "1234.5"))
    result = method.pay()
    assert base64.b64decode(result["qr_code"]).startswith(b"\x89PNG\r\n\x1a\n")
    assert result["payment_id"] == "1042"
    assert result["payment_data"] == {
        "amount": "1234.50", "currency": "CZK", "reference": "1042", "variable_symbol": "1042",
        "iban": "CZ6508000000192000145399", "bic": "GIBACZPX", "beneficiary": "ecoseller demo shop",
        "message": "Objednavka 1042", "standard": "SPD", "bank_account": "19-2000145399/0800",
        "bank_name": "Česká spořitelna", "due_date": "2026-12-05"}
    text, _raw = read_qr(result["qr_code"])
    assert text == method.qr_text("SPD", "CZK")
    assert spd.parse(text) == {"ACC": "CZ6508000000192000145399+GIBACZPX", "AM": "1234.50", "CC": "CZK",
                               "DT": "20261205", "MSG": "OBJEDNAVKA 1042", "RN": "ECOSELLER DEMO SHOP",
                               "X-VS": "1042"}


def test_pay_by_square_payload_decodes_to_the_order_amount_and_reference():
    method = config.create("BANKTRANSFER_SK", order("EUR", "89.9", number=77))
    result = method.pay()
    text, _raw = read_qr(result["qr_code"])
    assert text == method.qr_text("PAY_BY_SQUARE", "EUR")
    decoded = bysquare.decode(text)  # base32hex -> LZMA -> CRC32 checked
    assert decoded["version"] == bysquare.VERSION_1_2
    assert (decoded["amount"], decoded["currency"], decoded["variable_symbol"]) == ("89.9", "EUR", "77")
    assert (decoded["iban"], decoded["bic"]) == ("SK3112000000198742637541", "SUBASKBX")
    assert decoded["beneficiary_name"] == "ecoseller demo shop" and decoded["due_date"] == "20261205"
    assert result["payment_data"]["amount"] == "89.90" and result["payment_data"]["reference"] == "77"


def test_epc_bank_transfer_for_a_eur_order():
    method = config.create("BANKTRANSFER_EUR", order("EUR", "20"))
    result = method.pay()
    expected = epc.encode(name="ecoseller demo shop", iban="DE89370400440532013000", bic="COBADEFFXXX",
                          amount=Decimal("20"), text="Order 1042")
    text, raw = read_qr(result["qr_code"])
    assert raw == epc.to_bytes(expected) and text == expected
    assert expected.split("\n")[7] == "EUR20"
    assert "due_date" not in result["payment_data"]


def test_standard_follows_the_order_currency_when_not_configured(payments_config):
    payments_config({"BANK": {"implementation": "chalicelib.payments.modules.BankTransfer.BankTransfer",
                              "kwargs": {"iban": "DE89370400440532013000", "beneficiary": "Shop"}}})
    assert config.create("BANK", order("EUR")).pay()["payment_data"]["standard"] == "EPC"
    assert config.create("BANK", order("CZK")).pay()["payment_data"]["standard"] == "SPD"


def test_an_order_in_another_currency_than_the_account_is_refused():
    with pytest.raises(PaymentError, match="the account takes CZK, the order is in EUR"):
        config.create("BANKTRANSFER_CZK", order("EUR")).pay()


def test_an_amount_the_standard_cannot_carry_is_refused():
    with pytest.raises(PaymentError, match="amount"):
        config.create("BANKTRANSFER_CZK", order("CZK", "10000000")).pay()


def test_bank_transfer_status_is_the_stored_one():
    method = config.create("BANKTRANSFER_CZK", order(), payment={"status": "PAID"})
    assert method.status() is PaymentStatus.PAID
    assert config.create("BANKTRANSFER_CZK", order()).status() is PaymentStatus.PENDING


def test_test_gateway_url_and_id_are_deterministic():
    first = config.create("TEST_API", order(), api_base_url="https://api.shop.example/api/").pay()
    again = config.create("TEST_API", order(), api_base_url="https://api.shop.example/api").pay()
    assert first == again
    assert first["payment_id"] == TestGateway.payment_id_for(TOKEN)
    assert first["payment_url"] == f"https://api.shop.example/api/payments/TEST_API/test-gateway/{first['payment_id']}"
    other = config.create("TEST_API", {**order(), "token": "another"}, api_base_url="https://x").pay()
    assert other["payment_id"] != first["payment_id"]


def test_an_online_method_needs_the_api_base_url():
    with pytest.raises(PaymentError, match="API base URL"):
        config.create("TEST_API", order()).pay()


@pytest.mark.parametrize("context_path, route, domain, host, expected", [
    # Behind API Gateway: the domain it routed the request on (its request context) and the stage's path.
    ("/api/order/storefront/abc", "/order/storefront/{token}", "abc.execute-api.eu-central-1.amazonaws.com",
     "evil.example", "https://abc.execute-api.eu-central-1.amazonaws.com/api"),
    ("/shop/v1/order/storefront/abc", "/order/storefront/{token}", "api.shop.example", "evil.example",
     "https://api.shop.example/shop/v1"),
    # Off API Gateway (the local server, tests): a loopback Host only.
    ("/order/storefront/abc/", "/order/storefront/{token}", None, "localhost:8000", "http://localhost:8000"),
    ("/order/storefront/abc/", "/order/storefront/{token}", None, "127.0.0.1:8000", "http://127.0.0.1:8000"),
    ("/order/storefront/abc/", "/order/storefront/{token}", None, "evil.example", None),
    ("/order/storefront/abc/", "/order/storefront/{token}", None, "localhost.evil.example", None),
])
def test_api_base_url_is_the_routed_url_without_the_route(context_path, route, domain, host, expected):
    from types import SimpleNamespace

    from chalicelib.core.http.routing import Req
    from chalicelib.payments.urls import api_base_url

    context = {"path": context_path, **({"domainName": domain} if domain else {})}
    raw = SimpleNamespace(context=context, path=route, headers={"host": host})
    assert api_base_url(Req(raw=raw, spec=None)) == expected


def test_api_base_url_from_the_stage_configuration(monkeypatch):
    from types import SimpleNamespace

    from chalicelib.core.http.routing import Req
    from chalicelib.core.settings import reload_settings
    from chalicelib.payments.urls import api_base_url

    monkeypatch.setenv("PUBLIC_API_URL", "https://api.shop.example/")
    reload_settings()
    raw = SimpleNamespace(context={"path": "/order/storefront/abc", "domainName": "x.example"},
                          path="/order/storefront/{token}", headers={"host": "evil.example"})
    assert api_base_url(Req(raw=raw, spec=None)) == "https://api.shop.example"
    monkeypatch.setenv("PUBLIC_API_URL", "api.shop.example")
    with pytest.raises(RuntimeError, match="PUBLIC_API_URL"):
        reload_settings()
