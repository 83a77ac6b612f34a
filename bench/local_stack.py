"""The storefront's calls against a running `make run` stack, over real HTTP, as the real storefront makes them:

    .venv/bin/python bench/local_stack.py [URL] [--rounds 10] [--checkouts 100] [--seed-orders 100,10000]

URL defaults to http://127.0.0.1:8000; the stack's status page (STATUS_PORT, default port + 1) tells the
bench where moto is (for --seed-orders) and the port tells it the process (for its memory; or --pid).
Start the stack with the ecoseller demo dump for the figures of issue 18: `DEMO=ecoseller make run`.

Prints, per call (median / p95 ms):
* a category page (getServerSideProps of pages/category/[id]/[slug].tsx: country detail, category
  detail, first products page, attributes; plus the layout's category tree), a product page
  (pages/product/[id]/[slug].tsx: country detail, product detail, rating, reviews) and a checkout
  (POST cart, cart detail, shipping/billing info, methods, shipping/payment method, POST order, the
  order page), with 1 shopper and with 8 concurrent shoppers;
* product detail throughput at concurrency 8;
* 20 concurrent checkouts of a variant with `--burst-stock` (default 12) in stock: the time until all
  were answered, how many orders were placed (must be the stock) and how many refused; then one GET;
* the stack's resident memory after `--checkouts` more checkouts (8 at a time);
* with --seed-orders N[,M]: N (then M) extra orders cloned from a real one into the table directly
  through boto3 against the stack's moto, and the 1-shopper medians again, with their growth.
Before the first pass and each seeded one it waits until the stack's event sources have nothing waiting
(status page), so the work the checkouts left (e-mails, search updates) is not timed with the reads.
The product and variants the checkouts buy are created through the dashboard API (--editor login).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class Shop:
    def __init__(self, url: str):
        self.url = url.rstrip("/")
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.failures: dict[str, int] = defaultdict(int)  # no answer (timeout) or a 5xx, per call
        self.errors: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()

    def call(self, name: str | None, method: str, path: str, body=None, token: str | None = None,
             timeout: float = 60) -> tuple[int, object]:
        headers = {"Content-Type": "application/json", "Accept-Language": "cs"}
        if token:
            headers["Authorization"] = f"JWT {token}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        except (urllib.error.URLError, OSError) as error:  # a timeout or a refused connection: counted
            status, raw = 0, str(error).encode()
        elapsed = time.perf_counter() - started
        if name:
            with self._lock:
                self.samples[name].append(elapsed)
                if status == 0 or status >= 500:
                    self.failures[name] += 1
                    self.errors[f"{status} {raw[:80].decode(errors='replace')}"] += 1
        try:
            return status, json.loads(raw) if raw else None
        except ValueError:
            return status, raw

    def take(self) -> dict[str, list[float]]:
        with self._lock:
            samples, self.samples = self.samples, defaultdict(list)
            failures, self.failures = self.failures, defaultdict(int)
        for name, count in failures.items():
            print(f"  ! {name}: {count} without an answer in time or with a 5xx")
        for error, count in self.errors.items():
            print(f"  ! {count} x {error}")
        self.errors.clear()
        return samples


def ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def report(title: str, samples: dict[str, list[float]]) -> dict[str, float]:
    print(f"\n{title}")
    print(f"  {'call':58} {'n':>4} {'median':>9} {'p95':>9}")
    medians = {}
    for name, values in samples.items():
        medians[name] = statistics.median(values) * 1000
        print(f"  {name:58} {len(values):4d} {medians[name]:8.1f}ms {ms(values, 0.95):8.1f}ms")
    return medians


# --- the storefront's pages -------------------------------------------------------------------------

class Catalog:
    """What the pages need: the CZ price list, categories with products, product ids."""

    def __init__(self, shop: Shop):
        status, country = shop.call(None, "GET", "/country/storefront/CZ/")
        assert status == 200, country
        self.pricelist = country["default_price_list"]
        status, tree = shop.call(None, "GET", "/category/storefront/")
        assert status == 200, tree
        ids, stack = [], list(tree)
        while stack:
            node = stack.pop()
            ids.append(node["id"])
            stack += node.get("children", [])
        self.categories, self.products = [], []
        for category in ids:
            for number in (1, 5, 20):  # products from across the catalog, not only its first page
                status, page = shop.call(None, "GET", f"/category/storefront/{category}/products/?country=CZ"
                                         f"&pricelist={self.pricelist}&page={number}")
                results = page.get("results", page) if isinstance(page, dict) else page
                if status != 200 or not results:
                    break
                if number == 1:
                    self.categories.append(category)
                self.products += [p["id"] for p in results if isinstance(p, dict) and "id" in p]
        assert self.categories and self.products, "no category with products: is the catalog loaded?"
        self.products = sorted(set(self.products))


def category_page(shop: Shop, catalog: Catalog, i: int) -> None:
    category = catalog.categories[i % len(catalog.categories)]
    shop.call("layout: GET category/storefront/", "GET", "/category/storefront/")
    shop.call("GET country/storefront/CZ/", "GET", "/country/storefront/CZ/")
    shop.call("GET category/storefront/<id>/", "GET", f"/category/storefront/{category}/")
    shop.call("GET category/storefront/<id>/products/?page=1", "GET",
              f"/category/storefront/{category}/products/?country=CZ&pricelist={catalog.pricelist}&page=1"
              f"&recommender_session_id={uuid.uuid4()}")
    shop.call("GET category/storefront/<id>/attributes/", "GET", f"/category/storefront/{category}/attributes/")


def product_page(shop: Shop, catalog: Catalog, i: int) -> None:
    product = catalog.products[(i * 7) % len(catalog.products)]
    shop.call("GET country/storefront/CZ/", "GET", "/country/storefront/CZ/")
    shop.call("GET product/storefront/<id>?country&pricelist", "GET",
              f"/product/storefront/{product}?country=CZ&pricelist={catalog.pricelist}")
    shop.call("GET review/product-rating/<id>", "GET", f"/review/product-rating/{product}")
    shop.call("GET review/storefront/<id>/CZ", "GET", f"/review/storefront/{product}/CZ")


ADDRESS = {"first_name": "Eva", "surname": "Nová", "street": "Krátká 2", "city": "Brno", "postal_code": "60200",
           "country": "CZ"}


def prepare_cart(shop: Shop, catalog: Catalog, product: int, sku: str, timed: bool = True) -> str:
    """Steps 1-3 of the storefront's checkout: the cart with its addresses and methods; answers its token."""
    name = (lambda label: label) if timed else (lambda label: None)
    status, cart = shop.call(name("POST cart/storefront/"), "POST", "/cart/storefront/", {
        "sku": sku, "quantity": 1, "product": product, "country": "CZ", "pricelist": catalog.pricelist})
    assert status == 200, cart
    token = cart["token"]
    path = f"/cart/storefront/{token}"
    shop.call(name("GET cart/storefront/<token>/"), "GET", f"{path}/")
    shop.call(name("PUT cart/storefront/<token>/shipping-info/"), "PUT", f"{path}/shipping-info/",
              {**ADDRESS, "email": f"bench-{token[:8]}@example.com"})
    shop.call(name("PUT cart/storefront/<token>/billing-info/"), "PUT", f"{path}/billing-info/", ADDRESS)
    status, methods = shop.call(name("GET cart/storefront/methods/CZ/"), "GET", "/cart/storefront/methods/CZ/")
    assert status == 200 and methods, methods
    shipping = next(m for m in methods if m.get("payment_methods"))
    shop.call(name("PUT cart/storefront/<token>/shipping-method/<id>/"), "PUT",
              f"{path}/shipping-method/{shipping['id']}/")
    shop.call(name("PUT cart/storefront/<token>/payment-method/<id>/"), "PUT",
              f"{path}/payment-method/{shipping['payment_methods'][0]['id']}/")
    return token


