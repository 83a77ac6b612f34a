"""Slovak PAY by square (v1.2): one payment order as the text a Slovak banking app reads from a QR.

Pipeline (xseman/bysquare, the reference implementation):
fields joined by TAB -> CRC32 of that text (4 bytes, little-endian) in front -> raw LZMA1 (no header, no
end marker) -> a 2-byte header (nibbles: type 0 "pay", version, document type 0, reserved 0) and the
2-byte little-endian length of the uncompressed CRC+text in front -> base32hex without padding.

Fields of a payment order with one bank account: invoiceId, paymentsCount (1), type (1 = payment order),
amount, currencyCode, paymentDueDate (YYYYMMDD), variableSymbol, constantSymbol, specificSymbol,
originatorsReferenceInformation, paymentNote, bankAccountsCount (1), IBAN, BIC, standing-order flag (0),
direct-debit flag (0), then beneficiary name, street, city (the name is required since 1.2.0).
"""

from __future__ import annotations

import base64
import re
import struct
import unicodedata
import zlib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from chalicelib.payments.qr import QrError, lzma_raw
from chalicelib.payments.qr.iban import normalize_bic, normalize_iban

VERSION_1_0, VERSION_1_1, VERSION_1_2 = 0, 1, 2
VERSIONS = {"1.0": VERSION_1_0, "1.0.0": VERSION_1_0, "1.1": VERSION_1_1, "1.1.0": VERSION_1_1,
            "1.2": VERSION_1_2, "1.2.0": VERSION_1_2}
PAYMENT_ORDER = 1
MAX_AMOUNT_CHARS = 15
_DATE = re.compile(r"\d{8}")


@dataclass
class Payment:
    """One payment order. Amount is a Decimal (None: the payer types it); dates are YYYYMMDD."""

    iban: str
    amount: Decimal | None = None
    currency: str = "EUR"
    bic: str = ""
    variable_symbol: str = ""
    constant_symbol: str = ""
    specific_symbol: str = ""
    reference: str = ""  # originatorsReferenceInformation
    note: str = ""
    due_date: str = ""
    beneficiary_name: str = ""
    beneficiary_street: str = ""
    beneficiary_city: str = ""
    invoice_id: str = ""


def deburr(text: str) -> str:
    """Without diacritics (many banking apps fail on them): "Košice" -> "Kosice"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def format_amount(amount: Decimal) -> str:
    """As the reference encoder writes numbers: no trailing zeros ("25.3", "100")."""
    text = format(amount.quantize(Decimal("0.01")), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _text(value, field: str, limit: int, *, strip_diacritics: bool) -> str:
    text = "" if value is None else str(value)
    text = text.replace("\t", " ").replace("\r", " ").replace("\n", " ").strip()
    if strip_diacritics:
        text = deburr(text)
    if len(text) > limit:
        raise QrError(field, f"at most {limit} characters, got {len(text)}")
    return text


def _digits(value, field: str, limit: int) -> str:
    text = "" if value is None else str(value).strip()
    if text and (not text.isdigit() or len(text) > limit):
        raise QrError(field, f"at most {limit} digits, got {text!r}")
    return text


def fields(payment: Payment, *, version: int = VERSION_1_2, strip_diacritics: bool = True) -> list[str]:
    """The tab-separated fields of the payment, validated."""
    amount = ""
    if payment.amount is not None:
        try:
            value = Decimal(payment.amount)
        except (InvalidOperation, TypeError, ValueError):
            raise QrError("amount", f"{payment.amount!r} is not a number") from None
        if value <= 0:
            raise QrError("amount", "must be positive")
        amount = format_amount(value)
        if len(amount) > MAX_AMOUNT_CHARS:
            raise QrError("amount", f"at most {MAX_AMOUNT_CHARS} characters")
    currency = (payment.currency or "").upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise QrError("currency", f"an ISO 4217 code is required, got {payment.currency!r}")
    if payment.due_date and not _DATE.fullmatch(payment.due_date):
        raise QrError("due_date", "must be YYYYMMDD")
    name = _text(payment.beneficiary_name, "beneficiary_name", 70, strip_diacritics=strip_diacritics)
    if version >= VERSION_1_2 and not name:
        raise QrError("beneficiary_name", "PAY by square 1.2 requires the beneficiary's name")
    return [
        _text(payment.invoice_id, "invoice_id", 10, strip_diacritics=False),
        "1",
        str(PAYMENT_ORDER),
        amount,
        currency,
        payment.due_date or "",
        _digits(payment.variable_symbol, "variable_symbol", 10),
        _digits(payment.constant_symbol, "constant_symbol", 4),
        _digits(payment.specific_symbol, "specific_symbol", 10),
        _text(payment.reference, "reference", 35, strip_diacritics=False),
        _text(payment.note, "note", 140, strip_diacritics=strip_diacritics),
        "1",
        normalize_iban(payment.iban),
        normalize_bic(payment.bic),
        "0",  # no standing-order extension
        "0",  # no direct-debit extension
        name,
        _text(payment.beneficiary_street, "beneficiary_street", 70, strip_diacritics=strip_diacritics),
        _text(payment.beneficiary_city, "beneficiary_city", 70, strip_diacritics=strip_diacritics),
    ]


def encode(payment: Payment, *, version: int = VERSION_1_2, strip_diacritics: bool = True) -> str:
    """The PAY by square text for one payment order (what the QR code holds)."""
    text = "\t".join(fields(payment, version=version, strip_diacritics=strip_diacritics)).encode("utf-8")
    checked = struct.pack("<I", zlib.crc32(text)) + text
    if len(checked) >= 1 << 17:
        raise QrError("payment", "too much data for PAY by square")
    header = bytes([(0x0 << 4) | version, 0x00]) + struct.pack("<H", len(checked))
    return base64.b32hexencode(header + lzma_raw.compress(checked)).decode("ascii").rstrip("=")


def decode(code: str) -> dict:
    """The header and fields of a PAY by square text (verifies the CRC32); for tests and diagnostics."""
    padded = code + "=" * (-len(code) % 8)
    try:
        raw = base64.b32hexdecode(padded)
    except ValueError as error:
        raise QrError("code", f"not base32hex: {error}") from None
    if len(raw) < 4:
        raise QrError("code", "too short")
    size = struct.unpack("<H", raw[2:4])[0]
    checked = lzma_raw.decompress(raw[4:], size)
    checksum, text = checked[:4], checked[4:]
    if struct.unpack("<I", checksum)[0] != zlib.crc32(text):
        raise QrError("code", "CRC32 mismatch")
    values = text.decode("utf-8").split("\t")
    return {"type": raw[0] >> 4, "version": raw[0] & 0x0F, "document_type": raw[1] >> 4, "fields": values,
            "invoice_id": values[0], "amount": values[3], "currency": values[4], "due_date": values[5],
            "variable_symbol": values[6], "constant_symbol": values[7], "specific_symbol": values[8],
            "reference": values[9], "note": values[10], "iban": values[12], "bic": values[13],
            "beneficiary_name": values[16] if len(values) > 16 else ""}
