"""infra/local/moto_fast.py changes no answer of moto's DynamoDB: the same requests, sent through boto3
to moto without the patch and then with it, get the same responses, leave the same items and the
same stream records."""

from __future__ import annotations

import contextlib

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from chalicelib.core.store.tables import MAIN, OUTBOX, create_table_request
from infra.local import moto_fast

MAIN_TABLE, OUTBOX_TABLE, SCORES_TABLE, TAGS_TABLE = "fast-main", "fast-outbox", "fast-scores", "fast-tags"
# A record's random id and its time differ between any two runs; moto's SizeBytes is the length of the
# record's JSON, time included, so it differs by a byte or two with the time's digits.
UNSTABLE_STREAM_FIELDS = ("eventID", "ApproximateCreationDateTime", "SizeBytes")


def S(value):  # noqa: N802 - DynamoDB's own type letters read best here
    return {"S": value}


def N(value):  # noqa: N802
    return {"N": str(value)}


def _create_tables(ddb) -> None:
    ddb.create_table(**create_table_request(MAIN, MAIN_TABLE))
    ddb.create_table(**create_table_request(OUTBOX, OUTBOX_TABLE))
    # A number range key, an LSI and a GSI without a range key (the table's range key orders it).
    ddb.create_table(
        TableName=SCORES_TABLE, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": name, "AttributeType": kind} for name, kind in
                              (("PK", "S"), ("SK", "N"), ("score", "N"), ("kind", "S"))],
        LocalSecondaryIndexes=[{"IndexName": "by_score", "Projection": {"ProjectionType": "ALL"},
                                "KeySchema": [{"AttributeName": "PK", "KeyType": "HASH"},
                                              {"AttributeName": "score", "KeyType": "RANGE"}]}],
        GlobalSecondaryIndexes=[{"IndexName": "by_kind", "Projection": {"ProjectionType": "ALL"},
                                 "KeySchema": [{"AttributeName": "kind", "KeyType": "HASH"}]}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    # A hash-only table with a GSI.
    ddb.create_table(
        TableName=TAGS_TABLE, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"},
                              {"AttributeName": "tag", "AttributeType": "S"}],
        GlobalSecondaryIndexes=[{"IndexName": "by_tag", "Projection": {"ProjectionType": "KEYS_ONLY"},
                                 "KeySchema": [{"AttributeName": "tag", "KeyType": "HASH"},
                                               {"AttributeName": "id", "KeyType": "RANGE"}]}],
    )


def _background_items():
    """Items in other partitions, so that an answer built from the whole table would show."""
    for n in range(240):
        item = {"PK": S(f"P#{n % 24}"), "SK": S(f"S#{n:04d}"), "n": N(n), "GSI1PK": S(f"K#{n % 7}"),
                "GSI2PK": S(f"G2#{n % 3}"), "GSI2SK": S(f"{n:04d}")}
        if n % 5:
            item["GSI1SK"] = S(f"{n % 13:02d}#{n}")  # a sparse GSI: items without GSI1SK are not in it
        yield MAIN_TABLE, item
    for n in range(60):
        yield SCORES_TABLE, {"PK": S(f"U#{n % 6}"), "SK": N(n), "score": N((n * 37) % 50),
                             "kind": S(("gold", "silver", "bronze")[n % 3])}
    for n in range(40):
        yield TAGS_TABLE, {"id": S(f"T{n:02d}"), "tag": S(f"tag{n % 4}")}


