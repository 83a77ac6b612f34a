"""Search benchmark: rebuild throughput and peak memory at 10,000 and 100,000 products; query latency.

    .venv/bin/python bench/search.py [--sizes 10000 100000] [--osmem-max 10000] [--dynamodb-size 10000]
                                     [--queries 200]

Every rebuild runs in a fresh child process, so its peak RSS (getrusage ru_maxrss) is the rebuild's
own, as a Lambda's would be: the emulated AWS (moto's server) and the engine (osmem-server) run in other
processes. Target: below 256 MB at both sizes (the rebuild streams a page at a time; nothing grows with
the catalog).

Two sources, because moto is not DynamoDB: its Query walks every item of the table per call, so reading
100,000 products back from it measures moto, not this code.

"in bulk" is the share of the time spent in bulk requests, i.e. waiting for the engine to index (on
osmem-server that is most of it; the rest is reading, building documents and checkpoints).

* generator: the real rebuild (documents, bulk requests of <= 10 MiB, checkpoints in DynamoDB, refresh,
  count check, alias swap) fed by generated product aggregates of the catalog's shape (two languages,
  three variants with attributes and prices), at each of --sizes, into a stub engine that accepts
  bulk requests at once (so the figure is this code's: streaming, documents, serialization,
  checkpoints), and, up to --osmem-max products, into osmem-server too. osmem-server indexes a few
  hundred documents per second at best (in Go, in memory, with every edge n-gram), so 100,000 through it
  takes long and measures it, not the rebuild;
* dynamodb: the same rebuild reading --dynamodb-size products written as DynamoDB items (batch writes)
  through GSI2 pages and BatchGetItem, as in production (default 1,000: moto's server takes seconds per
  BatchGetItem of 100 product aggregates and answers a GSI Query over 10,000 items slower than the
  client's 10 s read timeout on a busy machine, so this run measures moto more than the rebuild). Then the
  median latency of --queries storefront searches against that index: the engine query alone, the
  whole storefront search (engine + rendering the items from DynamoDB), and the fallback (corpus
  cached, and cold: read with one BatchGetItem at a time here, 8 at once in production). The engine
  query is also timed on the generated 10,000-product index.
"""

from __future__ import annotations

import argparse
import fnmatch
import gzip
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BASE_ENV = {
    "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "eu-central-1",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled", "TABLE_PREFIX": "bench", "LANGUAGES": "en,cs",
    "JWT_SIGNING_KEY": "bench-signing-key-bench-signing-key-0123",
}
WORDS = ("red blue silent iron night summer winter golden broken last first wild lost hidden dark bright river "
         "mountain city harbor signal storm wave runner garden letter paper glass horse wolf train station road "
         "červený modrý tichý železný noční letní zimní zlatý řeka hora město přístav bouře vlna zahrada dopis "
         "kůň vlak silnice").split()
ATTRIBUTE_VALUES = 40


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# --- generated products ---------------------------------------------------------------------------

def _phrases(count: int, words: int) -> list[str]:
    rng = random.Random(words)
    return [" ".join(rng.choice(WORDS) for _ in range(words)) for _ in range(count)]


TITLES, SHORT, LONG = _phrases(997, 3), _phrases(991, 12), _phrases(983, 60)  # primes: varied combinations


def product(product_id: int, attribute_ids: list[int]) -> dict:
    """A product aggregate shaped like catalog/products.py writes it (texts from fixed pools: generating
    them is not what is measured)."""
    rng = random.Random(product_id)
    title = TITLES[product_id % len(TITLES)].capitalize()
    variants = []
    for n in range(3):
        variants.append({
            "sku": f"B{product_id}-{n}", "ean": "", "stock_quantity": rng.randint(0, 50), "weight": None,
            "attributes": rng.sample(attribute_ids, 2),
            "price": [{"id": product_id * 10 + n, "price_list": "CZK", "price": Decimal(rng.randint(50, 900)),
                       "discount": None, "create_at": "2024-01-01T00:00:00+00:00",
                       "update_at": "2024-01-01T00:00:00+00:00"}],
            "create_at": "2024-01-01T00:00:00+00:00", "update_at": "2024-01-01T00:00:00+00:00"})
    return {
        "PK": f"PRODUCT#{product_id}", "SK": "PRODUCT", "GSI2PK": "PRODUCTS", "GSI2SK": f"{product_id:012d}",
        "id": product_id, "published": rng.random() < 0.9, "category": rng.randint(1, 50), "type_id": 1,
        "translations": {
            "en": {"title": f"{title} {product_id}", "slug": f"p-{product_id}", "meta_title": title,
                   "meta_description": "", "short_description": SHORT[product_id % len(SHORT)],
                   "description": "<p>" + LONG[product_id % len(LONG)] + "</p>",
                   "description_editorjs": ""},
            "cs": {"title": f"{title} CZ {product_id}", "slug": f"p-{product_id}-cz", "meta_title": title,
                   "meta_description": "", "short_description": SHORT[(product_id * 7) % len(SHORT)],
                   "description": "", "description_editorjs": ""}},
        "variants": variants, "media": [], "version": 1,
        "create_at": "2024-01-01T00:00:00+00:00", "update_at": "2024-01-01T00:00:00+00:00",
    }