def submit(shop: Shop, cart: str, name: str | None = "POST order/storefront/") -> tuple[int, object]:
    return shop.call(name, "POST", "/order/storefront/", {"cart_token": cart, "agreed_to_terms": True,
                                                          "marketing_flag": False, "session_id": str(uuid.uuid4())})


def checkout(shop: Shop, catalog: Catalog, product: int, sku: str) -> str | None:
    cart = prepare_cart(shop, catalog, product, sku)
    status, order = submit(shop, cart)
    if status != 201 or not isinstance(order, dict):
        return None
    shop.call("GET order/storefront/<token>", "GET", f"/order/storefront/{order['token']}")
    return order["token"]


def new_product(shop: Shop, editor: str, catalog: Catalog, stock: int) -> tuple[int, str]:
    sku = f"BENCH-{uuid.uuid4().hex[:10]}"
    status, created = shop.call(None, "POST", "/product/dashboard/detail/", {
        "published": True, "category": catalog.categories[0],
        "translations": {"en": {"title": f"Bench {sku}", "slug": sku.lower()},
                         "cs": {"title": f"Bench {sku}", "slug": sku.lower()}},
        "product_variants": [{"sku": sku, "stock_quantity": stock,
                              "price": [{"price_list": catalog.pricelist, "price": "100"}]}]}, token=editor)
    assert status == 201, created
    return created["id"], sku


