"""The RECOMMENDERAPI action: `POST {RS_URL}/store_object` with one object, or `/store_objects` with a
list (contract sections 6 and 8). A logged no-op while `RS_URL` is empty or `RS_ENABLED` is false.

Fixes one documented mismatch on the way: the recommender reads a product's type as `type_id`, the
original payload calls it `type`; both are sent.
"""

from __future__ import annotations

import json
import os

from chalicelib.core.http.jsonutil import dumps
from chalicelib.core.settings import env_bool
from chalicelib.notifications.senders import Outcome, http_client


def base_url() -> str:
    return os.environ.get("RS_URL", "").strip().rstrip("/")


def not_configured() -> str | None:
    if not env_bool("RS_ENABLED", True):
        return "recommender disabled (RS_ENABLED is false)"
    if not base_url():
        return "recommender not configured (RS_URL is empty)"
    return None


def _adapt(obj):
    if isinstance(obj, dict) and obj.get("_model_class") == "Product" and "type" in obj and "type_id" not in obj:
        return {**obj, "type_id": obj["type"]}
    return obj


def send(action: dict, *, payload: str) -> Outcome:
    reason = not_configured()
    if reason:
        return Outcome.skipped(reason)
    data = json.loads(payload)
    method = action["method"]
    if method == "store_objects":
        data = [_adapt(o) for o in (data if isinstance(data, list) else [data])]
    else:
        data = _adapt(data)
    return http_client.request("POST", f"{base_url()}/{method}", dumps(data).encode("utf-8"),
                               {"Content-Type": "application/json"})
