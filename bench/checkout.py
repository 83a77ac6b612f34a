"""Cart and checkout speed, in-process on moto through the real routes (chalice.test.Client):

    .venv/bin/python bench/checkout.py [--requests 40] [--threads 2]

Prints medians of add-to-cart (POST cart/storefront/<token>/, a new line each time) and checkout
(POST order/storefront/, one line), as wall time and as app time (wall minus the time spent inside AWS
calls, i.e. this project's work), their DynamoDB calls, and the throughput of concurrent checkouts on
distinct variants from `--threads` threads. moto serializes requests (infra/local/moto_serial.py), as
DynamoDB serializes the items of a transaction; DynamoDB itself runs unrelated transactions in parallel.
`--plain-moto` runs it on moto without infra/local/moto_fast.py, to compare.

Then the seven-request checkout of issue 14 (create the cart with its line, shipping-info, billing-info,
shipping-method, payment-method, order POST, order GET; update-quantity aside), on a warm container
(reference copies not re-checked during the run): per request the DynamoDB calls, the most in flight at
once, the serial round trips (calls issued together count once), the app's own time (median wall minus
the time any call was under way, moto in-process) and the modeled time, app time + `--trip-ms` per round
trip. The round trips are counted with `--trip-ms` added to every call (tests.helpers.AwsCalls
`latency`), so calls issued together overlap on in-process moto as they do on DynamoDB; that run's median
wall time is printed too, as a check of the model.
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


def make_products(client, ids, headers, count: int, prefix: str = "B") -> list[int]:
    from tests.catalog_fixtures import product_payload
    from tests.helpers import body, call

    created = []
    for n in range(count):
        payload = product_payload(ids, f"{prefix}{n}", f"Bench {n}")
        payload["product_variants"] = [{**payload["product_variants"][0], "stock_quantity": 1000}]
        created.append(body(call(client, "POST", "/product/dashboard/detail/", payload, headers))["id"])
    return created


def ready_cart(client, shop, product_id: int, sku: str) -> str:
    from tests.cart.test_cart import BILLING, SHIPPING
    from tests.helpers import body, call

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
    parser.add_argument("--trip-ms", type=float, default=4.0, help="modeled DynamoDB round trip")
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
        from chalicelib.core.store.migrate import migrate
        from chalicelib.migrations import MIGRATIONS
        from chalicelib.orders import checkout
        from tests.helpers import AwsCalls, call
        from tests.shop_fixtures import add_methods, admin_headers, build_shop

        migrate(MIGRATIONS, log=lambda _line: None)
        with Client(app, stage_name="bench") as client:
            shop = build_shop(client)
            shop["rows"] = add_methods(client, admin_headers(), shop)
            products = make_products(client, shop, admin_headers(), args.requests)
            def measure(action):
                # Calls from the request's worker threads count too (core/store/parallel.py).
                with AwsCalls() as calls:
                    started = time.perf_counter()
                    action()
                    wall = time.perf_counter() - started
                return wall, wall - calls.aws_seconds, len(calls)

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
            seven = seven_request_checkout(client, shop, args)

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
    print_seven(seven, args.trip_ms)


SEVEN = ("POST cart/storefront/", "PUT shipping-info/", "PUT billing-info/", "PUT shipping-method/{id}/",
         "PUT payment-method/{id}/", "POST order/storefront/", "GET order/storefront/{token}/")


def seven_request_checkout(client, shop, args, runs: int = 15) -> dict:
    """Per run, per request of the seven: (operations, most in flight, round trips, app wall s, app CPU s)."""
    from chalicelib.core.store import versioned
    from tests.cart.test_cart import BILLING, SHIPPING
    from tests.helpers import AwsCalls, body, call
    from tests.shop_fixtures import admin_headers

    product = make_products(client, shop, admin_headers(), 1, prefix="SEVEN")[0]  # SKU SEVEN0-EN, stock 1000

    def once(latency: float) -> list[tuple]:
        out = []

        def step(method, path, payload=None):
            with AwsCalls(latency=latency) as calls:
                started, cpu = time.perf_counter(), time.process_time()
                response = call(client, method, path, payload)
                wall, cpu = time.perf_counter() - started, time.process_time() - cpu
            assert response.status_code < 300, (path, response.status_code, response.body)
            out.append((calls.operations, calls.most_in_flight, calls.round_trips, wall - calls.aws_seconds,
                        cpu - calls.aws_cpu_seconds))
            return body(response)

        token = step("POST", "/cart/storefront/", {"sku": "SEVEN0-EN", "quantity": 1, "product": product,
                                                   "country": "CZ", "pricelist": "CZK_retail"})["token"]
        path = f"/cart/storefront/{token}"
        step("PUT", f"{path}/shipping-info/", SHIPPING)
        step("PUT", f"{path}/billing-info/", BILLING)
        step("PUT", f"{path}/shipping-method/{shop['rows']['post_cz']}/")
        step("PUT", f"{path}/payment-method/{shop['rows']['cash_cz']}/")
        order = step("POST", "/order/storefront/", {"cart_token": token, "agreed_to_terms": True})["token"]
        step("GET", f"/order/storefront/{order}/")
        return out

    now = time.monotonic()
    versioned.set_clock(lambda: now)  # a warm container: copies are not re-checked during the run
    try:
        once(0.0)  # warm-up
        plain = [once(0.0) for _ in range(runs)]
        delayed = [once(args.trip_ms / 1000) for _ in range(runs)]
    finally:
        versioned.set_clock(None)
    return {"plain": plain, "delayed": delayed}


def print_seven(seven: dict, trip_ms: float) -> None:
    """app wall: the request's wall time minus the time a call was under way (a loaded machine's waits for
    a CPU and thread hand-offs included); app CPU: the process's CPU time minus the calls' own (what the
    code costs). modeled = app + trip_ms per round trip, from each."""
    plain, delayed = seven["plain"], seven["delayed"]
    print(f"\nseven-request checkout, warm container, medians of {len(plain)} runs; modeled = app + {trip_ms:g} ms "
          "per round trip (calls issued together count once)")
    print(f"{'request':<32}{'calls':>6}{'in flight':>10}{'trips':>6}{'app wall':>9}{'app CPU':>8}"
          f"{'modeled':>9}{'(CPU)':>7}  operations")
    totals = [0, 0, 0.0, 0.0, 0.0, 0.0]
    most = 0
    for index, name in enumerate(SEVEN):
        operations = plain[0][index][0]
        in_flight = max(run[index][1] for run in delayed)
        trips = statistics.median(run[index][2] for run in delayed)
        wall = statistics.median(run[index][3] for run in plain) * 1000
        cpu = statistics.median(run[index][4] for run in plain) * 1000
        row = (len(operations), trips, wall, cpu, wall + trip_ms * trips, cpu + trip_ms * trips)
        most = max(most, in_flight)
        totals = [total + value for total, value in zip(totals, row, strict=True)]
        print(f"{name:<32}{row[0]:>6}{in_flight:>10}{row[1]:>6g}{row[2]:>9.1f}{row[3]:>8.1f}{row[4]:>9.1f}"
              f"{row[5]:>7.1f}  {' '.join(operations)}")
    print(f"{'checkout (7 requests)':<32}{totals[0]:>6}{most:>10}{totals[1]:>6g}{totals[2]:>9.1f}{totals[3]:>8.1f}"
          f"{totals[4]:>9.1f}{totals[5]:>7.1f}   (ms)")


if __name__ == "__main__":
    main()
