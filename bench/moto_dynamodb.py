"""moto's DynamoDB with and without infra/local/moto_fast.py, in one run:

    .venv/bin/python bench/moto_dynamodb.py [--sizes 1000,100000] [--repeat 15] [--transactions 1000]

For each table size (items in other partitions of the project's main table, each with GSI keys):
the median time of a Query of one partition (10 items) and of a GSI query (10 items), and of a
TransactWriteItems of 6 items (5 puts and an update, as a checkout writes an order, its lines, the
stock and an outbox event); then the growth of resident memory (and of the Items moto keeps for its
dashboard) over `--transactions` such transactions, each followed by a Query, on the smallest table
(and, patched, on every table: unpatched, 1,000 transactions on 100,000 items take hours).
In-process moto through boto3, as the test suite runs it.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
                   "AWS_DEFAULT_REGION": "eu-central-1", "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled"})
os.environ.pop("AWS_ENDPOINT_URL", None)

TABLE = "bench-main"


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def fill(table, count: int) -> None:
    """`count` items in other partitions, straight into moto's table (the requests would take minutes)."""
    for n in range(count):
        table.put_item({"PK": {"S": f"PRODUCT#{n}"}, "SK": {"S": "DETAIL"}, "GSI1PK": {"S": f"KIND#{n % 50}"},
                        "GSI1SK": {"S": f"{n:08d}"}, "name": {"S": f"Product {n}"}, "stock": {"N": "100"}})


def median_ms(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


class Shop:
    def __init__(self, ddb):
        self.ddb = ddb
        self.orders = 0
        for n in range(10):
            ddb.put_item(TableName=TABLE, Item={"PK": {"S": "CART#1"}, "SK": {"S": f"LINE#{n}"},
                                                "GSI1PK": {"S": "KIND#cart"}, "GSI1SK": {"S": f"{n}"}})

    def query(self):
        return self.ddb.query(TableName=TABLE, KeyConditionExpression="PK = :p",
                              ExpressionAttributeValues={":p": {"S": "CART#1"}})

    def gsi_query(self):
        return self.ddb.query(TableName=TABLE, IndexName="GSI1", KeyConditionExpression="GSI1PK = :p",
                              ExpressionAttributeValues={":p": {"S": "KIND#cart"}})

    def transaction(self):
        self.orders += 1
        order = f"ORDER#{self.orders}"
        puts = [{"Put": {"TableName": TABLE, "Item": {"PK": {"S": order}, "SK": {"S": sk}, "total": {"N": "10"}},
                         "ConditionExpression": "attribute_not_exists(PK)"}}
                for sk in ("ORDER", "LINE#1", "LINE#2", "LINE#3", "EVENT")]
        stock = {"Update": {"TableName": TABLE, "Key": {"PK": {"S": "PRODUCT#0"}, "SK": {"S": "DETAIL"}},
                            "UpdateExpression": "SET stock = stock - :one", "ConditionExpression": "stock > :zero",
                            "ExpressionAttributeValues": {":one": {"N": "1"}, ":zero": {"N": "0"}}}}
        self.ddb.transact_write_items(TransactItems=[*puts, stock])


def run(patched: bool, sizes: list[int], repeat: int, transactions: int) -> list[str]:
    import boto3
    from moto import mock_aws
    from moto.dynamodb.models import dynamodb_backends

    from chalicelib.core.store.tables import MAIN, create_table_request
    from infra.local import moto_fast

    if patched:
        moto_fast.install()
    else:
        moto_fast.uninstall()
    label = "patched" if patched else "moto   "
    lines = []
    for size in sizes:
        with mock_aws():
            ddb = boto3.client("dynamodb", region_name="eu-central-1")
            ddb.create_table(**create_table_request(MAIN, TABLE))
            fill(dynamodb_backends["123456789012"]["eu-central-1"].tables[TABLE], size)
            enough_stock = {":s": {"N": str(10 * (transactions + repeat))}}
            ddb.update_item(TableName=TABLE, Key={"PK": {"S": "PRODUCT#0"}, "SK": {"S": "DETAIL"}},
                            UpdateExpression="SET stock = :s", ExpressionAttributeValues=enough_stock)
            shop = Shop(ddb)
            shop.gsi_query()  # the first GSI query of a table builds the patch's index (once per table)
            query = median_ms(shop.query, repeat)
            gsi = median_ms(shop.gsi_query, repeat)
            slow = size > 10_000 and not patched  # each unpatched transaction copies the whole table
            tx = median_ms(shop.transaction, 3 if slow else repeat)
            lines.append(f"{label} {size:>7} other items: Query {query:8.1f} ms   GSI Query {gsi:8.1f} ms   "
                         f"TransactWriteItems(6) {tx:9.1f} ms")
            if transactions and (size == min(sizes) or patched):
                lines.append(memory_growth(label, shop, transactions))
    return lines


def memory_growth(label: str, shop: Shop, transactions: int) -> str:
    from moto.dynamodb.models.dynamo_type import Item

    gc.collect()
    rss_before, kept_before = rss_mb(), len(Item.instances_tracked)
    started = time.perf_counter()
    for _ in range(transactions):
        shop.transaction()
        shop.query()
    elapsed = time.perf_counter() - started
    gc.collect()
    return (f"{label} {transactions} transactions (+ a Query each) in {elapsed:6.1f} s: "
            f"RSS +{rss_mb() - rss_before:7.1f} MB, Items kept for moto's dashboard "
            f"+{len(Item.instances_tracked) - kept_before}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--transactions", type=int, default=1000)
    parser.add_argument("--only", choices=("moto", "patched"), help="run one side only")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    lines = []
    for patched in (False, True):
        if args.only and args.only != ("patched" if patched else "moto"):
            continue
        lines += run(patched, sizes, args.repeat, args.transactions)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
