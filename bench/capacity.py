"""Capacity and cost model of the shopper's and the merchant's requests (issue 14), computed from the items
the code really reads and writes, in-process on moto through the real routes (chalice.test.Client):

    .venv/bin/python bench/capacity.py [--runs 15] [--quick]

For each request it prints the app's own time (median of `--runs` requests on a warm container: the
request's wall time minus the time some DynamoDB call was in flight), the DynamoDB calls, the most calls in
flight at once, the serial round trips (stretches with at least one call in flight; calls that overlap
count once) and the modeled time (app time + 4 ms per round trip); read and write units; the largest share
one partition key takes of the request's read units; the shop-wide rate at which the first partition key
reaches DynamoDB's per-partition limit (`ceiling N req/s`); and the cost per million requests. How, in
short (docs/scaling.md has the whole model):

* A botocore hook on the DynamoDB client sees every call: `provide-client-params` keeps the request's
  parameters, `before-call`/`after-call` count the calls in flight and their busy time, `after-call` has
  the parsed answer. Read units come from the items returned (DynamoDB's item-size rules: attribute
  names + values, numbers 1 byte per 2 digits + 1, lists and maps 3 bytes + 1 byte per element; 4 KB per
  strongly consistent read unit, half for eventually consistent; a Query sums its items' sizes and then
  rounds up; BatchGetItem rounds each item). Write units come from the item's size before and after the
  write, looked up in moto's table (not through boto3: not counted), 1 KB per unit, doubled inside
  TransactWriteItems; GSI1 (projection ALL) and GSI2 (keys only) writes are added at 1x. moto's own
  ConsumedCapacity figures are not used.
* Each request is also run for a second entity (another product, category, cart): partition keys read
  or written by both runs are *shared* keys (CATALOG, PRICING, METHODS, COUNTER, a list's GSI key);
  the others are entity keys, whose traffic spreads over the catalog. The hottest entity is assumed to
  take 1/H(n) of its kind's traffic (Zipf, s = 1: n products, or n categories); per-shopper keys (cart,
  order, user, outbox event) are never hot.
* Reference partitions (CATALOG, PRICING) are served from the container's copy (core/store/versioned.py).
  The runs that give the per-request figures hold the cache's clock still (a warm container within
  REFERENCE_CHECK_SECONDS); two more runs measure a version check (clock moved on) and a cold read
  (copies dropped). Their cost per request is modeled: containers = rate x modeled time / UTILIZATION
  (Little's law), each container checks each partition's version once a second and re-reads a partition
  every MAX_AGE_SECONDS and after each dashboard change (REFERENCE_CHANGES_PER_SECOND).

Catalogs:

* `ecoseller demo`: the original ecoseller's demo dump, imported as `DEMO=ecoseller make run` imports it
  (chalicelib.importer.run on /work/shared/reference/ecoseller-demo-data/mock_data.sql, read in place;
  its shipping and payment methods are the dump's own);
* `generated 100k`: the demo shop, then grown to 100,000 products, 2,000 attribute values (40 attribute
  types), 500 categories (20 new top-level ones, 4 children each, 5 leaves under each child) and 20
  product types. The CATALOG items are clones of the demo's, written straight into the table with one
  BatchWriteItem per 25 and the version item bumped once. Every product gets its entry in its leaf's
  listing (the items a category page reads), but only the products the measured requests can show are
  written as items: the first WRITTEN_PER_LEAF of each leaf under the two measured top-level categories
  (pages list by id), each a clone of a demo product (same size) with its own id, SKUs and attribute
  values; the product counter is raised to 100,000. `--quick`: 2,000 products, 300 attribute values, 100
  categories, fewer runs (a smoke test; figures are not the ones to quote).

Nothing here is timed against a target; the figures are printed for docs/scaling.md.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import os
import random
import re
import statistics
import sys
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

os.environ.update({
    "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "eu-central-1",
    "TABLE_PREFIX": "bench", "JWT_SIGNING_KEY": "bench-signing-key-bench-signing-key-0123",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled", "PASSWORD_HASH_ITERATIONS": "1000", "STAGE": "bench",
})
for _name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "JWT_SECRET_ARN"):
    os.environ.pop(_name, None)

DEMO_DUMP = Path(os.environ.get("DEMO_DUMP") or ROOT.parent / "shared" / "reference" / "ecoseller-demo-data"
                 / "mock_data.sql")

# --- model inputs -------------------------------------------------------------------------------------
ROUND_TRIP_MS = 4.0             # one DynamoDB round trip from Lambda in the same region
READ_LIMIT = 3000.0             # read units per second one partition key serves
WRITE_LIMIT = 1000.0            # write units per second one partition key serves
TARGET_CEILING = 10_000         # req/s every storefront read must reach
TARGET_SHARED = 1.5             # read units of shared keys per storefront request, on average
UTILIZATION = 0.5               # share of its time a warm container spends serving a request
REFERENCE_CHANGES_PER_SECOND = 1 / 60  # dashboard changes of CATALOG or PRICING (one a minute, each)
# Storefront mix for the shared-key average (share of storefront requests).
MIX = {"product detail": 0.50, "category page": 0.25, "category page (top)": 0.10, "category tree": 0.15}
# us-east-1 list prices as of writing (an input of the model, not a fact of the code).
PRICES = {
    "ddb_read_per_million_units": 0.125,    # DynamoDB on-demand read request units
    "ddb_write_per_million_units": 0.625,   # DynamoDB on-demand write request units
    "lambda_per_gb_second": 0.0000166667,
    "lambda_per_million_requests": 0.20,
    "apigw_rest_per_million": 3.50,
    "sqs_per_million_requests": 0.40,
}
WRITTEN_PER_LEAF = 50          # generated products written as items per measured leaf (its first pages)
SQS_REQUESTS_PER_MESSAGE = 3    # send, receive, delete: unbatched, an upper bound

STOREFRONT = ("product detail", "category page", "category page (top)", "category tree")
CHECKOUT = ("cart create + item", "shipping-info", "billing-info", "shipping-method", "payment-method",
            "order POST", "order GET")
DASHBOARD = ("product save", "price change", "category save", "price list save")


def lambda_memory_mb() -> tuple[int, str]:
    """The production stage's Lambda memory from .chalice/config.json (the shared value when not set)."""
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    prod = config.get("stages", {}).get("prod", {})
    if "lambda_memory_size" in prod:
        return int(prod["lambda_memory_size"]), "prod stage"
    return int(config.get("lambda_memory_size", 128)), "shared"


