"""IBAN (ISO 13616) and BIC (ISO 9362) checks.

An IBAN is valid when its characters are right, its length is the one its country uses (for the
countries listed here; others only need 15 to 34 characters) and its check digits pass mod 97.
"""

from __future__ import annotations

import re

from chalicelib.payments.qr import QrError

# IBAN lengths of the SEPA countries and a few neighbours (SWIFT IBAN registry).
LENGTHS = {
    "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "EE": 20,
    "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GI": 23, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IS": 26,
    "IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PL": 28,
    "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "UA": 29, "VA": 22,
}
_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")
_BIC = re.compile(r"[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?")


def normalize_iban(value, field: str = "iban") -> str:
    """The IBAN without spaces, upper-cased; QrError when it is not a valid IBAN."""
    if not isinstance(value, str) or not value.strip():
        raise QrError(field, "an IBAN is required")
    iban = re.sub(r"\s+", "", value).upper()
    if not _IBAN.fullmatch(iban):
        raise QrError(field, f"{value!r} is not an IBAN (two letters, two check digits, 11-30 letters or digits)")
    expected = LENGTHS.get(iban[:2])
    if expected and len(iban) != expected:
        raise QrError(field, f"{iban!r}: a {iban[:2]} IBAN has {expected} characters, not {len(iban)}")
    if not is_valid_checksum(iban):
        raise QrError(field, f"{iban!r} has wrong check digits (mod 97)")
    return iban


def is_valid_checksum(iban: str) -> bool:
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


def is_valid(value) -> bool:
    try:
        normalize_iban(value)
    except QrError:
        return False
    return True


def normalize_bic(value, field: str = "bic") -> str:
    """The BIC upper-cased ("" when none is given); QrError when it is not 8 or 11 valid characters."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    if not isinstance(value, str):
        raise QrError(field, "a BIC must be text")
    bic = value.strip().upper()
    if not _BIC.fullmatch(bic):
        raise QrError(field, f"{value!r} is not a BIC (8 or 11 letters and digits: bank, country, location[, branch])")
    return bic


def domestic_account(iban: str) -> str | None:
    """The Czech or Slovak domestic account number (`[prefix-]number/bank`) an IBAN encodes, else None."""
    if iban[:2] not in ("CZ", "SK") or len(iban) != 24:
        return None
    bank, prefix, number = iban[4:8], iban[8:14].lstrip("0"), iban[14:].lstrip("0") or "0"
    return f"{prefix}-{number}/{bank}" if prefix else f"{number}/{bank}"
