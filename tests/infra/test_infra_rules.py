"""infra/rules.py finds each broken rule: the packaged template, clean, is broken one way at a time."""

from __future__ import annotations

import copy

import pytest

from infra import rules


@pytest.fixture
def template(packaged) -> dict:
    clean = copy.deepcopy(packaged.template)
    assert rules.check(clean) == []
    return clean


def role_statements(template: dict) -> list:
    return template["Resources"]["DefaultRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]


def allow(actions, resources) -> dict:
    return {"Effect": "Allow", "Action": actions, "Resource": resources}


def test_a_queue_without_a_dead_letter_queue(template):
    del template["Resources"]["EventsQueue"]["Properties"]["RedrivePolicy"]
    problems = rules.check(template)
    assert "queue EventsQueue has no dead-letter queue (RedrivePolicy to a queue of the template)" in problems
    # ... and its former DLQ is now an ordinary queue without one either
    assert any(p.startswith("queue EventsDeadLetterQueue has no dead-letter queue") for p in problems)


def test_a_visibility_timeout_shorter_than_six_consumer_timeouts(template):
    template["Resources"]["DeliveriesQueue"]["Properties"]["VisibilityTimeout"] = 179
    assert rules.check(template) == ["queue DeliveriesQueue: VisibilityTimeout 179 < 6 x NotifyDeliver's Timeout 30"]
    template["Resources"]["DeliveriesQueue"]["Properties"]["VisibilityTimeout"] = 180
    template["Resources"]["NotifyDeliver"]["Properties"]["Timeout"] = 60
    assert rules.check(template) == ["queue DeliveriesQueue: VisibilityTimeout 180 < 6 x NotifyDeliver's Timeout 60"]


def test_an_event_source_without_partial_batch_responses_or_on_a_foreign_queue(template):
    events = template["Resources"]["NotifyDispatch"]["Properties"]["Events"]["NotifyDispatchSqsEventSource"]
    del events["Properties"]["FunctionResponseTypes"]
    stream = template["Resources"]["SearchOutbox"]["Properties"]["Events"]["SearchOutboxDynamodbEventSource"]
    stream["Properties"]["FunctionResponseTypes"] = []
    assert rules.check(template) == [
        "event source NotifyDispatch.NotifyDispatchSqsEventSource lacks FunctionResponseTypes: "
        "[ReportBatchItemFailures]",
        "event source SearchOutbox.SearchOutboxDynamodbEventSource lacks FunctionResponseTypes: "
        "[ReportBatchItemFailures]"]
    events["Properties"].update(FunctionResponseTypes=["ReportBatchItemFailures"],
                                Queue="arn:aws:sqs:eu-central-1:123456789012:somebody-elses")
    assert "event source NotifyDispatch.NotifyDispatchSqsEventSource reads a queue that is not in the template" in (
        rules.check(template))


@pytest.mark.parametrize("statement, found", [
    (allow("*", "*"), "a statement allows every action"),
    (allow(["dynamodb:*"], [{"Fn::GetAtt": ["MainTable", "Arn"]}]), "wildcard action ['dynamodb:*']"),
    (allow(["s3:Get*"], [{"Fn::Sub": "${MediaBucket.Arn}/*"}]), "wildcard action ['s3:Get*']"),
    (allow(["sqs:SendMessage"], "*"), "on an unscoped resource ['*']"),
    (allow(["dynamodb:GetItem"], "arn:aws:dynamodb:eu-central-1:123456789012:table/*"), "unscoped resource"),
    (allow(["dynamodb:GetItem"], {"Fn::Sub": "arn:${AWS::Partition}:dynamodb:*:*:table/x"}), "unscoped resource"),
    (allow(["s3:GetObject"], "arn:aws:s3:::*"), "unscoped resource"),
    (allow(["secretsmanager:GetSecretValue"], {"Fn::Join": ["", ["arn:aws:secretsmanager:eu-central-1:",
                                                                 {"Ref": "AWS::AccountId"}, ":secret:*"]]}),
     "unscoped resource"),
    (allow(["es:ESHttpGet"], []), "unscoped resource"),
    ({"Effect": "Allow", "NotAction": ["iam:*"], "Resource": "*"}, "a statement allows every action"),
    # Chalice's generated policy, which the merge replaces
    (allow(["dynamodb:DescribeStream", "dynamodb:GetRecords"], "*"), "unscoped resource"),
    # a branch of a condition is a statement too
    ({"Fn::If": ["HasEmail", allow(["ses:*"], {"Fn::Sub": "arn:aws:ses:r:a:identity/x"}), {"Ref": "AWS::NoValue"}]},
     "wildcard action ['ses:*']"),
])
def test_a_wildcard_on_a_data_resource(template, statement, found):
    role_statements(template).append(statement)
    (problem,) = rules.check(template)
    assert problem.startswith("DefaultRole.ecoseller-functions: ") and found in problem


def test_resource_policies_are_checked_too_and_scoped_statements_pass(template):
    domain = template["Resources"]["SearchDomain"]["Properties"]["AccessPolicies"]["Statement"][0]
    domain["Action"] = "es:ESHttp*"
    assert rules.check(template) == ["SearchDomain: wildcard action ['es:ESHttp*'] on a data resource"]
    domain["Action"] = ["es:ESHttpGet"]
    role_statements(template).extend([
        allow(["logs:CreateLogGroup"], "arn:aws:logs:*:*:*"),  # not a data service: its standard pattern passes
        allow(["s3:GetObject"], "arn:aws:s3:::shop-media/*"),
        allow(["dynamodb:Query"], "arn:aws:dynamodb:eu-central-1:123456789012:table/shop/index/*"),
    ])
    assert rules.check(template) == []


def test_a_table_without_pitr_or_encryption(template):
    properties = template["Resources"]["OutboxTable"]["Properties"]
    properties["PointInTimeRecoverySpecification"] = {"PointInTimeRecoveryEnabled": False}
    del properties["SSESpecification"]
    assert rules.check(template) == ["table OutboxTable has no point-in-time recovery",
                                     "table OutboxTable has no SSESpecification.SSEEnabled"]


def test_a_bucket_without_versioning_or_with_public_access(template):
    properties = template["Resources"]["MediaBucket"]["Properties"]
    properties["VersioningConfiguration"]["Status"] = "Suspended"
    properties["PublicAccessBlockConfiguration"]["RestrictPublicBuckets"] = False
    problems = rules.check(template)
    assert problems[0] == "bucket MediaBucket is not versioned"
    assert problems[1].startswith("bucket MediaBucket does not block public access") and len(problems) == 2


def test_a_dead_letter_queue_without_an_alarm_that_tells_someone(template):
    del template["Resources"]["EventsDeadLetterQueueAlarm"]
    template["Resources"]["DeliveriesDeadLetterQueueAlarm"]["Properties"]["AlarmActions"] = []
    assert rules.check(template) == [
        f"dead-letter queue {name} has no alarm on ApproximateNumberOfMessagesVisible > 0 with an action"
        for name in ("DeliveriesDeadLetterQueue", "EventsDeadLetterQueue")]


def test_an_alarm_that_waits_for_ten_messages_is_no_alarm(template):
    template["Resources"]["EventsDeadLetterQueueAlarm"]["Properties"]["Threshold"] = 10
    assert rules.check(template) == [
        "dead-letter queue EventsDeadLetterQueue has no alarm on ApproximateNumberOfMessagesVisible > 0 with an action"]