# --- DynamoDB item sizes and capacity units -------------------------------------------------------------

def _number_size(text: str) -> int:
    digits = text.lstrip("-").replace(".", "").lstrip("0").rstrip("0") if "e" not in text.lower() else text
    significant = len(digits) or 1
    return (significant + 1) // 2 + 1


def _binary_size(value) -> int:
    if isinstance(value, (bytes, bytearray)):
        return len(value)
    text = str(value)
    return len(text) * 3 // 4 - text.count("=")  # base64 text (moto's JSON)


def value_size(value: dict) -> int:
    (kind, inner), = value.items()
    if kind == "S":
        return len(inner.encode("utf-8"))
    if kind == "N":
        return _number_size(inner)
    if kind == "B":
        return _binary_size(inner)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(s.encode("utf-8")) for s in inner)
    if kind == "NS":
        return sum(_number_size(n) for n in inner)
    if kind == "BS":
        return sum(_binary_size(b) for b in inner)
    if kind == "L":
        return 3 + sum(value_size(v) + 1 for v in inner)
    if kind == "M":
        return 3 + sum(len(k.encode("utf-8")) + value_size(v) + 1 for k, v in inner.items())
    raise ValueError(kind)


def item_size(item: dict | None) -> int:
    """Bytes of an item in DynamoDB JSON, by DynamoDB's rules (names + values)."""
    if not item:
        return 0
    return sum(len(name.encode("utf-8")) + value_size(value) for name, value in item.items())


def read_units(size: int, consistent: bool) -> float:
    return max(1, math.ceil(size / 4096)) * (1.0 if consistent else 0.5)


def write_units(size: int) -> int:
    return max(1, math.ceil(size / 1024))


# --- the hook -------------------------------------------------------------------------------------------

@dataclass
class Sample:
    calls: int = 0
    operations: list[str] = field(default_factory=list)
    max_in_flight: int = 0
    rounds: int = 0
    aws_seconds: float = 0.0
    bench_seconds: float = 0.0  # this hook's own bookkeeping (item images, unit accounting): not the app's
    rcu: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    wcu: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    events: list[dict] = field(default_factory=list)  # outbox items written
    sqs: int = 0
    wall: float = 0.0

    @property
    def app_ms(self) -> float:
        return (self.wall - self.aws_seconds - self.bench_seconds) * 1000

    @property
    def modeled_ms(self) -> float:
        return self.app_ms + ROUND_TRIP_MS * self.rounds


