"""The DynamoDB layer through real boto3 calls against moto."""

from __future__ import annotations

import pytest

from chalicelib.core.store import db, keys
from chalicelib.core.store.migrate import migrate
from chalicelib.core.store.write import Put
from chalicelib.migrations import MIGRATIONS


def test_migrate_is_idempotent(aws):
    lines: list[str] = []
    assert migrate(MIGRATIONS, log=lines.append) == []
    assert lines == ["nothing to migrate: tables and data are up to date"]
    tables = db.client().list_tables()["TableNames"]
    assert {"test-main", "test-outbox"} <= set(tables)
    outbox = db.client().describe_table(TableName="test-outbox")["Table"]
    assert outbox["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    ttl = db.client().describe_time_to_live(TableName="test-main")["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "ttl"}


def test_migrate_adds_a_missing_index_to_an_existing_table(aws):
    from chalicelib.core.store.tables import MAIN, create_table_request

    db.client().delete_table(TableName="test-main")
    request = create_table_request(MAIN, "test-main")
    del request["GlobalSecondaryIndexes"]
    request["AttributeDefinitions"] = [
        a for a in request["AttributeDefinitions"] if not a["AttributeName"].startswith("GSI")]
    db.client().create_table(**request)
    lines: list[str] = []
    migrate(MIGRATIONS, log=lines.append)
    assert "added index GSI1 to test-main" in lines and "added index GSI2 to test-main" in lines
    assert "applied migration 0001_default_groups" in lines  # the data went with the old table
    indexes = db.client().describe_table(TableName="test-main")["Table"]["GlobalSecondaryIndexes"]
    assert sorted(i["IndexName"] for i in indexes) == ["GSI1", "GSI2"]


def test_counter_hands_out_increasing_ids_and_can_be_raised(aws):
    # The increment is one server-side `ADD` (atomic in DynamoDB). moto does not lock items between
    # threads, so concurrency itself is DynamoDB's guarantee and is not re-tested here.
    assert [db.next_id("product") for _ in range(40)] == list(range(1, 41))
    assert db.next_id("category") == 1
    db.raise_counter_to("product", 100)
    assert db.next_id("product") == 101
    db.raise_counter_to("product", 50)  # never lowers
    assert db.next_id("product") == 102


def test_a_block_of_ids_is_reserved_in_one_call(aws):
    from tests.helpers import AwsCalls

    assert db.next_id("productprice") == 1
    with AwsCalls() as calls:
        assert db.next_ids("productprice", 3) == [2, 3, 4]
    assert calls.operations == ["UpdateItem"]
    assert db.next_id("productprice") == 5  # the block is taken: the next caller gets the id after it
    with AwsCalls() as calls:
        assert db.next_ids("productprice", 0) == []
    assert calls.operations == []


def test_put_new_refuses_duplicates_and_conditional_update(aws):
    item = {**keys.user("a@example.com"), "email": "a@example.com", "stock": 1}
    db.put_new("main", item)
    with pytest.raises(db.ConditionFailed):
        db.put_new("main", item)
    updated = db.update("main", keys.user("a@example.com"), set_fields={"stock": 0},
                        condition="#s >= :one", names={"#s": "stock"}, values={":one": 1})
    assert updated["stock"] == 0
    with pytest.raises(db.ConditionFailed):
        db.update("main", keys.user("a@example.com"), set_fields={"stock": -1},
                  condition="#s >= :one", names={"#s": "stock"}, values={":one": 1})
    assert db.get("main", keys.user("a@example.com"))["stock"] == 0


def test_transaction_is_all_or_nothing(aws):
    db.put_new("main", {"PK": "X", "SK": "1", "n": 1})
    with pytest.raises(db.TransactionFailed) as failed:
        db.transact([
            Put({"PK": "X", "SK": "2", "n": 2}),
            Put({"PK": "X", "SK": "1", "n": 9}, condition="attribute_not_exists(PK)"),
        ])
    assert failed.value.reasons == ["None", "ConditionalCheckFailed"]
    assert db.get("main", {"PK": "X", "SK": "2"}) is None
    db.transact([Put({"PK": "X", "SK": "2", "n": 2}),
                 Put({"PK": "evt-1", "SK": "EVENT", "type": "TEST"}, table="outbox")])
    assert db.get("outbox", {"PK": "evt-1", "SK": "EVENT"})["type"] == "TEST"


def test_query_pages_and_batch_get_beyond_one_call(aws):
    for index in range(150):
        db.put("main", {"PK": "LIST", "SK": f"{index:04d}", "GSI1PK": "ALL", "GSI1SK": f"{index:04d}"})
    listed = list(db.query("main", partition=("PK", "LIST")))
    assert len(listed) == 150 and listed[0]["SK"] == "0000"
    assert [i["SK"] for i in db.query("main", partition=("GSI1PK", "ALL"), index="GSI1", sort_prefix="001")] == [
        f"{i:04d}" for i in range(10, 20)]
    assert len(list(db.query("main", partition=("PK", "LIST"), limit=7))) == 7
    wanted = [{"PK": "LIST", "SK": f"{i:04d}"} for i in range(120)] + [{"PK": "LIST", "SK": "nope"}]
    found = db.batch_get("main", wanted)
    assert len(found) == 120


def test_local_snapshot_round_trips_binary_attributes(aws, tmp_path):
    from infra.local import snapshot

    db.put("main", {"PK": "LISTING#1", "SK": "LISTING", "entries": b"\x00\xffzip", "n": 3})
    assert snapshot.save_tables(tmp_path)["main"] >= 1
    db.delete("main", {"PK": "LISTING#1", "SK": "LISTING"})
    snapshot.restore_tables(tmp_path)
    restored = db.get("main", {"PK": "LISTING#1", "SK": "LISTING"})
    assert bytes(restored["entries"].value) == b"\x00\xffzip" and restored["n"] == 3
