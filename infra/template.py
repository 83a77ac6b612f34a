"""CloudFormation resources Chalice does not create, rendered from the project's own definitions.

`python -m infra.template --stage prod > build/resources.json`; `chalice package --merge-template`
merges it into the SAM template. Tables come from chalicelib/core/store/tables.py, the same
definitions `migrate` and the local stack use; queues and their dead-letter queues from
chalicelib/core/queues.py, the same definitions `ensure_queues()` creates locally.

Chalice creates the notification handlers' event source mappings but cannot point them at resources
of this template, nor enable SQS/stream partial batch responses; the function fragments below do both
(the deep merge adds these properties to the functions `chalice package` generates).

Search: an Amazon OpenSearch Service domain (search_resources), an IAM policy letting the functions'
role call it (SigV4, no passwords), its endpoint handed to every function as OPENSEARCH_ENDPOINT
(SAM Globals), and the search handlers' stream mapping on the outbox stream (a stream takes two
consumers: the notification flow and the search index). The nightly rebuild's schedule is Chalice's
own (SEARCH_REBUILD_SCHEDULE of the stage, read when the app is packaged).

Around the app (infra/resources.py, infra/iam.py): the media bucket, the JWT signing secret, the
functions' log group, an alarm per dead-letter queue, the stack's parameters, the environment each
function reads from the stack, and the functions' role policy naming the stack's own resources.
`python -m infra.package` (`make package`) runs all of it and checks the result (infra/rules.py).
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
    # Said out loud (cfn-lint I3011): a queue holds only messages in flight, whose source of truth is the
    # outbox and the delivery log; nothing to keep when the stack goes.
    transient = {"DeletionPolicy": "Delete", "UpdateReplacePolicy": "Delete"}
    return {
        dlq_id: {
            "Type": "AWS::SQS::Queue",
            **transient,
            "Properties": {"QueueName": f"{name}-dlq", "MessageRetentionPeriod": spec.dlq_retention,
                           "SqsManagedSseEnabled": True},
        },
        queue_logical_id(spec): {
            "Type": "AWS::SQS::Queue",
            **transient,
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
    from chalicelib.search.handlers import OUTBOX_HANDLER as SEARCH_OUTBOX_HANDLER

    partial = {"FunctionResponseTypes": ["ReportBatchItemFailures"]}
    fragments = {}
    for spec in QUEUES.values():
        arn = f"arn:${{AWS::Partition}}:sqs:${{AWS::Region}}:${{AWS::AccountId}}:{table_prefix}-{spec.logical}"
        fragments.update(_function_event(spec.consumer, f"{spec.consumer}-sqs-event-source",
                                         {"Queue": {"Fn::Sub": arn}, **partial}, queue_logical_id(spec)))
    outbox = logical_id(TABLES["outbox"])
    for handler in (OUTBOX_HANDLER, SEARCH_OUTBOX_HANDLER):
        fragments.update(_function_event(handler, f"{handler}-dynamodb-event-source",
                                         {"Stream": {"Fn::GetAtt": [outbox, "StreamArn"]}, **partial}))
    return fragments


SEARCH_DOMAIN = "SearchDomain"
# What the search code sends (engine.py); named, not `es:ESHttp*`, in both the domain's and the role's policy.
SEARCH_ACTIONS = ["es:ESHttpDelete", "es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost", "es:ESHttpPut"]
# The role `chalice package` creates for every function (autogen_policy).
FUNCTION_ROLE = "DefaultRole"


def search_domain_name(table_prefix: str) -> str:
    """3-28 characters, lowercase letters, digits and hyphens, starting with a letter."""
    return f"{table_prefix}-search"[:28].rstrip("-")


def search_resources(table_prefix: str) -> dict:
    """The OpenSearch Service domain and the policy that lets the functions' role use it."""
    domain_arn = {"Fn::GetAtt": [SEARCH_DOMAIN, "Arn"]}
    return {
        SEARCH_DOMAIN: {
            "Type": "AWS::OpenSearchService::Domain",
            # The index is rebuilt from the tables (cli, or the nightly rebuild): nothing to keep.
            "DeletionPolicy": "Delete",
            "UpdateReplacePolicy": "Delete",
            "Properties": {
                "DomainName": search_domain_name(table_prefix),
                "EngineVersion": "OpenSearch_2.19",
                # Two data nodes in two zones: the index keeps one replica (SEARCH_REPLICAS) on the other node.
                "ClusterConfig": {"InstanceType": "t3.medium.search", "InstanceCount": 2,
                                  "ZoneAwarenessEnabled": True, "ZoneAwarenessConfig": {"AvailabilityZoneCount": 2}},
                "EBSOptions": {"EBSEnabled": True, "VolumeType": "gp3", "VolumeSize": 10},
                "EncryptionAtRestOptions": {"Enabled": True},
                "NodeToNodeEncryptionOptions": {"Enabled": True},
                "DomainEndpointOptions": {"EnforceHTTPS": True, "TLSSecurityPolicy": "Policy-Min-TLS-1-2-2019-07"},
                # Only SigV4-signed requests of this account's principals that IAM allows (SearchAccessPolicy).
                "AccessPolicies": {"Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow",
                    "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}},
                    "Action": SEARCH_ACTIONS,
                    "Resource": {"Fn::Sub": f"arn:${{AWS::Partition}}:es:${{AWS::Region}}:${{AWS::AccountId}}:"
                                            f"domain/{search_domain_name(table_prefix)}/*"}}]},
            },
        },
        "SearchAccessPolicy": {
            "Type": "AWS::IAM::Policy",
            "Properties": {
                "PolicyName": "SearchIndexAccess",
                "Roles": [{"Ref": FUNCTION_ROLE}],
                "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow",
                    "Action": SEARCH_ACTIONS,
                    "Resource": [domain_arn, {"Fn::Sub": f"${{{SEARCH_DOMAIN}.Arn}}/*"}]}]},
            },
        },
    }


