"""JSON Schemas (draft 2020-12) of what the notifications routes answer, by name: a route names one with
`response="Name"`; the API docs put them under `components/schemas`. Derived from what the code returns
(checked on every HTTP test's response by tests/openapi_check.py); extra keys are always allowed. Imported
only when the document is built."""

from __future__ import annotations

from chalicelib.core.http.openapi import BOOLEAN, INTEGER, NUMBER, STRING, array, map_of, nullable, obj

# One action of the config (config.ALLOWED_KEYS): every type has a `method`; only HTTP actions have a `url` and
# `headers` (EMAIL and RECOMMENDERAPI actions name a template or a recommender call instead).
ACTION = obj(
    type=STRING,
    method=STRING,
    optional={"url": STRING, "headers": map_of(STRING), "secret_env": STRING, "delay_seconds": INTEGER},
)

# A delivery as the list shows it (routes.render); its detail adds the attempt log and the payload. Before the
# first attempt, or when the target did not answer (connection refused, timeout), there is no status code.
SUMMARY = dict(
    id=STRING,
    event_id=STRING,
    trigger=STRING,
    action_index=INTEGER,
    action=ACTION,
    status=STRING,
    attempts=INTEGER,
    created_at=nullable(STRING),
    last_attempt_at=nullable(STRING),
    next_attempt_at=nullable(STRING),
    last_status_code=nullable(INTEGER),
    last_error=nullable(STRING),
    test=BOOLEAN,
)
# store.log_entry: the status code, duration and response excerpt only when the target answered.
ATTEMPT = obj(attempt=INTEGER, at=STRING, outcome=STRING,
              optional={"status_code": INTEGER, "duration_ms": NUMBER, "response": STRING, "error": STRING})

SCHEMAS = {
    "Delivery": obj(**SUMMARY, attempt_log=array(ATTEMPT),
                    payload={"description": "The event's payload as it was sent (any JSON value)"}),
    "DeliveryPage": obj(results=array(obj(**SUMMARY)), next_cursor=nullable(STRING)),
    "NotificationConfig": obj(
        path=STRING,
        triggers=array(STRING),
        actions=map_of(
            array(ACTION)
        ),
    ),
}
