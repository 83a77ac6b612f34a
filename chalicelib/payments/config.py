"""The PaymentAPI configuration (stub until the PaymentAPI issue: only the key check)."""

from __future__ import annotations

import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def config_path() -> Path:
    return Path(os.environ.get("PAYMENT_CONFIG_PATH") or ROOT / "config" / "payments.json")


def is_known_key(key: str) -> bool:
    """Whether `key` (a payment method country's `api_request`) names an entry of the config."""
    path = config_path()
    return path.exists() and key in json.loads(path.read_text())
