"""Standard Webhooks signatures (https://www.standardwebhooks.com).

Each request carries `webhook-id` (the delivery id: the same for every retry of one delivery),
`webhook-timestamp` (epoch seconds of the attempt) and `webhook-signature`:
`v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, one per secret, space-separated. During a
rotation two secrets are configured (new first, old second) and every request is signed with both, so a
receiver holding either one accepts it.

Secrets are `whsec_<base64 key>` (the Standard Webhooks form) or any other text, used as UTF-8 bytes.
They come from an environment variable: `WEBHOOK_SECRETS` (or an action's `secret_env`), separated by
spaces or commas; `WEBHOOK_SECRET` is read when `WEBHOOK_SECRETS` is unset.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re

DEFAULT_ENV = "WEBHOOK_SECRETS"
SINGLE_ENV = "WEBHOOK_SECRET"
PREFIX = "whsec_"
MAX_SECRETS = 2


class SecretError(ValueError):
    pass


def secret_key(secret: str) -> bytes:
    if secret.startswith(PREFIX):
        try:
            return base64.b64decode(secret[len(PREFIX):], validate=True)
        except (binascii.Error, ValueError):
            raise SecretError("a whsec_ secret must be base64 after the prefix") from None
    return secret.encode("utf-8")


def secrets_from_env(env_name: str | None = None) -> list[str]:
    if env_name:
        raw = os.environ.get(env_name, "")
    else:
        raw = os.environ.get(DEFAULT_ENV, "") or os.environ.get(SINGLE_ENV, "")
    found = [part for part in re.split(r"[\s,]+", raw.strip()) if part]
    if len(found) > MAX_SECRETS:
        raise SecretError(f"{env_name or DEFAULT_ENV} holds {len(found)} secrets; at most {MAX_SECRETS} "
                          "(the new one and the old one during a rotation)")
    for secret in found:
        secret_key(secret)
    return found


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def headers(secrets: list[str], message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    result = {"webhook-id": message_id, "webhook-timestamp": str(timestamp)}
    if secrets:
        result["webhook-signature"] = " ".join(signature(s, message_id, timestamp, body) for s in secrets)
    return result


def verify(secret: str, received: dict[str, str], body: bytes, *, now: float, tolerance: int = 300) -> bool:
    """For receivers written in Python: does any v1 signature match, within `tolerance` seconds?"""
    lowered = {k.lower(): v for k, v in received.items()}
    try:
        timestamp = int(lowered["webhook-timestamp"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, lowered.get("webhook-id", ""), timestamp, body)
    return any(hmac.compare_digest(expected, candidate)
               for candidate in lowered.get("webhook-signature", "").split())
