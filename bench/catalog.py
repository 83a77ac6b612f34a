"""Storefront catalog latency at two catalog sizes: product detail and a category page, in-process on
moto, through the real routes (chalice.test.Client) and the real boto3 calls.

    .venv/bin/python bench/catalog.py [--small 100] [--large 10000] [--requests 30]

Products are spread over 50 leaf categories, so a bigger catalog also means bigger categories; the
page reads the category's listing and then only one page of products. Prints medians and the
large/small ratio (target: below 1.5), three ways:

* wall: the whole request. On moto this grows with the table, because moto's Query walks every item
  of the table to find a partition (DynamoDB reads only the partition it is asked for);
* app: the request minus the time spent inside AWS calls, i.e. this project's own work;
* calls: DynamoDB calls per request (a fixed budget: 3 for P1, 4 for C8, at most 2 for C6).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

os.environ.update({
    "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "eu-central-1",
    "TABLE_PREFIX": "bench", "JWT_SIGNING_KEY": "bench-signing-key-bench-signing-key-0123",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
})
os.environ.pop("AWS_ENDPOINT_URL", None)

LEAVES = 50


def build_shop(count: int) -> tuple[int, int]:
    """A catalog of `count` products; answers (a leaf category id, a product id in it)."""
    from chalicelib.catalog.listing import service as listing
    from chalicelib.catalog.listing.store import encode
    from chalicelib.catalog.pricelists import service as pricelists
    from chalicelib.catalog.reference.store import CATEGORIES
    from chalicelib.core.store import db, keys
    from chalicelib.localization import service as localization

    localization.create_currency({"code": "CZK", "symbol": "Kč", "symbol_position": "AFTER"})
    localization.create_country({"code": "CZ", "name": "Czechia", "locale": "cs", "default_price_list": "CZK"})
    localization.create_vat_group({"name": "Standard", "rate": "21", "country": "CZ", "is_default": True})
    pricelists.create_price_list({"code": "CZK", "currency": "CZK", "is_default": True, "rounding": False})
    root = CATEGORIES.create({"parent": None, "published": True,
                              "translations": {"en": {"title": "All", "slug": "all"}}})
    leaves = [CATEGORIES.create({"parent": root["id"], "published": True,
                                 "translations": {"en": {"title": f"Leaf {i}", "slug": f"leaf-{i}"}}})["id"]
              for i in range(LEAVES)]
    items, listings = [], {leaf: {} for leaf in leaves}
    for product_id in range(1, count + 1):
        category = leaves[product_id % LEAVES]
        variants = [{"sku": f"SKU{product_id}-{v}", "ean": "", "weight": Decimal("0.1"), "stock_quantity": 5,
                     "attributes": [], "price": [{"id": product_id * 10 + v, "price_list": "CZK",
                                                  "price": Decimal(100 + v), "discount": None}]}
                    for v in range(2)]
        product = {**keys.product(product_id), "GSI2PK": keys.PRODUCTS_LIST, "GSI2SK": f"{product_id:012d}",
                   "id": product_id, "published": True, "category": category, "type_id": None,
                   "translations": {"en": {"title": f"Product {product_id}", "slug": f"product-{product_id}",
                                           "meta_title": "", "meta_description": "", "short_description": "",
                                           "description": "x" * 400, "description_editorjs": None}},
                   "variants": variants, "media": [], "version": 1, "create_at": "2026-01-01T00:00:00+00:00",
                   "update_at": "2026-01-01T00:00:00+00:00"}
        items.append(product)
        items += [{**keys.unique("SKU", v["sku"]), "owner": product_id} for v in variants]
        listings[category][product_id] = listing.entry_for(product)
    items += [{**keys.category_listing(leaf), "version": 1, "entries": encode(entries),
               "count": len(entries)} for leaf, entries in listings.items()]
    from chalicelib.importer.store import put_items  # the bulk writer: retries, drops recent reads
    put_items(items)
    db.raise_counter_to("product", count)
    return leaves[1], 1


class AwsTimer:
    """Time spent inside DynamoDB calls, and their number (botocore event hooks)."""

    def __init__(self):
        self.spent = 0.0
        self.calls = 0
        self._started: float | None = None

    def before(self, **_kwargs):
        self._started = time.perf_counter()
        self.calls += 1

    def after(self, **_kwargs):
        if self._started is not None:
            self.spent += time.perf_counter() - self._started
            self._started = None


def measure(client, timer: AwsTimer, path: str, requests: int) -> dict[str, float]:
    client.http.get(path)  # warm-up
    walls, apps, calls = [], [], []
    for _ in range(requests):
        timer.spent, timer.calls = 0.0, 0
        started = time.perf_counter()
        response = client.http.get(path)
        wall = time.perf_counter() - started
        assert response.status_code == 200, (path, response.status_code, response.body[:200])
        walls.append(wall)
        apps.append(wall - timer.spent)
        calls.append(timer.calls)
    return {"wall": statistics.median(walls) * 1000, "app": statistics.median(apps) * 1000,
            "calls": statistics.median(calls)}


def run(count: int, requests: int) -> dict[str, float]:
    from chalice.test import Client
    from moto import mock_aws

    from chalicelib.core.settings import reload_settings
    from chalicelib.core.store import db
    from chalicelib.core.store.migrate import migrate
    from chalicelib.migrations import MIGRATIONS

    reload_settings()
    db.reset_clients()
    with mock_aws():
        migrate(MIGRATIONS, log=lambda _line: None)
        started = time.perf_counter()
        category, product = build_shop(count)
        built = time.perf_counter() - started
        from app import app

        timer = AwsTimer()
        events = db.client().meta.events
        events.register("before-call.dynamodb", timer.before)
        events.register("after-call.dynamodb", timer.after)
        with Client(app, stage_name="bench") as client:
            detail = measure(client, timer, f"/product/storefront/{product}?country=CZ&pricelist=CZK", requests)
            page = measure(client, timer, f"/category/storefront/{category}/products/?country=CZ&pricelist=CZK",
                           requests)
            tree = measure(client, timer, "/category/storefront/", requests)
    return {"detail": detail, "page": page, "tree": tree, "built": built}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--large", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    small = run(args.small, args.requests)
    large = run(args.large, args.requests)
    print(f"storefront catalog latency, median of {args.requests} requests, in-process (moto)")
    print(f"  {'':22}{'products':>9} {'wall':>10} {'app':>9} {'calls':>6}")
    for key, label in (("detail", "product detail (P1)"), ("page", "category page (C8)"),
                       ("tree", "category tree (C6)")):
        for count, result in ((args.small, small), (args.large, large)):
            figures = result[key]
            print(f"  {label:22}{count:>9} {figures['wall']:>8.1f}ms {figures['app']:>7.1f}ms {figures['calls']:>6.0f}")
        wall_ratio = large[key]["wall"] / small[key]["wall"]
        app_ratio = large[key]["app"] / small[key]["app"]
        print(f"  {'':22}ratio {args.large}/{args.small}: app {app_ratio:.2f} (target < 1.5), wall {wall_ratio:.2f}")
    print(f"  (catalog written in {small['built']:.1f} s and {large['built']:.1f} s; {LEAVES} leaf categories)")


if __name__ == "__main__":
    main()
