"""infra/ renders the same tables that migrate creates."""

from chalicelib.core.store import db
from infra.template import build


def test_template_tables_match_migrated_tables(aws):
    resources = build("test")["Resources"]
    tables = {r["Properties"]["TableName"]: r["Properties"] for r in resources.values()
              if r["Type"] == "AWS::DynamoDB::Table"}
    assert set(tables) == {"test-main", "test-outbox"}
    for name, properties in tables.items():
        live = db.client().describe_table(TableName=name)["Table"]
        assert properties["KeySchema"] == live["KeySchema"]
        assert sorted(i["IndexName"] for i in properties.get("GlobalSecondaryIndexes", [])) == sorted(
            i["IndexName"] for i in live.get("GlobalSecondaryIndexes", []))
        assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        assert properties["TimeToLiveSpecification"]["AttributeName"] == "ttl"
    assert tables["test-outbox"]["StreamSpecification"] == {"StreamViewType": "NEW_IMAGE"}
