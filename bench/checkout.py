"""Cart and checkout speed, in-process on moto through the real routes (chalice.test.Client):

    .venv/bin/python bench/checkout.py [--requests 40] [--threads 2]

Prints medians of add-to-cart (POST cart/storefront/<token>/, a new line each time) and checkout
(POST order/storefront/, one line), as wall time and as app time (wall minus the time spent inside AWS
calls, i.e. this project's work), their DynamoDB calls, and the throughput of concurrent checkouts on
distinct variants from `--threads` threads. moto serializes requests (infra/local/moto_serial.py), as
DynamoDB serializes the items of a transaction; DynamoDB itself runs unrelated transactions in parallel.
`--plain-moto` runs it on moto without infra/local/moto_fast.py, to compare.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

os.environ.update({
    "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "eu-central-1",
    "TABLE_PREFIX": "bench", "JWT_SIGNING_KEY": "bench-signing-key-bench-signing-key-0123",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled", "PASSWORD_HASH_ITERATIONS": "1000",
})
os.environ.pop("AWS_ENDPOINT_URL", None)


class AwsTimer:
    """Time spent inside DynamoDB calls on this thread, and how many calls."""

    def __init__(self, client):
        self.local = threading.local()
        client.meta.events.register("before-call.dynamodb", self._before)
        client.meta.events.register("after-call.dynamodb", self._after)

    def reset(self):
        self.local.spent, self.local.calls = 0.0, 0

    def _before(self, **_):
        self.local.started = time.perf_counter()

    def _after(self, **_):
        self.local.spent = getattr(self.local, "spent", 0.0) + time.perf_counter() - self.local.started
        self.local.calls = getattr(self.local, "calls", 0) + 1


def make_products(client, ids, headers, count: int) -> list[int]:
    from tests.catalog_fixtures import product_payload
    from tests.helpers import body, call

    created = []
    for n in range(count):
        payload = product_payload(ids, f"B{n}", f"Bench {n}")
        payload["product_variants"] = [{**payload["product_variants"][0], "stock_quantity": 1000}]
        created.append(body(call(client, "POST", "/product/dashboard/detail/", payload, headers))["id"])
    return created


def ready_cart(client, shop, product_id: int, sku: str) -> str:
    from tests.helpers import body, call
    from tests.http.test_cart import BILLING, SHIPPING

    token = body(call(client, "POST", "/cart/storefront/", {"sku": sku, "quantity": 1, "product": product_id,
                                                           "country": "CZ", "pricelist": "CZK_retail"}))["token"]
    call(client, "PUT", f"/cart/storefront/{token}/shipping-info/", SHIPPING)
    call(client, "PUT", f"/cart/storefront/{token}/billing-info/", BILLING)
    call(client, "PUT", f"/cart/storefront/{token}/shipping-method/{shop['rows']['post_cz']}/")
    call(client, "PUT", f"/cart/storefront/{token}/payment-method/{shop['rows']['cash_cz']}/")
    return token


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--plain-moto", action="store_true",
                        help="without infra/local/moto_fast.py (moto's own Query and transactions), to compare")
    args = parser.parse_args()

    from chalice.test import Client
    from moto import mock_aws

    from infra.local import moto_serial

    moto_serial.install()  # also installs moto_fast
    if args.plain_moto:
        from infra.local import moto_fast

        moto_fast.uninstall()
    with mock_aws():
        from app import app
        from chalicelib.core.store import db
        from chalicelib.core.store.migrate import migrate
        from chalicelib.migrations import MIGRATIONS
        from chalicelib.orders import checkout
        from tests.helpers import call
        from tests.shop_fixtures import add_methods, admin_headers, build_shop

        migrate(MIGRATIONS, log=lambda _line: None)
        with Client(app, stage_name="bench") as client:
            shop = build_shop(client)
            shop["rows"] = add_methods(client, admin_headers(), shop)
            products = make_products(client, shop, admin_headers(), args.requests)
            timer = AwsTimer(db.client())

            def measure(action):
                timer.reset()
                started = time.perf_counter()
                action()
                wall = time.perf_counter() - started
                return wall, wall - timer.local.spent, timer.local.calls

            token = ready_cart(client, shop, shop["heat"], "HEAT-EN")
            adds = [measure(lambda p=p, n=n: call(client, "POST", f"/cart/storefront/{token}/",
                                                  {"sku": f"B{n}-EN", "quantity": 1, "product": p}))
                    for n, p in enumerate(products[:min(len(products), 29)])]
            carts = [ready_cart(client, shop, p, f"B{n}-EN") for n, p in enumerate(products)]
            checkouts = [measure(lambda t=t: call(client, "POST", "/order/storefront/",
                                                  {"cart_token": t, "agreed_to_terms": True})) for t in carts]

            parallel = [ready_cart(client, shop, p, f"B{n}-EN") for n, p in enumerate(products)]
            chunks = [parallel[i::args.threads] for i in range(args.threads)]

            def worker(chunk):
                for cart_token in chunk:
                    checkout.place_order({"cart_token": cart_token, "agreed_to_terms": True})

            threads = [threading.Thread(target=worker, args=(chunk,)) for chunk in chunks]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started

    def report(name, samples):
        walls, apps, calls = zip(*samples, strict=True)
        print(f"{name:<14} median wall {statistics.median(walls) * 1000:7.1f} ms   "
              f"app {statistics.median(apps) * 1000:6.1f} ms   DynamoDB calls {max(calls)} (max)")

    print(f"{len(adds)} add-to-cart requests, {len(checkouts)} checkouts, moto in-process"
          f"{' (plain, without moto_fast)' if args.plain_moto else ''}")
    report("add to cart", adds)
    report("checkout", checkouts)
    print(f"concurrent checkouts on distinct variants: {len(parallel)} orders from {args.threads} threads in "
          f"{elapsed:.2f} s = {len(parallel) / elapsed:.1f} orders/s")


if __name__ == "__main__":
    main()