class Recorder:
    """Counts DynamoDB (and SQS) calls and the units they consume; one Sample at a time."""

    def __init__(self):
        from chalicelib.core.store import db

        self.lock = threading.Lock()
        self.in_flight = 0
        self.busy_since = 0.0
        self.sample = Sample()
        events = db.client().meta.events
        events.register("provide-client-params.dynamodb", self._params)
        events.register("before-call.dynamodb", self._before)
        events.register("after-call.dynamodb", self._after)
        events.register("after-call-error.dynamodb", self._after_error)
        db.aws_client("sqs").meta.events.register("before-call.sqs", self._sqs)
        self.main = db.table("main")
        self.indexes = {index.name: index for index in _main_spec().indexes}

    def start(self) -> Sample:
        self.sample = Sample()
        return self.sample

    # hooks
    def _params(self, params, model, context, **_):
        context["capacity"] = {"op": model.name, "params": copy.deepcopy(params), "before": {}}

    def _sqs(self, **_):
        with self.lock:
            self.sample.sqs += 1

    def _before(self, model, context, **_):
        record = context.get("capacity")
        if record is not None:
            started = time.perf_counter()
            record["before"] = self._images(record["op"], record["params"])
            with self.lock:
                self.sample.bench_seconds += time.perf_counter() - started
        with self.lock:
            sample = self.sample
            sample.calls += 1
            sample.operations.append(model.name)
            self.in_flight += 1
            sample.max_in_flight = max(sample.max_in_flight, self.in_flight)
            if self.in_flight == 1:
                self.busy_since = time.perf_counter()
                sample.rounds += 1
        # A round trip's latency, as against DynamoDB: in-process moto answers in about a millisecond holding
        # the GIL, so calls a request issues together would not overlap without it (rounds would count them
        # apart). The wait is AWS time, not the app's.
        time.sleep(ROUND_TRIP_MS / 1000)

    def _done(self):
        with self.lock:
            self.in_flight -= 1
            if self.in_flight == 0:
                self.sample.aws_seconds += time.perf_counter() - self.busy_since

    def _after_error(self, **_):
        self._done()

    def _after(self, parsed, context, **_):
        self._done()
        record = context.get("capacity")
        if record is None:
            return
        started = time.perf_counter()
        try:
            self._account(record["op"], record["params"], record["before"], parsed or {})
        except Exception as error:  # noqa: BLE001 - a bench: say what was not counted, keep going
            print(f"  (units of a {record['op']} not counted: {type(error).__name__}: {error})")
        with self.lock:
            self.sample.bench_seconds += time.perf_counter() - started

    # moto's stored items (the size of an item before and after a write)
    def _stored(self, table: str, key: dict) -> dict | None:
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.dynamodb.models import dynamodb_backends
        from moto.dynamodb.models.dynamo_type import DynamoType

        backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][os.environ["AWS_DEFAULT_REGION"]]
        found = backend.get_table(table).get_item(DynamoType(key["PK"]), DynamoType(key["SK"]) if "SK" in key
                                                  else None)
        return None if found is None else found.to_json()["Attributes"]

    @staticmethod
    def _write_targets(op: str, params: dict) -> list[tuple[str, str, dict, dict | None]]:
        """(kind, table, key, new item for puts) of each item a write operation touches."""
        if op in ("PutItem",):
            item = params["Item"]
            return [("Put", params["TableName"], {"PK": item["PK"], "SK": item["SK"]}, item)]
        if op in ("UpdateItem", "DeleteItem"):
            return [(op[:-4], params["TableName"], params["Key"], None)]
        if op == "TransactWriteItems":
            targets = []
            for entry in params["TransactItems"]:
                (kind, spec), = entry.items()
                if kind == "Put":
                    targets.append((kind, spec["TableName"], {"PK": spec["Item"]["PK"], "SK": spec["Item"]["SK"]},
                                    spec["Item"]))
                else:
                    targets.append((kind, spec["TableName"], spec["Key"], None))
            return targets
        if op == "BatchWriteItem":
            targets = []
            for table, requests in params["RequestItems"].items():
                for request in requests:
                    if "PutRequest" in request:
                        item = request["PutRequest"]["Item"]
                        targets.append(("Put", table, {"PK": item["PK"], "SK": item["SK"]}, item))
                    else:
                        targets.append(("Delete", table, request["DeleteRequest"]["Key"], None))
            return targets
        return []

    def _images(self, op: str, params: dict) -> dict:
        return {json.dumps(key, sort_keys=True, default=str): self._stored(table, key)
                for _kind, table, key, _item in self._write_targets(op, params)}

    def _account(self, op: str, params: dict, before: dict, parsed: dict) -> None:
        sample = self.sample
        if op == "GetItem":
            consistent = bool(params.get("ConsistentRead"))
            size = item_size(parsed.get("Item"))
            sample.rcu[_key_name(params["TableName"], None, params["Key"]["PK"])] += read_units(size, consistent)
        elif op == "BatchGetItem":
            for table, request in params["RequestItems"].items():
                consistent = bool(request.get("ConsistentRead"))
                returned = {(i["PK"]["S"], i.get("SK", {}).get("S")): i for i in parsed.get("Responses", {})
                            .get(table, [])}
                unprocessed = {(k["PK"]["S"], k.get("SK", {}).get("S"))
                               for k in parsed.get("UnprocessedKeys", {}).get(table, {}).get("Keys", [])}
                for key in request["Keys"]:
                    ident = (key["PK"]["S"], key.get("SK", {}).get("S"))
                    if ident in unprocessed:
                        continue
                    sample.rcu[_key_name(table, None, key["PK"])] += read_units(item_size(returned.get(ident)),
                                                                                consistent)
        elif op in ("Query", "Scan"):
            consistent = bool(params.get("ConsistentRead"))
            size = sum(item_size(i) for i in parsed.get("Items", []))
            if op == "Query":
                placeholder = re.search(r"=\s*(:\w+)", params["KeyConditionExpression"]).group(1)
                value = params["ExpressionAttributeValues"][placeholder]
                name = _key_name(params["TableName"], params.get("IndexName"), value)
            else:
                name = f"{params['TableName']} (Scan)"
            sample.rcu[name] += read_units(size, consistent)
        else:
            targets = self._write_targets(op, params)
            factor = 2 if op == "TransactWriteItems" else 1
            for kind, table, key, new in targets:
                ident = json.dumps(key, sort_keys=True, default=str)
                old = before.get(ident)
                after = new if kind == "Put" else (None if kind == "Delete" else self._stored(table, key))
                if kind == "ConditionCheck":
                    after = old
                size = max(item_size(old), item_size(after))
                sample.wcu[_key_name(table, None, key["PK"])] += write_units(size) * factor
                if table == self.main and kind != "ConditionCheck":
                    self._index_writes(old, after)
                if table.endswith("-outbox") and kind == "Put":
                    sample.events.append(new)

    def _index_writes(self, old: dict | None, new: dict | None) -> None:
        """GSI writes (standard, 1x) of one base-table write: each index whose key the item has before or
        after; a changed index key is a delete and a put."""
        for index in self.indexes.values():
            def projected(item, index=index):
                if not item or index.hash_key not in item:
                    return None
                if index.projection == "KEYS_ONLY":
                    names = {"PK", "SK", index.hash_key, index.range_key}
                    return {k: v for k, v in item.items() if k in names}
                return item

            before, after = projected(old), projected(new)
            if before is None and after is None or before == after:
                continue
            for image in (before, after):
                if image is None:
                    continue
                moved = before is not None and after is not None and (
                    before[index.hash_key] != after[index.hash_key]
                    or before.get(index.range_key) != after.get(index.range_key))
                if image is before and after is not None and not moved:
                    continue  # an update in place: one write, of the new image
                self.sample.wcu[_key_name(self.main, index.name, image[index.hash_key])] += write_units(
                    item_size(image))


def _main_spec():
    from chalicelib.core.store.tables import MAIN

    return MAIN


def _key_name(table: str, index: str | None, value: dict) -> str:
    text = value["S"] if "S" in value else str(next(iter(value.values())))
    logical = table.split("-", 1)[1] if "-" in table else table
    return f"{logical}{'/' + index if index else ''}:{text}"


# --- running requests -----------------------------------------------------------------------------------

class Clock:
    """The reference cache's clock, held still unless moved (versioned.set_clock)."""

    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


class Bench:
    def __init__(self, client, recorder: Recorder, clock: Clock):
        self.client = client
        self.recorder = recorder
        self.clock = clock
        self.samples: dict[str, list[Sample]] = defaultdict(list)  # warm runs, entity A
        self.other: dict[str, Sample] = {}                          # one warm run, entity B
        self.check: dict[str, Sample] = {}                          # a run that checks the versions
        self.cold: dict[str, Sample] = {}                           # a run after the copies are dropped

    def request(self, method: str, path: str, payload=None, headers: dict | None = None,
                expect: tuple[int, ...] = (200, 201, 204)) -> tuple[Sample, object]:
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        body = json.dumps(payload) if payload is not None else None
        sample = self.recorder.start()
        started = time.perf_counter()
        response = self.client.http.request(method, path, headers=all_headers, body=body)
        sample.wall = time.perf_counter() - started
        if response.status_code not in expect:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.body[:300]!r}")
        answer = json.loads(response.body) if response.body else None
        return sample, answer


