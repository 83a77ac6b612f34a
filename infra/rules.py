"""Rules a packaged template (build/<stage>/sam.json) must keep, checked by `make package` and by the tests.

`check(template)` answers one line per broken rule (empty: all kept):

* every SQS queue that is no dead-letter queue has a redrive policy to a queue of the template;
* every SQS event source reads a queue of the template, and that queue's VisibilityTimeout is at least
  6 times its consumer function's Timeout (AWS's advice: a batch being retried is not received twice);
* every SQS and DynamoDB stream event source has `FunctionResponseTypes: [ReportBatchItemFailures]`;
* no policy statement, identity or resource policy, has Action `*`; none grants an action of a data
  service (DynamoDB, SQS, S3, Secrets Manager, OpenSearch, SES) through a wildcard action or on an
  unscoped resource (`*`, a wildcard account, region or resource name); Deny statements are left alone;
* every DynamoDB table has point-in-time recovery and server-side encryption;
* every S3 bucket has versioning and a public access block with all four settings on;
* every dead-letter queue has an alarm on ApproximateNumberOfMessagesVisible > 0 that notifies someone.

The template is the SAM one (before the SAM transform): functions are AWS::Serverless::Function with
their event sources under `Events`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

DATA_SERVICES = frozenset({"dynamodb", "sqs", "s3", "secretsmanager", "es", "aoss", "ses", "sesv2"})
FUNCTION = "AWS::Serverless::Function"
QUEUE = "AWS::SQS::Queue"
DEFAULT_TIMEOUT = 3  # Lambda's, when neither the function nor Globals set one
_SUB_VARIABLE = re.compile(r"\$\{([^}!]+)\}")


def _resources(template: dict, kind: str) -> dict[str, dict]:
    return {name: r for name, r in template.get("Resources", {}).items() if r.get("Type") == kind}


def _properties(resource: dict) -> dict:
    return resource.get("Properties") or {}


def _sub_text(value) -> str | None:
    """The text of a Fn::Sub with its variables as `${Name}` left in, or None if it is no Sub."""
    if isinstance(value, dict) and "Fn::Sub" in value:
        sub = value["Fn::Sub"]
        return sub if isinstance(sub, str) else sub[0]
    return None


def _referenced(value) -> str | None:
    """The logical id a Ref/GetAtt points at."""
    if isinstance(value, dict):
        if "Ref" in value:
            return value["Ref"]
        if "Fn::GetAtt" in value:
            target = value["Fn::GetAtt"]
            return target[0] if isinstance(target, list) else target.split(".")[0]
    return None


def _dead_letter_targets(template: dict) -> set[str]:
    targets = set()
    for queue in _resources(template, QUEUE).values():
        target = (_properties(queue).get("RedrivePolicy") or {}).get("deadLetterTargetArn")
        if _referenced(target):
            targets.add(_referenced(target))
    return targets


def _queue_of(template: dict, value) -> str | None:
    """The queue resource an event source's `Queue` names (GetAtt Arn, or an ARN ending with its name)."""
    queues = _resources(template, QUEUE)
    if _referenced(value) in queues:
        return _referenced(value)
    text = _sub_text(value) if not isinstance(value, str) else value
    if text:
        by_name = {_properties(q).get("QueueName"): name for name, q in queues.items()}
        return by_name.get(text.rsplit(":", 1)[-1])
    return None


def _timeout(template: dict, function: dict) -> int:
    globals_ = (template.get("Globals") or {}).get("Function") or {}
    return int(_properties(function).get("Timeout", globals_.get("Timeout", DEFAULT_TIMEOUT)))


def check_queues(template: dict) -> list[str]:
    problems = []
    dead_letter = _dead_letter_targets(template)
    queues = _resources(template, QUEUE)
    for name, queue in queues.items():
        if name in dead_letter:
            continue
        target = _referenced((_properties(queue).get("RedrivePolicy") or {}).get("deadLetterTargetArn"))
        if target not in queues:
            problems.append(f"queue {name} has no dead-letter queue (RedrivePolicy to a queue of the template)")
    for function_name, function in _resources(template, FUNCTION).items():
        for event_name, event in (_properties(function).get("Events") or {}).items():
            kind, properties = event.get("Type"), event.get("Properties") or {}
            where = f"{function_name}.{event_name}"
            if kind in ("SQS", "DynamoDB", "Kinesis") and "ReportBatchItemFailures" not in (
                    properties.get("FunctionResponseTypes") or []):
                problems.append(f"event source {where} lacks FunctionResponseTypes: [ReportBatchItemFailures]")
            if kind != "SQS":
                continue
            queue = _queue_of(template, properties.get("Queue"))
            if queue is None:
                problems.append(f"event source {where} reads a queue that is not in the template")
                continue
            visibility = int(_properties(queues[queue]).get("VisibilityTimeout", 30))
            timeout = _timeout(template, function)
            if visibility < 6 * timeout:
                problems.append(f"queue {queue}: VisibilityTimeout {visibility} < 6 x {function_name}'s Timeout "
                                f"{timeout}")
    return problems


def _policy_documents(template: dict) -> Iterator[tuple[str, dict]]:
    for name, resource in template.get("Resources", {}).items():
        kind, properties = resource.get("Type"), _properties(resource)
        if kind == "AWS::IAM::Role":
            for policy in properties.get("Policies") or []:
                yield f"{name}.{policy.get('PolicyName')}", policy.get("PolicyDocument") or {}
        elif kind in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            yield name, properties.get("PolicyDocument") or {}
        elif kind in ("AWS::S3::BucketPolicy", "AWS::SQS::QueuePolicy", "AWS::SNS::TopicPolicy"):
            yield name, properties.get("PolicyDocument") or {}
        elif kind in ("AWS::OpenSearchService::Domain", "AWS::Elasticsearch::Domain"):
            yield name, properties.get("AccessPolicies") or {}
        elif kind == "AWS::SecretsManager::ResourcePolicy":
            yield name, properties.get("ResourcePolicy") or {}
        elif kind == FUNCTION:
            for index, policy in enumerate(properties.get("Policies") or []):
                if isinstance(policy, dict) and "Statement" in policy:
                    yield f"{name}.Policies[{index}]", policy


