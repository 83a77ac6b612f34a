"""Cold start: `import app` registers every route without importing the feature services behind them.

Every Lambda function imports app.py, so what it imports eagerly is paid by every cold start
(bench/cold_start.py measures it). Route modules reach their services through
`chalicelib.core.lazy.lazy_module`, which imports them when a route first runs. These tests pin that,
in fresh processes (this one has imported everything already), without timing anything.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from chalicelib.core.lazy import lazy_module

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# Imported by the first route that needs them, never by `import app`: the cart service used to pull
# most of the catalog in at import.
LAZY = (
    "chalicelib.cart.service",
    "chalicelib.cart.lines",
    "chalicelib.cart.views",
    "chalicelib.catalog.taxonomy.service",
    "chalicelib.catalog.categories.service",
    "chalicelib.catalog.pricelists.service",
    "chalicelib.catalog.pricing",
    "chalicelib.catalog.products.views",
    "chalicelib.catalog.products.service",
    "chalicelib.catalog.reference.store",
    "chalicelib.catalog.storefront.service",
    "chalicelib.cms.editorjs",
    "chalicelib.cms.service",
    "chalicelib.core.http.openapi",
    "chalicelib.localization.service",
    "chalicelib.methods.service",
    "chalicelib.orders.checkout",
    "chalicelib.orders.complaints",
    "chalicelib.orders.service",
    "chalicelib.orders.stats",
    "chalicelib.payments.gateway_page",
    "chalicelib.payments.service",
    "chalicelib.recommender.client",
    "chalicelib.recommender.events",
    "chalicelib.recommender.recommendations",
    "chalicelib.reviews.service",
    "chalicelib.search.fallback",
    "jwt",  # only a request with a token, or a login, reads or makes one
)


def _run(code: str) -> dict:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT_ROOT,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_importing_the_app_leaves_the_feature_services_out():
    code = f"""
import json, sys
import app
print(json.dumps({{"loaded": [name for name in {LAZY!r} if name in sys.modules],
                   "routes": len(app.app.routes)}}))
"""
    answer = _run(code)
    assert answer["loaded"] == []
    assert answer["routes"] > 100  # every feature's routes are still registered


def test_a_route_imports_its_service_when_it_first_runs():
    # A fresh process: import the app, then call two routes against an emulated, empty DynamoDB.
    code = """
import json, sys
from chalice.test import Client
from moto import mock_aws
import app
from chalicelib.core.store.migrate import migrate
from chalicelib.migrations import MIGRATIONS

watched = ("chalicelib.catalog.categories.service", "chalicelib.cart.service")
before = [name for name in watched if name in sys.modules]
with mock_aws():
    migrate(MIGRATIONS, log=lambda _line: None)
    with Client(app.app) as client:
        tree = client.http.get("/category/storefront")
        cart = client.http.get("/cart/storefront/00000000-0000-4000-8000-000000000000")
print(json.dumps({"before": before, "after": [name for name in watched if name in sys.modules],
                  "tree": [tree.status_code, json.loads(tree.body)], "cart": cart.status_code}))
"""
    answer = _run(code)
    assert answer["before"] == []
    assert answer["after"] == ["chalicelib.catalog.categories.service", "chalicelib.cart.service"]
    assert answer["tree"] == [200, []]
    assert answer["cart"] == 404


def test_a_lazy_module_reads_and_patches_the_real_module(monkeypatch):
    import chalicelib.core.money as money

    proxy = lazy_module("chalicelib.core.money")
    assert proxy.quantize is money.quantize
    monkeypatch.setattr(proxy, "quantize", "patched")  # a test patching a route's service reaches the module
    assert money.quantize == "patched"
    monkeypatch.undo()
    assert proxy.quantize is money.quantize
    with pytest.raises(AttributeError):
        proxy.no_such_name  # noqa: B018
    with pytest.raises(ModuleNotFoundError):
        lazy_module("chalicelib.no_such_module").anything  # noqa: B018