def lookup() -> dict[int, dict]:
    return {i: {"id": i, "value": f"v{i}", "order": None, "name": {"en": f"Value {i}", "cs": f"Hodnota {i}"},
                "type": {"id": 1 + i % 4, "name": {"en": "Type"}}} for i in range(1, ATTRIBUTE_VALUES + 1)}


def generated_pages(total: int):
    attribute_ids = list(range(1, ATTRIBUTE_VALUES + 1))

    def pages(after: int | None, page_size: int):
        start = (after or 0) + 1
        while start <= total:
            ids = list(range(start, min(total, start + page_size - 1) + 1))
            yield ids, [product(i, attribute_ids) for i in ids]
            start = ids[-1] + 1

    return pages


# --- child processes (one measurement each) ----------------------------------------------------------

def child_rebuild(source: str, size: int, queries: int, engine_name: str) -> dict:
    from chalicelib.search import rebuild

    if source == "generator":
        src = rebuild.Source(pages=generated_pages(size), lookup=lookup)
    else:
        src = rebuild.Source()
        rebuild.source.attribute_lookup()  # warm the clients like a page would
    in_bulk = [0.0]
    bulk = rebuild.engine.bulk

    def timed_bulk(*args, **kwargs):
        started = time.perf_counter()
        try:
            return bulk(*args, **kwargs)
        finally:
            in_bulk[0] += time.perf_counter() - started

    rebuild.engine.bulk = timed_bulk
    before = rss_mb()
    started = time.perf_counter()
    outcome = rebuild.rebuild(restart=True, from_source=src)
    seconds = time.perf_counter() - started
    assert outcome.status == "done", outcome
    result = {"source": source, "engine": engine_name, "size": size, "documents": outcome.indexed, "seconds": seconds,
              "rate": outcome.indexed / seconds, "bulk_seconds": in_bulk[0], "rss_before_mb": before,
              "peak_rss_mb": peak_rss_mb()}
    if queries:
        result.update(query_latency(queries, with_catalog=source == "dynamodb"))
    return result


def query_latency(count: int, with_catalog: bool) -> dict:
    from chalicelib.search import engine, fallback, service
    from chalicelib.search.settings import load

    settings = load()
    rng = random.Random(7)
    terms = [(rng.choice(("en", "cs")), rng.choice(WORDS)[: rng.randint(3, 8)]) for _ in range(count)]

    def median_ms(function, items) -> float:
        timings = []
        for item in items:
            started = time.perf_counter()
            function(*item)
            timings.append((time.perf_counter() - started) * 1000)
        return statistics.median(timings)

    engine_ms = median_ms(lambda lang, q: engine.search_ids(settings, lang, q, 11), terms)
    if not with_catalog:
        return {"engine_ms": engine_ms}
    # These read DynamoDB (moto here, slow per item): fewer of them.
    storefront_ms = median_ms(lambda lang, q: service.search(lang, q, limit=6), terms[:30])
    os.environ["SEARCH_FALLBACK_CACHE_SECONDS"] = "3600"
    fallback.READERS = 1  # parallel BatchGetItem calls pay off on DynamoDB; moto's server just times out
    fallback.reset()
    cold_started = time.perf_counter()
    fallback.search_ids(load(), "en", "river", 11)
    cold_ms = (time.perf_counter() - cold_started) * 1000
    cached_ms = median_ms(lambda lang, q: fallback.search_ids(load(), lang, q, 11), terms[:30])
    return {"engine_ms": engine_ms, "storefront_ms": storefront_ms, "fallback_cold_ms": cold_ms,
            "fallback_cached_ms": cached_ms}