def search_globals() -> dict:
    """Every function learns the domain's endpoint (requests to it are SigV4-signed)."""
    return {"Function": {"Environment": {"Variables": {
        "OPENSEARCH_ENDPOINT": {"Fn::GetAtt": [SEARCH_DOMAIN, "DomainEndpoint"]}}}}}


def build(table_prefix: str, jwt_secret: str | None = None) -> dict:
    """The template merged into `chalice package`'s. `jwt_secret` is the stage's JWT_SECRET_ARN: a name
    (the stack creates a secret of that name; default `<prefix>/jwt-signing-key`) or the ARN of a secret
    made outside the stack (used as it is)."""
    from infra import iam
    from infra import resources as around  # both import this module's naming helpers

    resources = {logical_id(spec): table_resource(spec, table_prefix) for spec in TABLES.values()}
    for spec in QUEUES.values():
        resources.update(queue_resources(spec, table_prefix))
    resources.update(handler_fragments(table_prefix))
    resources.update(search_resources(table_prefix))

    secret = jwt_secret or f"{table_prefix}/jwt-signing-key"
    secret_arn: dict | str = secret if secret.startswith("arn:") else {"Ref": iam.JWT_SECRET}
    if not secret.startswith("arn:"):
        resources.update(around.jwt_secret(secret))
    resources.update(around.media_bucket())
    resources.update(around.log_group(table_prefix))
    dead_letter_queues = {queue_logical_id(spec, dlq=True): spec.description for spec in QUEUES.values()}
    resources.update(around.dlq_alarms(dead_letter_queues))
    resources.update(iam.role_fragment(FUNCTION_ROLE, secret_arn, logical_id(TABLES["outbox"])))
    environment = around.function_environment(secret_arn)
    for function in around.function_names():
        fragment = resources.setdefault(function, {"Type": "AWS::Serverless::Function", "Properties": {}})
        fragment["Properties"]["Environment"] = {"Variables": dict(environment)}
    globals_ = search_globals()
    globals_["Function"].update(around.logging_globals())
    outputs = around.outputs(secret_arn)
    outputs["SearchEndpoint"] = {"Description": "OPENSEARCH_ENDPOINT for operator commands (search-index)",
                                 "Value": {"Fn::GetAtt": [SEARCH_DOMAIN, "DomainEndpoint"]}}
    return {"Parameters": around.PARAMETERS, "Conditions": around.CONDITIONS, "Rules": around.RULES,
            "Globals": globals_, "Resources": resources, "Outputs": outputs}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stage", default="dev")
    args = parser.parse_args(argv)
    from infra.package import stage_environment

    environment = stage_environment(args.stage)
    json.dump(build(environment["TABLE_PREFIX"], environment.get("JWT_SECRET_ARN")), sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
