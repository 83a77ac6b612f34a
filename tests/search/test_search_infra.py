"""Search wiring: the packaged template, the schedule per stage, the local event driver, SigV4 signing,
settings, and the cold-start rule (the OpenSearch client is not imported by the app)."""

from __future__ import annotations

import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from chalice.utils import to_cfn_resource_name

from app import app
from chalicelib.core.config_files import PROJECT_ROOT
from chalicelib.search import engine, handlers
from chalicelib.search.settings import load
from infra.template import build


def test_template_has_the_domain_its_access_policy_and_the_endpoint_for_every_function():
    template = build("ecoseller-prod")
    resources = template["Resources"]
    domain = resources["SearchDomain"]
    assert domain["Type"] == "AWS::OpenSearchService::Domain"
    assert domain["Properties"]["DomainName"] == "ecoseller-prod-search"
    assert domain["Properties"]["EncryptionAtRestOptions"] == {"Enabled": True}
    assert domain["Properties"]["DomainEndpointOptions"]["EnforceHTTPS"] is True
    policy = resources["SearchAccessPolicy"]["Properties"]
    assert policy["Roles"] == [{"Ref": "DefaultRole"}]
    assert "es:ESHttpPost" in policy["PolicyDocument"]["Statement"][0]["Action"]
    assert template["Globals"]["Function"]["Environment"]["Variables"] == {
        "OPENSEARCH_ENDPOINT": {"Fn::GetAtt": ["SearchDomain", "DomainEndpoint"]}}
    fragment = resources[to_cfn_resource_name(handlers.OUTBOX_HANDLER)]
    (event,) = fragment["Properties"]["Events"].values()
    assert event["Properties"] == {"Stream": {"Fn::GetAtt": ["OutboxTable", "StreamArn"]},
                                   "FunctionResponseTypes": ["ReportBatchItemFailures"]}


def test_the_app_registers_the_consumer_the_nightly_rebuild_and_the_maintenance_timer():
    sources = {config.name: config for config in app.event_sources}
    assert sources[handlers.REBUILD_HANDLER].schedule_expression == "cron(0 2 * * ? *)"
    assert sources[handlers.MAINTENANCE_HANDLER].schedule_expression.to_string() == "rate(5 minutes)"
    assert sources[handlers.OUTBOX_HANDLER].stream_arn.endswith(":table/test-outbox/stream/OUTBOX_STREAM_ARN")


SCHEDULE = "import app; print([c.schedule_expression for c in app.app.event_sources if c.name == 'search_rebuild'])"


def test_the_schedule_is_configurable_per_stage_and_checked():
    run = lambda value: subprocess.run([sys.executable, "-c", SCHEDULE], capture_output=True, text=True,  # noqa: E731
                                       cwd=PROJECT_ROOT, timeout=60,
                                       env={"PATH": "/usr/bin:/bin", "SEARCH_REBUILD_SCHEDULE": value})
    assert run("cron(30 3 * * ? *)").stdout.strip() == "['cron(30 3 * * ? *)']"
    refused = run("at 2am")
    assert refused.returncode != 0 and "SEARCH_REBUILD_SCHEDULE must be cron(...) or rate(...)" in refused.stderr


def test_the_local_event_driver_drives_the_search_consumer_from_the_outbox_stream(aws):
    from infra.local.events import EventDriver
    from infra.local.stack import stream_tables

    logs: list[str] = []
    driver = EventDriver(app, log=logs.append, stream_tables=stream_tables())
    by_name = {source.name: source for source in driver._sources}
    assert by_name[handlers.OUTBOX_HANDLER].table == "test-outbox"
    assert handlers.REBUILD_HANDLER in by_name and handlers.MAINTENANCE_HANDLER in by_name
    assert not [line for line in logs if "not driven" in line]


def test_importing_the_app_does_not_import_the_opensearch_client():
    code = "import sys, app; print('opensearchpy' in sys.modules, 'chalicelib.search.live' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT_ROOT,
                            timeout=60)
    assert result.stdout.split() == ["False", "False"], result.stderr[-2000:]


@pytest.mark.parametrize(("endpoint", "service", "region", "url"), [
    ("search-shop-abc123.eu-central-1.es.amazonaws.com", "es", "eu-central-1",
     "https://search-shop-abc123.eu-central-1.es.amazonaws.com"),
    ("https://abc123.us-east-2.aoss.amazonaws.com/", "aoss", "us-east-2", "https://abc123.us-east-2.aoss.amazonaws.com"),
])
def test_aws_endpoints_are_signed_for_their_service_and_region(search_env, endpoint, service, region, url):
    search_env.setenv("OPENSEARCH_ENDPOINT", endpoint)
    settings = load()
    assert (settings.enabled, settings.sigv4, settings.aws_service, settings.aws_region, settings.url) == (
        True, True, service, region, url)
    assert settings.serverless == (service == "aoss")


def test_switch_and_defaults(search_env):
    assert not load().enabled  # no engine configured: the fallback
    search_env.setenv("OPENSEARCH_URL", "http://127.0.0.1:9200")
    settings = load()
    assert settings.enabled and not settings.sigv4 and settings.alias == "test-products"
    search_env.setenv("USE_ELASTIC", "false")
    assert not load().enabled
    search_env.setenv("SEARCH_INDEX_PREFIX", "Shop")
    assert load().alias == "shop-products"
    search_env.setenv("SEARCH_TIMEOUT", "soon")
    with pytest.raises(RuntimeError, match="SEARCH_TIMEOUT must be a number"):
        load()


def test_requests_to_an_aws_endpoint_carry_a_sigv4_signature(search_env):
    seen: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            seen.append(dict(self.headers))
            payload = b'{"timed_out": false, "hits": {"hits": [{"_source": {"product_id": 7}}]}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
    try:
        search_env.setenv("OPENSEARCH_ENDPOINT", f"http://127.0.0.1:{server.server_address[1]}")
        search_env.setenv("SEARCH_AWS_REGION", "eu-central-1")
        assert engine.search_ids(load(), "en", "heat", 6) == [7]
    finally:
        server.shutdown()
        server.server_close()
    authorization = seen[0]["Authorization"]
    assert authorization.startswith("AWS4-HMAC-SHA256 Credential=testing/")
    assert "/eu-central-1/es/aws4_request" in authorization
    assert seen[0]["X-Amz-Security-Token"] == "testing"