def run_child(env: dict, source: str, size: int, queries: int, engine_name: str, url: str) -> dict:
    command = [sys.executable, __file__, "--child", source, "--size", str(size), "--queries", str(queries),
               "--engine", engine_name]
    result = subprocess.run(command, env={**env, "OPENSEARCH_URL": url}, capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        raise SystemExit(f"child {source} {size} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- a stub engine: just enough of the OpenSearch API for a rebuild, accepting every document ---------

class StubEngine(BaseHTTPRequestHandler):
    indices: dict[str, int] = {}  # name -> documents
    aliases: dict[str, set[str]] = {}  # alias -> indices
    protocol_version = "HTTP/1.1"

    def _body(self) -> bytes:
        data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        return gzip.decompress(data) if self.headers.get("Content-Encoding") == "gzip" else data

    def _answer(self, status: int, payload=None) -> None:
        data = b"" if payload is None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _aliases_of(self, name: str) -> dict:
        return {alias: {} for alias, members in self.aliases.items() if name in members}

    def _route(self) -> None:
        body = self._body()
        parts = [p for p in self.path.split("?")[0].split("/") if p]
        ok = {"acknowledged": True}
        if parts and parts[-1] == "_bulk":
            lines = body.splitlines()
            items = []
            for line in lines[0::2]:
                (kind, meta), = json.loads(line).items()
                self.indices[meta["_index"]] = self.indices.get(meta["_index"], 0) + 1
                items.append({kind: {"_id": meta.get("_id"), "_index": meta["_index"], "status": 201}})
            return self._answer(200, {"took": 1, "errors": False, "items": items})
        if parts == ["_aliases"]:
            for action in json.loads(body)["actions"]:
                (kind, spec), = action.items()
                members = self.aliases.setdefault(spec["alias"], set())
                (members.add if kind == "add" else members.discard)(spec["index"])
            return self._answer(200, ok)
        if len(parts) == 2 and parts[0] == "_alias":
            found = {name: {"aliases": {parts[1]: {}}} for name in self.aliases.get(parts[1], ())}
            return self._answer(200 if found else 404, found or {"error": "alias missing", "status": 404})
        if len(parts) == 2 and parts[1] == "_alias":
            names = [n for n in self.indices if fnmatch.fnmatch(n, parts[0])]
            return self._answer(200, {n: {"aliases": self._aliases_of(n)} for n in names})
        if len(parts) == 2 and parts[1] == "_count":
            names = self.aliases.get(parts[0]) or {parts[0]}
            return self._answer(200, {"count": sum(self.indices.get(n, 0) for n in names)})
        if len(parts) == 2 and parts[1] in ("_settings", "_refresh"):
            return self._answer(200, ok)
        if len(parts) == 1:
            name = parts[0]
            if self.command == "PUT":
                self.indices[name] = 0
                return self._answer(200, {**ok, "index": name})
            if self.command == "DELETE":
                self.indices.pop(name, None)
                for members in self.aliases.values():
                    members.discard(name)
                return self._answer(200, ok)
            return self._answer(200 if name in self.indices else 404)
        return self._answer(400, {"error": f"stub engine: {self.command} {self.path} not implemented"})

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _route

    def log_message(self, *args) -> None:
        pass


def start_stub() -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), StubEngine)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# --- the parent: emulated AWS, engine, data ------------------------------------------------------------