QUERIES = [
    {"TableName": MAIN_TABLE, "KeyConditionExpression": "PK = :p", "ExpressionAttributeValues": {":p": S("P#3")}},
    {"TableName": MAIN_TABLE, "KeyConditionExpression": "PK = :p AND begins_with(SK, :s)",
     "ExpressionAttributeValues": {":p": S("P#5"), ":s": S("S#00")}},
    {"TableName": MAIN_TABLE, "KeyConditionExpression": "PK = :p AND SK BETWEEN :a AND :b",
     "ExpressionAttributeValues": {":p": S("P#7"), ":a": S("S#0050"), ":b": S("S#0150")}, "ScanIndexForward": False},
    {"TableName": MAIN_TABLE, "KeyConditionExpression": "PK = :p", "FilterExpression": "n > :min",
     "ExpressionAttributeValues": {":p": S("P#1"), ":min": N(100)}},
    {"TableName": MAIN_TABLE, "KeyConditionExpression": "#pk = :p", "ProjectionExpression": "SK, #n",
     "ExpressionAttributeNames": {"#pk": "PK", "#n": "n"}, "ExpressionAttributeValues": {":p": S("P#2")}},
    {"TableName": MAIN_TABLE, "KeyConditionExpression": "PK = :p", "Select": "COUNT",
     "ExpressionAttributeValues": {":p": S("P#4")}},
    {"TableName": MAIN_TABLE, "KeyConditionExpression": "PK = :p", "ExpressionAttributeValues": {":p": S("nobody")}},
    {"TableName": MAIN_TABLE, "KeyConditionExpression": "PK = :p", "ExpressionAttributeValues": {":p": S("CART#1")}},
    {"TableName": MAIN_TABLE, "IndexName": "GSI1", "KeyConditionExpression": "GSI1PK = :p",
     "ExpressionAttributeValues": {":p": S("K#2")}},
    {"TableName": MAIN_TABLE, "IndexName": "GSI1", "KeyConditionExpression": "GSI1PK = :p AND begins_with(GSI1SK, :s)",
     "ExpressionAttributeValues": {":p": S("K#3"), ":s": S("0")}, "ScanIndexForward": False},
    {"TableName": MAIN_TABLE, "IndexName": "GSI1", "KeyConditionExpression": "GSI1PK = :p",
     "FilterExpression": "n < :max", "ExpressionAttributeValues": {":p": S("K#moved"), ":max": N(1000)}},
    {"TableName": MAIN_TABLE, "IndexName": "GSI2", "KeyConditionExpression": "GSI2PK = :p AND GSI2SK > :s",
     "ExpressionAttributeValues": {":p": S("G2#1"), ":s": S("0100")}},
    {"TableName": SCORES_TABLE, "IndexName": "by_score",
     "KeyConditionExpression": "PK = :p AND score BETWEEN :a AND :b",
     "ExpressionAttributeValues": {":p": S("U#2"), ":a": N(10), ":b": N(40)}},
    {"TableName": SCORES_TABLE, "KeyConditionExpression": "PK = :p AND SK >= :s",
     "ExpressionAttributeValues": {":p": S("U#1"), ":s": N(20)}, "ScanIndexForward": False},
    {"TableName": SCORES_TABLE, "IndexName": "by_kind", "KeyConditionExpression": "kind = :k",
     "ExpressionAttributeValues": {":k": S("silver")}},
    {"TableName": TAGS_TABLE, "KeyConditionExpression": "id = :i", "ExpressionAttributeValues": {":i": S("T07")}},
    {"TableName": TAGS_TABLE, "IndexName": "by_tag", "KeyConditionExpression": "tag = :t",
     "ExpressionAttributeValues": {":t": S("tag2")}},
    {"TableName": MAIN_TABLE, "IndexName": "GSI9", "KeyConditionExpression": "GSI1PK = :p",
     "ExpressionAttributeValues": {":p": S("K#1")}},
    {"TableName": MAIN_TABLE, "IndexName": "GSI1", "ConsistentRead": True, "KeyConditionExpression": "GSI1PK = :p",
     "ExpressionAttributeValues": {":p": S("K#1")}},
]
# Page through these with Limit and ExclusiveStartKey.
PAGED = [
    ({"TableName": MAIN_TABLE, "KeyConditionExpression": "PK = :p", "ExpressionAttributeValues": {":p": S("P#6")}}, 3),
    ({"TableName": MAIN_TABLE, "IndexName": "GSI1", "KeyConditionExpression": "GSI1PK = :p",
      "ExpressionAttributeValues": {":p": S("K#4")}, "ScanIndexForward": False}, 4),
    ({"TableName": SCORES_TABLE, "IndexName": "by_kind", "KeyConditionExpression": "kind = :k",
      "ExpressionAttributeValues": {":k": S("gold")}}, 6),
    ({"TableName": SCORES_TABLE, "IndexName": "by_score", "KeyConditionExpression": "PK = :p",
      "ExpressionAttributeValues": {":p": S("U#0")}}, 4),
]


