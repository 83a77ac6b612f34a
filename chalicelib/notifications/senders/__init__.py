"""The three actions. Each sender makes one attempt and answers an `Outcome`; it never raises for a
failure of the receiving side (only for a bug), so the delivery handler can always record the attempt.

* `SUCCEEDED`: done.
* `RETRY`: a transient failure (network error, timeout, HTTP 408/429/5xx, SES throttling): try again
  on the retry schedule.
* `FAILED`: a permanent failure (any other HTTP status, an e-mail the payload cannot make): no retry.
* `SKIPPED`: a logged no-op (the recommender, a webhook URL's variable or the sender address is not
  configured).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Outcome:
    result: str  # SUCCEEDED | RETRY | FAILED | SKIPPED
    status_code: int | None = None
    duration_ms: float | None = None
    response: str | None = None  # the first 1 KiB of the response body (or SES's message id)
    error: str | None = None
    retry_after: float | None = None

    @classmethod
    def skipped(cls, reason: str) -> Outcome:
        return cls("SKIPPED", error=reason)

    @classmethod
    def failed(cls, reason: str) -> Outcome:
        return cls("FAILED", error=reason)


def execute(action: dict, *, delivery_id: str, trigger: str, payload: str, now: float) -> Outcome:
    """Run one attempt of `action` for an event of `trigger` with `payload` (JSON text)."""
    kind = action["type"]
    if kind == "HTTP":
        from chalicelib.notifications.senders import webhook

        return webhook.send(action, delivery_id=delivery_id, payload=payload, now=now)
    if kind == "RECOMMENDERAPI":
        from chalicelib.notifications.senders import recommender

        return recommender.send(action, payload=payload)
    if kind == "EMAIL":
        from chalicelib.notifications.senders import email

        return email.send(action, trigger=trigger, payload=payload)
    return Outcome.failed(f"unknown action type {kind!r}")


def not_configured(action: dict) -> str | None:
    """Why `action` is a no-op in this environment (checked when the dispatcher expands an event)."""
    kind = action["type"]
    if kind == "HTTP":
        from chalicelib.notifications.senders import webhook

        return webhook.not_configured(action)
    if kind == "RECOMMENDERAPI":
        from chalicelib.notifications.senders import recommender

        return recommender.not_configured()
    if kind == "EMAIL":
        from chalicelib.notifications.senders import email

        return email.not_configured()
    return None