def load_dynamodb(size: int) -> None:
    """Attribute values the products use (the rebuild's lookup reads them), then the products as items."""
    from chalicelib.catalog.pricelists import service as pricelists
    from chalicelib.catalog.reference.store import ATTRIBUTE_TYPES, BASE_ATTRIBUTES
    from chalicelib.core.store import db
    from chalicelib.localization import service as localization

    localization.create_currency({"code": "CZK", "symbol": "Kč", "symbol_position": "AFTER"})
    localization.create_country({"code": "CZ", "name": "Czechia", "locale": "cs", "default_price_list": "CZK"})
    localization.create_vat_group({"name": "Standard", "rate": "21", "country": "CZ", "is_default": True})
    pricelists.create_price_list({"code": "CZK", "currency": "CZK", "is_default": True, "rounding": False})
    kind = ATTRIBUTE_TYPES.create({"type_name": "kind", "unit": "", "value_type": "TEXT",
                                   "translations": {"en": {"name": "Kind"}, "cs": {"name": "Druh"}}})
    attribute_ids = [int(BASE_ATTRIBUTES.create({"type": kind["id"], "value": f"v{i}", "order": None,
                                                 "translations": {"en": {"name": f"Value {i}"},
                                                                  "cs": {"name": f"Hodnota {i}"}}})["id"])
                     for i in range(ATTRIBUTE_VALUES)]
    table = db.table("main")
    for start in range(1, size + 1, 25):
        batch = [product(i, attribute_ids) for i in range(start, min(size, start + 24) + 1)]
        pending = {table: [{"PutRequest": {"Item": db.serialize(item)}} for item in batch]}
        while pending:
            pending = db.client().batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}


def report(r: dict) -> None:
    print(f"  {r['source']:<10} {r['engine']:<6} {r['size']:>9,} {r['documents']:>10,} {r['seconds']:>8.1f} "
          f"{r['rate']:>11,.0f} {r['bulk_seconds'] / r['seconds']:>8.0%} {r['rss_before_mb']:>10.0f} MB "
          f"{r['peak_rss_mb']:>6.0f} MB", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--osmem-max", type=int, default=10_000, help="largest generated size also sent to osmem")
    parser.add_argument("--engine", default="osmem", help=argparse.SUPPRESS)
    parser.add_argument("--dynamodb-size", type=int, default=1_000,
                        help="products read back from moto (its Query walks the whole table per call)")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--child", choices=["generator", "dynamodb"])
    parser.add_argument("--size", type=int, default=0)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child_rebuild(args.child, args.size, args.queries, args.engine)))
        return 0

    import logging

    from moto.server import ThreadedMotoServer
    from osmem_server import OsmemServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    moto.start()
    osmem = OsmemServer.start(japanese=False)
    stub = start_stub()
    stub_url = f"http://127.0.0.1:{stub.server_address[1]}"
    host, port = moto.get_host_and_port()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "SEARCH_", "OPENSEARCH_"))},
           **BASE_ENV, "AWS_ENDPOINT_URL": f"http://{host}:{port}"}
    os.environ.update(env)
    try:
        from chalicelib.core.store.migrate import ensure_tables

        ensure_tables(log=lambda line: None)
        print("rebuild (a fresh process each; peak RSS is the whole process, target < 256 MB)")
        print(f"  {'source':<10} {'engine':<6} {'products':>9} {'documents':>10} {'seconds':>8} {'products/s':>11} "
              f"{'in bulk':>8} {'RSS at start':>13} {'peak RSS':>9}")
        latency = {}
        for size in args.sizes:
            report(run_child(env, "generator", size, 0, "stub", stub_url))
            if size <= args.osmem_max:
                latency[size] = run_child(env, "generator", size, args.queries, "osmem", osmem.url)
                report(latency[size])
        if args.dynamodb_size:
            started = time.perf_counter()
            load_dynamodb(args.dynamodb_size)
            loaded = time.perf_counter() - started
            r = run_child(env, "dynamodb", args.dynamodb_size, args.queries, "osmem", osmem.url)
            report(r)
            print(f"  ({args.dynamodb_size:,} products written to moto with batch writes in {loaded:.1f} s)")
        if args.queries:
            print(f"query latency, median of {args.queries} one-word queries (en/cs, 3-8 letters; of the first "
                  f"{min(30, args.queries)} where DynamoDB is read):")
            rows = [(f"engine query (osmem-server), {size:,} products", m["engine_ms"]) for size, m in latency.items()]
            if args.dynamodb_size:
                n = f"{args.dynamodb_size:,} products"
                rows += [(f"engine query (osmem-server), {n}", r["engine_ms"]),
                         (f"storefront search (engine + items from moto), {n}", r["storefront_ms"]),
                         (f"fallback, corpus cached, {n}", r["fallback_cached_ms"]),
                         (f"fallback, cold (reads the catalog), {n}", r["fallback_cold_ms"])]
            for label, value in rows:
                print(f"  {label:<58} {value:8.1f} ms")
    finally:
        stub.shutdown()
        osmem.close()
        moto.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
