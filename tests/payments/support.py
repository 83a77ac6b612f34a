"""Helpers for the PaymentAPI tests: orders put straight into the table (the storage-level interface the
order package documents in chalicelib/orders/store.py), a test clock, and readers for the outbox and QR images."""

from __future__ import annotations

import base64
import io
import json
import os
import time
import uuid
from decimal import Decimal
from pathlib import Path

from chalicelib.core.store import db
from chalicelib.orders.store import order_key

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_CONFIG = ROOT / "config" / "payments.json"
SECRET = os.environ["TEST_GATEWAY_SECRET"]  # TEST_API's secret: ${TEST_GATEWAY_SECRET} in the shipped config


def make_order(*, number: int = 1042, total: str = "1234.50", currency: str = "CZK",
               api_request: str | None = "BANKTRANSFER_CZK", token: str | None = None, payment=None,
               create_at: str = "2026-11-28T10:00:00+00:00") -> dict:
    """Put an order item as checkout leaves it, and answer it as `get_order` would."""
    token = token or str(uuid.uuid4())
    item = {
        **order_key(token),
        "token": token,
        "number": number,
        "create_at": create_at,
        "update_at": create_at,
        "status": "PENDING",
        "marketing_flag": False,
        "agreed_to_terms": True,
        "payment_id": None,
        "payment": payment,
        "user": None,
        "customer_email": "shopper@example.com",
        "cart_token": str(uuid.uuid4()),
        "language": "cs",
        "country": "CZ",
        "pricelist": "CZK_RETAIL",
        "currency": {"code": currency, "symbol": "Kč" if currency == "CZK" else "€", "symbol_position": "AFTER"},
        "lines": [],
        "shipping_method_country": {"id": 1, "method_id": 1, "title": "Post", "description": "", "image": None,
                                    "price_without_vat": Decimal("0"), "price_incl_vat": Decimal("0"),
                                    "currency": currency},
        "payment_method_country": {"id": 1, "method_id": 1, "title": "Bank transfer", "description": "",
                                   "image": None, "price_without_vat": Decimal("0"),
                                   "price_incl_vat": Decimal("0"), "currency": currency,
                                   "api_request": api_request},
        "totals": {"items_without_vat": Decimal(total), "items_incl_vat": Decimal(total),
                   "shipping_incl_vat": Decimal("0"), "payment_incl_vat": Decimal("0"),
                   "total_without_vat": Decimal(total), "total_incl_vat": Decimal(total)},
        "version": 1,
    }
    db.put("main", item)
    return db.get("main", order_key(token), consistent=True)


def stored_order(token: str) -> dict:
    return db.get("main", order_key(token), consistent=True)


def outbox_events(kind: str | None = None) -> list[dict]:
    """Every event in the outbox (a Scan: tests only), oldest first, with its payload decoded."""
    items = db.client().scan(TableName=db.table("outbox"), ConsistentRead=True)["Items"]
    events = [db.deserialize(item) for item in items]
    events = [{**event, "payload": json.loads(event["payload"])} for event in events]
    events.sort(key=lambda event: event["created_at"])
    return [event for event in events if kind is None or event["type"] == kind]


def read_qr(png_base64: str) -> tuple[str, bytes]:
    """The text and raw bytes a QR reader (zxing-cpp) gets from a base64 PNG."""
    import zxingcpp
    from PIL import Image

    image = Image.open(io.BytesIO(base64.b64decode(png_base64)))
    assert image.format == "PNG"
    result = zxingcpp.read_barcode(image)
    assert result is not None and result.valid, "no QR code found in the image"
    return result.text, result.bytes


class TestClock:
    __test__ = False

    def __init__(self, start: float | None = None):
        self.now = time.time() if start is None else start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def shipped_config() -> dict:
    return json.loads(SHIPPED_CONFIG.read_text(encoding="utf-8"))