def _zipf_top_share(n: int) -> float:
    return 1.0 / sum(1.0 / k for k in range(1, max(1, n) + 1))


def run_storefront(bench: Bench, ids: dict, runs: int) -> None:
    """The three storefront reads (two category pages: a leaf and a top-level category)."""
    from chalicelib.core.store import versioned

    session = str(uuid.uuid4())
    query = f"?country=CZ&pricelist={ids['pricelist']}"
    paths = {
        "product detail": lambda e: f"/product/storefront/{ids['products'][e]}{query}",
        "category page": lambda e: f"/category/storefront/{ids['leaves'][e]}/products/{query}&page=1"
                                   f"&recommender_session_id={session}",
        "category page (top)": lambda e: f"/category/storefront/{ids['tops'][e]}/products/{query}&page=1"
                                         f"&recommender_session_id={session}",
        "category tree": lambda e: "/category/storefront/",
    }
    for name, path in paths.items():
        bench.request("GET", path(0))  # warm-up: the container's copies, this route's imports
        for _ in range(runs):
            bench.samples[name].append(bench.request("GET", path(0))[0])
        if path(1) != path(0):  # the demo has one top-level category: no second entity to compare with
            bench.other[name] = bench.request("GET", path(1))[0]
        bench.clock.now += versioned.CHECK_SECONDS + 0.001
        bench.check[name] = bench.request("GET", path(0))[0]
        versioned.forget()
        bench.cold[name] = bench.request("GET", path(0))[0]
        bench.request("GET", path(0))


def run_checkout(bench: Bench, ids: dict, runs: int) -> None:
    """The storefront's seven checkout requests, on a new cart each run (entity B: another product)."""
    shipping = {"first_name": "Jan", "surname": "Novák", "street": "Dlouhá 1", "city": "Praha",
                "postal_code": "11000", "country": "CZ", "email": "jan@example.com", "phone": "+420123456789",
                "additional_info": ""}
    billing = {"first_name": "Jan", "surname": "Novák", "street": "Dlouhá 1", "city": "Praha",
               "postal_code": "11000", "country": "CZ", "company_name": "", "company_id": "", "vat_number": ""}

    def journey(entity: int) -> dict[str, Sample]:
        product, sku = ids["checkout"][entity]
        out = {}
        out["cart create + item"], cart = bench.request("POST", "/cart/storefront/", {
            "sku": sku, "quantity": 1, "product": product, "pricelist": ids["pricelist"], "country": "CZ"})
        token = cart["token"]
        out["shipping-info"], _ = bench.request("PUT", f"/cart/storefront/{token}/shipping-info/", shipping)
        out["billing-info"], _ = bench.request("PUT", f"/cart/storefront/{token}/billing-info/", billing)
        out["shipping-method"], _ = bench.request("PUT", f"/cart/storefront/{token}/shipping-method/"
                                                          f"{ids['shipping']}/")
        out["payment-method"], _ = bench.request("PUT", f"/cart/storefront/{token}/payment-method/{ids['payment']}/")
        out["order POST"], order = bench.request("POST", "/order/storefront/", {
            "cart_token": token, "agreed_to_terms": True, "marketing_flag": False, "session_id": str(uuid.uuid4())})
        out["order GET"], _ = bench.request("GET", f"/order/storefront/{order['token']}")
        return out

    journey(0)  # warm-up
    for _ in range(runs):
        for name, sample in journey(0).items():
            bench.samples[name].append(sample)
    bench.other.update(journey(1))


def run_dashboard(bench: Bench, ids: dict, runs: int) -> None:
    """Dashboard writes: a product saved as the dashboard sends it, one variant's price changed, a category
    saved, a price list saved (entity B: another product, category)."""
    headers = ids["admin"]

    def product_save(entity: int, price_only: bool, n: int) -> Sample:
        product_id = ids["products"][entity]
        _, current = bench.request("GET", f"/product/dashboard/detail/{product_id}/", headers=headers)
        payload = dashboard_product_payload(current)
        if price_only:
            price = payload["product_variants"][0]["price"][0]
            price["price"] = str(Decimal(str(price["price"])) + Decimal("0.01") * (n % 7 + 1))
        else:
            payload["translations"]["en"]["title"] = f"{payload['translations']['en']['title'].split(' #')[0]} #{n}"
        return bench.request("PUT", f"/product/dashboard/detail/{product_id}/", payload, headers)[0]

    def category_save(entity: int, n: int) -> Sample:
        category_id = ids["leaves"][entity]
        _, current = bench.request("GET", f"/category/dashboard/{category_id}/", headers=headers)
        translations = current.get("translations") or {}
        translations.setdefault("en", {})["meta_description"] = f"Saved {n}"
        return bench.request("PUT", f"/category/dashboard/{category_id}/",
                             {"parent": current.get("parent"), "published": True, "translations": translations},
                             headers)[0]

    def price_list_save(entity: int, n: int) -> Sample:
        code = ids["pricelists"][entity]
        _, current = bench.request("GET", f"/product/dashboard/pricelist/{code}/", headers=headers)
        payload = {k: current[k] for k in ("code", "currency", "rounding", "includes_vat", "is_default")
                   if k in current}
        payload["rounding"] = not current.get("rounding")  # a real change (toggled back and forth)
        return bench.request("PUT", f"/product/dashboard/pricelist/{code}/", payload, headers)[0]

    actions = {"product save": lambda e, n: product_save(e, False, n),
               "price change": lambda e, n: product_save(e, True, n),
               "category save": category_save, "price list save": price_list_save}
    for name, action in actions.items():
        action(0, 0)
        for n in range(runs):
            bench.samples[name].append(action(0, n + 1))
        bench.other[name] = action(1, runs + 1)


