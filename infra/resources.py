"""The stack's parameters and the resources around the app that infra/template.py merges in: the media
bucket, the JWT signing secret, the functions' log group, the alarms on the dead-letter queues, and the
environment every function gets from them.

Parameters (`aws cloudformation deploy --parameter-overrides Name=value`), all optional:

* `EmailFrom`: the sender of the shop's e-mails (EMAIL_FROM); empty leaves e-mail off (a logged no-op).
* `SesIdentity`: the SES identity EmailFrom is verified through: its domain, or the address itself.
* `AlarmEmail`: who is told when a message lands in a dead-letter queue (an SNS e-mail subscription).
* `LogRetentionDays`: how long the functions' logs are kept.
* `MediaUploadOrigins`: the origins whose browsers may POST presigned uploads to the bucket.

Media is private: the API answers `GET /media/<key>` with a redirect to a presigned URL (core/media.py),
so the bucket needs no public access and no CloudFront.
"""

from __future__ import annotations

from chalice.utils import to_cfn_resource_name

from infra.iam import HAS_EMAIL, JWT_SECRET, LOG_GROUP, MEDIA_BUCKET

ALARM_TOPIC = "AlarmTopic"
HAS_ALARM_EMAIL = "HasAlarmEmail"
LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
                      2922, 3288, 3653]

PARAMETERS = {
    "EmailFrom": {"Type": "String", "Default": "", "AllowedPattern": r"^$|^[^@\s]+@[^@\s]+$",
                  "Description": "Sender address of the shop's e-mails (EMAIL_FROM); empty: e-mail is off"},
    "SesIdentity": {"Type": "String", "Default": "",
                    "Description": "Verified SES identity EmailFrom sends through: its domain or the address"},
    "AlarmEmail": {"Type": "String", "Default": "", "AllowedPattern": r"^$|^[^@\s]+@[^@\s]+$",
                   "Description": "Address told when a message reaches a dead-letter queue; empty: no e-mail"},
    "LogRetentionDays": {"Type": "Number", "Default": 30, "AllowedValues": LOG_RETENTION_DAYS,
                         "Description": "Days the functions' logs are kept"},
    "MediaUploadOrigins": {"Type": "CommaDelimitedList", "Default": "*",
                           "Description": "Origins allowed to POST presigned media uploads (the dashboard's)"},
}

CONDITIONS = {
    HAS_EMAIL: {"Fn::Not": [{"Fn::Equals": [{"Ref": "EmailFrom"}, ""]}]},
    HAS_ALARM_EMAIL: {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]},
}

# Checked by CloudFormation before it changes anything.
RULES = {
    "EmailNeedsSesIdentity": {
        "RuleCondition": {"Fn::Not": [{"Fn::Equals": [{"Ref": "EmailFrom"}, ""]}]},
        "Assertions": [{"Assert": {"Fn::Not": [{"Fn::Equals": [{"Ref": "SesIdentity"}, ""]}]},
                        "AssertDescription": "EmailFrom needs SesIdentity (its verified domain or the address)"}],
    },
}


