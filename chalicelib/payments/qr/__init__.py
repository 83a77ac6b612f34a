"""QR payment encoders, one module per standard, and the PNG renderer.

* `spd`: Czech QR Platba (SPD 1.0), `SPD*1.0*ACC:...*AM:...`;
* `bysquare`: Slovak PAY by square 1.2 (tab-separated fields, CRC32, raw LZMA1, base32hex);
* `epc`: EPC069-12 SEPA credit transfer ("GiroCode");
* `iban`: IBAN (ISO 13616, mod 97) and BIC (ISO 9362) checks shared by all three;
* `render`: a QR symbol as a base64 PNG (segno, no Pillow).

Each encoder refuses what a bank would refuse (an invalid IBAN, a field over its limit, a currency the
standard does not carry) with a `QrError` naming the field.
"""

from __future__ import annotations


class QrError(ValueError):
    """Input a payment QR cannot carry; `field` names the offending value."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
