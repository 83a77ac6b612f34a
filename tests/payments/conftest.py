"""Fixtures for the PaymentAPI tests: a test clock and a payments config written per test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chalicelib.payments import service
from tests.payments.support import TestClock


@pytest.fixture
def clock():
    test_clock = TestClock()
    service.set_clock(test_clock)
    yield test_clock
    service.set_clock(None)


@pytest.fixture
def payments_config(tmp_path, monkeypatch):
    """Write a payments config (dict) to a file and point PAYMENT_CONFIG_PATH at it; answers the path."""

    def write(data: dict, name: str = "payments.json") -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(data), encoding="utf-8")
        monkeypatch.setenv("PAYMENT_CONFIG_PATH", str(path))
        return path

    return write
