"""`make package`'s template for the prod stage: cfn-lint clean, the rules kept, and the resources an
operator deploys (tables, queues and DLQs, event sources, bucket, domain, secret, schedules, IAM, alarms)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import zipfile

import pytest

from chalicelib.core.queues import QUEUES
from infra.package import ROOT, stage_environment
from infra.template import build

FUNCTIONS = {"APIHandler", "NotifyOutbox", "NotifyDispatch", "NotifyDeliver", "NotifySweep", "SearchOutbox",
             "SearchRebuild", "SearchMaintenance"}


def resources(packaged) -> dict:
    return packaged.template["Resources"]


def of_type(packaged, kind: str) -> dict:
    return {name: r for name, r in resources(packaged).items() if r["Type"] == kind}


def test_the_template_passes_cfn_lint_and_every_rule(packaged):
    print(f"packaging timings: {packaged.timings}")
    assert packaged.lint == []
    assert packaged.problems == []
    assert packaged.template["Transform"] == "AWS::Serverless-2016-10-31"
    assert set(of_type(packaged, "AWS::Serverless::Function")) == FUNCTIONS


def test_tables_have_streams_ttl_pitr_encryption_and_survive_the_stack(packaged):
    tables = {r["Properties"]["TableName"]: r for r in of_type(packaged, "AWS::DynamoDB::Table").values()}
    assert set(tables) == {"ecoseller-prod-main", "ecoseller-prod-outbox"}
    for table in tables.values():
        properties = table["Properties"]
        assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        assert properties["SSESpecification"] == {"SSEEnabled": True}
        assert properties["TimeToLiveSpecification"] == {"AttributeName": "ttl", "Enabled": True}
        assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"
    assert tables["ecoseller-prod-outbox"]["Properties"]["StreamSpecification"] == {"StreamViewType": "NEW_IMAGE"}


def test_each_queue_has_its_dlq_a_long_enough_visibility_timeout_and_partial_batch_responses(packaged):
    res = resources(packaged)
    for spec in QUEUES.values():
        queue = next(r["Properties"] for r in res.values() if r["Type"] == "AWS::SQS::Queue"
                     and r["Properties"]["QueueName"] == f"ecoseller-prod-{spec.logical}")
        dlq_id = queue["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        assert res[dlq_id]["Properties"]["QueueName"] == f"ecoseller-prod-{spec.logical}-dlq"
        consumer = res["".join(part.title() for part in spec.consumer.split("_"))]["Properties"]
        (event,) = consumer["Events"].values()
        assert event["Type"] == "SQS"
        assert event["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert event["Properties"]["Queue"]["Fn::Sub"].endswith(f":ecoseller-prod-{spec.logical}")
        assert queue["VisibilityTimeout"] >= 6 * consumer["Timeout"]


def test_both_outbox_stream_consumers_read_the_stacks_stream_with_partial_batch_responses(packaged):
    for function in ("NotifyOutbox", "SearchOutbox"):
        (event,) = resources(packaged)[function]["Properties"]["Events"].values()
        assert event["Type"] == "DynamoDB"
        assert event["Properties"]["Stream"] == {"Fn::GetAtt": ["OutboxTable", "StreamArn"]}
        assert event["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_the_schedules_are_chalices_with_the_stages_rebuild_time(packaged):
    res = resources(packaged)
    schedule = {name: next(iter(res[name]["Properties"]["Events"].values()))["Properties"]["Schedule"]
                for name in ("NotifySweep", "SearchRebuild", "SearchMaintenance")}
    assert schedule == {"NotifySweep": "rate(1 minute)", "SearchMaintenance": "rate(5 minutes)",
                        "SearchRebuild": stage_environment("prod")["SEARCH_REBUILD_SCHEDULE"]}
    assert res["SearchRebuild"]["Properties"]["Timeout"] == 900


def test_the_media_bucket_is_private_versioned_and_tls_only(packaged):
    bucket = resources(packaged)["MediaBucket"]
    properties = bucket["Properties"]
    assert "BucketName" not in properties  # globally unique: CloudFormation names it
    assert properties["VersioningConfiguration"] == {"Status": "Enabled"}
    assert properties["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True}
    assert bucket["DeletionPolicy"] == "Retain"
    (deny,) = resources(packaged)["MediaBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_every_function_reads_the_stacks_secret_bucket_sender_and_search_endpoint(packaged):
    secret = resources(packaged)["JwtSigningSecret"]["Properties"]
    assert secret["Name"] == stage_environment("prod")["JWT_SECRET_ARN"] == "ecoseller-prod/jwt-signing-key"
    assert secret["GenerateSecretString"]["PasswordLength"] >= 32
    for name, function in of_type(packaged, "AWS::Serverless::Function").items():
        variables = function["Properties"]["Environment"]["Variables"]
        assert variables["JWT_SECRET_ARN"] == {"Ref": "JwtSigningSecret"}, name
        assert variables["MEDIA_BUCKET"] == {"Ref": "MediaBucket"}, name
        assert variables["EMAIL_FROM"] == {"Ref": "EmailFrom"}, name
        assert variables["TABLE_PREFIX"] == "ecoseller-prod", name
        assert function["Properties"]["Role"] == {"Fn::GetAtt": ["DefaultRole", "Arn"]}, name
    function_globals = packaged.template["Globals"]["Function"]
    assert function_globals["Environment"]["Variables"]["OPENSEARCH_ENDPOINT"] == {
        "Fn::GetAtt": ["SearchDomain", "DomainEndpoint"]}
    assert function_globals["LoggingConfig"] == {"LogGroup": {"Ref": "FunctionLogGroup"}}
    assert resources(packaged)["SearchDomain"]["Type"] == "AWS::OpenSearchService::Domain"


def test_the_outputs_tell_the_operator_what_the_stack_made(packaged):
    outputs = packaged.template["Outputs"]
    assert outputs["EndpointURL"]["Value"] == {
        "Fn::Sub": "https://${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}/api/"}
    assert outputs["MediaBucketName"]["Value"] == {"Ref": "MediaBucket"}
    assert outputs["SearchEndpoint"]["Value"] == {"Fn::GetAtt": ["SearchDomain", "DomainEndpoint"]}
    assert outputs["JwtSecretArn"]["Value"] == {"Ref": "JwtSigningSecret"}
    assert set(packaged.template["Parameters"]) == {"EmailFrom", "SesIdentity", "AlarmEmail", "LogRetentionDays",
                                                    "MediaUploadOrigins"}
    assert all("Default" in parameter for parameter in packaged.template["Parameters"].values())


def _statements(packaged) -> dict[str, dict]:
    (policy,) = resources(packaged)["DefaultRole"]["Properties"]["Policies"]
    found = {}
    for statement in policy["PolicyDocument"]["Statement"]:
        if "Fn::If" in statement:
            condition, statement, otherwise = statement["Fn::If"]
            assert (condition, otherwise) == ("HasEmail", {"Ref": "AWS::NoValue"})
        found[statement["Sid"]] = statement
    return found


def test_the_role_replaces_chalices_policy_by_statements_naming_the_stacks_resources(packaged):
    statements = _statements(packaged)
    dumped = json.dumps(statements)
    assert '"Resource": "*"' not in dumped and "arn:*" not in dumped  # Chalice's own statements are gone
    assert statements["TableItems"]["Resource"] == [{"Fn::GetAtt": ["MainTable", "Arn"]},
                                                    {"Fn::GetAtt": ["OutboxTable", "Arn"]}]
    assert statements["IndexQueries"]["Resource"] == [{"Fn::Sub": "${MainTable.Arn}/index/GSI1"},
                                                      {"Fn::Sub": "${MainTable.Arn}/index/GSI2"}]
    assert statements["OutboxStream"]["Resource"] == [{"Fn::GetAtt": ["OutboxTable", "StreamArn"]}]
    assert statements["ConsumeQueues"]["Resource"] == [{"Fn::GetAtt": ["EventsQueue", "Arn"]},
                                                       {"Fn::GetAtt": ["DeliveriesQueue", "Arn"]}]
    assert {"Fn::GetAtt": ["DeliveriesDeadLetterQueue", "Arn"]} in statements["SendToQueues"]["Resource"]
    assert statements["MediaObjects"]["Resource"] == [{"Fn::Sub": "${MediaBucket.Arn}/*"}]
    assert statements["JwtSigningKey"] == {"Sid": "JwtSigningKey", "Effect": "Allow",
                                           "Action": ["secretsmanager:GetSecretValue"],
                                           "Resource": [{"Ref": "JwtSigningSecret"}]}
    assert statements["SendEmail"]["Resource"] == [
        {"Fn::Sub": "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/${SesIdentity}"}]
    assert statements["SendEmail"]["Condition"] == {"StringEquals": {"ses:FromAddress": {"Ref": "EmailFrom"}}}
    assert statements["Logs"]["Resource"] == [{"Fn::GetAtt": ["FunctionLogGroup", "Arn"]}]
    search = resources(packaged)["SearchAccessPolicy"]["Properties"]["PolicyDocument"]["Statement"][0]
    assert search["Resource"][0] == {"Fn::GetAtt": ["SearchDomain", "Arn"]}


def test_each_dead_letter_queue_alarms_on_its_first_message(packaged):
    alarms = of_type(packaged, "AWS::CloudWatch::Alarm")
    watched = {}
    for alarm in alarms.values():
        properties = alarm["Properties"]
        (dimension,) = properties["Dimensions"]
        watched[dimension["Value"]["Fn::GetAtt"][0]] = properties
    assert set(watched) == {"EventsDeadLetterQueue", "DeliveriesDeadLetterQueue"}
    for properties in watched.values():
        assert properties["MetricName"] == "ApproximateNumberOfMessagesVisible"
        assert (properties["ComparisonOperator"], properties["Threshold"]) == ("GreaterThanThreshold", 0)
        assert properties["AlarmActions"] == [{"Ref": "AlarmTopic"}]
    assert resources(packaged)["AlarmEmailSubscription"]["Condition"] == "HasAlarmEmail"


def test_the_zip_carries_the_bundled_config_and_bytecode_the_lambda_runtime_uses_as_is(packaged):
    with zipfile.ZipFile(packaged.folder / "deployment.zip") as archive:
        names = set(archive.namelist())
        for config_file in (ROOT / "config").glob("*.json"):
            assert archive.read(f"chalicelib/bundled_config/{config_file.name}") == config_file.read_bytes()
        pyc = archive.read("chalicelib/core/__pycache__/money.cpython-311.pyc")
    assert "app.py" in names
    assert pyc[:4] == importlib.util.MAGIC_NUMBER
    assert int.from_bytes(pyc[4:8], "little") == 0b01  # hash-based, source not checked (PEP 552)
    assert not any(name.startswith("tests/") or name.startswith("infra/") for name in names)


def test_nothing_is_written_into_the_working_tree(packaged):
    assert not (ROOT / "chalicelib" / "bundled_config").exists()


def test_a_secret_made_outside_the_stack_is_used_by_its_arn():
    arn = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:shop/jwt-AbCdEf"
    template = build("ecoseller-prod", arn)
    assert "JwtSigningSecret" not in template["Resources"]
    assert template["Resources"]["APIHandler"]["Properties"]["Environment"]["Variables"]["JWT_SECRET_ARN"] == arn
    statements = template["Resources"]["DefaultRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    assert {"Sid": "JwtSigningKey", "Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"],
            "Resource": [arn]} in statements


def test_stage_names_come_from_the_chalice_config():
    assert stage_environment("dev")["TABLE_PREFIX"] == "ecoseller-dev"
    with pytest.raises(SystemExit, match="unknown stage 'staging'"):
        stage_environment("staging")


def test_make_package_runs_the_packager_for_the_stage_asked():
    # Without the variables of an enclosing `make test` run, whose MAKEFLAGS would make this make print
    # "Entering/Leaving directory" lines around the command.
    environment = {name: value for name, value in os.environ.items()
                   if name != "STAGE" and name not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES")}
    dry_run = lambda *args: subprocess.run(["make", "-n", "package", *args], cwd=ROOT, capture_output=True,  # noqa: E731
                                           text=True, timeout=60, env=environment).stdout.splitlines()[-1]
    assert dry_run("STAGE=prod").endswith("python -m infra.package --stage prod")
    assert dry_run().endswith("python -m infra.package --stage dev")