class Recorder:
    """Every answer (or error) of one run, in order."""

    def __init__(self, ddb):
        self.ddb = ddb
        self.answers: list = []

    def call(self, label: str, operation: str, **request):
        try:
            answer = getattr(self.ddb, operation)(**request)
            answer.pop("ResponseMetadata", None)
        except ClientError as error:
            answer = {"Error": error.response["Error"],
                      "CancellationReasons": error.response.get("CancellationReasons")}
        self.answers.append((label, answer))
        return answer

    def queries(self, moment: str) -> None:
        for number, query in enumerate(QUERIES):
            self.call(f"{moment} query {number}", "query", **query)
        for number, (query, limit) in enumerate(PAGED):
            start, pages = None, 0
            while pages < 50:
                page = self.call(f"{moment} paged {number} page {pages}", "query", Limit=limit, **query,
                                 **({"ExclusiveStartKey": start} if start else {}))
                pages += 1
                start = page.get("LastEvaluatedKey")
                if not start:
                    break

    def tables(self, moment: str) -> None:
        for table in (MAIN_TABLE, OUTBOX_TABLE, SCORES_TABLE, TAGS_TABLE):
            self.call(f"{moment} scan {table}", "scan", TableName=table)
            count = self.ddb.describe_table(TableName=table)["Table"]["ItemCount"]
            self.answers.append((f"{moment} count {table}", count))

    def streams(self, streams_client) -> None:
        for table in (OUTBOX_TABLE, SCORES_TABLE):
            arn = self.ddb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
            shard = streams_client.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
            iterator = streams_client.get_shard_iterator(StreamArn=arn, ShardId=shard,
                                                         ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
            records = streams_client.get_records(ShardIterator=iterator, Limit=1000)["Records"]
            for record in records:
                for field in UNSTABLE_STREAM_FIELDS:
                    record.pop(field, None)
                    record["dynamodb"].pop(field, None)
            self.answers.append((f"stream {table}", records))


def _scenario(rec: Recorder) -> None:
    pending = [{"PutRequest": {"Item": item}, "table": table} for table, item in _background_items()]
    for start in range(0, len(pending), 25):
        batch: dict = {}
        for request in pending[start:start + 25]:
            batch.setdefault(request["table"], []).append({"PutRequest": request["PutRequest"]})
        rec.call("batch put", "batch_write_item", RequestItems=batch)
    rec.queries("filled")

    cart = {"PK": S("CART#1"), "SK": S("LINE#1"), "n": N(1), "GSI1PK": S("K#2"), "GSI1SK": S("cart")}
    rec.call("put new", "put_item", TableName=MAIN_TABLE, Item=cart, ConditionExpression="attribute_not_exists(PK)")
    rec.call("put exists", "put_item", TableName=MAIN_TABLE, Item=cart, ConditionExpression="attribute_not_exists(PK)")
    rec.call("put replaces", "put_item", TableName=MAIN_TABLE, ReturnValues="ALL_OLD",
             Item={**cart, "GSI1PK": S("K#5"), "n": N(2)})
    # moto's 400 KB limit (405,000 bytes as it counts: names, values, nested maps) on either side of it.
    near_limit = {"PK": S("BIG#1"), "SK": S("BIG"), "m": {"M": {"inner": S("x" * 1000), "n": N(7)}}}
    # PK 2+5, SK 2+3, m 1+(5+1000)+(1+1), blob 4+filler: the first put is exactly 405,000 bytes.
    filler = 405000 - (7 + 5 + 1008 + 4)
    rec.call("put at the size limit", "put_item", TableName=MAIN_TABLE, Item={**near_limit, "blob": S("y" * filler)})
    rec.call("put past the size limit", "put_item", TableName=MAIN_TABLE,
             Item={**near_limit, "SK": S("BIG2"), "blob": S("y" * (filler + 1))})
    rec.call("update past the size limit", "update_item", TableName=MAIN_TABLE,
             Key={"PK": S("BIG#1"), "SK": S("BIG")}, UpdateExpression="SET more = :s",
             ExpressionAttributeValues={":s": S("z")})
    rec.call("update moves GSI partition", "update_item", TableName=MAIN_TABLE,
             Key={"PK": S("P#3"), "SK": S("S#0003")}, ReturnValues="ALL_NEW",
             UpdateExpression="SET GSI1PK = :moved, n = n + :one", ConditionExpression="n = :three",
             ExpressionAttributeValues={":moved": S("K#moved"), ":one": N(1), ":three": N(3)})
    rec.call("update condition fails", "update_item", TableName=MAIN_TABLE,
             Key={"PK": S("P#4"), "SK": S("S#0004")}, UpdateExpression="SET GSI1PK = :moved",
             ConditionExpression="n = :wrong", ExpressionAttributeValues={":moved": S("K#moved"), ":wrong": N(99)})
    rec.call("update removes GSI key", "update_item", TableName=MAIN_TABLE, Key={"PK": S("P#10"), "SK": S("S#0010")},
             UpdateExpression="REMOVE GSI1PK, GSI1SK", ReturnValues="UPDATED_OLD")
    rec.call("update creates", "update_item", TableName=MAIN_TABLE, Key={"PK": S("P#3"), "SK": S("S#9999")},
             UpdateExpression="SET GSI1PK = :moved, GSI1SK = :s, n = :n",
             ExpressionAttributeValues={":moved": S("K#moved"), ":s": S("new"), ":n": N(5)})
    rec.call("update hash-only GSI", "update_item", TableName=TAGS_TABLE, Key={"id": S("T03")},
             UpdateExpression="SET tag = :t", ExpressionAttributeValues={":t": S("tag2")})
    rec.call("update number key table", "update_item", TableName=SCORES_TABLE, Key={"PK": S("U#2"), "SK": N(2)},
             UpdateExpression="SET kind = :k, score = :s", ExpressionAttributeValues={":k": S("silver"), ":s": N(25)})
    rec.call("delete condition fails", "delete_item", TableName=MAIN_TABLE, Key={"PK": S("P#1"), "SK": S("S#0001")},
             ConditionExpression="n = :wrong", ExpressionAttributeValues={":wrong": N(7)})
    rec.call("delete", "delete_item", TableName=MAIN_TABLE, Key={"PK": S("P#2"), "SK": S("S#0026")},
             ReturnValues="ALL_OLD")
    rec.call("delete hash-only", "delete_item", TableName=TAGS_TABLE, Key={"id": S("T06")})
    rec.call("batch deletes and puts", "batch_write_item", RequestItems={MAIN_TABLE: [
        {"DeleteRequest": {"Key": {"PK": S("P#4"), "SK": S("S#0028")}}},
        {"PutRequest": {"Item": {"PK": S("P#4"), "SK": S("S#5000"), "GSI1PK": S("K#4"), "GSI1SK": S("zz"), "n": N(0)}}},
    ]})
    rec.queries("written")

    event = {"PK": S("EVENT#1"), "SK": S("order.placed"), "payload": S("{}")}
    rec.call("transaction", "transact_write_items", TransactItems=[
        {"Put": {"TableName": MAIN_TABLE, "Item": {"PK": S("ORDER#1"), "SK": S("ORDER"), "GSI1PK": S("K#2"),
                                                   "GSI1SK": S("order"), "n": N(1)},
                 "ConditionExpression": "attribute_not_exists(PK)"}},
        {"Update": {"TableName": MAIN_TABLE, "Key": {"PK": S("P#1"), "SK": S("S#0001")},
                    "UpdateExpression": "SET n = n - :one, GSI1PK = :moved",
                    "ConditionExpression": "n >= :one",
                    "ExpressionAttributeValues": {":one": N(1), ":moved": S("K#moved")}}},
        {"Delete": {"TableName": MAIN_TABLE, "Key": {"PK": S("CART#1"), "SK": S("LINE#1")}}},
        {"ConditionCheck": {"TableName": MAIN_TABLE, "Key": {"PK": S("P#6"), "SK": S("S#0006")},
                            "ConditionExpression": "attribute_exists(PK)"}},
        {"Put": {"TableName": OUTBOX_TABLE, "Item": event}},
        {"Update": {"TableName": SCORES_TABLE, "Key": {"PK": S("U#0"), "SK": N(0)},
                    "UpdateExpression": "SET kind = :k", "ExpressionAttributeValues": {":k": S("silver")}}},
    ])
    # Cancelled by the last operation, after the others wrote (moved GSI keys, new partitions, a delete).
    rec.call("transaction cancelled", "transact_write_items", TransactItems=[
        {"Put": {"TableName": MAIN_TABLE, "Item": {"PK": S("ORDER#2"), "SK": S("ORDER"), "GSI1PK": S("K#2"),
                                                   "GSI1SK": S("order2")}}},
        {"Update": {"TableName": MAIN_TABLE, "Key": {"PK": S("P#6"), "SK": S("S#0054")},
                    "UpdateExpression": "SET GSI1PK = :moved REMOVE GSI2PK",
                    "ExpressionAttributeValues": {":moved": S("K#moved")}}},
        {"Delete": {"TableName": MAIN_TABLE, "Key": {"PK": S("P#7"), "SK": S("S#0007")}}},
        {"Delete": {"TableName": TAGS_TABLE, "Key": {"id": S("T01")}}},
        {"Put": {"TableName": OUTBOX_TABLE, "Item": {**event, "PK": S("EVENT#2")}}},
        {"Update": {"TableName": SCORES_TABLE, "Key": {"PK": S("U#1"), "SK": N(1)},
                    "UpdateExpression": "SET kind = :k", "ExpressionAttributeValues": {":k": S("gold")}}},
        {"ConditionCheck": {"TableName": MAIN_TABLE, "Key": {"PK": S("P#8"), "SK": S("S#0008")},
                            "ConditionExpression": "n = :wrong", "ExpressionAttributeValues": {":wrong": N(-1)}}},
    ])
    rec.call("transaction same item twice", "transact_write_items", TransactItems=[
        {"Put": {"TableName": MAIN_TABLE, "Item": {"PK": S("ORDER#3"), "SK": S("ORDER")}}},
        {"Delete": {"TableName": MAIN_TABLE, "Key": {"PK": S("P#9"), "SK": S("S#0009")}}},
        {"Put": {"TableName": MAIN_TABLE, "Item": {"PK": S("ORDER#3"), "SK": S("ORDER"), "n": N(2)}}},
    ])
    rec.call("transaction invalid update", "transact_write_items", TransactItems=[
        {"Put": {"TableName": MAIN_TABLE, "Item": {"PK": S("ORDER#4"), "SK": S("ORDER"), "GSI1PK": S("K#2"),
                                                   "GSI1SK": S("order4")}}},
        {"Update": {"TableName": MAIN_TABLE, "Key": {"PK": S("P#11"), "SK": S("S#0011")},
                    "UpdateExpression": "SET n = n + :missing"}},
    ])
    rec.call("transaction two ops in one", "transact_write_items", TransactItems=[
        {"Put": {"TableName": MAIN_TABLE, "Item": {"PK": S("ORDER#5"), "SK": S("ORDER")}}},
        {"Put": {"TableName": MAIN_TABLE, "Item": {"PK": S("ORDER#6"), "SK": S("ORDER")}},
         "Delete": {"TableName": MAIN_TABLE, "Key": {"PK": S("P#12"), "SK": S("S#0012")}}},
    ])
    rec.call("get after cancelled", "get_item", TableName=MAIN_TABLE, Key={"PK": S("P#7"), "SK": S("S#0007")})
    rec.call("get order 2", "get_item", TableName=MAIN_TABLE, Key={"PK": S("ORDER#2"), "SK": S("ORDER")})
    rec.queries("transactions")
    rec.tables("end")


@contextlib.contextmanager
def _moto(patched: bool):
    """An emulated AWS with the project's tables, with or without the patch."""
    if patched:
        assert moto_fast.install()
    else:
        moto_fast.uninstall()
    with mock_aws():
        ddb = boto3.client("dynamodb", region_name="eu-central-1")
        _create_tables(ddb)
        yield ddb


def _run(patched: bool) -> list:
    with _moto(patched) as ddb:
        rec = Recorder(ddb)
        _scenario(rec)
        rec.streams(boto3.client("dynamodbstreams", region_name="eu-central-1"))
        return rec.answers


@pytest.fixture
def patch_restored():
    """Leave the patch installed after the test, as conftest installed it."""
    yield
    moto_fast.install()


def test_patched_moto_answers_as_moto_does(patch_restored):
    plain, patched = _run(patched=False), _run(patched=True)

    assert [label for label, _ in patched] == [label for label, _ in plain]
    for (label, expected), (_, answer) in zip(plain, patched, strict=True):
        assert answer == expected, label


def test_scenario_sees_what_it_compares(patch_restored):
    """The comparison covers real answers: found items, moved GSI keys, a cancellation, a rollback."""
    answers = dict(_run(patched=True))

    assert answers["filled query 0"]["Count"] == 10
    assert answers["filled paged 0 page 0"]["Count"] == 3 and "LastEvaluatedKey" in answers["filled paged 0 page 0"]
    moved = answers["transactions query 10"]["Items"]
    assert {(item["PK"]["S"], item["SK"]["S"]) for item in moved} == {("P#3", "S#0003"), ("P#3", "S#9999"),
                                                                       ("P#1", "S#0001")}
    cancelled = answers["transaction cancelled"]
    assert cancelled["Error"]["Code"] == "TransactionCanceledException"
    assert [reason["Code"] for reason in cancelled["CancellationReasons"]] == ["None"] * 6 + ["ConditionalCheckFailed"]
    assert "Item" in answers["get after cancelled"] and "Item" not in answers["get order 2"]
    assert answers["transaction same item twice"]["Error"]["Code"] == "ValidationException"
    assert "Error" not in answers["put at the size limit"]
    for over in ("put past the size limit", "update past the size limit"):
        assert answers[over]["Error"]["Code"] == "ValidationException", over
        assert "exceeded the maximum allowed size" in answers[over]["Error"]["Message"], over
    outbox = answers[f"stream {OUTBOX_TABLE}"]
    assert [record["dynamodb"]["Keys"]["PK"]["S"] for record in outbox] == ["EVENT#1"]


def test_restored_table_answers_from_its_own_items(patch_restored):
    """A table restored from a backup is a new item store: its GSI answers come from its items."""
    def run(patched):
        with _moto(patched) as ddb:
            query = {"IndexName": "GSI1", "KeyConditionExpression": "GSI1PK = :p",
                     "ExpressionAttributeValues": {":p": S("K#1")}}
            ddb.put_item(TableName=MAIN_TABLE, Item={"PK": S("A"), "SK": S("1"), "GSI1PK": S("K#1"), "GSI1SK": S("a")})
            ddb.query(TableName=MAIN_TABLE, **query)  # builds the source table's index
            backup = ddb.create_backup(TableName=MAIN_TABLE, BackupName="before-b")["BackupDetails"]["BackupArn"]
            ddb.put_item(TableName=MAIN_TABLE, Item={"PK": S("B"), "SK": S("1"), "GSI1PK": S("K#1"), "GSI1SK": S("b")})
            ddb.restore_table_from_backup(TargetTableName="restored", BackupArn=backup)
            ddb.put_item(TableName="restored", Item={"PK": S("C"), "SK": S("1"), "GSI1PK": S("K#1"), "GSI1SK": S("c")})
            return [[item["PK"]["S"] for item in ddb.query(TableName=name, **query)["Items"]]
                    for name in (MAIN_TABLE, "restored")]

    assert run(patched=True) == run(patched=False) == [["A", "B"], ["A", "C"]]


def test_items_are_not_kept_for_the_dashboard(patch_restored):
    """Without the patch moto keeps every item it ever made (each query's copies too) until mock_aws ends."""
    from moto.dynamodb.models.dynamo_type import Item

    def items_kept_by_queries(patched):
        if patched:
            assert moto_fast.install()
        else:
            moto_fast.uninstall()
        with mock_aws():
            ddb = boto3.client("dynamodb", region_name="eu-central-1")
            _create_tables(ddb)
            for n in range(5):
                ddb.put_item(TableName=MAIN_TABLE, Item={"PK": S("P"), "SK": S(str(n))})
            before = len(Item.instances_tracked)
            for _ in range(20):
                ddb.query(TableName=MAIN_TABLE, KeyConditionExpression="PK = :p",
                          ExpressionAttributeValues={":p": S("P")})
            return len(Item.instances_tracked) - before

    assert items_kept_by_queries(patched=False) >= 100
    assert items_kept_by_queries(patched=True) == 0


def test_imported_table_answers_as_moto_does(patch_restored):
    """ImportTable writes from its own thread through put_item(item_attrs=...), the GSI index sees it."""
    import json
    import time

    lines = "\n".join(json.dumps({"Item": {"PK": S(f"P#{n % 4}"), "SK": S(f"{n:03d}"), "GSI1PK": S(f"K#{n % 3}"),
                                           "GSI1SK": S(str(n))}}) for n in range(30))

    def run(patched):
        if patched:
            assert moto_fast.install()
        else:
            moto_fast.uninstall()
        with mock_aws():
            s3 = boto3.client("s3", region_name="eu-central-1")
            s3.create_bucket(Bucket="exports", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
            s3.put_object(Bucket="exports", Key="data/part-0.json", Body=lines.encode())
            ddb = boto3.client("dynamodb", region_name="eu-central-1")
            request = create_table_request(MAIN, "imported")
            fields = ("TableName", "KeySchema", "BillingMode", "AttributeDefinitions", "GlobalSecondaryIndexes")
            arn = ddb.import_table(
                S3BucketSource={"S3Bucket": "exports", "S3KeyPrefix": "data/"}, InputFormat="DYNAMODB_JSON",
                TableCreationParameters={field: request[field] for field in fields},
            )["ImportTableDescription"]["ImportArn"]
            for _ in range(100):
                status = ddb.describe_import(ImportArn=arn)["ImportTableDescription"]
                if status["ImportStatus"] != "IN_PROGRESS":
                    break
                time.sleep(0.05)
            answers = [status["ImportStatus"], status.get("ImportedItemCount")]
            for query in ({"KeyConditionExpression": "PK = :v", "ExpressionAttributeValues": {":v": S("P#1")}},
                          {"IndexName": "GSI1", "KeyConditionExpression": "GSI1PK = :v",
                           "ExpressionAttributeValues": {":v": S("K#2")}}):
                answers.append(ddb.query(TableName="imported", **query)["Items"])
            return answers

    plain, patched = run(patched=False), run(patched=True)
    assert patched == plain
    assert plain[:2] == ["COMPLETED", 30] and len(plain[2]) == 8 and len(plain[3]) == 10


def test_answers_written_as_json_keep_every_type(patch_restored):
    """The data-plane answers moto_fast writes with json.dumps: binary, sets, maps, lists, null, numbers,
    consumed capacity and a transaction's item reads, as moto's own serializer writes them."""
    item = {"PK": S("T"), "SK": S("1"), "bin": {"B": b"\x00\xffdata"}, "bins": {"BS": [b"a", b"b"]},
            "nums": {"NS": ["1", "2.5"]}, "strs": {"SS": ["x", "y"]}, "nothing": {"NULL": True},
            "flag": {"BOOL": False}, "deep": {"M": {"list": {"L": [N("7"), S("é"), {"M": {}}]}}}}

    def run(patched):
        with _moto(patched) as ddb:
            answers = [ddb.put_item(TableName=MAIN_TABLE, Item=item, ReturnConsumedCapacity="TOTAL")]
            key = {"PK": S("T"), "SK": S("1")}
            answers.append(ddb.get_item(TableName=MAIN_TABLE, Key=key, ReturnConsumedCapacity="INDEXES"))
            answers.append(ddb.query(TableName=MAIN_TABLE, KeyConditionExpression="PK = :p",
                                     ExpressionAttributeValues={":p": S("T")}, ReturnConsumedCapacity="TOTAL"))
            missing = {"PK": S("none"), "SK": S("1")}
            answers.append(ddb.batch_get_item(RequestItems={MAIN_TABLE: {"Keys": [key, missing]}}))
            answers.append(ddb.transact_get_items(TransactItems=[{"Get": {"TableName": MAIN_TABLE, "Key": key}}]))
            answers.append(ddb.update_item(TableName=MAIN_TABLE, Key=key, UpdateExpression="ADD nums :n",
                                           ExpressionAttributeValues={":n": {"NS": ["3"]}}, ReturnValues="ALL_NEW"))
            answers.append(ddb.scan(TableName=MAIN_TABLE, Limit=1))
            for answer in answers:
                answer.pop("ResponseMetadata")
            return answers

    patched, plain = run(patched=True), run(patched=False)
    assert patched == plain
    assert patched[1]["Item"]["bin"] == {"B": b"\x00\xffdata"} and patched[1]["ConsumedCapacity"]["TableName"]