def _statements(document: dict) -> Iterator[dict]:
    """Statements, with both branches of a Fn::If (AWS::NoValue dropped)."""
    pending = list(document.get("Statement") or []) if isinstance(document.get("Statement"), list) else [
        document.get("Statement")]
    while pending:
        statement = pending.pop(0)
        if isinstance(statement, dict) and "Fn::If" in statement:
            pending += [branch for branch in statement["Fn::If"][1:] if branch != {"Ref": "AWS::NoValue"}]
        elif isinstance(statement, dict):
            yield statement


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _flatten(value) -> str | None:
    """A resource value as text, `VAR` standing for whatever a Ref, GetAtt or `${...}` names."""
    if isinstance(value, str):
        return value
    if _referenced(value):
        return "VAR"
    text = _sub_text(value)
    if text is not None:
        return _SUB_VARIABLE.sub("VAR", text)
    if isinstance(value, dict) and "Fn::Join" in value:
        delimiter, parts = value["Fn::Join"]
        flat = [_flatten(part) for part in parts]
        return None if None in flat else delimiter.join(flat)
    return None


def _resource_is_scoped(value) -> bool:
    """A resource names something: a Ref/GetAtt (or a path below one, `${Bucket.Arn}/*`), or an ARN
    whose service, region and account are no wildcards and whose resource name is given (a trailing
    `/*` below a named resource is fine: a bucket's objects, a table's streams)."""
    if isinstance(value, dict) and "Fn::If" in value:
        return all(_resource_is_scoped(branch) for branch in value["Fn::If"][1:] if branch != {"Ref": "AWS::NoValue"})
    text = _flatten(value)
    if text is None or text.strip() == "*":
        return False
    if text.startswith("VAR"):
        return True
    parts = text.split(":", 5)
    if len(parts) < 6:
        return False
    _arn, _partition, service, region, account, resource = parts
    if "*" in service or "*" in region or "*" in account:
        return False
    head = re.split(r"[/:]", resource, maxsplit=2)
    typed = len(head) > 1 and head[0] in ("table", "identity", "domain", "collection", "secret", "index")
    named = head[1] if typed else head[0]
    return bool(named) and "*" not in named


def check_policies(template: dict) -> list[str]:
    problems = []
    for where, document in _policy_documents(template):
        for statement in _statements(document):
            actions = [a for a in _as_list(statement.get("Action")) if isinstance(a, str)]
            if "*" in actions or "NotAction" in statement:
                problems.append(f"{where}: a statement allows every action (Action '*' or NotAction)")
                continue
            if statement.get("Effect") == "Deny":
                continue
            data = [a for a in actions if a.split(":", 1)[0].lower() in DATA_SERVICES]
            wild = [a for a in data if "*" in a or "?" in a]
            if wild:
                problems.append(f"{where}: wildcard action {wild} on a data resource")
            if data:
                named = _as_list(statement.get("Resource"))
                unscoped = [r for r in named if not _resource_is_scoped(r)]
                if "NotResource" in statement:
                    problems.append(f"{where}: {data} on NotResource (every resource but some)")
                elif unscoped or not named:
                    problems.append(f"{where}: {data} on an unscoped resource {unscoped or '(none named)'}")
    return problems


def check_storage(template: dict) -> list[str]:
    problems = []
    for name, table in _resources(template, "AWS::DynamoDB::Table").items():
        properties = _properties(table)
        if (properties.get("PointInTimeRecoverySpecification") or {}).get("PointInTimeRecoveryEnabled") is not True:
            problems.append(f"table {name} has no point-in-time recovery")
        if (properties.get("SSESpecification") or {}).get("SSEEnabled") is not True:
            problems.append(f"table {name} has no SSESpecification.SSEEnabled")
    for name, bucket in _resources(template, "AWS::S3::Bucket").items():
        properties = _properties(bucket)
        if (properties.get("VersioningConfiguration") or {}).get("Status") != "Enabled":
            problems.append(f"bucket {name} is not versioned")
        block = properties.get("PublicAccessBlockConfiguration") or {}
        settings = ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")
        if not all(block.get(setting) is True for setting in settings):
            problems.append(f"bucket {name} does not block public access ({', '.join(settings)})")
    return problems


def check_alarms(template: dict) -> list[str]:
    watched = set()
    for alarm in _resources(template, "AWS::CloudWatch::Alarm").values():
        properties = _properties(alarm)
        if (properties.get("Namespace"), properties.get("MetricName")) != (
                "AWS/SQS", "ApproximateNumberOfMessagesVisible"):
            continue
        fires_on_one = ((properties.get("ComparisonOperator"), properties.get("Threshold")) in (
            ("GreaterThanThreshold", 0), ("GreaterThanOrEqualToThreshold", 1)))
        if not fires_on_one or not properties.get("AlarmActions"):
            continue
        for dimension in properties.get("Dimensions") or []:
            if dimension.get("Name") == "QueueName" and _referenced(dimension.get("Value")):
                watched.add(_referenced(dimension["Value"]))
    return [f"dead-letter queue {name} has no alarm on ApproximateNumberOfMessagesVisible > 0 with an action"
            for name in sorted(_dead_letter_targets(template) - watched)]


def check(template: dict) -> list[str]:
    return check_queues(template) + check_policies(template) + check_storage(template) + check_alarms(template)
