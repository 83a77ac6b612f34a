from decimal import Decimal

import pytest

from chalicelib.core import money


@pytest.mark.parametrize(
    ("amount", "symbol", "position", "rounding", "expected"),
    [
        ("100", "Kč", "AFTER", False, "100 Kč"),
        ("100.00", "Kč", "AFTER", False, "100 Kč"),
        ("181.5", "Kč", "AFTER", False, "181.50 Kč"),
        ("1250", "Kč", "AFTER", False, "1 250 Kč"),
        ("1250.5", "Kč", "AFTER", False, "1 250.50 Kč"),
        ("1234567.891", "Kč", "AFTER", False, "1 234 567.89 Kč"),
        ("4.80", "€", "BEFORE", True, "€ 5"),
        ("5", "€", "BEFORE", False, "€ 5"),
        ("0.5", "€", "BEFORE", True, "€ 1"),
        ("999.999", "$", "BEFORE", False, "$ 1 000"),
        ("-1250", "Kč", "AFTER", False, "-1 250 Kč"),
    ],
)
def test_format_price_matches_contract(amount, symbol, position, rounding, expected):
    assert money.format_price(Decimal(amount), symbol, position, rounding) == expected


def test_decimal_str_has_two_places():
    assert money.decimal_str(Decimal("100")) == "100.00"
    assert money.decimal_str(Decimal("21")) == "21.00"
    assert money.decimal_str(Decimal("4.805")) == "4.81"  # half up, not banker's rounding


def test_vat_and_discount_are_exact():
    assert money.with_vat(Decimal("150"), Decimal("21")) == Decimal("181.5")
    assert money.discounted(Decimal("200"), Decimal("10")) == Decimal("180")
    assert money.discounted(Decimal("200"), None) == Decimal("200")
    assert money.quantize(money.with_vat(Decimal("0.1") * 3, 0)) == Decimal("0.30")
    assert money.to_decimal(0.1) == Decimal("0.1")
