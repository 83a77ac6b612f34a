"""The functions' IAM role: one statement per kind of access, each naming this stack's own resources.

`chalice package` gives every function one role, `DefaultRole`, with a policy generated from a scan of
the code; the scan cannot see the project's calls (they go through `db.aws_client(service)`), so its
policy both lacks what the app needs and grants stream and queue reads on `Resource: "*"`. The fragment
below replaces that policy (the merge replaces lists) by statements that name the tables, indexes,
stream, queues, bucket objects, secret, SES identity and log group of the stack. OpenSearch access is
the separate `SearchAccessPolicy` (infra/template.py), scoped to the domain.

What the functions call, and where (a new AWS call in chalicelib needs its action here, or it is
denied in AWS while every local test passes):

* items (core/store/db.py): GetItem, BatchGetItem, Query, PutItem, UpdateItem, DeleteItem;
  TransactWriteItems checks each of its Put/Update/Delete/ConditionCheck against those item actions;
* index queries (db.py, search/source.py, notifications/store.py): Query on GSI1 and GSI2;
* the outbox stream: read by the stream event sources (Lambda reads with the function's role);
* queues (notifications/flow.py): ReceiveMessage, DeleteMessage, GetQueueAttributes for the event
  sources; SendMessageBatch (the SendMessage action) and GetQueueUrl, also to the deliveries DLQ, where
  a delivery that failed its last attempt is copied;
* media (core/media.py): PutObject, GetObject (presigned GET URLs, range reads), CopyObject (GetObject +
  PutObject), DeleteObject; presigned POST uploads are PutObject requests signed by the role;
* the signing key (core/auth/tokens.py): GetSecretValue;
* e-mail (notifications/senders/email.py): SendRawEmail as EMAIL_FROM through the SES identity.

Operator commands (`cli migrate`, `backup`, `restore`, `import-ecoseller`) run with the operator's own
credentials, not this role: CreateTable, Scan, BatchWriteItem, CreateBackup are deliberately absent.
"""

from __future__ import annotations

from chalicelib.core.queues import QUEUES
from chalicelib.core.store.tables import TABLES

LOG_GROUP = "FunctionLogGroup"
MEDIA_BUCKET = "MediaBucket"
JWT_SECRET = "JwtSigningSecret"
HAS_EMAIL = "HasEmail"

ITEM_ACTIONS = ["dynamodb:BatchGetItem", "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:GetItem",
                "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"]
STREAM_ACTIONS = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]
# What a Lambda SQS event source needs from the function's role.
CONSUME_ACTIONS = ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"]
SEND_ACTIONS = ["sqs:GetQueueUrl", "sqs:SendMessage"]  # SendMessage covers SendMessageBatch
OBJECT_ACTIONS = ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]
# Dead-letter queues the app writes to itself (the others only receive SQS redrives).
APP_WRITTEN_DLQS = ("deliveries",)


def _arn(logical: str) -> dict:
    return {"Fn::GetAtt": [logical, "Arn"]}


def _statement(sid: str, actions: list[str], resources: list) -> dict:
    return {"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resources}


def statements(secret_arn: dict | str, stream_table: str) -> list[dict]:
    """The role's statements; `secret_arn` is the stack's secret (Ref) or an existing secret's ARN."""
    from infra.template import logical_id, queue_logical_id

    tables = [logical_id(spec) for spec in TABLES.values()]
    indexes = [{"Fn::Sub": f"${{{logical_id(spec)}.Arn}}/index/{index.name}"}
               for spec in TABLES.values() for index in spec.indexes]
    queues = [_arn(queue_logical_id(spec)) for spec in QUEUES.values()]
    dlqs = [_arn(queue_logical_id(QUEUES[name], dlq=True)) for name in APP_WRITTEN_DLQS]
    email = _statement("SendEmail", ["ses:SendRawEmail"], [
        {"Fn::Sub": "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/${SesIdentity}"}])
    # Only as the configured sender, even if the identity is a whole domain.
    email["Condition"] = {"StringEquals": {"ses:FromAddress": {"Ref": "EmailFrom"}}}
    return [
        # The functions log into the stack's log group (SAM Globals LoggingConfig), which exists already.
        _statement("Logs", ["logs:CreateLogStream", "logs:PutLogEvents"], [_arn(LOG_GROUP)]),
        _statement("TableItems", ITEM_ACTIONS, [_arn(table) for table in tables]),
        _statement("IndexQueries", ["dynamodb:Query"], indexes),
        _statement("OutboxStream", STREAM_ACTIONS, [{"Fn::GetAtt": [stream_table, "StreamArn"]}]),
        _statement("OutboxStreamList", ["dynamodb:ListStreams"], [{"Fn::Sub": f"${{{stream_table}.Arn}}/stream/*"}]),
        _statement("ConsumeQueues", CONSUME_ACTIONS, queues),
        _statement("SendToQueues", SEND_ACTIONS, queues + dlqs),
        _statement("MediaObjects", OBJECT_ACTIONS, [{"Fn::Sub": f"${{{MEDIA_BUCKET}.Arn}}/*"}]),
        _statement("JwtSigningKey", ["secretsmanager:GetSecretValue"], [secret_arn]),
        {"Fn::If": [HAS_EMAIL, email, {"Ref": "AWS::NoValue"}]},
    ]


def role_fragment(role: str, secret_arn: dict | str, stream_table: str) -> dict:
    """Merged into Chalice's role: its `Policies` list is replaced by ours."""
    return {role: {"Type": "AWS::IAM::Role", "Properties": {"Policies": [{
        "PolicyName": "ecoseller-functions",
        "PolicyDocument": {"Version": "2012-10-17", "Statement": statements(secret_arn, stream_table)},
    }]}}}