def dashboard_product_payload(current: dict) -> dict:
    """The product as the dashboard's editor sends it back (PUT product/dashboard/detail/<id>/)."""
    payload = copy.deepcopy(current)
    for variant in payload.get("product_variants") or []:
        variant["attributes"] = [a["id"] if isinstance(a, dict) else a for a in variant.get("attributes") or []]
        for price in variant.get("price") or []:
            price.pop("formatted_price", None)
    for key in ("media", "update_at", "create_at"):
        payload.pop(key, None)
    return payload


# --- the catalogs ---------------------------------------------------------------------------------------

def import_demo() -> dict:
    """The ecoseller demo dump, as `DEMO=ecoseller make run` imports it (read in place)."""
    from chalicelib.importer import run

    if not DEMO_DUMP.is_file():
        raise SystemExit(f"no ecoseller demo dump at {DEMO_DUMP}")
    started = time.perf_counter()
    report = run(DEMO_DUMP, log=lambda _line: None)
    return {"seconds": time.perf_counter() - started, "products": report.get("products.created", 0)}


def catalog_facts() -> dict:
    """Item counts and sizes of the shared partitions, as stored."""
    from chalicelib.core.store import db

    facts = {}
    for partition in ("CATALOG", "PRICING", "METHODS"):
        raw = []
        request = {"TableName": db.table("main"), "KeyConditionExpression": "PK = :p",
                   "ExpressionAttributeValues": {":p": {"S": partition}}}
        while True:
            answer = db.client().query(**request)
            raw += answer["Items"]
            if "LastEvaluatedKey" not in answer:
                break
            request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]
        kinds = defaultdict(int)
        for item in raw:
            kinds[item["SK"]["S"].split("#")[0]] += 1
        facts[partition] = {"items": len(raw), "bytes": sum(item_size(i) for i in raw), "kinds": dict(kinds)}
    return facts


def demo_ids(bench: Bench) -> dict:
    """Which products, categories, methods the runs use on the demo shop."""
    from chalicelib.catalog.listing import store as listing
    from chalicelib.catalog.reference.store import catalog_snapshot
    from tests.shop_fixtures import admin_headers

    snapshot = catalog_snapshot()
    categories = {int(c["id"]): c for c in snapshot["CATEGORY"]}
    tops = [c for c, item in categories.items() if item.get("parent") is None]
    children = [c for c, item in categories.items() if item.get("parent") is not None]
    counts = {c: len(listing.read(c)[0]) for c in categories}
    leaves = sorted(children, key=lambda c: -counts[c])
    entries = listing.read(leaves[0])[0]
    products = sorted(entries)[:2]
    return {"pricelist": "CZK_retail", "products": products, "leaves": leaves[:2],
            "tops": (tops * 2)[:2], "top_count": len(tops), "admin": admin_headers(), "categories": len(categories),
            "pricelists": ["CZK_retail", "EUR_retail"], "product_count": counts and sum(counts.values())}


def checkout_setup(bench: Bench, ids: dict) -> None:
    """Two products with stock for the checkout runs, and the CZ shipping and payment rows."""
    from chalicelib.core.store import db, keys

    picked = []
    for product_id in ids["products"]:
        product = db.get("main", keys.product(product_id))
        variant = product["variants"][0]
        variants = [{**v, "stock_quantity": 1_000_000} for v in product["variants"]]
        db.update("main", keys.product(product_id), set_fields={"variants": variants})
        picked.append((product_id, variant["sku"]))
    ids["checkout"] = picked
    _, methods = bench.request("GET", "/cart/storefront/methods/CZ/")
    usable = [m for m in methods if m.get("payment_methods")]
    ids["shipping"] = usable[0]["id"]
    ids["payment"] = usable[0]["payment_methods"][0]["id"]


