"""Czech QR Platba: Short Payment Descriptor (SPD) 1.0, https://qr-platba.cz/pro-vyvojare/.

`SPD*1.0*` followed by `KEY:value` attributes separated by `*`. Attributes are written in canonical order
(sorted by key), the order the CRC32 attribute is computed over, so the output is deterministic and
matches the published examples. A `*` inside a value is written `%2A`. By default texts are transliterated
(no diacritics, upper case): the QR then fits the compact alphanumeric mode and every banking app reads it.

Limits (specification, as asonnleitner/spayd enforces them): AM at most 10 characters with two decimals,
CC an ISO 4217 code, RF at most 16 digits, RN at most 35, MSG at most 60, PT at most 3, DT a date,
X-VS / X-SS / X-KS at most 10 digits, X-PER 0-30, X-ID at most 20, X-URL at most 140, ALT-ACC a comma
list of accounts.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zlib
from decimal import Decimal, InvalidOperation

from chalicelib.payments.qr import QrError
from chalicelib.payments.qr.iban import normalize_bic, normalize_iban

HEADER = "SPD*1.0*"
MAX_AMOUNT = Decimal("9999999.99")


def transliterate(text: str) -> str:
    """Upper case without diacritics: "Platba za zboží" -> "PLATBA ZA ZBOZI"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).upper()


def _value(text: str, field: str, limit: int) -> str:
    value = text.replace("*", "%2A").replace("\r", " ").replace("\n", " ").strip()
    if not value:
        raise QrError(field, "may not be empty")
    if len(value) > limit:
        raise QrError(field, f"at most {limit} characters, got {len(value)}")
    try:
        value.encode("iso-8859-1")
    except UnicodeEncodeError:
        raise QrError(field, "only ISO-8859-1 characters are allowed (transliterate the text)") from None
    return value


def _digits(value, field: str, limit: int) -> str:
    text = str(value).strip()
    if not text.isdigit() or len(text) > limit:
        raise QrError(field, f"at most {limit} digits, got {text!r}")
    return text


def _account(iban: str, bic: str | None, field: str) -> str:
    number = normalize_iban(iban, field)
    code = normalize_bic(bic, field + "_bic")
    return f"{number}+{code}" if code else number


def format_amount(amount) -> str:
    try:
        value = Decimal(amount).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        raise QrError("amount", f"{amount!r} is not a number") from None
    if value <= 0 or value > MAX_AMOUNT:
        raise QrError("amount", f"must be between 0.01 and {MAX_AMOUNT}, got {value}")
    return format(value, "f")


def _date(value) -> str:
    if isinstance(value, dt.date):
        return value.strftime("%Y%m%d")
    text = str(value)
    try:
        dt.datetime.strptime(text, "%Y%m%d")
    except ValueError:
        raise QrError("due_date", f"must be a date (YYYYMMDD), got {text!r}") from None
    return text


def encode(*, iban: str, bic: str | None = None, amount=None, currency: str | None = None,
           variable_symbol=None, specific_symbol=None, constant_symbol=None, message: str | None = None,
           recipient: str | None = None, due_date=None, reference=None, payment_type: str | None = None,
           alternative_accounts: tuple[tuple[str, str | None], ...] = (), payment_id: str | None = None,
           retry_days: int | None = None, url: str | None = None, crc32: bool | str = False,
           transliterate_text: bool = True) -> str:
    """The SPD text of one payment. `crc32=True` adds the checksum; a string is used as given."""
    attrs: dict[str, str] = {"ACC": _account(iban, bic, "iban")}
    if alternative_accounts:
        attrs["ALT-ACC"] = ",".join(_account(number, code, "alternative_accounts")
                                    for number, code in alternative_accounts)
    if amount is not None:
        attrs["AM"] = format_amount(amount)
    if currency is not None:
        code = str(currency).upper()
        if not re.fullmatch(r"[A-Z]{3}", code):
            raise QrError("currency", f"an ISO 4217 code is required, got {currency!r}")
        attrs["CC"] = code
    if reference is not None:
        attrs["RF"] = _digits(reference, "reference", 16)
    text = transliterate if transliterate_text else (lambda value: value)
    if recipient:
        attrs["RN"] = _value(text(recipient), "recipient", 35)
    if due_date:
        attrs["DT"] = _date(due_date)
    if payment_type:
        attrs["PT"] = _value(payment_type, "payment_type", 3)
    if message:
        attrs["MSG"] = _value(text(message), "message", 60)
    if variable_symbol is not None:
        attrs["X-VS"] = _digits(variable_symbol, "variable_symbol", 10)
    if specific_symbol is not None:
        attrs["X-SS"] = _digits(specific_symbol, "specific_symbol", 10)
    if constant_symbol is not None:
        attrs["X-KS"] = _digits(constant_symbol, "constant_symbol", 10)
    if payment_id:
        attrs["X-ID"] = _value(payment_id, "payment_id", 20)
    if retry_days is not None:
        if isinstance(retry_days, bool) or not isinstance(retry_days, int) or not 0 <= retry_days <= 30:
            raise QrError("retry_days", "must be 0 to 30")
        attrs["X-PER"] = str(retry_days)
    if url:
        if not re.match(r"https?://", url):
            raise QrError("url", "must be an http(s) URL")
        attrs["X-URL"] = _value(url, "url", 140)
    if crc32 is True:
        attrs["CRC32"] = checksum(attrs)
    elif crc32:
        if not re.fullmatch(r"[0-9A-F]{8}", str(crc32)):
            raise QrError("crc32", "must be 8 upper-case hex digits")
        attrs["CRC32"] = str(crc32)
    return _join(attrs)


def _join(attrs: dict[str, str]) -> str:
    return HEADER + "*".join(f"{key}:{value}" for key, value in sorted(attrs.items()))


def checksum(attrs: dict[str, str]) -> str:
    """CRC32 (8 upper-case hex digits) over the canonical string of the attributes without CRC32."""
    canonical = _join({key: value for key, value in attrs.items() if key != "CRC32"})
    return f"{zlib.crc32(canonical.encode('iso-8859-1')):08X}"


def parse(text: str) -> dict[str, str]:
    """The attributes of an SPD text (for tests and diagnostics)."""
    if not text.startswith(HEADER):
        raise QrError("code", "not an SPD 1.0 text")
    return dict(part.split(":", 1) for part in text[len(HEADER):].split("*") if part)
