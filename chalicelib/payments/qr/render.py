"""A payment text as a QR code image: PNG, base64-encoded, as the storefront shows it (`data:image/png`).

segno writes PNG by itself (no Pillow in the Lambda). It is imported on first use: only the payment
page pays its import time. Error correction M is what EPC requires and what SPD recommends for print;
the quiet zone (border) is the four modules the QR standard asks for, so phone cameras lock on.
"""

from __future__ import annotations

import base64
import io

from chalicelib.payments.qr import QrError

SCALE = 6
BORDER = 4


def png(data: str | bytes, *, max_version: int | None = None, scale: int = SCALE) -> bytes:
    import segno  # deferred: only the payment page renders QR codes

    try:
        symbol = segno.make(data, error="m", boost_error=False, micro=False)
    except segno.DataOverflowError as error:
        raise QrError("qr_code", f"too much data for a QR code: {error}") from None
    if max_version is not None and symbol.version > max_version:
        raise QrError("qr_code", f"needs QR version {symbol.version}, the standard allows at most {max_version}")
    buffer = io.BytesIO()
    symbol.save(buffer, kind="png", scale=scale, border=BORDER)
    return buffer.getvalue()


def png_base64(data: str | bytes, *, max_version: int | None = None) -> str:
    return base64.b64encode(png(data, max_version=max_version)).decode("ascii")