# --- phases ---------------------------------------------------------------------------------------

def shoppers(count: int, rounds: int, work) -> float:
    started = time.perf_counter()
    with ThreadPoolExecutor(count) as pool:
        list(pool.map(work, range(count * rounds)))
    return time.perf_counter() - started


def browse(shop: Shop, catalog: Catalog, editor: str, concurrency: int, rounds: int, title: str) -> dict:
    product, sku = new_product(shop, editor, catalog, stock=concurrency * rounds + 5)
    shoppers(concurrency, rounds, lambda i: category_page(shop, catalog, i))
    shoppers(concurrency, rounds, lambda i: product_page(shop, catalog, i))
    shoppers(concurrency, max(1, rounds // 2), lambda i: checkout(shop, catalog, product, sku))
    return report(title, shop.take())


def product_throughput(shop: Shop, catalog: Catalog, concurrency: int, requests: int) -> None:
    def one(i: int) -> None:
        shop.call("product", "GET", f"/product/storefront/{catalog.products[(i * 7) % len(catalog.products)]}"
                  f"?country=CZ&pricelist={catalog.pricelist}")

    elapsed = shoppers(concurrency, requests // concurrency, one)
    values = shop.take()["product"]
    print(f"\nproduct detail at concurrency {concurrency}: {len(values) / elapsed:.1f}/s "
          f"(median {ms(values, 0.5):.0f} ms, p95 {ms(values, 0.95):.0f} ms, {len(values)} requests)")


def burst(shop: Shop, catalog: Catalog, editor: str, carts: int, stock: int) -> None:
    product, sku = new_product(shop, editor, catalog, stock=stock)
    tokens = [prepare_cart(shop, catalog, product, sku, timed=False) for _ in range(carts)]
    shop.take()
    answered: list[tuple[int, float]] = []
    started = time.perf_counter()

    def one(cart: str) -> None:
        status, _ = submit(shop, cart, name="burst")
        answered.append((status, time.perf_counter() - started))

    with ThreadPoolExecutor(carts) as pool:
        list(pool.map(one, tokens))
    shop.take()
    placed = sum(1 for status, _ in answered if status == 201)
    statuses = sorted({status for status, _ in answered})
    print(f"\n{carts} concurrent checkouts of a variant with {stock} in stock: all answered within "
          f"{max(t for _, t in answered):.2f} s; {placed} orders placed (stock allows {stock}), "
          f"{carts - placed} refused; statuses {statuses}")
    status, detail = shop.call("after", "GET",
                               f"/product/storefront/{product}?country=CZ&pricelist={catalog.pricelist}")
    left = detail["product_variants"][0]["stock_quantity"] if status == 200 else None
    print(f"GET product right after the burst: {shop.take()['after'][0] * 1000:.0f} ms, stock left {left}")


def stack_pid(url: str) -> int | None:
    """The process listening on the URL's port (from /proc/net/tcp and the processes' sockets)."""
    port = int(re.search(r":(\d+)", url.split("//", 1)[1]).group(1))
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if int(fields[1].split(":")[1], 16) == port and fields[3] == "0A":  # LISTEN
                inodes.add(fields[9])
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            for fd in (proc / "fd").iterdir():
                if os.readlink(fd) in {f"socket:[{inode}]" for inode in inodes}:
                    return int(proc.name)
        except OSError:
            continue
    return None


def rss_mb(pid: int | None) -> str:
    if pid is None:
        return "unknown (no --pid, and no process found listening on the port)"
    status = Path(f"/proc/{pid}/status").read_text()
    kb = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
    return f"{kb / 1024:.0f} MB (pid {pid})"


def many_checkouts(shop: Shop, catalog: Catalog, editor: str, count: int, pid: int | None) -> None:
    print(f"\nresident memory of the stack before {count} checkouts: {rss_mb(pid)}")
    product, sku = new_product(shop, editor, catalog, stock=count + 10)
    elapsed = shoppers(8, max(1, count // 8), lambda i: checkout(shop, catalog, product, sku))
    orders = shop.take().get("GET order/storefront/<token>", [])
    print(f"{len(orders)} checkouts in {elapsed:.0f} s ({len(orders) / elapsed:.1f}/s at 8 shoppers); "
          f"resident memory after: {rss_mb(pid)}")


def settle(status_url: str, limit: float = 180) -> float:
    """Wait until every event source of the stack has nothing waiting (the checkouts just made leave
    e-mails, webhooks and search updates to process, which would be timed with the next pass);
    answers the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        try:
            with urllib.request.urlopen(status_url, timeout=30) as response:
                sources = (json.loads(response.read()).get("events") or {}).get("sources", [])
        except (OSError, ValueError):
            return time.monotonic() - started
        if all(not (source.get("lag") or 0) and not source.get("in_flight") for source in sources):
            return time.monotonic() - started
        time.sleep(0.5)
    return time.monotonic() - started


def seed_orders(status_url: str, order_token: str, count: int) -> None:
    """`count` copies of a real order (and its user pointer) written straight into moto's table."""
    import boto3

    with urllib.request.urlopen(status_url, timeout=30) as response:
        endpoint = json.loads(response.read())["emulated_aws"]
    client = boto3.client("dynamodb", endpoint_url=endpoint, region_name="eu-central-1",
                          aws_access_key_id="local", aws_secret_access_key="local")
    table = next(name for name in client.list_tables()["TableNames"] if name.endswith("-main"))
    order = client.get_item(TableName=table, Key={"PK": {"S": f"ORDER#{order_token}"}, "SK": {"S": "ORDER"}})["Item"]
    started = time.perf_counter()
    for start in range(0, count, 25):
        requests = []
        for _ in range(min(25, count - start)):
            token = str(uuid.uuid4())
            copy = {**order, "PK": {"S": f"ORDER#{token}"}, "token": {"S": token}}
            requests.append({"PutRequest": {"Item": copy}})
        pending = {table: requests}
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
    print(f"\nseeded {count} extra orders into {table} in {time.perf_counter() - started:.0f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", nargs="?", default="http://127.0.0.1:8000")
    parser.add_argument("--status-url", help="the stack's status page (default: port + 1, /status)")
    parser.add_argument("--rounds", type=int, default=10, help="pages per shopper and page kind")
    parser.add_argument("--product-requests", type=int, default=160)
    parser.add_argument("--burst", type=int, default=20)
    parser.add_argument("--burst-stock", type=int, default=12)
    parser.add_argument("--checkouts", type=int, default=100,
                        help="checkouts before the memory figure (1000: issue 18)")
    parser.add_argument("--seed-orders", default="",
                        help="e.g. 100,10000: extra orders, then the 1-shopper medians again")
    parser.add_argument("--pid", type=int, help="the stack's process (default: the one listening on the URL's port)")
    parser.add_argument("--editor", default="editor@example.com:editor",
                        help="dashboard login that may create products")
    args = parser.parse_args()

    shop = Shop(args.url)
    port = int(re.search(r":(\d+)", args.url.split("//", 1)[1]).group(1))
    status_url = args.status_url or re.sub(r":\d+", f":{port + 1}", args.url.rstrip("/"), count=1) + "/status"
    email, password = args.editor.split(":", 1)

    def login() -> str:
        status, tokens = shop.call(None, "POST", "/user/login", {"email": email, "password": password,
                                                                  "dashboard_login": True})
        assert status == 200, tokens
        return tokens["access"]

    editor = login()
    catalog = Catalog(shop)
    print(f"{args.url}: {len(catalog.products)} products sampled from {len(catalog.categories)} categories "
          f"(pages 1, 5, 20), price list {catalog.pricelist}")

    print(f"events settled after {settle(status_url):.0f} s")  # the start-up's index rebuild and demo events
    base = browse(shop, catalog, editor, 1, args.rounds, "1 shopper (median / p95)")
    browse(shop, catalog, editor, 8, max(2, args.rounds // 2), "8 concurrent shoppers (median / p95)")
    product_throughput(shop, catalog, 8, args.product_requests)
    burst(shop, catalog, editor, args.burst, args.burst_stock)
    many_checkouts(shop, catalog, editor, args.checkouts, args.pid or stack_pid(args.url))

    seeded = 0
    for target in [int(n) for n in args.seed_orders.split(",") if n.strip()]:
        editor = login()  # the 1,000 checkouts outlast an access token (5 minutes)
        product, sku = new_product(shop, editor, catalog, stock=5)
        token = checkout(shop, catalog, product, sku)
        shop.take()
        seed_orders(status_url, token, target - seeded)
        seeded = target
        print(f"events settled after {settle(status_url):.0f} s")
        again = browse(shop, catalog, editor, 1, args.rounds, f"1 shopper with {seeded} extra orders (median / p95)")
        growth = [again[name] / base[name] for name in base if name in again and base[name]]
        print(f"storefront median growth with {seeded} extra orders: median {statistics.median(growth):.2f}x, "
              f"max {max(growth):.2f}x over {len(growth)} calls")
    return 0


if __name__ == "__main__":
    sys.exit(main())
