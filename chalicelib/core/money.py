"""Money: Decimal end to end, VAT and discount arithmetic, and the contract's formats (A.9, 10.3).

Rounding is commercial, half up (ROUND_HALF_UP): an exact half goes away from zero, 302.50 Kč is shown
"303 Kč" by a rounding price list and 136.125 is "136.13". That is what a merchant and a shopper expect
(and what Czech practice for cash amounts uses). The original called Python's round() on Decimals,
which rounds half to even ("302 Kč", "136.12"); that difference is deliberate.

Rounding applies to what is shown, never to the amounts computed with: a price list's `rounding` rounds
the formatted strings to whole units, while the storefront's numeric list fields stay unrounded as the
original gives them (contract 3.1). Stored amounts (cart lines, orders) are cents, rounded half up.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ONE = Decimal("1")
HUNDRED = Decimal("100")


def to_decimal(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(str(value))
    return Decimal(value)


def quantize(value, places: int = 2) -> Decimal:
    """Commercial rounding (half up), not Python's banker's rounding: 4.805 -> 4.81."""
    exponent = ONE if places == 0 else Decimal(1).scaleb(-places)
    return to_decimal(value).quantize(exponent, rounding=ROUND_HALF_UP)


def decimal_str(value, places: int = 2) -> str:
    """A model decimal as the contract serializes it: a string with fixed places ("100.00")."""
    return format(quantize(value, places), "f")


def with_vat(net, vat_rate) -> Decimal:
    """Gross from net and a VAT rate in percent: net * (1 + rate/100)."""
    return to_decimal(net) * (ONE + to_decimal(vat_rate) / HUNDRED)


def discounted(amount, discount_percent) -> Decimal:
    """Apply a percentage discount: amount * (1 - d/100)."""
    if not discount_percent:
        return to_decimal(amount)
    return to_decimal(amount) * (ONE - to_decimal(discount_percent) / HUNDRED)


def display_amount(amount, rounding: bool) -> Decimal:
    """What a price list shows: whole units when it rounds, else cents."""
    return quantize(amount, 0 if rounding else 2)


def _group_thousands(whole: str) -> str:
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return sign + " ".join(groups)


def format_amount(amount, rounding: bool = False) -> str:
    """`1250` -> "1 250", `181.5` -> "181.50": whole numbers lose their decimals."""
    value = display_amount(amount, rounding)
    if value == value.to_integral_value():
        return _group_thousands(str(int(value)))
    whole, _, fraction = format(quantize(value, 2), "f").partition(".")
    return f"{_group_thousands(whole)}.{fraction}"


def format_price(amount, symbol: str, position: str = "AFTER", rounding: bool = False) -> str:
    """`Currency.format_price`: "100 Kč", "1 250.50 Kč", "€ 5" (symbol BEFORE or AFTER)."""
    text = format_amount(amount, rounding)
    return f"{symbol} {text}" if position == "BEFORE" else f"{text} {symbol}"
