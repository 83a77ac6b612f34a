"""config/payments.json: the shipped keys, the original's module paths and kwarg spellings, methods from
files outside chalicelib, and bad configs failing with a message naming the key."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from chalicelib.payments import config
from chalicelib.payments.base import OnlinePaymentMethod, PayBySquareMethod
from chalicelib.payments.modules.BankTransfer import BankTransfer, BankTransferCZK
from chalicelib.payments.modules.TestGateway import TestGateway
from tests.payments.support import ROOT, SHIPPED_CONFIG, shipped_config

CZ_IBAN = "CZ6508000000192000145399"


def test_shipped_config_has_the_documented_keys_ready_to_bind(monkeypatch):
    monkeypatch.delenv("PAYMENT_CONFIG_PATH", raising=False)
    assert config.config_path() == SHIPPED_CONFIG
    methods = config.load()
    assert {"BANKTRANSFER_EUR", "BANKTRANSFER_CZK", "TEST_API", "BANKTRANSFER_SK"} <= set(methods)
    assert methods["BANKTRANSFER_CZK"].cls is BankTransfer and methods["TEST_API"].cls is TestGateway
    assert methods["BANKTRANSFER_EUR"].kwargs["iban"] == "DE89370400440532013000"  # from accountNumber
    assert methods["BANKTRANSFER_EUR"].kwargs["bic"] == "COBADEFFXXX"  # from swiftCode
    assert "accountNumber" not in methods["BANKTRANSFER_EUR"].kwargs
    assert config.is_known_key("TEST_API") and not config.is_known_key("NOPE") and not config.is_known_key("")


def test_the_original_config_loads_unchanged(payments_config):
    """ecoseller's own config/payments.json, module paths and kwarg spellings as they are."""
    payments_config({
        "BANKTRANSFER_EUR": {"implementation": "api.payments.modules.BankTransfer.BankTransfer",
                             "kwargs": {"currency": "EUR", "bankName": "Deutsche Bank",
                                        "accountNumber": "DE12500105170648489890", "swiftCode": "DEUTDEDBBER"}},
        "BANKTRANSFER_CZK": {"implementation": "api.payments.modules.BankTransfer.BankTransfer",
                             "kwargs": {"currency": "CZK", "bankName": "CŠOB",
                                        "accountNumber": "CZ5855000000001265098001", "swiftCode": "CEKOCZPP"}},
        "TEST_API": {"implementation": "api.payments.modules.TestGateway.TestGateway",
                     "kwargs": {"merchant": "123456", "secret": "1234567890abcdef1234567890abcdef",
                                "url": "https://payments.comgate.cz/v1.0/"}},
        "BANKTRANSFER_PLN": {"implementation": "api.payments.modules.BankTransfer.BankTransferCZK",
                             "kwargs": {"iban": "CZ5855000000001265098001", "bic": "CEKOCZPP"}},
    })
    methods = config.load()
    assert methods["BANKTRANSFER_EUR"].kwargs["iban"] == "DE12500105170648489890"
    assert methods["BANKTRANSFER_CZK"].kwargs["bic"] == "CEKOCZPP"
    assert methods["TEST_API"].payment_type == "OnlinePaymentMethod"
    assert methods["BANKTRANSFER_PLN"].cls is BankTransferCZK
    assert methods["BANKTRANSFER_PLN"].kwargs["currency"] == "CZK"


def test_both_kwarg_spellings_give_the_same_method(payments_config):
    payments_config({
        "A": {"implementation": "chalicelib.payments.modules.BankTransfer.BankTransfer",
              "kwargs": {"iban": CZ_IBAN, "bic": "GIBACZPX", "beneficiary": "Shop"}},
        "B": {"implementation": "chalicelib.payments.modules.BankTransfer.BankTransfer",
              "kwargs": {"accountNumber": CZ_IBAN.lower(), "swiftCode": "gibaczpx", "beneficiaryName": "Shop"}},
    })
    methods = config.load()
    assert methods["A"].kwargs == methods["B"].kwargs


def _error(payments_config, entry: dict, key: str = "BROKEN") -> str:
    payments_config({"GOOD": {"implementation": "chalicelib.payments.modules.TestGateway.TestGateway",
                              "kwargs": {"secret": "s" * 32}}, key: entry})
    with pytest.raises(config.ConfigError) as error:
        config.load()
    return str(error.value)


BANK = "chalicelib.payments.modules.BankTransfer.BankTransfer"


