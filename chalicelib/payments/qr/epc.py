"""EPC069-12 SEPA credit transfer QR ("GiroCode"): twelve LF-separated lines, EUR only.

1 `BCD`, 2 version `002` (`001` requires a BIC), 3 character set (1 UTF-8, 2 ISO-8859-1), 4 `SCT`,
5 BIC (8 or 11, may be empty in 002), 6 beneficiary name (<= 70), 7 IBAN, 8 `EUR` + amount
(0.01-999999999.99, optional), 9 purpose code (4), 10 structured creditor reference (ISO 11649 `RF..`,
<= 35) or 11 unstructured remittance text (<= 140), never both, 12 beneficiary-to-originator information
(<= 70). Nothing follows the last line used. The QR must use error correction M and version <= 13
(at most 331 bytes of payload).

The output is the same as segno's `make_epc_qr` for the same input (its Wikimedia example is a test vector).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from chalicelib.payments.qr import QrError
from chalicelib.payments.qr.iban import normalize_bic, normalize_iban

CURRENCY = "EUR"
MIN_AMOUNT, MAX_AMOUNT = Decimal("0.01"), Decimal("999999999.99")
MAX_BYTES = 331
MAX_QR_VERSION = 13
CHARSETS = {1: "utf-8", 2: "iso-8859-1"}


def _line(value, field: str, limit: int) -> str:
    text = "" if value is None else str(value).replace("\r", " ").replace("\n", " ").strip()
    if len(text) > limit:
        raise QrError(field, f"at most {limit} characters, got {len(text)}")
    return text


def format_amount(amount) -> str:
    try:
        value = Decimal(amount).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        raise QrError("amount", f"{amount!r} is not a number") from None
    if not MIN_AMOUNT <= value <= MAX_AMOUNT:
        raise QrError("amount", f"must be between {MIN_AMOUNT} and {MAX_AMOUNT} EUR, got {value}")
    return CURRENCY + format(value, "f").rstrip("0").rstrip(".")


def creditor_reference(reference: str) -> str:
    """An ISO 11649 creditor reference ("RF" + check digits + reference) for an order number or code."""
    body = re.sub(r"\s+", "", str(reference)).upper()
    if not re.fullmatch(r"[A-Z0-9]{1,21}", body):
        raise QrError("reference", "1 to 21 letters or digits")
    number = int("".join(str(int(char, 36)) for char in body + "RF00"))
    return f"RF{98 - number % 97:02d}{body}"


def is_creditor_reference(reference: str) -> bool:
    if not re.fullmatch(r"RF[0-9]{2}[A-Z0-9]{1,21}", reference):
        return False
    return int("".join(str(int(char, 36)) for char in reference[4:] + reference[:4])) % 97 == 1


def encode(*, name: str, iban: str, amount=None, currency: str = CURRENCY, bic: str | None = None,
           text: str | None = None, reference: str | None = None, purpose: str | None = None,
           information: str | None = None, version: str = "002") -> str:
    """The EPC QR text (the character set line says how to turn it into bytes: see `to_bytes`)."""
    if str(currency).upper() != CURRENCY:
        raise QrError("currency", f"EPC QR codes carry EUR only, got {currency!r}")
    if version not in ("001", "002"):
        raise QrError("version", "must be 001 or 002")
    code = normalize_bic(bic)
    if version == "001" and not code:
        raise QrError("bic", "version 001 requires a BIC")
    beneficiary = _line(name, "name", 70)
    if not beneficiary:
        raise QrError("name", "the beneficiary's name is required")
    remittance = _line(text, "text", 140)
    structured = _line(reference, "reference", 35)
    if remittance and structured:
        raise QrError("reference", "a creditor reference or a text, never both")
    if structured and not is_creditor_reference(structured):
        raise QrError("reference", f"{structured!r} is not an ISO 11649 creditor reference (RF..)")
    purpose_code = _line(purpose, "purpose", 4)
    if purpose_code and not re.fullmatch(r"[A-Z0-9]{4}", purpose_code):
        raise QrError("purpose", "four letters or digits")
    lines = ["BCD", version, "", "SCT", code, beneficiary, normalize_iban(iban),
             format_amount(amount) if amount is not None else "", purpose_code, structured, remittance,
             _line(information, "information", 70)]
    while lines[-1] == "":
        lines.pop()
    lines[2] = "2" if _fits_latin1("\n".join(lines)) else "1"
    result = "\n".join(lines)
    if len(to_bytes(result)) > MAX_BYTES:
        raise QrError("text", f"the payload exceeds {MAX_BYTES} bytes")
    return result


def _fits_latin1(text: str) -> bool:
    try:
        text.encode("iso-8859-1")
    except UnicodeEncodeError:
        return False
    return True


def to_bytes(text: str) -> bytes:
    """The bytes the QR holds: the text in the character set its third line names."""
    charset = CHARSETS.get(int(text.split("\n")[2] or 1), "utf-8")
    return text.encode(charset)
