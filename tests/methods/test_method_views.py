"""Pure pieces of the methods package: prices, formats, image URLs and the request schemas."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chalicelib.core.http.errors import ValidationError
from chalicelib.methods import schemas, views
from chalicelib.methods.store import PAYMENT, SHIPPING, kind_of

CZK = {"code": "CZK", "symbol": "Kč", "symbol_position": "AFTER"}
EUR = {"code": "EUR", "symbol": "€", "symbol_position": "BEFORE"}


def test_gross_is_exact_and_formatting_rounds_to_cents():
    assert views.gross(Decimal("10.33"), Decimal("21.00")) == Decimal("12.4993")
    assert views.gross(Decimal("10"), None) == Decimal("10")
    assert views.format_in(CZK, Decimal("12.4993")) == "12.50 Kč"
    assert views.format_in(EUR, Decimal("4.80")) == "€ 4.80"  # no price-list rounding for methods
    assert views.format_in(CZK, Decimal("1250")) == "1 250 Kč"


def test_image_url_carries_the_upload_number(monkeypatch):
    monkeypatch.delenv("MEDIA_BASE_URL", raising=False)
    method = {"image": "shipping_method/3.png", "image_version": 2}
    assert views.image_url(method, "https://api.example.com") == "https://api.example.com/media/shipping_method/3.png?v=2"
    assert views.image_url(method, None) == "/media/shipping_method/3.png?v=2"
    assert views.image_url({"image": None}, "https://api.example.com") is None
    monkeypatch.setenv("MEDIA_BASE_URL", "https://cdn.example.com/")
    assert views.image_url(method, "https://api.example.com") == "https://cdn.example.com/shipping_method/3.png?v=2"


def test_texts_fall_back_to_english_and_null_becomes_empty():
    method = {"translations": {"en": {"title": "Post", "description": None}, "cs": {"title": "Pošta"}}}
    assert views.texts(method, "cs") == {"title": "Pošta", "description": ""}
    assert views.texts(method, "de") == {"title": "Post", "description": ""}
    assert views.texts({}, "en") == {"title": "", "description": ""}


def test_row_schemas_create_defaults_and_partial_updates():
    created = schemas.ROW_CREATE["payment"].validate({"country": "CZ", "vat_group": "1", "currency": "CZK",
                                                      "price": 5})
    assert created == {"country": "CZ", "vat_group": 1, "currency": "CZK", "price": Decimal("5"),
                       "is_active": True, "api_request": None}
    assert schemas.ROW_CREATE["shipping"].validate({"country": "CZ", "vat_group": 1, "currency": "CZK",
                                                    "price": "1.5"})["payment_methods"] == []
    assert schemas.ROW_UPDATE["shipping"].validate({"is_active": False}, partial=True) == {"is_active": False}
    with pytest.raises(ValidationError) as error:
        schemas.ROW_UPDATE["payment"].validate({"price": "1"})
    assert set(error.value.body) == {"country", "vat_group", "currency"}


def test_kinds():
    assert kind_of("shipping") is SHIPPING and kind_of("payment") is PAYMENT
    assert (SHIPPING.prefix, PAYMENT.method_field) == ("SHIPPING", "payment_method")
    with pytest.raises(ValueError):
        kind_of("delivery")