def grow_catalog(products: int, values: int, categories: int, ids: dict) -> dict:
    """The demo shop grown to `products` products, `values` attribute values and `categories` categories
    (see the module's docstring: what is written as items, what only as listing entries)."""
    from chalicelib.catalog.listing import service as listing
    from chalicelib.catalog.listing.store import encode
    from chalicelib.catalog.reference.store import catalog_snapshot
    from chalicelib.core.store import db, keys, versioned

    started = time.perf_counter()
    random.seed(14)
    snapshot = catalog_snapshot()
    template = {kind: copy.deepcopy(items[0]) for kind, items in snapshot.items() if items}
    category_template = next(c for c in snapshot["CATEGORY"] if c.get("parent") is not None)
    existing = {kind: len(items) for kind, items in snapshot.items()}
    next_ids = {kind: max(int(i["id"]) for i in items) + 1 for kind, items in snapshot.items() if items}
    items: list[dict] = []

    def clone(kind: str, base: dict, **fields) -> dict:
        entity_id = next_ids[kind]
        next_ids[kind] += 1
        item = {**copy.deepcopy(base), "SK": f"{kind}#{entity_id:012d}", "id": entity_id, **fields}
        items.append(item)
        return item

    # attribute types and values
    types = [int(t["id"]) for t in snapshot["ATTRTYPE"]]
    for n in range(max(0, 40 - len(types))):
        types.append(clone("ATTRTYPE", template["ATTRTYPE"], type_name=f"bench-type-{n}")["id"])
    value_ids = [int(v["id"]) for v in snapshot["ATTRVALUE"]]
    for n in range(max(0, values - len(value_ids))):
        value_ids.append(clone("ATTRVALUE", template["ATTRVALUE"], type=types[n % len(types)], value=f"value {n}",
                               translations={"en": {"name": f"Value {n}"}, "cs": {"name": f"Hodnota {n}"}})["id"])
    product_types = [int(t["id"]) for t in snapshot["PRODUCTTYPE"]]
    for n in range(max(0, 20 - len(product_types))):
        product_types.append(clone("PRODUCTTYPE", template["PRODUCTTYPE"], name=f"Bench type {n}",
                                   allowed_attribute_types_ids=random.sample(types, 6))["id"])

    # categories: top-level ones with 4 children each and 5 leaves under each child
    def category(parent, title: str) -> int:
        translations = copy.deepcopy(category_template.get("translations") or {})
        for lang, row in translations.items():
            row.update({"title": f"{title} ({lang})", "slug": f"{title.lower().replace(' ', '-')}-{lang}",
                        "meta_title": title})
        return clone("CATEGORY", category_template, parent=parent, published=True, translations=translations)["id"]

    budget = categories - existing.get("CATEGORY", 0)
    tops, leaves = [], {}
    n = 0
    while budget > 0:
        top = category(None, f"Top {n}")
        tops.append(top)
        leaves[top] = []
        budget -= 1
        for c in range(4):
            if budget <= 0:
                break
            child = category(top, f"Top {n} child {c}")
            budget -= 1
            for leaf in range(5):
                if budget <= 0:
                    break
                leaves[top].append(category(child, f"Top {n} child {c} leaf {leaf}"))
                budget -= 1
        n += 1
    from chalicelib.importer.store import put_items  # the bulk writer: retries, drops recent reads
    put_items(items)
    db.increment("main", keys.reference_version("CATALOG"), "version")
    versioned.forget()
    for kind in next_ids:
        db.raise_counter_to(kind.lower(), next_ids[kind] - 1)

    # products: listing entries for all, items for the two measured top-level categories' products
    demo_product = db.get("main", keys.product(ids["products"][0]))
    all_leaves = [leaf for top in tops for leaf in leaves[top]]
    first_id = int(ids["product_count"]) + 100
    new_products = products - int(ids["product_count"])
    entries: dict[int, dict[int, dict]] = {leaf: {} for leaf in all_leaves}
    written: list[dict] = []
    measured = set(leaves[tops[0]]) | set(leaves[tops[1]])
    base_entry = listing.entry_for(demo_product)
    attribute_count = max(len(v.get("attributes") or []) for v in demo_product["variants"]) or 3
    for n in range(new_products):
        product_id = first_id + n
        leaf = all_leaves[n % len(all_leaves)]
        type_id = product_types[n % len(product_types)]
        attributes = sorted(random.sample(value_ids, attribute_count))
        entries[leaf][product_id] = {**base_entry, "t": type_id, "a": attributes,
                                     "ti": {lang: f"Product {product_id} ({lang})" for lang in base_entry["ti"]}}
        if leaf not in measured or len(entries[leaf]) > WRITTEN_PER_LEAF:
            continue  # only the products a measured page or request can show are written as items
        product = copy.deepcopy(demo_product)
        product.update({**keys.product(product_id), "GSI2SK": f"{product_id:012d}", "id": product_id,
                        "category": leaf, "type_id": type_id})
        for lang, row in (product.get("translations") or {}).items():
            row["title"] = f"Product {product_id} ({lang})"
            row["slug"] = f"product-{product_id}-{lang}"
        for v, variant in enumerate(product["variants"]):
            variant["sku"] = f"B{product_id}-{v}"
            variant["attributes"] = attributes
            variant["stock_quantity"] = 1_000_000
            for p, price in enumerate(variant.get("price") or []):
                price["id"] = product_id * 100 + v * 10 + p
        written.append(product)
        written += [{**keys.unique("SKU", v["sku"]), "owner": product_id} for v in product["variants"]]
    written += [{**keys.category_listing(leaf), "version": 1, "entries": encode(found), "count": len(found)}
                for leaf, found in entries.items()]
    from chalicelib.importer.store import put_items  # the bulk writer: retries, drops recent reads
    put_items(written)
    db.raise_counter_to("product", first_id + new_products)
    a, b = leaves[tops[0]][0], leaves[tops[1]][0]
    pick = [min(entries[a]), min(entries[b])]
    return {**ids, "products": pick, "checkout": [(p, f"B{p}-0") for p in pick], "leaves": [a, b],
            "tops": tops[:2], "top_count": ids["top_count"] + len(tops), "categories": categories,
            "product_count": products,
            "product_items": sum(1 for i in written if i["SK"] == "PRODUCT"), "seconds": time.perf_counter() - started}


# --- the model ------------------------------------------------------------------------------------------

REFERENCE = ("main:CATALOG", "main:PRICING")
PER_SHOPPER = ("main:CART#", "main:ORDER#", "outbox:", "main:USER#", "main:TOKEN#")


@dataclass
class Figures:
    name: str
    group: str
    app_ms: float
    calls: int
    in_flight: int
    rounds: int
    modeled_ms: float
    rcu: dict[str, float]      # per key, per request, incl. the amortized reference reads
    wcu: dict[str, float]
    shared: set[str]
    entity_share: float
    events: int
    deliveries: int
    sqs: int

    @property
    def reads(self) -> float:
        return sum(self.rcu.values())

    @property
    def writes(self) -> float:
        return sum(self.wcu.values())

    @property
    def shared_reads(self) -> float:
        return sum(u for k, u in self.rcu.items() if k in self.shared)

    def top_read_share(self) -> tuple[str, float]:
        if not self.reads:
            return "-", 0.0
        key = max(self.rcu, key=self.rcu.get)
        return key, self.rcu[key] / self.reads

    def share_of(self, key: str) -> float:
        if key in self.shared:
            return 1.0
        if key.startswith(PER_SHOPPER):
            return 0.0
        return self.entity_share

    def ceiling(self) -> tuple[float, str]:
        """Shop-wide rate of this request at which the first partition key reaches its limit."""
        best, why = math.inf, "no partition key is hot"
        for units, limit, kind in ((self.rcu, READ_LIMIT, "RCU"), (self.wcu, WRITE_LIMIT, "WCU")):
            for key, per_request in units.items():
                load = per_request * self.share_of(key)
                if load > 0 and limit / load < best:
                    best = limit / load
                    why = (f"{key}: {per_request:.2f} {kind} a request x {self.share_of(key):.1%} of requests"
                           f" -> {limit:,.0f} {kind}/s")
        return best, why

    def cost(self, memory_mb: int) -> dict[str, float]:
        billed_ms = max(1, math.ceil(self.modeled_ms))
        return {
            "dynamodb": self.reads * PRICES["ddb_read_per_million_units"]
            + self.writes * PRICES["ddb_write_per_million_units"],
            "lambda": PRICES["lambda_per_million_requests"]
            + memory_mb / 1024 * billed_ms / 1000 * PRICES["lambda_per_gb_second"] * 1e6,
            "apigw": PRICES["apigw_rest_per_million"],
            "sqs": (self.sqs + SQS_REQUESTS_PER_MESSAGE * (self.events + self.deliveries))
            * PRICES["sqs_per_million_requests"],
        }


