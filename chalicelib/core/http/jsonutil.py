"""JSON encoding for responses: Decimal is written as a number, dates as ISO 8601."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        # Money has few decimals: float's shortest repr prints exactly those digits (181.50 -> 181.5).
        return float(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _prepare(value: Any) -> Any:
    # The encoder calls `default` only for unknown types, and DynamoDB hands back Decimal everywhere.
    if isinstance(value, Mapping):  # a dict, or a frozen reference item (core/store/versioned.py)
        return {k: _prepare(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_prepare(v) for v in value]
    if isinstance(value, Decimal):
        return _json_value(value)
    return value


def dumps(value: Any) -> str:
    return json.dumps(_prepare(value), default=_json_value, ensure_ascii=False, separators=(",", ":"))