@pytest.mark.parametrize("entry, problem", [
    ({"implementation": "shop.nowhere.Module"}, "cannot import module 'shop.nowhere'"),
    ({"implementation": "chalicelib.payments.modules.BankTransfer.Nope"}, "has no 'Nope'"),
    ({"implementation": "chalicelib.core.money.Decimal"}, "is not a BasePaymentMethod"),
    ({"implementation": "chalicelib.core.money.quantize"}, "is not a BasePaymentMethod"),
    ({"implementation": "chalicelib.payments.base.PayBySquareMethod"}, "is abstract (implement pay)"),
    ({"implementation": BANK, "kwargs": {"bic": "GIBACZPX"}}, "missing required kwarg 'iban' or 'accountNumber'"),
    ({"implementation": BANK, "kwargs": {"iban": "CZ6508000000192000145398"}}, "kwarg iban:"),
    ({"implementation": BANK, "kwargs": {"iban": CZ_IBAN, "bic": "GIBA"}}, "kwarg bic:"),
    ({"implementation": BANK, "kwargs": {"iban": CZ_IBAN, "standard": "EPC", "currency": "CZK",
                                         "beneficiary": "Shop"}}, "EUR only"),
    ({"implementation": BANK, "kwargs": {"iban": CZ_IBAN, "standard": "SWIFT"}}, "kwarg standard"),
    ({"implementation": BANK, "kwargs": {"iban": CZ_IBAN, "standard": "PAY_BY_SQUARE"}}, "kwarg beneficiary"),
    ({"implementation": BANK, "kwargs": {"iban": CZ_IBAN, "currency": "CZK", "note": "x" * 61}}, "kwarg note"),
    ({"implementation": BANK, "kwargs": {"iban": CZ_IBAN, "currency": "CZK", "note": "{order}"}}, "kwarg note"),
    ({"implementation": BANK, "kwargs": {"iban": CZ_IBAN, "currency": "CZK", "due_days": "7"}}, "kwarg due_days"),
    ({"implementation": "chalicelib.payments.modules.TestGateway.TestGateway", "kwargs": {"secret": "short"}},
     "kwarg secret: at least 16 characters"),
    ({"implementation": "chalicelib.payments.modules.TestGateway.TestGateway",
      "kwargs": {"secret": "x" * 16, "allow_in_production": True}}, "kwarg allow_in_production"),
    ({"implementation": "chalicelib.payments.modules.TestGateway.TestGateway", "kwargs": {"secret": "${NO_SUCH}"}},
     "environment variable NO_SUCH is not set"),
    ({"implementation": BANK, "kwargs": []}, '"kwargs" must be an object'),
    ({"kwargs": {}}, '"implementation" is required'),
    ({"implementation": BANK, "kwarg": {}}, "unknown entry key(s) kwarg"),
    ("BankTransfer", "the value must be an object"),
])
def test_bad_config_fails_naming_the_key(payments_config, entry, problem):
    message = _error(payments_config, entry)
    assert "PAYMENT_CONFIG_PATH" in message
    assert ": BROKEN: " in message, message
    assert problem in message, message


def test_a_key_must_fit_api_request_and_a_url(payments_config):
    message = _error(payments_config, {"implementation": BANK}, key="X" * 43)
    assert "a key is 1-42" in message
    assert "a key is 1-42" in _error(payments_config, {"implementation": BANK}, key="A/B")


def test_invalid_json_and_missing_file(payments_config, monkeypatch, tmp_path):
    path = payments_config({})
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(config.ConfigError, match="not valid JSON"):
        config.load()
    monkeypatch.setenv("PAYMENT_CONFIG_PATH", str(tmp_path / "absent.json"))
    with pytest.raises(config.ConfigError, match="does not exist"):
        config.load()


def test_environment_variables_in_kwargs(payments_config, monkeypatch):
    monkeypatch.setenv("GATEWAY_SECRET", "from-the-environment-0123")
    payments_config({"GW": {"implementation": "chalicelib.payments.modules.TestGateway.TestGateway",
                            "kwargs": {"secret": "${GATEWAY_SECRET}"}}})
    assert config.load()["GW"].kwargs["secret"] == "from-the-environment-0123"
    monkeypatch.setenv("GATEWAY_SECRET", "rotated-secret-0123456789")
    assert config.load()["GW"].kwargs["secret"] == "rotated-secret-0123456789"  # noticed without a file change