def media_bucket() -> dict:
    """Private, versioned (an overwritten or deleted image can be recovered), TLS only."""
    return {
        MEDIA_BUCKET: {
            "Type": "AWS::S3::Bucket",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                # No BucketName: bucket names are global, CloudFormation makes a unique one (MEDIA_BUCKET).
                "PublicAccessBlockConfiguration": {"BlockPublicAcls": True, "BlockPublicPolicy": True,
                                                   "IgnorePublicAcls": True, "RestrictPublicBuckets": True},
                "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                "VersioningConfiguration": {"Status": "Enabled"},
                "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
                "LifecycleConfiguration": {"Rules": [
                    # Versions replaced or deleted stay recoverable for 90 days, then stop costing.
                    {"Id": "expire-old-versions", "Status": "Enabled",
                     "NoncurrentVersionExpiration": {"NoncurrentDays": 90}},
                    {"Id": "abort-incomplete-uploads", "Status": "Enabled",
                     "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}},
                ]},
                # Browsers upload big files straight to S3 with a presigned POST (catalog media).
                "CorsConfiguration": {"CorsRules": [{"AllowedMethods": ["POST"],
                                                     "AllowedOrigins": {"Ref": "MediaUploadOrigins"},
                                                     "AllowedHeaders": ["*"], "MaxAge": 3600}]},
            },
        },
        "MediaBucketPolicy": {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {"Bucket": {"Ref": MEDIA_BUCKET}, "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                "Resource": [{"Fn::GetAtt": [MEDIA_BUCKET, "Arn"]}, {"Fn::Sub": f"${{{MEDIA_BUCKET}.Arn}}/*"}],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}},
        },
    }


def jwt_secret(name: str) -> dict:
    """A random HS256 key (64 letters and digits, far over the 32 bytes tokens.py requires)."""
    return {JWT_SECRET: {
        "Type": "AWS::SecretsManager::Secret",
        # A new stack makes a new key: tokens signed with the old one are refused, users log in again.
        "DeletionPolicy": "Delete",
        "UpdateReplacePolicy": "Delete",
        "Properties": {
            "Name": name,
            "Description": "HS256 key signing the shop's JWTs (read through JWT_SECRET_ARN). Replacing the value "
                           "logs everyone out.",
            "GenerateSecretString": {"PasswordLength": 64, "ExcludePunctuation": True},
        },
    }}


def log_group(table_prefix: str) -> dict:
    """Every function logs here (SAM Globals LoggingConfig); streams are named after the function."""
    return {LOG_GROUP: {
        "Type": "AWS::Logs::LogGroup",
        # Kept, the named group would block creating the stack again; export logs worth keeping first.
        "DeletionPolicy": "Delete",
        "UpdateReplacePolicy": "Delete",
        "Properties": {"LogGroupName": f"/aws/lambda/{table_prefix}", "RetentionInDays": {"Ref": "LogRetentionDays"}},
    }}


def logging_globals() -> dict:
    return {"LoggingConfig": {"LogGroup": {"Ref": LOG_GROUP}}}


def dlq_alarms(dead_letter_queues: dict[str, str]) -> dict:
    """{DLQ logical id: queue description} -> an SNS topic and one alarm per DLQ (any message at all)."""
    resources: dict = {
        ALARM_TOPIC: {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": "ecoseller alarms"}},
        "AlarmEmailSubscription": {
            "Type": "AWS::SNS::Subscription", "Condition": HAS_ALARM_EMAIL,
            "Properties": {"TopicArn": {"Ref": ALARM_TOPIC}, "Protocol": "email", "Endpoint": {"Ref": "AlarmEmail"}},
        },
    }
    for dlq, description in dead_letter_queues.items():
        resources[f"{dlq}Alarm"] = {
            "Type": "AWS::CloudWatch::Alarm",
            "Properties": {
                "AlarmDescription": f"Messages in a dead-letter queue: {description} Inspect them and redrive "
                                    "(SQS console: Start DLQ redrive) once the cause is fixed.",
                "Namespace": "AWS/SQS",
                "MetricName": "ApproximateNumberOfMessagesVisible",
                "Dimensions": [{"Name": "QueueName", "Value": {"Fn::GetAtt": [dlq, "QueueName"]}}],
                "Statistic": "Maximum",
                "Period": 300,
                "EvaluationPeriods": 1,
                "Threshold": 0,
                "ComparisonOperator": "GreaterThanThreshold",
                "TreatMissingData": "notBreaching",
                "AlarmActions": [{"Ref": ALARM_TOPIC}],
                "OKActions": [{"Ref": ALARM_TOPIC}],
            },
        }
    return resources


def function_names() -> list[str]:
    """The logical ids of the functions `chalice package` generates for the app."""
    from app import app

    names = [to_cfn_resource_name(source.name) for source in app.event_sources]
    names += [to_cfn_resource_name(function.name) for function in app.pure_lambda_functions]
    if app.routes:
        names.append("APIHandler")
    return names


def function_environment(secret_arn: dict | str) -> dict:
    """What every function reads from the stack. Per function, not SAM Globals: a function's own value
    (Chalice copies JWT_SECRET_ARN from .chalice/config.json) would win over a global one."""
    return {
        "MEDIA_BUCKET": {"Ref": MEDIA_BUCKET},
        "JWT_SECRET_ARN": secret_arn,
        "EMAIL_FROM": {"Ref": "EmailFrom"},
    }


def outputs(secret_arn: dict | str) -> dict:
    return {
        "MediaBucketName": {"Description": "MEDIA_BUCKET for operator commands", "Value": {"Ref": MEDIA_BUCKET}},
        "JwtSecretArn": {"Description": "The JWT signing key's secret", "Value": secret_arn},
        "AlarmTopicArn": {"Description": "Subscribe here to hear about dead-letter queues",
                          "Value": {"Ref": ALARM_TOPIC}},
        "FunctionLogGroup": {"Description": "Every function's log lines", "Value": {"Ref": LOG_GROUP}},
    }
