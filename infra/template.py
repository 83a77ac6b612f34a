"""CloudFormation resources Chalice does not create, rendered from the project's own definitions.

`python -m infra.template --stage prod > build/resources.json`; `chalice package --merge-template`
merges it into the SAM template. Tables come from chalicelib/core/store/tables.py, the same
definitions `migrate` and the local stack use.
"""

from __future__ import annotations

import argparse
import json
import sys

from chalicelib.core.store.tables import TABLES, TableSpec, gsi_definition, key_schema


def logical_id(spec: TableSpec) -> str:
    return "".join(part.title() for part in spec.logical.split("-")) + "Table"


def table_resource(spec: TableSpec, table_prefix: str) -> dict:
    properties: dict = {
        "TableName": f"{table_prefix}-{spec.logical}",
        "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": key_schema(spec.hash_key, spec.range_key),
        "AttributeDefinitions": [{"AttributeName": a, "AttributeType": "S"} for a in spec.attributes()],
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        "SSESpecification": {"SSEEnabled": True},
    }
    if spec.indexes:
        properties["GlobalSecondaryIndexes"] = [gsi_definition(index) for index in spec.indexes]
    if spec.stream:
        properties["StreamSpecification"] = {"StreamViewType": spec.stream}
    if spec.ttl_attribute:
        properties["TimeToLiveSpecification"] = {"AttributeName": spec.ttl_attribute, "Enabled": True}
    return {
        "Type": "AWS::DynamoDB::Table",
        # Data outlives a stack deletion or a replacement by mistake.
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": properties,
    }


def build(table_prefix: str) -> dict:
    return {"Resources": {logical_id(spec): table_resource(spec, table_prefix) for spec in TABLES.values()}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stage", default="dev")
    args = parser.parse_args(argv)
    json.dump(build(f"ecoseller-{args.stage}"), sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
