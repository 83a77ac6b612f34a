"""The HTTP action: the event payload as a JSON body to the configured URL, signed per Standard Webhooks
when secrets are configured (see signing.py)."""

from __future__ import annotations

from chalicelib.notifications import config, signing
from chalicelib.notifications.senders import Outcome, http_client


def not_configured(action: dict) -> str | None:
    _url, missing = config.expand(action["url"])
    if missing:
        return f"webhook URL not configured: environment variable {missing} is not set"
    return None


def build_headers(action: dict, *, delivery_id: str, body: bytes, now: float) -> dict[str, str]:
    headers = {"Content-Type": "application/json"}
    for name, template in (action.get("headers") or {}).items():
        value, _missing = config.expand(template)
        if value is not None:
            headers[name] = value
    secrets = signing.secrets_from_env(action.get("secret_env"))
    headers.update(signing.headers(secrets, delivery_id, int(now), body))
    return headers


def send(action: dict, *, delivery_id: str, payload: str, now: float) -> Outcome:
    url, missing = config.expand(action["url"])
    if url is None:
        return Outcome.skipped(f"webhook URL not configured: environment variable {missing} is not set")
    body = payload.encode("utf-8")
    try:
        headers = build_headers(action, delivery_id=delivery_id, body=body, now=now)
    except signing.SecretError as error:
        return Outcome.failed(f"signing secret: {error}")
    return http_client.request(action["method"], url, body, headers)
