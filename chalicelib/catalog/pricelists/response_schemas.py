"""JSON Schemas of what the catalog's price list routes answer, by name (their use: catalog/__init__.py)."""

from __future__ import annotations

from chalicelib.core.http.openapi import (
    BOOLEAN,
    STRING,
    array,
    obj,
    ref,
)

SCHEMAS = {
    "PriceList": obj(
        code=STRING, currency=STRING, is_default=BOOLEAN, rounding=BOOLEAN, update_at=STRING, create_at=STRING
    ),
    "PriceListList": array(ref("PriceList")),
}
