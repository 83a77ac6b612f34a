"""Every DynamoDB table, defined once.

`migrate` creates and updates them through boto3; `infra/` renders the same definitions as
CloudFormation; the local stack creates them in moto through `migrate`. Names are
`<TABLE_PREFIX>-<logical name>`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Index:
    name: str
    hash_key: str
    range_key: str | None = None
    projection: str = "ALL"  # or KEYS_ONLY: cheap id lists, items fetched by BatchGetItem


@dataclass(frozen=True)
class TableSpec:
    logical: str
    description: str
    hash_key: str = "PK"
    range_key: str | None = "SK"
    indexes: tuple[Index, ...] = field(default_factory=tuple)
    stream: str | None = None  # StreamViewType, or None for no stream
    ttl_attribute: str | None = "ttl"

    def attributes(self) -> list[str]:
        names = [self.hash_key] + ([self.range_key] if self.range_key else [])
        for index in self.indexes:
            names += [index.hash_key] + ([index.range_key] if index.range_key else [])
        return list(dict.fromkeys(names))


MAIN = TableSpec(
    logical="main",
    description="All entities as aggregates (key schema in keys.py); GSI1 lists entities by kind; "
    "GSI2 (keys only) lists large collections (products) whose items are then fetched by key.",
    indexes=(Index("GSI1", "GSI1PK", "GSI1SK"), Index("GSI2", "GSI2PK", "GSI2SK", projection="KEYS_ONLY")),
)

OUTBOX = TableSpec(
    logical="outbox",
    description="Transactional outbox: one item per domain event, written with the change; "
    "its stream feeds the events queue. Items expire after a week.",
    stream="NEW_IMAGE",
)

TABLES: dict[str, TableSpec] = {spec.logical: spec for spec in (MAIN, OUTBOX)}


def key_schema(hash_key: str, range_key: str | None) -> list[dict]:
    schema = [{"AttributeName": hash_key, "KeyType": "HASH"}]
    if range_key:
        schema.append({"AttributeName": range_key, "KeyType": "RANGE"})
    return schema


def gsi_definition(index: Index) -> dict:
    return {
        "IndexName": index.name,
        "KeySchema": key_schema(index.hash_key, index.range_key),
        "Projection": {"ProjectionType": index.projection},
    }


def create_table_request(spec: TableSpec, name: str) -> dict:
    """boto3 `create_table` arguments (on-demand billing, string keys)."""
    request = {
        "TableName": name,
        "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": key_schema(spec.hash_key, spec.range_key),
        "AttributeDefinitions": [{"AttributeName": a, "AttributeType": "S"} for a in spec.attributes()],
    }
    if spec.indexes:
        request["GlobalSecondaryIndexes"] = [gsi_definition(index) for index in spec.indexes]
    if spec.stream:
        request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": spec.stream}
    return request
