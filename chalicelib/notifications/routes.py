"""Dashboard routes of the delivery log (not in the original; the dashboard may adopt them):

* `GET  /notifications/dashboard/config`: the actions per trigger (header values masked).
* `GET  /notifications/dashboard/deliveries?status=&trigger=&limit=&cursor=`: one page of the log,
  `{"results": [...], "next_cursor": "..."|null}` (keyset pages: the log is a DynamoDB index, not
  a counted list). Without `status` or `trigger` it lists the FAILED deliveries.
* `GET  /notifications/dashboard/deliveries/{delivery_id}`: one delivery with its attempts.
* `POST /notifications/dashboard/deliveries/{delivery_id}/redeliver`: try a finished delivery again
  (a fresh retry budget); 202 with the delivery.
* `POST /notifications/dashboard/test` `{trigger, action, payload?}`: send a test event to one action of
  a trigger now (once, no retries); 200 with the delivery as recorded.

Reads need a staff user, writes `notification_change_permission`.
"""

from __future__ import annotations

import json

from chalicelib.core.auth.access import STAFF, permission
from chalicelib.core.http.errors import ApiError, NotFound, ValidationError
from chalicelib.core.http.routing import Req, Routes, json_response
from chalicelib.core.http.validation import Field, FieldError, Integer, Schema, String
from chalicelib.notifications import clock, config, keys, store
from chalicelib.notifications.triggers import TRIGGERS

routes = Routes(__name__, tag="notifications")

CHANGE_PERMISSION = "notification_change_permission"
WRITE = permission(CHANGE_PERMISSION)
MAX_PAGE = 100
DEFAULT_PAGE = 30


class AnyJson(Field):
    def convert(self, value):
        if not isinstance(value, (dict, list)):
            raise FieldError(["Must be a JSON object or list."])
        return value


TEST_EVENT = Schema("NotificationTest", trigger=String(), action=Integer(min_value=0, default=0),
                    payload=AnyJson(required=False, allow_null=True))
# The document names the triggers (the handler also takes them in lower case).
TEST_EVENT_DOCUMENT = TEST_EVENT.json_schema()
TEST_EVENT_DOCUMENT["properties"]["trigger"] = {"type": "string", "enum": sorted(TRIGGERS)}


def _mask(action: dict) -> dict:
    shown = dict(action)
    if "headers" in shown:
        shown["headers"] = {name: "***" for name in shown["headers"]}
    return shown


def render(item: dict, *, full: bool = False) -> dict:
    last = store.last_entry(item)
    result = {
        "id": item["delivery_id"],
        "event_id": item["event_id"],
        "trigger": item["trigger"],
        "action_index": int(item["action_index"]),
        "action": _mask(item["action"]),
        "status": item["status"],
        "attempts": int(item["attempts"]),
        "created_at": item.get("created_at"),
        "last_attempt_at": last.get("at") if last.get("attempt") else None,
        "next_attempt_at": clock.iso(store.due_of(item)) if item["status"] in ("SCHEDULED", "RETRYING") else None,
        "last_status_code": last.get("status_code"),
        "last_error": last.get("error"),
        "test": bool(item.get("test")),
    }
    if full:
        result["attempt_log"] = item.get("log") or []
        try:
            result["payload"] = json.loads(item.get("payload") or "null")
        except ValueError:
            result["payload"] = item.get("payload")
    return result


@routes.route("/notifications/dashboard/config", ["GET"], access=STAFF,
              summary="The notification actions per trigger (header values masked).", response="NotificationConfig")
def get_config(req: Req):
    try:
        current = config.get_config()
    except config.ConfigError as error:
        raise ApiError({"error": str(error)}, 500) from None
    return {"path": str(config.current_path()), "triggers": sorted(TRIGGERS),
            "actions": {trigger: [_mask(a) for a in actions] for trigger, actions in current.items()}}


@routes.route("/notifications/dashboard/deliveries", ["GET"], access=STAFF,
              summary="The delivery log by status and/or trigger, one keyset page at a time.",
              response="DeliveryPage", errors=(400,))
def list_deliveries(req: Req):
    query = req.query
    status = (query.get("status") or "").strip().upper() or None
    trigger = (query.get("trigger") or "").strip().upper() or None
    if status and status not in keys.STATUSES:
        raise ValidationError.field("status", f"Must be one of {', '.join(keys.STATUSES)}.")
    if trigger and trigger not in TRIGGERS:
        raise ValidationError.field("trigger", "Unknown trigger.")
    raw_limit = (query.get("limit") or "").strip()
    limit = min(int(raw_limit), MAX_PAGE) if raw_limit.isdigit() and int(raw_limit) > 0 else DEFAULT_PAGE
    try:
        items, next_cursor = store.list_deliveries(status=status, trigger=trigger, limit=limit,
                                                   cursor=query.get("cursor"))
    except ValueError:
        raise ValidationError.field("cursor", "Invalid cursor.") from None
    return {"results": [render(item) for item in items], "next_cursor": next_cursor}


@routes.route("/notifications/dashboard/deliveries/{delivery_id}", ["GET"], access=STAFF,
              summary="One delivery with every attempt (status, HTTP code, duration, response excerpt).",
              response="Delivery")
def get_delivery(req: Req, delivery_id: str):
    item = store.get(delivery_id)
    if item is None:
        raise NotFound()
    return render(item, full=True)


@routes.route("/notifications/dashboard/deliveries/{delivery_id}/redeliver", ["POST"], access=WRITE,
              summary="Try a finished delivery again, with a fresh retry budget.",
              status=202, response="Delivery", errors=(409,))
def redeliver(req: Req, delivery_id: str):
    from chalicelib.notifications import flow  # the delivery machinery stays off the cold-start path

    try:
        item = flow.redeliver(delivery_id)
    except flow.NotAllowed as error:
        raise ApiError({"error": str(error)}, 409) from None
    if item is None:
        raise NotFound()
    return json_response(render(item, full=True), 202)


@routes.route("/notifications/dashboard/test", ["POST"], access=WRITE, body=TEST_EVENT, reads=TEST_EVENT_DOCUMENT,
              summary="Send a test event to one action of a trigger now (once, no retries).", response="Delivery")
def send_test(req: Req):
    trigger = req.data["trigger"].strip().upper()
    if trigger not in TRIGGERS:
        raise ValidationError.field("trigger", "Unknown trigger.")
    try:
        actions = config.actions_for(trigger)
    except config.ConfigError as error:
        raise ApiError({"error": str(error)}, 500) from None
    index = req.data["action"]
    if index >= len(actions):
        raise ValidationError.field("action", f"{trigger} has {len(actions)} action(s).")
    from chalicelib.notifications import flow

    item = flow.test_action(trigger, index, req.data.get("payload"))
    return render(item, full=True)