def test_validated_once_per_file_version(payments_config, monkeypatch):
    path = payments_config({"GW": {"implementation": "chalicelib.payments.modules.TestGateway.TestGateway",
                                   "kwargs": {"secret": "s" * 20}}})
    calls = []
    original = TestGateway.validate_kwargs.__func__
    monkeypatch.setattr(TestGateway, "validate_kwargs",
                        classmethod(lambda cls, kwargs: calls.append(1) or original(cls, kwargs)))
    first = config.load()
    assert config.load() is first and config.get("GW") is first["GW"]
    assert len(calls) == 1
    path.write_text(path.read_text().replace('"GW"', '"GW2"'), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert set(config.load()) == {"GW2"}
    assert len(calls) == 2


def test_method_from_a_file_next_to_the_config(payments_config, tmp_path):
    (tmp_path / "shop_pay.py").write_text(
        "from chalicelib.payments.base import OnlinePaymentMethod\n"
        "class ShopPay(OnlinePaymentMethod):\n"
        "    required_kwargs = ('checkout',)\n"
        "    def pay(self):\n"
        "        return {'payment_url': self.kwargs['checkout'] + self.reference, 'payment_id': self.reference}\n",
        encoding="utf-8")
    payments_config({"SHOP_PAY": {"implementation": "shop_pay.py:ShopPay",
                                  "kwargs": {"checkout": "https://pay.example/"}}})
    spec = config.load()["SHOP_PAY"]
    assert issubclass(spec.cls, OnlinePaymentMethod) and "chalicelib" not in spec.cls.__module__
    method = config.create("SHOP_PAY", {"token": "t", "number": 5})
    assert method.pay() == {"payment_url": "https://pay.example/5", "payment_id": "5"}
    message = _error(payments_config, {"implementation": "missing_file.py:X"})
    assert ": BROKEN: cannot import 'missing_file.py'" in message


def test_a_method_file_that_raises_on_import_is_a_config_error(payments_config, tmp_path):
    (tmp_path / "broken.py").write_text("raise RuntimeError('boom')\n", encoding="utf-8")
    message = _error(payments_config, {"implementation": "broken.py:Anything"})
    assert ": BROKEN: importing 'broken.py' failed: RuntimeError: boom" in message


def test_kinds_are_marker_classes():
    assert issubclass(BankTransfer, PayBySquareMethod) and issubclass(TestGateway, OnlinePaymentMethod)


def test_command_line_check():
    env = {**os.environ, "PAYMENT_CONFIG_PATH": str(SHIPPED_CONFIG)}
    result = subprocess.run([sys.executable, "-m", "chalicelib.payments.config"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "TEST_API: api.payments.modules.TestGateway.TestGateway (OnlinePaymentMethod)" in result.stdout
    assert len(result.stdout.splitlines()) == len([k for k in shipped_config() if not k.startswith("_")])


def test_no_default_file_means_no_methods_but_a_named_file_must_exist(monkeypatch, tmp_path):
    monkeypatch.delenv("PAYMENT_CONFIG_PATH", raising=False)
    monkeypatch.setattr(config, "_config_path", lambda filename, env_var: tmp_path / filename)
    assert config.load() == {} and not config.is_known_key("TEST_API")
    monkeypatch.setenv("PAYMENT_CONFIG_PATH", str(tmp_path / "payments.json"))
    with pytest.raises(config.ConfigError, match="does not exist"):
        config.load()


def test_a_variable_with_a_default_may_be_unset(monkeypatch):
    """The shipped config names TEST_API's secret as ${TEST_GATEWAY_SECRET:-}: none is committed, and
    without the variable the test gateway takes no callbacks."""
    monkeypatch.delenv("OPTIONAL_SECRET", raising=False)
    methods = config.validate({"GW": {"implementation": "chalicelib.payments.modules.TestGateway.TestGateway",
                                      "kwargs": {"secret": "${OPTIONAL_SECRET:-}", "merchant": "${MERCHANT:-M-1}"}}},
                              base_dir=ROOT)
    assert methods["GW"].kwargs["secret"] is None and methods["GW"].kwargs["merchant"] == "M-1"
    monkeypatch.setenv("OPTIONAL_SECRET", "from-the-environment-0123")
    methods = config.validate({"GW": {"implementation": "chalicelib.payments.modules.TestGateway.TestGateway",
                                      "kwargs": {"secret": "${OPTIONAL_SECRET:-}"}}}, base_dir=ROOT)
    assert methods["GW"].kwargs["secret"] == "from-the-environment-0123"


def test_the_shipped_config_commits_no_secret():
    import json
    import re

    shipped = json.loads(SHIPPED_CONFIG.read_text())
    for key, entry in shipped.items():
        if key.startswith("_"):
            continue
        for name, value in entry.get("kwargs", {}).items():
            if re.search("secret|password|token|key", name, re.I):
                assert re.fullmatch(r"\$\{[A-Z_]+(:-)?\}", value), (key, name, value)
