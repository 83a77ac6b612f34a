"""A JSON Schema (draft 2020-12) of the payload of every event, generated from its type (registry.py),
served with the API docs (`/api/events/schemas.json`, and as the OpenAPI document's `webhooks`). The
payload is what an HTTP action receives as its JSON body and what a RECOMMENDERAPI action sends to the
recommender."""

from __future__ import annotations

import copy
import functools

import chalicelib.events  # noqa: F401 - every domain module registered
from chalicelib.core.event_names import TRIGGERS
from chalicelib.events.registry import TYPES
from chalicelib.events.shape import json_schema

DIALECT = "https://json-schema.org/draft/2020-12/schema"
ID_PREFIX = "urn:ecoseller:notification-payload:"


@functools.lru_cache(maxsize=1)
def _all() -> dict[str, dict]:
    missing = TRIGGERS - set(TYPES)
    if missing:  # a trigger added without a payload type is a bug of this package
        raise RuntimeError(f"no payload type for {', '.join(sorted(missing))}")
    # A payload type's own description (a list of shopper events, the recommender's config) says more
    # than the trigger's.
    return {trigger: {"$schema": DIALECT, "$id": f"{ID_PREFIX}{trigger}", "title": f"{trigger} payload",
                      "description": entry.what, **json_schema(entry.payload, fixed=entry.fixed)}
            for trigger, entry in sorted(TYPES.items()) if trigger in TRIGGERS}


def schema_for(trigger: str) -> dict | None:
    """The schema of one trigger's payload (a copy), or None for an unknown trigger."""
    found = _all().get(trigger)
    return copy.deepcopy(found) if found is not None else None


def all_schemas() -> dict[str, dict]:
    """`{trigger: schema}` for every trigger (a copy)."""
    return copy.deepcopy(_all())


_STRING = {"type": "string"}
_SIGNATURE_HEADERS = [
    {"name": "webhook-id", "in": "header", "required": False, "schema": _STRING,
     "description": "the delivery id (the same on every retry): deduplicate on it"},
    {"name": "webhook-timestamp", "in": "header", "required": False, "schema": _STRING,
     "description": "seconds since the epoch, when the attempt was signed"},
    {"name": "webhook-signature", "in": "header", "required": False, "schema": _STRING,
     "description": "`v1,<base64 HMAC-SHA256 of id.timestamp.body>` (Standard Webhooks), one per secret in "
                    "force, space-separated; sent when the action has a signing secret"},
]


def webhooks() -> dict:
    """The OpenAPI 3.1 `webhooks` object: one POST per trigger with its payload schema as the body (the
    HTTP method is the action's; the shipped config uses POST)."""
    result = {}
    for trigger, schema in all_schemas().items():
        body = {k: v for k, v in schema.items() if k not in ("$schema", "$id")}
        result[trigger] = {"post": {
            "summary": f"{trigger}: {schema['description']}",
            "description": "Sent by an HTTP action of this trigger (config/notifications.json). Answer 2xx; "
                           "network errors, 408, 429 and 5xx are retried for hours, other answers are not.",
            "tags": ["notifications"],
            "parameters": copy.deepcopy(_SIGNATURE_HEADERS),
            "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
            "responses": {"2XX": {"description": "received"}},
        }}
    return result
