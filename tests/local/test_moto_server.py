"""infra/local/moto_server.py: the local stack's moto server keeps connections open (HTTP/1.1), so the
app's botocore pool reuses one instead of connecting for every DynamoDB call, and answers as before."""

from __future__ import annotations

import http.client
import json

import boto3
import pytest
from moto.server import ThreadedMotoServer

from infra.local import moto_server

LIST_TABLES = {"X-Amz-Target": "DynamoDB_20120810.ListTables", "Content-Type": "application/x-amz-json-1.0",
               "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20261207/eu-central-1/dynamodb/aws4_request"}


@pytest.fixture
def server():
    moto_server.tune()
    started = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    started.start()
    yield started.get_host_and_port()
    started.stop()


def test_two_requests_share_one_connection_and_botocore_works(server):
    host, port = server
    connection = http.client.HTTPConnection(host, port, timeout=10)
    answers = []
    for _ in range(2):
        connection.request("POST", "/", body=b"{}", headers=LIST_TABLES)
        response = connection.getresponse()
        answers.append((response.status, response.version, json.loads(response.read())))
    sock = connection.sock
    assert sock is not None  # still open: the server did not close it after the first answer
    connection.close()
    assert answers == [(200, 11, {"TableNames": []})] * 2
    client = boto3.client("dynamodb", endpoint_url=f"http://{host}:{port}", region_name="eu-central-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    client.create_table(TableName="t", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                        BillingMode="PAY_PER_REQUEST")
    for number in range(20):
        client.put_item(TableName="t", Item={"pk": {"S": str(number)}})
    assert client.scan(TableName="t", Select="COUNT")["Count"] == 20


def test_the_service_routing_list_is_read_once():
    from moto import backends

    moto_server.tune()
    first = backends.list_of_moto_modules()
    assert "dynamodb" in first and "s3" in first
    assert backends.list_of_moto_modules() is first