def reference_costs(bench: Bench) -> dict[str, dict[str, float]]:
    """Per reference partition: read units of a version check and of a whole re-read (measured)."""
    found: dict[str, dict[str, float]] = {}
    for name in STOREFRONT:
        warm = bench.samples[name][-1].rcu
        for key in REFERENCE:
            check = bench.check[name].rcu.get(key, 0.0) - warm.get(key, 0.0)
            cold = bench.cold[name].rcu.get(key, 0.0) - warm.get(key, 0.0)
            entry = found.setdefault(key, {"check": 0.0, "full": 0.0})
            entry["check"], entry["full"] = max(entry["check"], check), max(entry["full"], cold)
    return found


def amortized_reference(modeled_ms: float, reference: dict[str, dict[str, float]]) -> dict[str, float]:
    """Reference read units per request: containers = rate x time / UTILIZATION; each checks each partition
    once per CHECK_SECONDS and re-reads it every MAX_AGE_SECONDS and after each dashboard change."""
    from chalicelib.core.store import versioned

    containers_per_request = modeled_ms / 1000 / UTILIZATION
    return {key: containers_per_request * (cost["check"] / versioned.CHECK_SECONDS
                                           + cost["full"] * (1 / versioned.MAX_AGE_SECONDS
                                                             + REFERENCE_CHANGES_PER_SECOND))
            for key, cost in reference.items()}


def recent_costs(bench: Bench, name: str) -> dict[str, float]:
    """Read units of the keys a storefront request serves from the container's recent reads
    (core/store/recent.py: a category's listing, a page's products), re-read once the clock moved on."""
    warm = bench.samples[name][-1].rcu
    return {key: units - warm.get(key, 0.0) for key, units in bench.check[name].rcu.items()
            if key not in REFERENCE and units > warm.get(key, 0.0)}


def amortized_recent(modeled_ms: float, costs: dict[str, float]) -> dict[str, float]:
    """Recent-read units per request: each container re-reads each key it serves once per CHECK_SECONDS (every
    container is assumed to serve the hot key, so the key takes the whole fleet's re-reads)."""
    from chalicelib.core.store import versioned

    containers_per_request = modeled_ms / 1000 / UTILIZATION
    return {key: containers_per_request * units / versioned.CHECK_SECONDS for key, units in costs.items()}


def summarize(bench: Bench, ids: dict) -> dict[str, Figures]:
    from chalicelib.notifications import config

    reference = reference_costs(bench)
    shares = {"product detail": _zipf_top_share(ids["product_count"]),
              "category page": _zipf_top_share(ids["categories"]),
              "category page (top)": _zipf_top_share(ids["top_count"]),
              "category tree": 1.0}
    figures = {}
    for name, samples in bench.samples.items():
        group = "storefront" if name in STOREFRONT else "checkout" if name in CHECKOUT else "dashboard"
        runs = len(samples)
        rcu, wcu = defaultdict(float), defaultdict(float)
        for sample in samples:
            for key, units in sample.rcu.items():
                rcu[key] += units / runs
            for key, units in sample.wcu.items():
                wcu[key] += units / runs
        modeled = statistics.median(s.modeled_ms for s in samples)
        recent_keys: set[str] = set()
        if group == "storefront":
            for key, units in amortized_reference(modeled, reference).items():
                rcu[key] += units
            for key, units in amortized_recent(modeled, recent_costs(bench, name)).items():
                rcu[key] += units
                recent_keys.add(key)
        other = bench.other.get(name)
        touched = {*rcu, *wcu}
        shared = touched & {*other.rcu, *other.wcu} if other is not None else set()
        shared |= {key for key in touched if key in REFERENCE or "/GSI" in key or key in recent_keys}
        last = samples[-1]
        events = []
        for item in last.events:
            if item["type"]["S"] == "BATCH":
                events += [e["M"]["type"]["S"] for e in item.get("events", {}).get("L", [])]
            else:
                events.append(item["type"]["S"])
        figures[name] = Figures(
            name=name, group=group, app_ms=statistics.median(s.app_ms for s in samples),
            calls=max(s.calls for s in samples), in_flight=max(s.max_in_flight for s in samples),
            rounds=max(s.rounds for s in samples), modeled_ms=modeled, rcu=dict(rcu), wcu=dict(wcu),
            shared=shared, entity_share=shares.get(name, 1.0 if group == "dashboard"
                                                    else _zipf_top_share(ids["product_count"])),
            events=len(events), deliveries=sum(len(config.actions_for(kind)) for kind in events),
            sqs=max(s.sqs for s in samples))
    return figures


