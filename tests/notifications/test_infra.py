"""The packaged template: queues with DLQs, and the handlers' event sources pointed at them with partial
batch responses; the local stack's wiring; signing helpers; cold-start hygiene."""

from __future__ import annotations

import base64
import json
import subprocess
import sys

from chalice.utils import to_cfn_resource_name

from app import app
from chalicelib.core import queues
from chalicelib.core.config_files import PROJECT_ROOT
from chalicelib.notifications import handlers, signing
from infra.template import build


def test_template_renders_each_queue_with_its_dlq():
    resources = build("ecoseller-prod")["Resources"]
    events = resources["EventsQueue"]["Properties"]
    assert events["QueueName"] == "ecoseller-prod-events"
    assert events["RedrivePolicy"] == {"deadLetterTargetArn": {"Fn::GetAtt": ["EventsDeadLetterQueue", "Arn"]},
                                       "maxReceiveCount": 5}
    assert events["VisibilityTimeout"] >= 6 * 30
    assert resources["DeliveriesDeadLetterQueue"]["Properties"]["QueueName"] == "ecoseller-prod-deliveries-dlq"
    assert resources["DeliveriesDeadLetterQueue"]["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600


def test_template_fragments_name_the_functions_and_event_sources_chalice_generates():
    resources = build("ecoseller-prod")["Resources"]
    sources = {config.name: config for config in app.event_sources}
    for name in (handlers.OUTBOX_HANDLER, handlers.DISPATCH_HANDLER, handlers.DELIVER_HANDLER):
        fragment = resources[to_cfn_resource_name(name)]
        (event,) = fragment["Properties"]["Events"].values()
        assert event["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert name in sources
    deliver = resources["NotifyDeliver"]["Properties"]["Events"]["NotifyDeliverSqsEventSource"]["Properties"]
    assert deliver["Queue"]["Fn::Sub"].endswith(":ecoseller-prod-deliveries")
    outbox = resources["NotifyOutbox"]["Properties"]["Events"]["NotifyOutboxDynamodbEventSource"]["Properties"]
    assert outbox["Stream"] == {"Fn::GetAtt": ["OutboxTable", "StreamArn"]}


PACKAGE = """
import json, os, sys, tempfile
from chalice.cli.factory import CLIFactory
from chalice.deploy import packager
from chalice import package
out = tempfile.mkdtemp()
fake = os.path.join(out, "app.zip")
open(fake, "wb").write(b"PK")
# The real `chalice package` downloads wheels for requirements.txt; the template does not depend on them.
packager.LambdaDeploymentPackager.create_deployment_package = lambda self, project_dir, python_version: fake
from infra.template import build
merge = os.path.join(out, "resources.json")
json.dump(build("ecoseller-prod"), open(merge, "w"))
factory = CLIFactory(project_dir=os.getcwd())
config = factory.create_config_obj(chalice_stage_name="prod")
package.create_app_packager(config, factory.create_package_options(), merge_template=merge).package_app(
    config, os.path.join(out, "build"), "prod")
print(json.dumps(json.load(open(os.path.join(out, "build", "sam.json")))["Resources"]))
"""


def test_chalice_package_with_the_merged_template_wires_the_handlers():
    result = subprocess.run([sys.executable, "-c", PACKAGE], capture_output=True, text=True, cwd=PROJECT_ROOT,
                            env={"PATH": "/usr/bin:/bin", "AWS_DEFAULT_REGION": "eu-central-1", "HOME": "/tmp"},
                            timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    resources = json.loads(result.stdout.strip().splitlines()[-1])
    dispatch = resources["NotifyDispatch"]["Properties"]["Events"]["NotifyDispatchSqsEventSource"]
    assert dispatch["Type"] == "SQS" and dispatch["Properties"]["Queue"] == {
        "Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:ecoseller-prod-events"}
    assert dispatch["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert resources["NotifyDispatch"]["DependsOn"] == ["EventsQueue"]
    outbox = resources["NotifyOutbox"]["Properties"]["Events"]["NotifyOutboxDynamodbEventSource"]["Properties"]
    assert outbox["Stream"] == {"Fn::GetAtt": ["OutboxTable", "StreamArn"]}
    assert outbox["StartingPosition"] == "TRIM_HORIZON"
    assert resources["NotifySweep"]["Properties"]["Events"]["NotifySweepEvent"]["Properties"]["Schedule"] == (
        "rate(1 minute)")


def test_the_local_event_driver_maps_the_stream_placeholder_to_the_outbox_table(aws):
    from infra.local.events import EventDriver

    logs: list[str] = []
    driver = EventDriver(app, log=logs.append, stream_tables=handlers.stream_tables())
    by_name = {source.name: source for source in driver._sources}
    assert by_name[handlers.OUTBOX_HANDLER].table == "test-outbox"
    assert by_name[handlers.DISPATCH_HANDLER].config.queue == queues.queue_name("events") == "test-events"
    assert by_name[handlers.DELIVER_HANDLER].config.queue == "test-deliveries"
    assert handlers.SWEEP_HANDLER in by_name
    assert not [line for line in logs if "not driven" in line]


def test_importing_the_app_does_not_import_requests():
    code = "import sys, app; print('requests' in sys.modules, 'chalicelib.notifications.flow' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT_ROOT,
                            timeout=60)
    assert result.stdout.split() == ["False", "False"], result.stderr[-2000:]


def test_signing_helpers_round_trip():
    key = base64.b64encode(b"k" * 24).decode()
    headers = signing.headers([f"whsec_{key}"], "msg_1", 1_700_000_000, b'{"a":1}')
    assert signing.verify(f"whsec_{key}", headers, b'{"a":1}', now=1_700_000_010)
    assert not signing.verify(f"whsec_{key}", headers, b'{"a":2}', now=1_700_000_010)
    assert not signing.verify(f"whsec_{key}", headers, b'{"a":1}', now=1_700_001_000)  # too old
    assert not signing.verify("other", headers, b'{"a":1}', now=1_700_000_010)
