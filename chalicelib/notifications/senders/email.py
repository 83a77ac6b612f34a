"""The EMAIL action: an e-mail rendered from the payload (emails/builders.py), sent through SES as a
MIME multipart/alternative message (plain text and HTML, UTF-8).

The sender is `EMAIL_FROM` (a logged no-op while it is unset); `EMAIL_REPLY_TO` and
`SES_CONFIGURATION_SET` are optional. SES throttling and service errors are retried; a rejected
message (unverified sender, bad address) or a payload without a recipient is a permanent failure.
"""

from __future__ import annotations

import email.policy
import json
import os
import time
from email.message import EmailMessage

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.core.aws import aws_client
from chalicelib.notifications.senders import Outcome

RETRYABLE_CODES = frozenset({"Throttling", "ThrottlingException", "ServiceUnavailable", "InternalFailure",
                             "RequestTimeout", "TooManyRequestsException", "LimitExceededException"})


def sender() -> str:
    return os.environ.get("EMAIL_FROM", "").strip()


def not_configured() -> str | None:
    return None if sender() else "e-mail not configured (EMAIL_FROM is not set)"


def mime(mail, source: str) -> bytes:
    message = EmailMessage()
    message["Subject"] = mail.subject
    message["From"] = source
    message["To"] = mail.to
    reply_to = os.environ.get("EMAIL_REPLY_TO", "").strip()
    if reply_to:
        message["Reply-To"] = reply_to
    # 7-bit clean on the wire (quoted-printable bodies, RFC 2047 headers), as SES advises for raw mail.
    message.set_content(mail.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(mail.html, subtype="html", charset="utf-8", cte="quoted-printable")
    message["Content-Language"] = mail.language  # after set_content, which drops Content-* headers
    return message.as_bytes(policy=email.policy.SMTP)


def send(action: dict, *, trigger: str, payload: str) -> Outcome:
    from chalicelib.notifications.emails import builders

    source = sender()
    if not source:
        return Outcome.skipped("e-mail not configured (EMAIL_FROM is not set)")
    try:
        mail = builders.build(action["method"], json.loads(payload))
    except builders.PayloadError as error:
        return Outcome.failed(f"{action['method']} for {trigger}: {error}")
    request = {"Source": source, "Destinations": [mail.to], "RawMessage": {"Data": mime(mail, source)}}
    configuration_set = os.environ.get("SES_CONFIGURATION_SET", "").strip()
    if configuration_set:
        request["ConfigurationSetName"] = configuration_set
    started = time.perf_counter()
    try:
        response = aws_client("ses").send_raw_email(**request)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        duration = (time.perf_counter() - started) * 1000
        message = f"SES {code}: {error.response.get('Error', {}).get('Message', '')}"[:500]
        return Outcome("RETRY" if code in RETRYABLE_CODES else "FAILED", duration_ms=duration, error=message)
    except BotoCoreError as error:
        return Outcome("RETRY", duration_ms=(time.perf_counter() - started) * 1000,
                       error=f"SES unreachable: {type(error).__name__}: {error}"[:500])
    duration = (time.perf_counter() - started) * 1000
    return Outcome("SUCCEEDED", duration_ms=duration,
                   response=f"SES message {response.get('MessageId')} to {mail.to} ({mail.kind}, {mail.language})")