def report(label: str, ids: dict, facts: dict, figures: dict[str, Figures], memory: tuple[int, str]) -> list[str]:
    lines = [f"== {label}: {ids['product_count']:,} products, {ids['categories']} categories, "
             f"{facts['CATALOG']['kinds'].get('ATTRVALUE', 0):,} attribute values",
             "   shared partitions: " + ", ".join(f"{p} {f['items']:,} items / {f['bytes'] / 1024:,.1f} KB"
                                                  for p, f in facts.items())]
    header = (f"   {'request':<21}{'app ms':>7}{'calls':>6}{'in-flight':>10}{'rounds':>7}{'model ms':>9}"
              f"{'RRU':>8}{'WRU':>7}{'shared RRU':>11}  {'top key share of RRU':<34}{'$/M req':>8}")
    for group in ("storefront", "checkout", "dashboard"):
        lines += [f" -- {group}", header]
        for figure in (f for f in figures.values() if f.group == group):
            key, share = figure.top_read_share()
            cost = sum(figure.cost(memory[0]).values())
            lines.append(f"   {figure.name:<21}{figure.app_ms:>7.1f}{figure.calls:>6}{figure.in_flight:>10}"
                         f"{figure.rounds:>7}{figure.modeled_ms:>9.1f}{figure.reads:>8.2f}{figure.writes:>7.1f}"
                         f"{figure.shared_reads:>11.3f}  {(key + f' {share:.0%}') if key != '-' else '-':<34}"
                         f"{cost:>8.2f}")
    checkout = [figures[name] for name in CHECKOUT]
    lines.append(f"   checkout (7 requests): {sum(f.calls for f in checkout)} calls (target <= 14), "
                 f"{sum(f.modeled_ms for f in checkout):.1f} ms modeled (target <= 60), "
                 f"{sum(f.reads for f in checkout):.1f} RRU, {sum(f.writes for f in checkout):.1f} WRU, "
                 f"${sum(sum(f.cost(memory[0]).values()) for f in checkout):.2f} per million checkouts")
    average = sum(MIX[name] * figures[name].shared_reads for name in STOREFRONT)
    lines.append(f"   shared keys: {average:.3f} read units per storefront request on average over the mix "
                 f"(target <= {TARGET_SHARED}) {'ok' if average <= TARGET_SHARED else 'MISSED'}")
    lines.append(" -- ceilings (the shop-wide rate of one request at which its first partition key reaches "
                 f"{READ_LIMIT:,.0f} RCU/s or {WRITE_LIMIT:,.0f} WCU/s)")
    for figure in figures.values():
        rate, why = figure.ceiling()
        verdict = ""
        if figure.group == "storefront":
            verdict = "ok" if rate >= TARGET_CEILING else f"MISSED (target >= {TARGET_CEILING:,})"
        shown = "unbounded" if math.isinf(rate) else f"{rate:,.0f}"
        lines.append(f"   {label} | {figure.name:<21} ceiling {shown} req/s {verdict}  [{why}]")
    journey = Figures(name="checkout", group="checkout", app_ms=0, calls=0, in_flight=0, rounds=0, modeled_ms=0,
                      rcu=defaultdict(float), wcu=defaultdict(float), shared=set(),
                      entity_share=checkout[0].entity_share,
                      events=0, deliveries=0, sqs=0)
    for figure in checkout:
        for key, units in figure.rcu.items():
            journey.rcu[key] += units
        for key, units in figure.wcu.items():
            journey.wcu[key] += units
        journey.shared |= figure.shared
    rate, why = journey.ceiling()
    lines.append(f"   {label} | {'whole checkout':<21} ceiling {rate:,.0f} checkouts/s  [{why}]")
    lines.append(" -- cost per million requests (DynamoDB / Lambda / API Gateway / SQS)")
    for figure in figures.values():
        parts = figure.cost(memory[0])
        lines.append(f"   {figure.name:<21} ${sum(parts.values()):>6.2f} = {parts['dynamodb']:.2f} / "
                     f"{parts['lambda']:.2f} / {parts['apigw']:.2f} / {parts['sqs']:.2f}"
                     + (f"   ({figure.events} events, {figure.deliveries} deliveries)" if figure.events else ""))
    return lines


def measure(label: str, bench: Bench, ids: dict, runs: int, memory: tuple[int, str]) -> list[str]:
    facts = catalog_facts()
    run_storefront(bench, ids, runs)
    run_checkout(bench, ids, runs)
    run_dashboard(bench, ids, runs)
    figures = summarize(bench, ids)
    return report(label, ids, facts, figures, memory)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="warm requests per figure (median)")
    parser.add_argument("--quick", action="store_true", help="a smaller generated catalog and 3 runs (smoke test)")
    args = parser.parse_args()
    runs = 3 if args.quick else args.runs
    products, values, categories = (2_000, 300, 100) if args.quick else (100_000, 2_000, 500)

    from chalice.test import Client
    from moto import mock_aws

    from infra.local import moto_serial

    moto_serial.install()  # moto serializes requests as DynamoDB serializes an item's writes; moto_fast too
    memory = lambda_memory_mb()
    started = time.perf_counter()
    lines = [f"capacity model, in-process on moto; {runs} warm runs per figure; Lambda {memory[0]} MB "
             f"({memory[1]}, .chalice/config.json)",
             "prices (us-east-1 list prices as of writing, an input of the model): " + ", ".join(
                 f"{k} ${v}" for k, v in PRICES.items()),
             f"model: {ROUND_TRIP_MS:.0f} ms a round trip; hottest product/category takes 1/H(n) of its traffic "
             f"(Zipf s=1); containers = rate x modeled time / {UTILIZATION}; each checks each reference "
             f"partition once a second, re-reads it every 300 s and after each dashboard change "
             f"({REFERENCE_CHANGES_PER_SECOND * 60:.0f}/min); SQS {SQS_REQUESTS_PER_MESSAGE} requests per message "
             f"(events and deliveries)"]
    with mock_aws():
        from chalicelib.core.store import db, versioned
        from chalicelib.core.store.migrate import migrate
        from chalicelib.migrations import MIGRATIONS

        db.reset_clients()
        migrate(MIGRATIONS, log=lambda _line: None)
        imported = import_demo()
        from app import app

        clock = Clock()
        versioned.set_clock(clock)
        try:
            with Client(app, stage_name="bench") as client:
                os.environ["PASSWORD_HASH_ITERATIONS"] = "1000"
                recorder = Recorder()
                bench = Bench(client, recorder, clock)
                ids = demo_ids(bench)
                checkout_setup(bench, ids)
                lines += measure("ecoseller demo", bench, ids, runs, memory)
                lines.append(f"   (demo dump imported in {imported['seconds']:.1f} s)")
                grown = grow_catalog(products, values, categories, ids)
                bench = Bench(client, recorder, clock)
                label = f"generated {products // 1000}k"
                lines += measure(label, bench, grown, runs, memory)
                lines.append(f"   (grown in {grown['seconds']:.1f} s; {grown['product_items']:,} product items "
                             "written, the rest as listing entries)")
        finally:
            versioned.set_clock(None)
    lines.append(f"total {time.perf_counter() - started:.0f} s")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
