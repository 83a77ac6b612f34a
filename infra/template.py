"""CloudFormation resources Chalice does not create, rendered from the project's own definitions.

`python -m infra.template --stage prod > build/resources.json`; `chalice package --merge-template`
merges it into the SAM template. Tables come from chalicelib/core/store/tables.py, the same
definitions `migrate` and the local stack use; queues and their dead-letter queues from
chalicelib/core/queues.py, the same definitions `ensure_queues()` creates locally.

Chalice creates the notification handlers' event source mappings but cannot point them at resources
of this template, nor enable SQS/stream partial batch responses; the function fragments below do both
(the deep merge adds these properties to the functions `chalice package` generates).
"""

from __future__ import annotations

import argparse
import json
import sys

from chalice.utils import to_cfn_resource_name

from chalicelib.core.queues import QUEUES, QueueSpec
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


def queue_logical_id(spec: QueueSpec, dlq: bool = False) -> str:
    return to_cfn_resource_name(spec.logical) + ("DeadLetterQueue" if dlq else "Queue")


def queue_resources(spec: QueueSpec, table_prefix: str) -> dict:
    name = f"{table_prefix}-{spec.logical}"
    dlq_id = queue_logical_id(spec, dlq=True)
    return {
        dlq_id: {
            "Type": "AWS::SQS::Queue",
            "Properties": {"QueueName": f"{name}-dlq", "MessageRetentionPeriod": spec.dlq_retention,
                           "SqsManagedSseEnabled": True},
        },
        queue_logical_id(spec): {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": name,
                "VisibilityTimeout": spec.visibility_timeout,
                "MessageRetentionPeriod": spec.retention,
                "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": [dlq_id, "Arn"]},
                                  "maxReceiveCount": spec.max_receive_count},
                "SqsManagedSseEnabled": True,
            },
        },
    }


def _function_event(function: str, event: str, properties: dict, depends_on: str | None = None) -> dict:
    """A fragment of a Chalice-generated function: extra properties of one of its event sources.

    The merge is deep for objects and replaces everything else, so a value given here either adds
    keys (FunctionResponseTypes) or replaces a string (the stream placeholder, the queue name inside
    Chalice's `Fn::Sub`, which Chalice computed from the packaging machine's TABLE_PREFIX)."""
    fragment: dict = {
        "Type": "AWS::Serverless::Function",
        "Properties": {"Events": {to_cfn_resource_name(event): {"Properties": properties}}},
    }
    if depends_on:  # a Fn::Sub'd ARN does not order the mapping after the queue by itself
        fragment["DependsOn"] = [depends_on]
    return {to_cfn_resource_name(function): fragment}


def handler_fragments(table_prefix: str) -> dict:
    from chalicelib.notifications.handlers import OUTBOX_HANDLER

    partial = {"FunctionResponseTypes": ["ReportBatchItemFailures"]}
    fragments = {}
    for spec in QUEUES.values():
        arn = f"arn:${{AWS::Partition}}:sqs:${{AWS::Region}}:${{AWS::AccountId}}:{table_prefix}-{spec.logical}"
        fragments.update(_function_event(spec.consumer, f"{spec.consumer}-sqs-event-source",
                                         {"Queue": {"Fn::Sub": arn}, **partial}, queue_logical_id(spec)))
    outbox = logical_id(TABLES["outbox"])
    fragments.update(_function_event(OUTBOX_HANDLER, f"{OUTBOX_HANDLER}-dynamodb-event-source",
                                     {"Stream": {"Fn::GetAtt": [outbox, "StreamArn"]}, **partial}))
    return fragments


def build(table_prefix: str) -> dict:
    resources = {logical_id(spec): table_resource(spec, table_prefix) for spec in TABLES.values()}
    for spec in QUEUES.values():
        resources.update(queue_resources(spec, table_prefix))
    resources.update(handler_fragments(table_prefix))
    return {"Resources": resources}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stage", default="dev")
    args = parser.parse_args(argv)
    json.dump(build(f"ecoseller-{args.stage}"), sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
