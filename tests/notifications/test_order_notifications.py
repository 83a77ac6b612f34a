"""A real order (through the storefront API) notifies: the confirmation e-mail reaches SES and the shipped
config's webhook reaches a local receiver with a signature verified here, independently."""

from __future__ import annotations

import base64
import email
import email.policy
import hashlib
import hmac
import json

import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from chalicelib.core.store import db
from tests.helpers import body
from tests.orders.test_orders import ready_cart, submit
from tests.shop_fixtures import shop_with_methods

SENDER = "shop@example.com"
SECRET = "an-order-webhook-secret"


@pytest.fixture
def shop(client, built_once) -> dict:
    """The shop other files build too (shop_with_methods): restored if this worker built it already. Listed
    before `harness`, whose queues a restore would drop."""
    return shop_with_methods(client, built_once)


def test_placing_an_order_sends_the_confirmation_email_and_a_signed_webhook(client, shop, harness, receiver,
                                                                             monkeypatch):
    monkeypatch.setenv("WEBHOOK_BASE_URL", receiver.url)
    monkeypatch.setenv("WEBHOOK_SECRETS", SECRET)
    monkeypatch.setenv("EMAIL_FROM", SENDER)
    db.aws_client("ses").verify_email_identity(EmailAddress=SENDER)
    harness.run()  # the catalog's own events first
    receiver.requests.clear()

    order_token = body(submit(client, ready_cart(client, shop, quantity=2)))["token"]
    harness.run()

    (hook,) = [r for r in receiver.requests if r.path == "/api/order"]
    signed = f"{hook.headers['webhook-id']}.{hook.headers['webhook-timestamp']}.".encode() + hook.body
    expected = "v1," + base64.b64encode(hmac.new(SECRET.encode(), signed, hashlib.sha256).digest()).decode()
    assert hook.headers["webhook-signature"] == expected
    assert json.loads(hook.body)["token"] == order_token

    backend = ses_backends[DEFAULT_ACCOUNT_ID]["eu-central-1"]
    (message,) = [email.message_from_string(m.raw_data, policy=email.policy.default) for m in backend.sent_messages]
    assert message["To"] == "jan@example.com"
    text = message.get_body(("plain",)).get_content()
    assert order_token in text and "Pošta" in text and "417.46 Kč" in text  # 2 x 136.13 + 121 + 24.20, in cs
    deliveries = harness.deliveries(trigger="ORDER_SAVE")
    assert {(d["action"]["type"], d["status"]) for d in deliveries} >= {("HTTP", "SUCCEEDED"), ("EMAIL", "SUCCEEDED")}
